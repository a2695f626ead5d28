/*
 * schedule.h - running vCPUs on pCPUs: the hypervisor's side of the
 * scheduler (core/schedule.c), around the pure algorithm of hv/sched.h.
 *
 * Every pCPU runs schedule_loop(): ask the algorithm what to run, run that
 * vCPU until it halts, yields, its domain stops, or the pCPU's one-shot
 * timer or a kick says to decide again; idle (HLT) when there is nothing.
 *
 * Locking: sched_lock (schedule.c) protects the algorithm's state and the
 * "sched" fields of vCPUs; taken with interrupts off. Each pCPU's wake-timer
 * heap has its own lock, taken inside sched_lock when both are needed.
 */
#ifndef HV_SCHEDULE_H
#define HV_SCHEDULE_H

#include <stdint.h>
#include <stdbool.h>
#include "hv/sched.h"
#include "hv/spinlock.h"

struct vcpu;
struct sched_dom;

#define WAKE_HEAP_MAX 512

/* Per-pCPU state (embedded in the pCPU's per-CPU area). */
struct sched_cpu {
	volatile bool need_resched;      /* set by interrupts: decide again */
	uint64_t deadline;               /* this CPU: next decision, ns */
	struct vcpu *current;            /* this CPU: vCPU being run */
	struct spinlock wake_lock;       /* protects the heap below */
	struct vcpu *wake_heap[WAKE_HEAP_MAX];  /* halted vCPUs by deadline */
	unsigned wake_count;
	int index;                       /* the algorithm's pCPU number; -1:
					  * runs no vCPUs (set once, at init) */
};

/* Boot CPU, once all CPUs are up: numbers the online CPUs that run vCPUs
 * for the algorithm (every one, or all but the boot CPU when
 * keep_boot_cpu) and returns how many; stats_ms > 0 makes the boot CPU
 * print every domain's accounting that often (sched_stats= option). */
unsigned schedule_init(bool keep_boot_cpu, unsigned stats_ms);
/* The CPU (per-CPU area id) the algorithm numbers index. */
unsigned schedule_cpu_of(unsigned index);
/* Every pCPU, forever: runs vCPUs, or only takes interrupts on a CPU
 * that runs none. */
__attribute__((noreturn)) void schedule_loop(void);

/* The scheduler lock, for code that changes vCPU scheduling state. */
uint64_t sched_lock_irqsave(void);
void sched_unlock_irqrestore(uint64_t flags);
/* Sends the kicks the algorithm asked for (call after unlocking). */
void schedule_send_kicks(uint64_t mask);

/* Adds/removes a domain and its vCPUs to/from the algorithm. */
int schedule_add_domain(struct sched_dom *d, const struct sched_params *p,
			uint32_t vcpus);
int schedule_add_vcpu(struct sched_dom *d, struct vcpu *v);
void schedule_remove_vcpu(struct vcpu *v);
void schedule_remove_domain(struct sched_dom *d);
/* Current time for the algorithm. */
uint64_t schedule_now(void);

/* Programs this pCPU's one-shot timer for its next event; running is the
 * vCPU about to enter (NULL when idle). Interrupts off. */
void schedule_program_timer(struct vcpu *running);
/* The algorithm's state, for callers holding the scheduler lock. */
struct sched *schedule_state(void);

/* Wakes v (sched lock held): halted no more, runnable. */
void schedule_wake_locked(struct vcpu *v);
/* Arms/cancels the timer that wakes halted v at deadline (ns). */
void schedule_wake_at(struct vcpu *v, uint64_t deadline);
void schedule_wake_cancel(struct vcpu *v);

#endif
