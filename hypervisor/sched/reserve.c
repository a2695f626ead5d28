/*
 * reserve.c - reservations: the reserved-rate clock.
 *
 * A domain with reservation r (percent of one pCPU) keeps rv, a clock in
 * nanoseconds of real time that advances by ran * 100 / r for every ns its
 * vCPUs run (in any class): rv is the time by which a server of rate r/100
 * would have delivered what the domain received. rv < now means the domain
 * is behind its reservation.
 *
 * The reserved class, above every other, serves domains that are behind.
 * A domain is a candidate (in s->reserved) while it has RUNNABLE vCPUs and
 * fewer of its vCPUs run than its reservation needs at once
 * (running * 100 < r), whatever class they run in; it is eligible once
 * serving it keeps rv at most A = SCHED_RES_AHEAD_NS ahead of real time:
 *   r >= 100: eligible while rv <= now + A, for a run of a slice S;
 *   r <  100: its one vCPU may run L while rv + L*100/r <= now + L + A,
 *             L = (now + A - rv) * r / (100 - r), and it is eligible once
 *             L reaches SCHED_MIN_RUN_NS.
 * s->reserved is ordered by rkey, the time the domain becomes eligible, so
 * the first candidate is the one most behind: earliest-deadline-first on the
 * fluid schedule, with concurrency bounded by the reservation itself.
 *
 * Bounds: when a run ends, rv is kept at least now - SCHED_RES_LAG_NS,
 * forgiving a deficit older than that, and, after a run not picked for the
 * reservation, at most now + A: time received above the reservation by
 * weight is the fair share's, not the reservation's, so it pre-pays the
 * reservation by A at most. Reserved runs of a domain of r > 100 may carry
 * rv up to a slice further (ceil(r/100) vCPUs serve a rate of r/100). A
 * domain that wakes with no vCPU runnable starts at rv = now: reservations
 * are owed only while the domain is runnable.
 *
 * Guarantee (docs/scheduler.md): a domain runnable throughout a window of
 * length W receives at least r/100 * (W - A - S) minus its deficit at the
 * end, which the class keeps small when reservations fit the host.
 *
 * Locking: caller holds the scheduler lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"

/* Longest run charged to rv exactly (the bounds cap rv anyway). */
#define RES_MAX_CHARGE_NS (1ull << 40)

/* Whether d is a candidate of the reserved class (given RUNNABLE vCPUs):
 * it has a reservation that its running vCPUs do not already cover. */
bool sched_res_wants(const struct sched_dom *d)
{
	return (uint64_t)d->nr[SCHED_RUNNING] * 100 < d->params.reservation;
}

/* d's key in s->reserved (see above); compared modulo 2^64. */
uint64_t sched_res_key(const struct sched_dom *d)
{
	uint64_t r = d->params.reservation;
	uint64_t key = d->rv - SCHED_RES_AHEAD_NS;

	if (r < 100)
		key += SCHED_MIN_RUN_NS * (100 - r) / r;
	return key;
}

/* Whether d (in s->reserved, so its rkey is current) may be served now. */
bool sched_res_eligible(const struct sched_dom *d, uint64_t now)
{
	return !sched_vt_before(now, d->rkey);
}

/* Length of the reserved run d may have now (d eligible). */
uint64_t sched_res_lease(const struct sched_dom *d, uint64_t now)
{
	uint64_t r = d->params.reservation;
	uint64_t room, len;

	if (r >= 100)
		return SCHED_SLICE_NS;
	room = now + SCHED_RES_AHEAD_NS - d->rv;
	len = room * r / (100 - r);
	return MAX(MIN(len, SCHED_SLICE_NS), SCHED_MIN_RUN_NS);
}

/*
 * A run of `ran` ns of one of d's vCPUs ended at now: charges it to rv and
 * applies the bounds, the upper one only after a run that was not picked
 * for the reservation (`reserved` false).
 */
void sched_res_settle(struct sched_dom *d, uint64_t ran, uint64_t now,
		      bool reserved)
{
	uint64_t hi = now + SCHED_RES_AHEAD_NS, lo;

	if (d->params.reservation == 0)
		return;
	d->rv += MIN(ran, RES_MAX_CHARGE_NS) * 100 / d->params.reservation;
	lo = now > SCHED_RES_LAG_NS ? now - SCHED_RES_LAG_NS : 0;
	if (!reserved && d->rv > hi)
		d->rv = hi;
	else if (d->rv < lo)
		d->rv = lo;
}

/* d had no runnable vCPU and gets one (or got a reservation): nothing is
 * owed for the past. */
void sched_res_wake(struct sched_dom *d, uint64_t now)
{
	if (d->params.reservation != 0 && d->rv < now)
		d->rv = now;
}

/* When the first waiting reserved domain becomes eligible, if later than
 * now; SCHED_TIME_NEVER if there is none or it already is. */
uint64_t sched_res_next_eligible(const struct sched *s, uint64_t now)
{
	struct sched_dom *d = sched_runq_first(&s->reserved, SCHED_TREE_RESERVED);

	if (d == NULL || sched_res_eligible(d, now))
		return SCHED_TIME_NEVER;
	return d->rkey;
}
