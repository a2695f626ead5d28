/*
 * vcpu.h - a virtual CPU: its place in the scheduler, its halt and park
 * state, the timer that wakes it from a halt, and its architecture part.
 *
 * Locking: fields marked "sched" are protected by the scheduler lock
 * (schedule.c); "owner" fields belong to the pCPU running the vCPU (one at
 * a time, as the scheduler guarantees); "create" fields are set when the
 * vCPU is created and constant afterwards.
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdint.h>
#include <stdbool.h>
#include "hv/sched.h"
#include "x86/vcpu_arch.h"
#include "hv/dom_console.h"

struct domain;


/* "Wake this halted vCPU at deadline": an entry in one pCPU's timer heap
 * (schedule.c). Protected by that heap's lock. */
struct vcpu_wake_timer {
	uint64_t deadline;       /* 0: not queued */
	int cpu;                 /* heap it is queued in */
	unsigned index;          /* position in that heap */
};

struct vcpu {
	struct domain *dom;            /* create */
	unsigned id;                   /* create: index in the domain */
	struct sched_vcpu sched;       /* sched */
	bool halted;                   /* sched: blocked by HLT, waiting for
					* an interrupt */
	bool parked;                   /* sched: stopped with its domain */
	bool wait_sipi;                /* sched: after INIT (or at creation,
					* for a Linux AP): runs only after a
					* STARTUP IPI */
	int ctx_cpu;                   /* pCPU holding its register and FPU
					* state, -1 once saved: a pCPU about
					* to run it waits for -1 (schedule.c) */
	struct vcpu_wake_timer wake;   /* see above */
	struct arch_vcpu arch;         /* owner */
	struct dom_console_line console; /* owner: line being written */
};

/* Runs v on this pCPU until it halts, yields, its domain stops, or this
 * pCPU must reschedule. Interrupts off on entry and on return. Returns
 * true if v parked (its domain is stopping). */
bool vcpu_run(struct vcpu *v);

/* True if halted v should run again: an NMI, INIT/SIPI, or a deliverable
 * interrupt while the guest has interrupts enabled. */
bool vcpu_has_wakeup(struct vcpu *v);

/* Posts an interrupt to v's local APIC and makes sure v notices it:
 * wakes it from a halt, or kicks the pCPU running it. Any pCPU. */
void vcpu_post_interrupt(struct vcpu *v, uint8_t vector);
/* Makes v notice new pending state (any pCPU). */
void vcpu_kick(struct vcpu *v);

#endif
