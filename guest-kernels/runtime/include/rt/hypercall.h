/*
 * rt/hypercall.h - VMMCALL wrappers for the Muxvisor hypercall ABI
 * (<muxvisor/hypercall.h>): number in RAX, arguments in RBX, RCX, RDX,
 * RSI, result in RAX (>= 0 success, < 0 a negated errno); every other
 * register is preserved, so only RAX is an output.
 */
#ifndef RT_HYPERCALL_H
#define RT_HYPERCALL_H

#include <stdint.h>
#include <stddef.h>
#include <muxvisor/hypercall.h>

/* The raw call, for tests that issue arbitrary numbers and arguments. */
static inline int64_t rt_hypercall(uint64_t nr, uint64_t a1, uint64_t a2,
				   uint64_t a3, uint64_t a4)
{
	int64_t ret;
	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
			 : "memory");
	return ret;
}

static inline int64_t rt_hc_version(void)
{
	return rt_hypercall(MUXV_HC_VERSION, 0, 0, 0, 0);
}

/* buf is guest-physical = virtual (the runtime maps RAM 1:1). */
static inline int64_t rt_hc_console_write(const void *buf, size_t len)
{
	return rt_hypercall(MUXV_HC_CONSOLE_WRITE, (uintptr_t)buf, len, 0, 0);
}

static inline int64_t rt_hc_yield(void)
{
	return rt_hypercall(MUXV_HC_YIELD, 0, 0, 0, 0);
}

static inline int64_t rt_hc_time_ns(void)
{
	return rt_hypercall(MUXV_HC_TIME_NS, 0, 0, 0, 0);
}

static inline int64_t rt_hc_report_counter(const char *name, uint64_t value)
{
	return rt_hypercall(MUXV_HC_REPORT_COUNTER, (uintptr_t)name, value, 0, 0);
}

/* Returns only if the hypervisor refused (the value is its error). */
static inline int64_t rt_hc_shutdown(uint64_t code)
{
	return rt_hypercall(MUXV_HC_SHUTDOWN, code, 0, 0, 0);
}

static inline int64_t rt_hc_reboot(void)
{
	return rt_hypercall(MUXV_HC_REBOOT, 0, 0, 0, 0);
}

#endif
