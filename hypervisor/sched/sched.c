/*
 * sched.c - the fair-share CPU scheduler: overview, set-up, clock, kicks.
 *
 * Algorithm (docs/scheduler.md has the full account). The seed is Borrowed
 * Virtual Time (Duda & Cheriton, SOSP'99), applied to domains on an SMP
 * host, with reservations and caps riding on top:
 *
 *   - Fair share (vtime.c). Each domain has a virtual time that advances by
 *     CPU time / weight; among domains waiting for a pCPU the one with the
 *     least runs. A domain whose vCPUs all run cannot take more, so the
 *     others share the rest by weight: this is the water-filling of
 *     entitlement.c, with each vCPU limited to one pCPU. Within a domain,
 *     its vCPUs share equally (runq.c).
 *   - Latency (vcpu.c, runq.c, place.c, pick.c). A vCPU that wakes from a
 *     block while it and its domain are within their shares is warped: it
 *     is picked ahead of fair-share order, preempting the least deserving
 *     fair-share run, for up to SCHED_WARP_NS. All its time is still
 *     charged, so waking often buys latency, not share.
 *   - Reservations (reserve.c). A reserved-rate clock per domain; a domain
 *     behind it is served first (earliest-deadline-first on that clock).
 *     Its run time also counts in its vtime, so a reservation is a floor
 *     under the weighted share, not an addition to it.
 *   - Caps and burst credits (budget.c). Per-period budgets, released at
 *     their rate over the period (a token bucket) so that a capped domain's
 *     use is spread out, and leased to running vCPUs so that several pCPUs
 *     never overrun them; a domain out of budget is throttled until its
 *     budget is released again.
 *   - Work conservation: a pCPU idles only when no unthrottled vCPU is
 *     RUNNABLE; a vCPU that becomes RUNNABLE kicks an idle pCPU (place.c).
 *   - Tickless: a pCPU is given a deadline only when a decision is due:
 *     end of a slice while others wait, end of a lease, or (for one pCPU)
 *     a reservation or a throttled budget falling due. A lone vCPU runs
 *     with no timer at all; when something starts waiting, the pCPUs
 *     without a timer are kicked.
 *
 * Files: vtime.c (fair share), reserve.c (reservations), budget.c (caps,
 * burst credits), runq.c (queues), pick.c (decisions), place.c (kicks),
 * vcpu.c and domain.c (the interface's state changes), account.c
 * (accounting), entitlement.c (water-filling), rbtree.c (the tree).
 *
 * Invariants: a vCPU is RUNNING on at most one pCPU (s->pcpu[v->pcpu].curr
 * == v exactly when RUNNING); a RUNNABLE vCPU is in its domain's queues;
 * global tree membership follows sched_runq_update(); every run is charged
 * exactly once, for its real length, when it ends.
 *
 * Locking: one scheduler lock, held by the caller around every call; it
 * protects struct sched and every sched_dom, sched_vcpu and sched_pcpu.
 * Ordering: the caller sends the IPIs of sched_take_kicks() after dropping
 * the lock; a kicked pCPU that already decided in between just decides
 * again. Times may arrive slightly out of order from different pCPUs
 * (sched_clock()).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"
#include "rbtree.h"

int sched_init(struct sched *s, unsigned npcpus)
{
	if (npcpus == 0 || npcpus > SCHED_MAX_PCPUS)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->npcpus = npcpus;
	sched_rb_init(&s->weighted);
	sched_rb_init(&s->warped);
	sched_rb_init(&s->byweight);
	sched_rb_init(&s->throttled);
	sched_rb_init(&s->reserved);
	s->unthrottle_at = SCHED_TIME_NEVER;
	for (unsigned p = 0; p < SCHED_MAX_PCPUS; p++)
		s->pcpu[p].deadline = SCHED_TIME_NEVER;
	return 0;
}

/* The time to use for a call made at `now`: the latest seen, so that time
 * never goes backwards inside the scheduler. */
uint64_t sched_clock(struct sched *s, uint64_t now)
{
	if (now > s->now)
		s->now = now;
	return s->now;
}

/* Asks pCPU p to call sched_pick() (its bit in the next kick mask). */
void sched_kick(struct sched *s, unsigned p)
{
	s->kicks |= 1ull << p;
	s->pcpu[p].kick_pending = true;
}

uint64_t sched_take_kicks(struct sched *s)
{
	uint64_t k = s->kicks;

	s->kicks = 0;
	return k;
}
