/*
 * pick.c - the decision: what a pCPU runs next and until when.
 *
 * sched_pick(p, now) ends the run on p (charging it exactly: vCPU time,
 * domain vtime and reserved-rate clock, budget lease), requeues that vCPU
 * if it is still runnable, and picks by class:
 *   1. RESERVED: the first domain of s->reserved if it is eligible (behind
 *      its reserved rate); run length from reserve.c;
 *   2. WARP: the first domain of s->warped (least vtime among domains with
 *      a warped vCPU whose warp has not lapsed); run length the warp the
 *      vCPU has left (unbounded if nothing else waits);
 *   3. WEIGHTED: the first domain of s->weighted (least vtime); a slice
 *      scaled by its weight against the mean weight competing if anything
 *      else waits, otherwise unbounded;
 * and from that domain its best vCPU (runq.c). A reserved or warp pick
 * takes the pCPU of the least deserving fair-share run rather than this
 * one if this one would go to a more deserving domain (pick_displace).
 * The length is then cut to the domain's budget lease and period end
 * (budget.c), charged ahead to vtime, and the deadline is the end of the
 * run, or earlier if a throttled domain gets budget back or a waiting
 * reservation falls due and no other pCPU decides by then. An idle pCPU
 * needs a timer only for such events.
 *
 * Cost: a constant number of O(log n) tree operations per decision, plus
 * O(pCPUs) scans (at most 64) for displacement and deadlines.
 *
 * Locking: caller holds the scheduler lock. Ordering: the run on p is
 * charged before the new pick, so the ended run's vCPU competes with its
 * real, settled keys.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"
#include "rbtree.h"

/* Queues v behind its domain's other RUNNABLE vCPUs (a yield). */
static void pick_yield_order(struct sched_vcpu *v)
{
	struct sched_rb_node *last = sched_rb_last(&v->dom->runq);

	v->warp_left = 0;
	if (last != NULL) {
		struct sched_vcpu *l = container_of(last, struct sched_vcpu, node);

		v->vvt = MAX(v->vvt, l->vvt + 1);
	}
}

/*
 * Ends the run on pc at now: charges it to the vCPU and its domain and
 * moves the vCPU to state `to` (RUNNABLE: queued again; BLOCKED: not).
 * pc becomes idle. If the charge gave budget back to a throttled domain,
 * its vCPUs are placed (sched_budget_check).
 */
void sched_stop(struct sched *s, struct sched_pcpu *pc, enum sched_state to,
		uint64_t now)
{
	struct sched_vcpu *v = pc->curr;
	struct sched_dom *d = v->dom;
	uint64_t ran = now - pc->start;

	sched_budget_settle(s, d, pc, now);
	sched_vt_settle(s, d, pc->vt_ahead, ran);
	sched_res_settle(d, ran, now, pc->class == SCHED_CLASS_RESERVED);
	v->vvt += ran;
	v->warp_left = (to == SCHED_BLOCKED || v->warp_left <= ran) ? 0 :
		       v->warp_left - ran;
	sched_acct_set(d, v, to, now);
	v->pcpu = -1;
	pc->curr = NULL;
	pc->class = SCHED_CLASS_IDLE;
	pc->vt_ahead = 0;
	if (to == SCHED_RUNNABLE) {
		if (v->yielded)
			pick_yield_order(v);
		sched_runq_push(v);
	}
	v->yielded = false;
	sched_budget_check(s, d, now);
	sched_runq_update(s, d);
}

/*
 * The first domain of s->warped whose best vCPU's warp has not lapsed, or
 * NULL. A lapsed warp is dropped on the way (once per wake-up, so the cost
 * is O(log n) per wake-up): a vCPU left waiting that long gains nothing from
 * a boost, and keeping it would let a crowd of wake-ups take pCPUs from the
 * domains the fair share says should have them.
 */
static struct sched_dom *pick_warped(struct sched *s, uint64_t now)
{
	struct sched_dom *d;

	while ((d = sched_runq_first(&s->warped, SCHED_TREE_WARPED)) != NULL) {
		struct sched_vcpu *v = sched_runq_best(d);

		if (now <= v->warp_until)
			return d;
		sched_runq_pull(v);
		v->warp_left = 0;
		sched_runq_push(v);
		sched_runq_update(s, d);
	}
	return NULL;
}

/*
 * d, first of `class` (reserved or warp), wants a pCPU while w, the first
 * fair-share domain, is more deserving than the least deserving run of a
 * lower class on another pCPU (the victim): then w keeps this pCPU and the
 * victim's pCPU is kicked to take d. So a boosted domain displaces the run
 * the fair share values least, not whichever happens to end first, which
 * may be a domain held below its share by its vCPU count. If there is no
 * such victim, d takes this pCPU only if it should not wait: a reservation
 * that is behind (rv < now), or a warped domain not behind w in virtual
 * time; a reservation merely allowed to run ahead, or a warped domain that
 * already had more than w, waits for the next decision.
 * A pCPU kicked to take d does so (pc->displaced): displacement never
 * chains. Returns the domain this pCPU takes.
 */
static struct sched_dom *pick_displace(struct sched *s, struct sched_pcpu *pc,
				       struct sched_dom *d, enum sched_class class,
				       uint64_t now)
{
	struct sched_dom *w = sched_runq_first(&s->weighted, SCHED_TREE_WEIGHTED);
	int v;

	if (w == NULL || w == d || pc->displaced)
		return d;
	v = sched_place_victim(s, class, d);
	if (v >= 0 && sched_vt_before(w->vtime, sched_place_run_key(&s->pcpu[v]))) {
		sched_kick(s, (unsigned)v);
		s->pcpu[v].displaced = true;
		return w;
	}
	if (class == SCHED_CLASS_RESERVED)
		return d->rv < now ? d : w;
	return sched_vt_before(w->vtime, d->vtime) ? w : d;
}

