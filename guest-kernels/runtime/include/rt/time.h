/*
 * rt/time.h - guest time: the TSC (invariant, at boot_info.tsc_hz) and
 * the hypervisor's clock (MUXV_HC_TIME_NS, rt/hypercall.h).
 */
#ifndef RT_TIME_H
#define RT_TIME_H

#include <stdint.h>
#include "rt/x86.h"

#define RT_NS_PER_S   ((uint64_t)1000000000)
#define RT_NS_PER_MS  ((uint64_t)1000000)
#define RT_NS_PER_US  ((uint64_t)1000)

/* a * b / c without overflow of the intermediate product; the quotient
 * must fit in 64 bits and c must not be 0. */
uint64_t rt_muldiv64(uint64_t a, uint64_t b, uint64_t c);

uint64_t rt_tsc_hz(void);
uint64_t rt_tsc_to_ns(uint64_t ticks);
uint64_t rt_ns_to_tsc(uint64_t ns);

/* Nanoseconds of guest time from the TSC (its origin is the TSC's). */
uint64_t rt_now_ns(void);

/* Busy-waits for ns nanoseconds of TSC time. */
void rt_delay_ns(uint64_t ns);

#endif
