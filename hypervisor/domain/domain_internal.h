/*
 * domain_internal.h - what domain.c shares with domain_stop.c and nothing
 * else: the lock over the domain table and the domains' states, and the
 * teardown that ends a stop.
 */
#ifndef HV_DOMAIN_INTERNAL_H
#define HV_DOMAIN_INTERNAL_H

#include "hv/domain.h"
#include "hv/spinlock.h"

/* Protects the domain table and each domain's state, stopping, dying,
 * action, reason and counters (see hv/domain.h for the lock order). */
extern struct spinlock domain_lock;

/*
 * Destroys d: waits until no pCPU is still leaving one of its vCPUs,
 * removes dom0's mappings of its pages, takes it out of the table, frees
 * everything it holds and posts MUXV_EV_DESTROYED. Needs every vCPU parked
 * (or never run) and the life-cycle lock held; never called from inside
 * one of d's vCPUs.
 */
void domain_teardown(struct domain *d);

#endif
