/*
 * budget.c - caps and burst credits: per-period budgets, released at their
 * rate.
 *
 * Time is cut into periods of SCHED_PERIOD_NS (P), aligned to multiples of
 * P. A domain with a cap or a burst baseline ("budgeted") may use at most
 *
 *     limit = min(cap * P / 100                if cap,
 *                 baseline * P / 100 + credit  if baseline,
 *                 min(vCPUs, pCPUs) * P)
 *
 * ns of CPU per period, all its vCPUs together. Burst credits settle at
 * the end of every period in which the domain used `used` ns:
 *
 *     credit = min(burst_max, credit + baseline * P / 100 - used)
 *
 * (never negative, since used <= limit): below the baseline the domain
 * earns the difference, above it pays the difference, and it can never go
 * above its cap. A period in which the domain did not run earns a full
 * baseline. The balance starts at 0.
 *
 * Pacing: the limit is not handed out at the start of the period but
 * released at its rate, like a token bucket of depth B = SCHED_CAP_BURST_NS:
 * by time t of the period, at most min(limit, B + limit * (t - start) / P)
 * may have been used. So a capped domain's use is spread over the period
 * instead of crowding out others at its start, and every period (hence
 * every window made of whole periods) uses at most its limit.
 *
 * Leases keep this exact across pCPUs without cross-pCPU timers: a vCPU of
 * a budgeted domain is picked with a lease no longer than the release
 * allows by the lease's end (counting its siblings' leases as used by then)
 * and ending no later than the end of the period; when the run ends the
 * lease is replaced by the time really used. A domain with vCPUs waiting
 * but less than SCHED_MIN_RUN_NS to lease (or than what is left of its
 * limit, if less) is throttled: out of the run queues, in s->throttled
 * keyed by the time its budget is released again, or earlier if a lease
 * comes back unused. Because a lease is fitted at its end, use may run
 * ahead of the release by up to a slice at the rate: any window of length
 * W sees at most cap * (W + 2 S) + B (docs/scheduler.md).
 *
 * Late runs. A pCPU may stop a run after its lease ended (its timer or
 * exit path late, as under emulation), past the period's end, even across
 * whole periods. Every run is charged for the time it really ran, in the
 * periods it ran in: a roll charges each run still out up to the new
 * period's start (however short its lease), and the run's settlement the
 * rest. What a period used above its limit is debt: it is carried into
 * the next period as used (and on, while it exceeds a period's limit),
 * so periods that use less pay it back and nothing forgives it; burst
 * credit is charged each ns once, in the period whose limit it fits. So
 * over any whole periods use <= their limits + the debt at their end, and
 * that debt is at most the lateness of the runs out when the budget ran
 * out: min(vCPUs, pCPUs) * L for lateness up to L.
 *
 * Periods roll lazily: a domain settles the periods that passed when it is
 * next touched, in O(1) however many passed (plus an O(pCPUs) scan for
 * runs still out, once per period of a domain that has running vCPUs).
 *
 * Locking: caller holds the scheduler lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"
#include "rbtree.h"

static uint64_t pct_of_period(uint32_t pct)
{
	return (uint64_t)pct * (SCHED_PERIOD_NS / 100);
}

bool sched_budgeted(const struct sched_dom *d)
{
	return d->params.cap != 0 || d->params.burst_baseline != 0;
}

static uint64_t budget_max_credit(const struct sched_dom *d)
{
	return (uint64_t)d->params.burst_max_ms * 1000000;
}

/* ns d may use in its current period, budgeted or not: at most what its
 * vCPUs could use on this host (below 2^36, so products with P fit). */
static uint64_t budget_limit(const struct sched *s, const struct sched_dom *d)
{
	uint64_t limit = (uint64_t)MIN(d->max_vcpus, s->npcpus) * SCHED_PERIOD_NS;

	if (d->params.cap != 0)
		limit = MIN(limit, pct_of_period(d->params.cap));
	if (d->params.burst_baseline != 0)
		limit = MIN(limit, pct_of_period(d->params.burst_baseline) + d->credit);
	return limit;
}

/* Budget released by time t of d's period: B + limit * elapsed / P. */
static uint64_t budget_released(const struct sched *s, const struct sched_dom *d,
				uint64_t t)
{
	uint64_t limit = budget_limit(s, d);
	uint64_t pstart = d->period * SCHED_PERIOD_NS;
	uint64_t elapsed = t > pstart ? MIN(t - pstart, SCHED_PERIOD_NS) : 0;

	return MIN(limit, SCHED_CAP_BURST_NS + limit * elapsed / SCHED_PERIOD_NS);
}

/* a * b, or UINT64_MAX if that does not fit. */
static uint64_t budget_mul_sat(uint64_t a, uint64_t b)
{
	return (b != 0 && a > UINT64_MAX / b) ? UINT64_MAX : a * b;
}

