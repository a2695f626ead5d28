/*
 * sync.c - spinlock and barrier (rt/sync.h).
 *
 * The barrier counts arrivals; the last to arrive resets the count and
 * then bumps the generation, which the others spin on. A waiter reads the
 * generation before it arrives, so a fast vCPU that re-enters the barrier
 * for its next use cannot be confused with the previous round: the count
 * is reset before the generation moves (release), and the waiters read the
 * generation with acquire.
 */
#include "rt/cpu.h"
#include "rt/hypercall.h"
#include "rt/sync.h"
#include "rt/x86.h"

/* How many PAUSEs between two yields: long enough not to turn every short
 * wait into an exit, short enough that a vCPU waiting on a descheduled
 * one gives its CPU away within a few microseconds. */
#define SPINS_PER_YIELD 1024

void rt_relax(unsigned int *spins)
{
	rt_pause();
	if (++*spins % SPINS_PER_YIELD == 0)
		rt_hc_yield();
}

void rt_spin_lock(struct rt_spinlock *l)
{
	unsigned int spins = 0;

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			rt_relax(&spins);
}

void rt_spin_unlock(struct rt_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

void rt_barrier_wait(struct rt_barrier *b, unsigned int n)
{
	uint32_t gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
	unsigned int spins = 0;

	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == n) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->generation, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen)
		rt_relax(&spins);
}

static struct rt_barrier all_cpus;

void rt_barrier_all(void)
{
	rt_barrier_wait(&all_cpus, rt_nr_cpus());
}
