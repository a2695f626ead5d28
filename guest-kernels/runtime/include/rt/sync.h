/*
 * rt/sync.h - synchronisation between a domain's vCPUs.
 *
 * A domain may have more vCPUs than the host gives it CPUs, so every spin
 * loop calls rt_relax(): a PAUSE each time and a MUXV_HC_YIELD now and then,
 * letting the vCPU being waited for run instead of burning the time slice.
 */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stdint.h>

/* One step of a spin loop; *spins counts the steps (start it at 0). */
void rt_relax(unsigned int *spins);

struct rt_spinlock {
	volatile uint32_t locked;
};

#define RT_SPINLOCK_INIT { 0 }

void rt_spin_lock(struct rt_spinlock *l);
void rt_spin_unlock(struct rt_spinlock *l);

/*
 * A reusable barrier for n vCPUs: each caller of rt_barrier_wait() waits
 * until n callers have arrived, then all go on, and the barrier is ready
 * for its next use. Zero-initialised is ready. Interrupts stay as they are.
 */
struct rt_barrier {
	volatile uint32_t arrived;
	volatile uint32_t generation;
};

void rt_barrier_wait(struct rt_barrier *b, unsigned int n);

/* Waits for every vCPU of the domain (one barrier shared by all). */
void rt_barrier_all(void);

#endif