/* a + b, or UINT64_MAX if that does not fit. */
static uint64_t budget_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * The time d's runs still out at a roll ran in d's current period, which
 * ends at pend: they are running at now >= pend, so each ran from its
 * start (or the period's, if it was charged up to there by an earlier
 * roll) to pend, whatever its lease was (a run stopped late outlives its
 * lease). *out: how many there are. O(pCPUs), once per period of a
 * domain with running vCPUs.
 */
static uint64_t budget_runs_out(const struct sched *s, const struct sched_dom *d,
				uint64_t pend, uint64_t *out)
{
	uint64_t pstart = pend - SCHED_PERIOD_NS, sum = 0, n = 0;

	for (unsigned p = 0; p < s->npcpus && n < d->nr[SCHED_RUNNING]; p++) {
		const struct sched_pcpu *pc = &s->pcpu[p];

		if (pc->curr != NULL && pc->curr->dom == d) {
			sum += pend - MAX(pc->start, pstart);
			n++;
		}
	}
	*out = n;
	return sum;
}

/*
 * Settles n periods of d in which it used `use` ns in all (debt carried
 * in included), each of limit `limit`: burst credit is charged what was
 * used within the limits (the rule of the header; a period used less
 * earns the difference), and the rest is returned: the debt, which the
 * next period is charged first.
 */
static uint64_t budget_settle_periods(struct sched_dom *d, uint64_t n,
				      uint64_t use, uint64_t limit)
{
	uint64_t within = MIN(use, budget_mul_sat(n, limit));

	if (d->params.burst_baseline != 0) {
		uint64_t base = pct_of_period(d->params.burst_baseline);
		uint64_t c = budget_add_sat(d->credit, budget_mul_sat(n, base));

		c = c > within ? c - within : 0;
		d->credit = MIN(c, budget_max_credit(d));
	}
	return use - within;
}

/*
 * Settles the periods that ended before now's and moves d into now's:
 * its current period with what it used (runs still out counted to its
 * end), then the periods in between, in which only the runs still out
 * ran (all of each), in O(1) however many. What was used above the
 * limits is carried into now's period as used: excess is charged later,
 * never forgiven, and periods that use less pay it back.
 */
void sched_budget_roll(const struct sched *s, struct sched_dom *d, uint64_t now)
{
	uint64_t k = now / SCHED_PERIOD_NS, pend = (d->period + 1) * SCHED_PERIOD_NS;
	uint64_t skipped, out, debt;

	if (k <= d->period)
		return;
	skipped = k - d->period - 1;
	d->leased = 0;
	if (!sched_budgeted(d)) {
		d->used = 0;
		d->period = k;
		return;
	}
	debt = budget_settle_periods(d, 1, d->used + budget_runs_out(s, d, pend, &out),
				     budget_limit(s, d));
	if (skipped != 0)
		debt = budget_settle_periods(d, skipped, budget_add_sat(debt,
					     budget_mul_sat(out * SCHED_PERIOD_NS, skipped)),
					     budget_limit(s, d));
	d->used = debt;
	d->period = k;
}

/* What d has not used or leased of its whole period's limit. */
static uint64_t budget_left(const struct sched *s, const struct sched_dom *d)
{
	uint64_t limit = budget_limit(s, d), spent = d->used + d->leased;

	return limit > spent ? limit - spent : 0;
}

/* What d may lease at t: released and not yet used or leased. */
static uint64_t budget_avail(const struct sched *s, const struct sched_dom *d,
			     uint64_t t)
{
	uint64_t released = budget_released(s, d, t), spent = d->used + d->leased;

	return released > spent ? released - spent : 0;
}

/*
 * Longest lease of at most `max` ns starting at now that the release covers
 * by the lease's end, counting the leases out as used by then:
 * used + leased + L <= released(now + L). At a rate of a pCPU or more the
 * release outgrows any one lease, so either `max` fits or nothing does;
 * below, L <= avail * P / (P - limit).
 */
static uint64_t budget_fit(const struct sched *s, const struct sched_dom *d,
			   uint64_t now, uint64_t max)
{
	uint64_t limit = budget_limit(s, d), spent = d->used + d->leased;
	uint64_t end = max > SCHED_PERIOD_NS ? now + SCHED_PERIOD_NS : now + max;

	if (spent + max <= budget_released(s, d, end))
		return max;
	if (limit >= SCHED_PERIOD_NS)
		return 0;
	return MIN(max, budget_avail(s, d, now) * SCHED_PERIOD_NS /
			(SCHED_PERIOD_NS - limit));
}

/*
 * Longest lease d may start at now, of at most `want`: a slice, within what
 * is left of the period's limit and the period itself, cut to what the
 * release covers, then to `want`. Fitting the whole slice first keeps a
 * short lease as safe as a long one: all leases out end within a slice.
 */
static uint64_t budget_max_lease(const struct sched *s, const struct sched_dom *d,
				 uint64_t now, uint64_t want)
{
	uint64_t period_end = (d->period + 1) * SCHED_PERIOD_NS;
	uint64_t max = MIN(SCHED_SLICE_NS, MIN(budget_left(s, d), period_end - now));

	return MIN(want, budget_fit(s, d, now, max));
}

