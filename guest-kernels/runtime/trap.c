/*
 * trap.c - dispatch of every interrupt and exception (rt/trap.h).
 */
#include "rt/apic.h"
#include "rt/fault.h"
#include "rt/result.h"
#include "rt/test.h"
#include "rt/trap.h"
#include "rt/x86.h"

/* Written by the tests before they enable the interrupt in question. */
static rt_irq_fn volatile handlers[256];

void rt_irq_register(unsigned int vector, rt_irq_fn fn)
{
	if (vector < RT_NR_EXCEPTIONS || vector >= RT_VEC_SPURIOUS)
		rt_abort(test_desc.name, "cannot register a handler for vector %u",
			 vector);
	handlers[vector] = fn;
}

void rt_trap(struct rt_frame *f)
{
	unsigned int v = (unsigned int)f->vector;
	rt_irq_fn fn;

	if (v < RT_NR_EXCEPTIONS) {
		if (!rt_fault_fixup(f))
			rt_exception_report(f);
		return;
	}
	if (v == RT_VEC_SPURIOUS)
		return;          /* no EOI for the spurious vector (SDM 11.9) */
	fn = handlers[v];
	if (!fn)
		rt_abort(test_desc.name, "interrupt vector 0x%x with no handler "
			 "(rip 0x%lx)", v, f->rip);
	fn(v);
	rt_apic_eoi();
}
