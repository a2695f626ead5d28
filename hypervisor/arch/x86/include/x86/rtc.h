/* rtc.h - the time of day, from the host's CMOS real-time clock. */
#ifndef X86_RTC_H
#define X86_RTC_H

#include <stdint.h>

/* Reads the RTC once at boot (boot CPU; needs the clock running). */
void rtc_init(void);
/* Nanoseconds since 1970-01-01 UTC at hypervisor-clock time ns. */
uint64_t rtc_epoch_ns_at(uint64_t ns);
/* Days since 1970-01-01 of a civil date (pure, host-tested). */
int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
