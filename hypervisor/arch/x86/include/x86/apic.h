/*
 * apic.h - the local APIC of each CPU (AMD APM vol. 2, 16 "Advanced
 * Programmable Interrupt Controller"): xAPIC through MMIO, or x2APIC
 * through MSRs where CPUID offers it.
 */
#ifndef X86_APIC_H
#define X86_APIC_H

#include <stdint.h>
#include <stdbool.h>

struct acpi_info;

/* Boot CPU, once: picks the mode and maps the xAPIC registers. */
int lapic_init_global(const struct acpi_info *acpi);
/* Every CPU: enables its APIC, masks the legacy lines, sets vectors. */
void lapic_init_cpu(void);
bool lapic_ready(void);
bool lapic_x2apic_mode(void);

uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_nmi_all_but_self(void);
/* INIT, then two STARTUP IPIs at vector page (trampoline_pa >> 12). */
void lapic_start_ap(uint32_t apic_id, uint32_t trampoline_pa);
/* INIT alone: the CPU stops whatever it runs and waits for a STARTUP IPI. */
void lapic_send_init(uint32_t apic_id);

/* Measures the APIC timer's rate against the TSC (needs time_ready()). */
void lapic_timer_calibrate(void);
uint64_t lapic_timer_hz(void);
/* Fires VECTOR_TIMER once after ns nanoseconds (0 = stop). */
void lapic_timer_oneshot(uint64_t ns);

#endif
