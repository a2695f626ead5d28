/*
 * time.c - TSC-based time (rt/time.h). The TSC rate comes from boot_info;
 * guest_boot.h promises an invariant TSC.
 */
#include "rt/boot.h"
#include "rt/sync.h"
#include "rt/time.h"

uint64_t rt_muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t hi, lo, q, r;

	/* MUL gives the full 128-bit product in RDX:RAX; DIV divides it
	 * (the C library's 128-bit division helper does not exist here). */
	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b));
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(c));
	(void)r;
	return q;
}

uint64_t rt_tsc_hz(void)
{
	return rt_boot_info()->tsc_hz;
}

uint64_t rt_tsc_to_ns(uint64_t ticks)
{
	return rt_muldiv64(ticks, RT_NS_PER_S, rt_tsc_hz());
}

uint64_t rt_ns_to_tsc(uint64_t ns)
{
	return rt_muldiv64(ns, rt_tsc_hz(), RT_NS_PER_S);
}

uint64_t rt_now_ns(void)
{
	return rt_tsc_to_ns(rt_rdtsc());
}

void rt_delay_ns(uint64_t ns)
{
	uint64_t end = rt_rdtsc() + rt_ns_to_tsc(ns);
	unsigned int spins = 0;

	while (rt_rdtsc() < end)
		rt_relax(&spins);
}
