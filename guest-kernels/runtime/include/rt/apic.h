/*
 * rt/apic.h - the local APIC in x2APIC mode, through its MSRs
 * (SDM vol. 3, 11.12; APM vol. 2, 16.11): EOI, IPIs, the timer.
 *
 * Timer modes (LVT timer bits 18:17): one-shot and periodic count the
 * initial count down at the APIC timer rate (divide-by-1 here, a rate the
 * hypervisor chooses: measure it against the TSC); TSC-deadline fires when
 * the TSC reaches IA32_TSC_DEADLINE, if CPUID.1:ECX[24] offers it.
 */
#ifndef RT_APIC_H
#define RT_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Enables x2APIC mode if needed and the APIC (SVR, spurious vector 0xff),
 * timer masked. Every vCPU, at start-up. 0, or -1 if x2APIC is missing. */
int rt_apic_init(void);

uint32_t rt_apic_id(void);
void rt_apic_eoi(void);

/* A fixed-delivery, edge, physical-destination IPI of vector to the vCPU
 * whose x2APIC ID is dest (the vCPU index: guest_boot.h). */
void rt_apic_send_ipi(uint32_t dest, uint8_t vector);
/* An IPI of vector to the calling vCPU through the SELF IPI register. */
void rt_apic_self_ipi(uint8_t vector);

bool rt_apic_has_tsc_deadline(void);

/* Puts the timer in TSC-deadline mode with vector (disarmed). */
void rt_apic_timer_deadline_mode(uint8_t vector);
/* Arms the TSC-deadline timer at TSC value tsc; 0 disarms it. */
void rt_apic_set_deadline(uint64_t tsc);

/* Starts the timer counting count ticks (divide by 1), in one-shot or
 * periodic mode, interrupting with vector. */
void rt_apic_timer_oneshot(uint8_t vector, uint32_t count);
void rt_apic_timer_periodic(uint8_t vector, uint32_t count);
/* Masks the timer and clears its count. */
void rt_apic_timer_stop(void);
/* The current count register (one-shot and periodic modes). */
uint32_t rt_apic_timer_current(void);

#endif
