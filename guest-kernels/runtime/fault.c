/*
 * fault.c - the exception fixup behind rt_expect_fault() (rt/fault.h).
 * catch.S saves where to come back to; when the armed vCPU takes an
 * exception, rt_fault_fixup() records it and makes the IRETQ land in
 * rt_catch_resume, which unwinds to rt_expect_fault().
 */
#include <stddef.h>
#include "rt/cpu.h"
#include "rt/fault.h"
#include "rt/result.h"
#include "rt/test.h"
#include "rt/x86.h"

/* catch.S's save area: the order and offsets are fixed there. */
struct rt_catch {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
_Static_assert(offsetof(struct rt_catch, rsp) == 48, "catch.S layout");
_Static_assert(offsetof(struct rt_catch, rip) == 56, "catch.S layout");

struct catcher {
	struct rt_catch regs;
	struct rt_fault fault;
	volatile bool armed;
};

int rt_catch_call(void (*fn)(void *), void *arg, struct rt_catch *c);
extern const char rt_catch_resume[];

static struct catcher catchers[RT_MAX_CPUS];

bool rt_expect_fault(void (*fn)(void *arg), void *arg, struct rt_fault *fault)
{
	struct catcher *c = &catchers[rt_cpu_index()];
	int faulted;

	if (c->armed)
		rt_abort(test_desc.name, "rt_expect_fault() called inside itself");
	c->armed = true;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	faulted = rt_catch_call(fn, arg, &c->regs);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->armed = false;
	if (!faulted)
		c->fault = (struct rt_fault){ .vector = RT_FAULT_NONE };
	if (fault)
		*fault = c->fault;
	return faulted;
}

bool rt_fault_fixup(struct rt_frame *f)
{
	struct catcher *c = &catchers[rt_cpu_index()];

	if (!c->armed || f->vector == RT_VEC_NMI)
		return false;
	c->armed = false;
	c->fault = (struct rt_fault){
		.vector = (unsigned int)f->vector,
		.error_code = f->error_code,
		.rip = f->rip,
		.cr2 = f->vector == RT_VEC_PF ? rt_read_cr2() : 0,
	};
	f->rip = (uintptr_t)rt_catch_resume;
	f->rdi = (uintptr_t)&c->regs;
	return true;
}