/*
 * Leases a run of up to `want` ns (SCHED_TIME_NEVER: unbounded) starting at
 * now on pc to d, which has rolled to now's period. Returns the run length
 * allowed: want itself if d is not budgeted, else at most what the budget
 * allows, at most a slice and at most to the end of the period.
 */
uint64_t sched_budget_lease(const struct sched *s, struct sched_dom *d,
			    struct sched_pcpu *pc, uint64_t want, uint64_t now)
{
	uint64_t len;

	pc->lease = 0;
	pc->lease_period = d->period;
	if (!sched_budgeted(d))
		return want;
	len = budget_max_lease(s, d, now, want);
	pc->lease = len;
	d->leased += len;
	return len;
}

/*
 * The run on pc (of a vCPU of d, started at pc->start) ends at now: its
 * lease is replaced by the time it really used, late or not. If it
 * outlived its period, the roll charges it up to the start of now's
 * period (and the periods it ran in), and the rest goes to now's.
 */
void sched_budget_settle(const struct sched *s, struct sched_dom *d,
			 struct sched_pcpu *pc, uint64_t now)
{
	sched_budget_roll(s, d, now);
	if (pc->lease_period == d->period)
		d->leased -= pc->lease;
	d->used += now - MAX(pc->start, d->period * SCHED_PERIOD_NS);
	pc->lease = 0;
}

/* Whether the longest lease d could start at now is too short to be worth
 * a run. */
static bool budget_short(const struct sched *s, const struct sched_dom *d,
			 uint64_t now)
{
	uint64_t need = MIN(SCHED_MIN_RUN_NS, budget_left(s, d));

	return need == 0 || budget_max_lease(s, d, now, SCHED_TIME_NEVER) < need;
}

/*
 * When d, short of budget at now, will have enough again: when the release
 * covers what it used and leased plus a minimum run (then a lease of that
 * fits at any rate), or the next period. If the release covers that already,
 * d is short because its period ends within a minimum run: the next period.
 */
static uint64_t budget_release_time(const struct sched *s, const struct sched_dom *d,
				    uint64_t now)
{
	uint64_t pstart = d->period * SCHED_PERIOD_NS, pend = pstart + SCHED_PERIOD_NS;
	uint64_t limit = budget_limit(s, d), left = budget_left(s, d);
	uint64_t target = d->used + d->leased + MIN(SCHED_MIN_RUN_NS, left), t;

	if (left == 0 || limit == 0 || target <= SCHED_CAP_BURST_NS)
		return pend;
	t = pstart + ((target - SCHED_CAP_BURST_NS) * SCHED_PERIOD_NS + limit - 1) / limit;
	return t > now ? MIN(t, pend) : pend;
}

static bool budget_less(const struct sched_rb_node *a, const struct sched_rb_node *b)
{
	const struct sched_dom *x = container_of(a, struct sched_dom, tnode);
	const struct sched_dom *y = container_of(b, struct sched_dom, tnode);

	if (x->thr_until != y->thr_until)
		return x->thr_until < y->thr_until;
	return x->id < y->id;
}

static void budget_set_unthrottle_at(struct sched *s)
{
	struct sched_rb_node *n = sched_rb_first(&s->throttled);

	s->unthrottle_at = n ? container_of(n, struct sched_dom, tnode)->thr_until :
			       SCHED_TIME_NEVER;
}

/*
 * Throttles d if it has vCPUs waiting but is short of budget at now (until
 * its budget is released, making sure some pCPU decides then), or lifts the
 * throttle if not, queueing and placing d's waiting vCPUs.
 * The caller updates d's run queue membership (sched_runq_update) after
 * any other change it made.
 */
void sched_budget_check(struct sched *s, struct sched_dom *d, uint64_t now)
{
	bool out, was = d->throttled;

	sched_budget_roll(s, d, now);
	out = sched_budgeted(d) && d->nr[SCHED_RUNNABLE] != 0 && budget_short(s, d, now);
	if (was)
		sched_rb_erase(&s->throttled, &d->tnode);
	d->throttled = out;
	if (out) {
		d->thr_until = budget_release_time(s, d, now);
		sched_rb_insert(&s->throttled, &d->tnode, budget_less);
	}
	budget_set_unthrottle_at(s);
	if (out)
		sched_need_decision(s, d->thr_until);
	if (was && !out) {
		sched_runq_update(s, d);
		sched_place_dom(s, d, now);
	}
}

/* Gives the throttled domains whose budget is released by now their budget
 * back (sched_budget_check), in order of release. */
void sched_budget_due(struct sched *s, uint64_t now)
{
	struct sched_rb_node *n;

	while ((n = sched_rb_first(&s->throttled)) != NULL) {
		struct sched_dom *d = container_of(n, struct sched_dom, tnode);

		if (d->thr_until > now)
			break;
		sched_budget_check(s, d, now);
	}
}
