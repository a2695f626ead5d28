/*
 * rt/fault.h - running code that is expected to fault.
 *
 *   struct rt_fault f;
 *   if (rt_expect_fault(do_vmrun, NULL, &f) && f.vector == RT_VEC_UD) ...
 *
 * rt_expect_fault(fn, arg, &f) calls fn(arg). If an exception (vector
 * 0-31 but NMI) happens before fn returns, fn is abandoned where it
 * faulted and rt_expect_fault returns true with the vector, error code,
 * faulting RIP and (for #PF) CR2 in f. If fn returns, it returns false
 * and f.vector is RT_FAULT_NONE. Interrupts are delivered as usual
 * meanwhile. fn must not call rt_expect_fault itself (no nesting), and
 * what it left half-done when it faulted (a lock, say) stays half-done.
 */
#ifndef RT_FAULT_H
#define RT_FAULT_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/trap.h"

#define RT_FAULT_NONE 0xffffffffu

struct rt_fault {
	unsigned int vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cr2;
};

bool rt_expect_fault(void (*fn)(void *arg), void *arg, struct rt_fault *fault);

/* For rt_trap(): if the calling vCPU is inside rt_expect_fault(), records
 * the exception in f and redirects f to resume there; true if it did. */
bool rt_fault_fixup(struct rt_frame *f);

#endif
