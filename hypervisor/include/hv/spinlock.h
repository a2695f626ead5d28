/*
 * spinlock.h - ticket spinlocks.
 *
 * A ticket lock grants the lock in arrival order, so no CPU starves under
 * contention. The _irqsave variants also disable interrupts on this CPU:
 * use them for any lock an interrupt handler may take (the console, the
 * scheduler), or an interrupt arriving while the lock is held deadlocks.
 * Pure modules (allocator, scheduler algorithm, parsers) take no locks;
 * their callers do.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdint.h>
#include "x86/cpu.h"

struct spinlock {
	uint16_t next;    /* next ticket to hand out */
	uint16_t owner;   /* ticket now holding the lock */
} __attribute__((aligned(4)));  /* trylock reads both as one word */

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expect = ((uint32_t)owner << 16) | owner;
	uint32_t want = ((uint32_t)owner << 16) | (uint16_t)(owner + 1);

	/* next and owner are adjacent: compare both at once. */
	return __atomic_compare_exchange_n((uint32_t *)l, &expect, want, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
