/*
 * account.c - exact per-vCPU and per-domain time accounting.
 *
 * A vCPU is always in exactly one state (BLOCKED, RUNNABLE, RUNNING) and
 * remembers when it entered it; a transition adds the closed interval to
 * that state's total. So run + steal + blocked of a vCPU equals the time
 * since it was added, to the nanosecond, at every moment.
 *
 * A domain keeps the number of its vCPUs in each state and its sums up to
 * acct_at; between transitions the counts are constant, so advancing the
 * sums costs O(1) (count * elapsed per state) however many vCPUs it has,
 * and reading them at any `now` is exact too.
 *
 * Locking: caller holds the scheduler lock. Ordering: `now` never goes
 * backwards here (sched_clock() makes it monotonic).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/sched.h"
#include "internal.h"

static uint64_t *acct_bucket(struct sched_stats *st, enum sched_state state)
{
	if (state == SCHED_RUNNING)
		return &st->run_ns;
	if (state == SCHED_RUNNABLE)
		return &st->steal_ns;
	return &st->blocked_ns;
}

/* Brings d's sums up to now. */
static void acct_dom_advance(struct sched_dom *d, uint64_t now)
{
	uint64_t dt = now - d->acct_at;

	d->acct.blocked_ns += d->nr[SCHED_BLOCKED] * dt;
	d->acct.steal_ns += d->nr[SCHED_RUNNABLE] * dt;
	d->acct.run_ns += d->nr[SCHED_RUNNING] * dt;
	d->acct_at = now;
}

/* v joins d in state BLOCKED with zero totals. */
void sched_acct_start(struct sched_dom *d, struct sched_vcpu *v, uint64_t now)
{
	acct_dom_advance(d, now);
	v->state = SCHED_BLOCKED;
	v->since = now;
	v->acct.run_ns = v->acct.steal_ns = v->acct.blocked_ns = 0;
	d->nr[SCHED_BLOCKED]++;
}

/* v moves to state `to` at now. */
void sched_acct_set(struct sched_dom *d, struct sched_vcpu *v,
		    enum sched_state to, uint64_t now)
{
	acct_dom_advance(d, now);
	*acct_bucket(&v->acct, v->state) += now - v->since;
	d->nr[v->state]--;
	d->nr[to]++;
	v->state = to;
	v->since = now;
}

/* v leaves d: its time up to now stays in d's sums. */
void sched_acct_stop(struct sched_dom *d, struct sched_vcpu *v, uint64_t now)
{
	acct_dom_advance(d, now);
	*acct_bucket(&v->acct, v->state) += now - v->since;
	v->since = now;
	d->nr[v->state]--;
}

void sched_vcpu_stats(const struct sched_vcpu *v, uint64_t now,
		      struct sched_stats *out)
{
	*out = v->acct;
	if (now > v->since)
		*acct_bucket(out, v->state) += now - v->since;
}

void sched_dom_stats(const struct sched_dom *d, uint64_t now,
		     struct sched_stats *out)
{
	uint64_t dt = now > d->acct_at ? now - d->acct_at : 0;

	*out = d->acct;
	out->blocked_ns += d->nr[SCHED_BLOCKED] * dt;
	out->steal_ns += d->nr[SCHED_RUNNABLE] * dt;
	out->run_ns += d->nr[SCHED_RUNNING] * dt;
}