/* The class and domain to pick from at now, or SCHED_CLASS_IDLE. */
static enum sched_class pick_choose(struct sched *s, struct sched_pcpu *pc,
				    uint64_t now, struct sched_dom **out)
{
	struct sched_dom *d;
	enum sched_class class = SCHED_CLASS_RESERVED;

	d = sched_runq_first(&s->reserved, SCHED_TREE_RESERVED);
	if (d == NULL || !sched_res_eligible(d, now)) {
		class = SCHED_CLASS_WARP;
		d = pick_warped(s, now);
	}
	if (d != NULL) {
		*out = pick_displace(s, pc, d, class, now);
		return *out == d ? class : SCHED_CLASS_WEIGHTED;
	}
	d = sched_runq_first(&s->weighted, SCHED_TREE_WEIGHTED);
	*out = d;
	return d != NULL ? SCHED_CLASS_WEIGHTED : SCHED_CLASS_IDLE;
}

/*
 * Length of a fair-share run of d if something else waits: a slice scaled
 * by d's weight against the mean weight of the domains competing,
 * S * w_d / mean, within [SCHED_MIN_SLICE_NS, S]. With equal weights every
 * run is a full slice; a light domain among heavy ones gets a short run,
 * so that one round of turns gives each domain its share rather than
 * rounding small shares up to a slice. Unbounded if nothing else waits.
 */
/* Whether a vCPU other than the one d just picked waits (d's tree
 * position is not updated yet). */
static bool pick_others_wait(const struct sched *s, const struct sched_dom *d)
{
	const struct sched_rb_node *n = sched_rb_first(&s->weighted);

	if (d->nr[SCHED_RUNNABLE] != 0)
		return true;
	if (n == &d->wnode)
		n = sched_rb_next(n);
	return n != NULL;
}

static uint64_t pick_weighted_length(const struct sched *s,
				     const struct sched_dom *d)
{
	uint64_t len;

	if (!pick_others_wait(s, d))
		return SCHED_TIME_NEVER;
	len = SCHED_SLICE_NS * d->params.weight * s->active_doms / s->active_weight;
	return MAX(MIN(len, SCHED_SLICE_NS), SCHED_MIN_SLICE_NS);
}

/* Run length the class gives v of d (v already out of the queues). */
static uint64_t pick_length(const struct sched *s, const struct sched_dom *d,
			    const struct sched_vcpu *v, enum sched_class class,
			    uint64_t now)
{
	if (class == SCHED_CLASS_RESERVED)
		return sched_res_lease(d, now);
	if (class == SCHED_CLASS_WARP && pick_others_wait(s, d))
		return MIN(SCHED_SLICE_NS, v->warp_left);
	return pick_weighted_length(s, d);
}

/*
 * The deadline of a run of `len` ns (SCHED_TIME_NEVER: unbounded) on pCPU
 * p at now, or of idling: the end of the run, or earlier the next event
 * that needs a decision (a throttled domain's budget released, a waiting
 * reservation falling due) if no other pCPU is due to decide by then. So
 * one pCPU, not all, wakes for such an event.
 */
static uint64_t pick_deadline(const struct sched *s, unsigned p, uint64_t len,
			      uint64_t now)
{
	uint64_t deadline = len == SCHED_TIME_NEVER ? SCHED_TIME_NEVER : now + len;
	uint64_t event = MIN(s->unthrottle_at, sched_res_next_eligible(s, now));

	if (event < deadline && !sched_decision_due_by(s, event, (int)p))
		deadline = event;
	return deadline;
}

/* Starts v (best of d) on pc in `class` at now; returns the deadline. */
static uint64_t pick_start(struct sched *s, struct sched_pcpu *pc, unsigned p,
			   struct sched_vcpu *v, enum sched_class class,
			   uint64_t now)
{
	struct sched_dom *d = v->dom;
	uint64_t len, ahead;

	sched_budget_roll(s, d, now);
	sched_runq_pull(v);
	d->vmin = MAX(d->vmin, v->vvt);
	sched_acct_set(d, v, SCHED_RUNNING, now);
	v->pcpu = (int16_t)p;
	v->last_pcpu = (int16_t)p;
	len = pick_length(s, d, v, class, now);
	len = sched_budget_lease(s, d, pc, len, now);
	ahead = len == SCHED_TIME_NEVER ? 0 : len;
	pc->curr = v;
	pc->start = now;
	pc->class = (uint8_t)class;
	pc->vt_ahead = sched_vt_charge_ahead(d, ahead);
	sched_budget_check(s, d, now);
	sched_runq_update(s, d);
	return pick_deadline(s, p, len, now);
}

struct sched_vcpu *sched_pick(struct sched *s, unsigned p, uint64_t now,
			      uint64_t *deadline)
{
	struct sched_pcpu *pc = &s->pcpu[p];
	struct sched_dom *d = NULL;
	enum sched_class class;

	now = sched_clock(s, now);
	pc->kick_pending = true; /* deciding: not a target for placement */
	s->kicks &= ~(1ull << p);
	sched_budget_due(s, now);
	if (pc->curr != NULL)
		sched_stop(s, pc, SCHED_RUNNABLE, now);
	sched_vt_advance_svt(s);
	class = pick_choose(s, pc, now, &d);
	pc->displaced = false;
	if (class == SCHED_CLASS_IDLE)
		pc->deadline = pick_deadline(s, p, SCHED_TIME_NEVER, now);
	else
		pc->deadline = pick_start(s, pc, p, sched_runq_best(d), class, now);
	pc->kick_pending = false;
	s->kicks &= ~(1ull << p);
	*deadline = pc->deadline;
	return pc->curr;
}
