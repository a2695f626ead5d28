/*
 * tsc.c - the hypervisor clock (hv/time.h): TSC ticks converted to
 * nanoseconds since boot.
 *
 * The TSC frequency is measured once, on the boot CPU, against the ACPI
 * PM timer (3.579545 MHz, port from the FADT) or, without one, PIT channel
 * 2 (1.193182 MHz). Three 10 ms measurements, the median kept, so one
 * interrupted or descheduled measurement (QEMU runs on a loaded host)
 * does not skew the clock. The TSC is assumed invariant and synchronised
 * across CPUs, as on every CPU with SVM we target.
 */
#include "hv/time.h"
#include "hv/acpi.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "x86/cpu.h"
#include "x86/io.h"
#include "x86/tsc.h"

#define PM_TIMER_HZ 3579545ull
#define PIT_HZ      1193182ull
#define MEASURE_MS  10

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint64_t ns_per_tsc_q32;   /* nanoseconds per tick, 32.32 fixed point */

static uint64_t measure_pm_timer(uint16_t port, bool wide)
{
	uint32_t mask = wide ? 0xffffffffu : 0xffffffu;
	uint32_t target = (uint32_t)(PM_TIMER_HZ * MEASURE_MS / 1000);
	uint32_t start = inl(port) & mask, now;

	while ((now = inl(port) & mask) == start)
		;                           /* align to a tick edge */
	start = now;
	uint64_t t0 = rdtsc();
	uint32_t delta;
	do {
		delta = ((inl(port) & mask) - start) & mask;
	} while (delta < target);
	uint64_t t1 = rdtsc();
	return (t1 - t0) * PM_TIMER_HZ / delta;
}

static uint64_t measure_pit(void)
{
	uint16_t latch = (uint16_t)(PIT_HZ * MEASURE_MS / 1000);

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(0x43, 0xb0);                          /* ch2, lo/hi, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))                /* OUT2 goes high at 0 */
		;
	uint64_t t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / latch;
}

void tsc_calibrate(const struct acpi_info *acpi)
{
	uint64_t m[3];
	const char *ref = acpi->pm_timer_port ? "ACPI PM timer" : "PIT";

	for (int i = 0; i < 3; i++)
		m[i] = acpi->pm_timer_port
			? measure_pm_timer((uint16_t)acpi->pm_timer_port, acpi->pm_timer_32bit)
			: measure_pit();
	/* median of three */
	uint64_t a = m[0], b = m[1], c = m[2];
	tsc_hz = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
	if (tsc_hz < 1000000)
		panic("TSC frequency %lu Hz is implausible", tsc_hz);
	ns_per_tsc_q32 = (uint64_t)((1000000000ull << 32) / tsc_hz);
	tsc_at_boot = rdtsc();
	log_info("TSC: %lu.%03lu MHz (against the %s)", tsc_hz / 1000000,
		 (tsc_hz / 1000) % 1000, ref);
}

bool time_ready(void)
{
	return tsc_hz != 0;
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t time_tsc_to_ns(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * ns_per_tsc_q32) >> 32);
}

uint64_t time_ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * tsc_hz / 1000000000u);
}

uint64_t time_ns_at_tsc(uint64_t host_tsc)
{
	if (host_tsc <= tsc_at_boot)
		return 1;
	return time_tsc_to_ns(host_tsc - tsc_at_boot);
}

uint64_t time_tsc_at_ns(uint64_t ns)
{
	return tsc_at_boot + time_ns_to_tsc(ns);
}

uint64_t time_now_ns(void)
{
	return time_tsc_to_ns(rdtsc() - tsc_at_boot);
}

void time_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + time_ns_to_tsc(us * 1000);

	while (rdtsc() < end)
		cpu_relax();
}
