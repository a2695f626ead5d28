/*
 * debug_fault.c - the `debug_fault=` option: raises a chosen exception in
 * the hypervisor on purpose, so tests can check the panic report (vector,
 * registers, stack trace, every CPU stopped, no reboot).
 */
#include "hv/cmdline.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "x86/smp.h"
#include "x86/debug_fault.h"

static enum debug_fault pending;
static volatile unsigned overflow_limit = ~0u;   /* never reached */

/* Recursion deep enough to run off the 32 KiB stack into its guard page
 * (the limit only hides the intent from the compiler). */
static __attribute__((noinline)) unsigned overflow_stack(unsigned depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (depth == overflow_limit)
		return 0;
	return overflow_stack(depth + 1) + frame[0];
}

static void raise_pending(void)
{
	log_info("debug_fault: raising '%s' now", debug_fault_name(pending));
	switch (pending) {
	case DEBUG_FAULT_UD:
		__asm__ volatile("ud2");
		break;
	case DEBUG_FAULT_PF:
		/* Inside the MMIO window but never mapped. */
		(void)*(volatile uint64_t *)0xffffc0003ff00000ull;
		break;
	case DEBUG_FAULT_GP:
		(void)*(volatile uint64_t *)0x8000000000000000ull;
		break;
	case DEBUG_FAULT_DE: {
		uint64_t zero = 0, a = 1, d = 0;
		__asm__ volatile("divq %2" : "+a"(a), "+d"(d) : "r"(zero));
		break;
	}
	case DEBUG_FAULT_BUG:
		BUG_ON(pending == DEBUG_FAULT_BUG);
		break;
	case DEBUG_FAULT_STACK:
		overflow_stack(0);
		break;
	case DEBUG_FAULT_NONE:
		break;
	}
	log_err("debug_fault: the exception did not happen");
}

void debug_fault_raise(enum debug_fault kind, unsigned cpu)
{
	if (kind == DEBUG_FAULT_NONE)
		return;
	pending = kind;
	if (cpu == 0) {
		raise_pending();
		return;
	}
	if (smp_call(cpu, raise_pending))
		log_err("debug_fault: cpu%u is not online", cpu);
}
