/*
 * time.h - the hypervisor's clock: nanoseconds since boot, from the TSC
 * (whose frequency is measured once at boot against the ACPI PM timer or
 * the PIT), and each CPU's one-shot timer.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <stdint.h>
#include <stdbool.h>

bool time_ready(void);
uint64_t time_now_ns(void);
uint64_t time_tsc_hz(void);
uint64_t time_tsc_to_ns(uint64_t tsc);
uint64_t time_ns_to_tsc(uint64_t ns);
/* The hypervisor-clock time (ns) at which the TSC reads host_tsc; 1 for a
 * value before boot (already past, but not "none"). */
uint64_t time_ns_at_tsc(uint64_t host_tsc);
/* The TSC value at hypervisor-clock time ns. */
uint64_t time_tsc_at_ns(uint64_t ns);
/* Busy-waits (for boot-time hardware delays only). */
void time_delay_us(uint64_t us);

/*
 * Per-CPU one-shot timer: fires once, at or after deadline_ns, on the CPU
 * that armed it, by calling the handler set with timer_set_handler() (with
 * interrupts off). Arming again replaces the previous deadline. There is
 * no periodic tick.
 */
void timer_init(void);          /* boot CPU, once: hooks the interrupt */
void timer_arm(uint64_t deadline_ns);
void timer_cancel(void);
void timer_set_handler(void (*fn)(void));

#endif
