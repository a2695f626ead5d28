/*
 * vtime.c - the fair share: weighted virtual time of domains (BVT).
 *
 * A domain's vtime grows by (CPU ns << 16) / weight for every nanosecond
 * any of its vCPUs runs, so domains that received CPU in proportion to
 * their weights have equal vtimes; the weighted class picks the domain with
 * the least. Runs are charged ahead: when a vCPU is picked for a run of
 * length L, L is added at once (and recorded in vt_ahead) and corrected to
 * the real length when the run ends, so that several pCPUs deciding at
 * nearly the same time see each other's choices.
 *
 * Bounds. svt, the fair-share clock, follows the vtime consumed by the
 * first domain waiting in s->weighted: it never goes backwards and
 * advances by at most one step g per decision (vt_granularity: one fair-share run of a
 * domain, the most the least waiting vtime moves when that domain runs).
 * The step limit matters when only domains far ahead (served on their
 * reservation) happen to wait while the others run: following them at once
 * would leave every other domain far behind the clock. A domain
 * (re)entering the tree is placed within
 *     [svt - 2g, svt + lead + g] after a sleep,
 *     [svt - 8g, svt + lead + g] otherwise
 * (lead = one slice per vCPU it may run at once plus one, in its own CPU
 * time; the lead bounds what it consumed, the floor its key with runs in
 * progress). So a domain that slept banks at most a couple of steps of
 * credit, one held below its share by its vCPU count or a cap (out of the
 * tree while its vCPUs all run, or throttled) a few more, so that it does
 * not lose its turn to the clock's jitter, and one that ran ahead on its
 * reservation is held back by at most its lead when the balance changes.
 * The lead bound is applied after every run too. The floor is the same
 * place in virtual time for every domain, whatever its weight, so that a
 * light domain does not jump ahead of a heavy one. vtimes are compared
 * modulo 2^64 (sched_vt_before), so they may wrap; the bounds keep those
 * of waiting domains within 2^50 of svt.
 *
 * Locking: caller holds the scheduler lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"

/* Runs longer than this (18 minutes) are charged as this long; the lead
 * bound caps the vtime of such a domain anyway. */
#define VT_MAX_CHARGE_NS (1ull << 40)

/* Whether virtual time a is before b, modulo 2^64. */
bool sched_vt_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* Virtual time for ns of CPU at weight w. */
uint64_t sched_vt_delta(uint64_t ns, uint32_t weight)
{
	if (ns > VT_MAX_CHARGE_NS)
		ns = VT_MAX_CHARGE_NS;
	return (ns << SCHED_VT_SHIFT) / weight;
}

/* Charges a run of ns ahead; returns the amount, to be passed to
 * sched_vt_settle() when the run ends. */
uint64_t sched_vt_charge_ahead(struct sched_dom *d, uint64_t ns)
{
	uint64_t dv = sched_vt_delta(ns, d->params.weight);

	d->vtime += dv;
	d->vt_ahead += dv;
	return dv;
}

/*
 * Granularity g: the largest step a waiting domain's vtime takes when it
 * runs, one fair-share run at its weight. Runs are a slice scaled by
 * weight against the mean weight competing, at least SCHED_MIN_SLICE_NS
 * (pick.c), so the step is at most a slice at the mean weight or a minimum
 * run at the least weight competing (d's own included).
 */
static uint64_t vt_granularity(const struct sched *s, const struct sched_dom *d)
{
	uint64_t wmin = sched_runq_min_weight(s), wmean = d->params.weight;

	if (wmin == 0 || wmin > d->params.weight)
		wmin = d->params.weight;
	if (s->active_doms != 0)
		wmean = MAX(1, s->active_weight / s->active_doms);
	return MAX(sched_vt_delta(SCHED_SLICE_NS, (uint32_t)wmean),
		   sched_vt_delta(SCHED_MIN_SLICE_NS, (uint32_t)wmin));
}

static uint64_t vt_lead(const struct sched *s, const struct sched_dom *d)
{
	uint64_t k = MIN(d->max_vcpus, s->npcpus);

	return sched_vt_delta((1 + k) * SCHED_SLICE_NS, d->params.weight) +
	       vt_granularity(s, d);
}

/*
 * Keeps d's consumed vtime (without what is charged ahead) at most lead
 * above svt and, if floor_steps != 0, its key (with what is charged ahead)
 * at most floor_steps steps g below svt. The floor is on the key so that a
 * domain whose vCPUs all run most of the time still comes first when one of
 * them stops, whatever its siblings' runs charged ahead.
 */
static void vt_clamp(const struct sched *s, struct sched_dom *d,
		     unsigned floor_steps)
{
	uint64_t consumed = d->vtime - d->vt_ahead;
	uint64_t hi = s->svt + vt_lead(s, d);
	uint64_t lo = s->svt - floor_steps * vt_granularity(s, d);

	if (sched_vt_before(hi, consumed))
		d->vtime = hi + d->vt_ahead;
	else if (floor_steps != 0 && sched_vt_before(d->vtime, lo))
		d->vtime = lo;
}

/*
 * A run charged `ahead` in advance ended after `ran` ns: replaces the
 * advance by the real charge (at d's current weight) and applies the lead
 * bound.
 */
void sched_vt_settle(struct sched *s, struct sched_dom *d, uint64_t ahead,
		     uint64_t ran)
{
	d->vtime -= ahead;
	d->vt_ahead -= ahead;
	d->vtime += sched_vt_delta(ran, d->params.weight);
	vt_clamp(s, d, 0);
}

/*
 * d (re)enters the weighted tree, or changed weight: both bounds, 2 steps
 * below svt after a sleep, 8 otherwise.
 */
void sched_vt_enter(struct sched *s, struct sched_dom *d)
{
	vt_clamp(s, d, d->slept ? 2 : 8);
	d->slept = false;
}

/*
 * svt follows what the first domain waiting has consumed (its vtime without
 * runs in progress, which are not service yet), never backwards, at most a
 * step per decision.
 */
void sched_vt_advance_svt(struct sched *s)
{
	struct sched_dom *d = sched_runq_first(&s->weighted, SCHED_TREE_WEIGHTED);
	uint64_t max, consumed;

	if (d == NULL)
		return;
	consumed = d->vtime - d->vt_ahead;
	if (!sched_vt_before(s->svt, consumed))
		return;
	max = s->svt + vt_granularity(s, d);
	s->svt = sched_vt_before(max, consumed) ? max : consumed;
}

/*
 * Whether d may warp a vCPU that wakes: only while d has not received more
 * than SCHED_WARP_ALLOW_NS of its own CPU time beyond the fair-share clock,
 * so waking often cannot buy more than the share.
 */
bool sched_vt_may_warp(const struct sched *s, const struct sched_dom *d)
{
	uint64_t consumed = d->vtime - d->vt_ahead;
	uint64_t allow = sched_vt_delta(SCHED_WARP_ALLOW_NS, d->params.weight);

	return !sched_vt_before(s->svt + allow, consumed);
}
