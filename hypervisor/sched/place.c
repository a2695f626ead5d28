/*
 * place.c - which pCPU should pick a vCPU that just became RUNNABLE (woke,
 * or its domain got budget back): the kick hint.
 *
 * In order:
 *   1. an idle pCPU, preferably the one the vCPU last ran on (its caches);
 *   2. if the vCPU would be picked in the reserved or the warp class, the
 *      pCPU running the least deserving vCPU of a lower class (lowest class,
 *      then largest domain vtime) is preempted;
 *   3. otherwise (or if every such run is its own domain's) it waits for
 *      the next decision. pCPUs that found nobody waiting were given no
 *      timer at all: they are all kicked, so that each takes a slice again
 *      (fair sharing needs every pCPU to come back, not just one); and if
 *      still no pCPU has a decision due within a slice (or before the
 *      domain's reservation falls due), one is kicked to re-arm.
 * A pCPU already kicked (kick_pending) is not counted twice: it will pick
 * one vCPU only. The scan over pCPUs is O(number of pCPUs), at most 64,
 * independent of the number of vCPUs.
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

/* The class v would be picked in at now. */
static enum sched_class place_class(const struct sched_vcpu *v, uint64_t now)
{
	const struct sched_dom *d = v->dom;

	if (sched_rb_linked(&d->rnode) && sched_res_eligible(d, now))
		return SCHED_CLASS_RESERVED;
	if (v->warp_left != 0)
		return SCHED_CLASS_WARP;
	return SCHED_CLASS_WEIGHTED;
}

static bool place_is_idle(const struct sched *s, int p)
{
	const struct sched_pcpu *pc = &s->pcpu[p];

	return pc->curr == NULL && !pc->kick_pending;
}

/* An idle pCPU not yet kicked, v's last one first; -1 if none. */
static int place_idle(const struct sched *s, const struct sched_vcpu *v)
{
	if (v->last_pcpu >= 0 && (unsigned)v->last_pcpu < s->npcpus &&
	    place_is_idle(s, v->last_pcpu))
		return v->last_pcpu;
	for (unsigned p = 0; p < s->npcpus; p++)
		if (place_is_idle(s, (int)p))
			return (int)p;
	return -1;
}

/* The key of the run on pc: its domain's vtime without this run's own
 * charge in advance (what the domain had when it was picked, plus its
 * other runs). */
uint64_t sched_place_run_key(const struct sched_pcpu *pc)
{
	return pc->curr->dom->vtime - pc->vt_ahead;
}

/* Whether the run on a deserves its pCPU less than the run on b. */
static bool place_worse(const struct sched_pcpu *a, const struct sched_pcpu *b)
{
	if (a->class != b->class)
		return a->class < b->class;
	return sched_vt_before(sched_place_run_key(b), sched_place_run_key(a));
}

/* The running pCPU, not yet kicked, with the least deserving run of a
 * class below `below` and of a domain other than `except`; -1 if none. A
 * domain is never preempted for its own sibling: that would not change
 * what it receives, and could bounce between its pCPUs. */
int sched_place_victim(const struct sched *s, enum sched_class below,
		       const struct sched_dom *except)
{
	int best = -1;

	for (unsigned p = 0; p < s->npcpus; p++) {
		const struct sched_pcpu *pc = &s->pcpu[p];

		if (pc->curr == NULL || pc->kick_pending || pc->class >= below ||
		    pc->curr->dom == except)
			continue;
		if (best < 0 || place_worse(pc, &s->pcpu[best]))
			best = (int)p;
	}
	return best;
}

/* Whether some pCPU other than `except` (-1: none) will call sched_pick()
 * by `when`. */
bool sched_decision_due_by(const struct sched *s, uint64_t when, int except)
{
	for (unsigned p = 0; p < s->npcpus; p++) {
		const struct sched_pcpu *pc = &s->pcpu[p];

		if ((int)p == except)
			continue;
		if (pc->kick_pending || pc->deadline <= when)
			return true;
	}
	return false;
}

/* Makes sure some pCPU calls sched_pick() by `when`: if none has a
 * deadline by then, kicks one (idle if any, else the least deserving run)
 * so that it re-arms its timer. */
void sched_need_decision(struct sched *s, uint64_t when)
{
	int p;

	if (sched_decision_due_by(s, when, -1))
		return;
	for (p = 0; p < (int)s->npcpus; p++)
		if (place_is_idle(s, p))
			break;
	if (p == (int)s->npcpus)
		p = sched_place_victim(s, SCHED_CLASS_RESERVED + 1, NULL);
	if (p >= 0)
		sched_kick(s, (unsigned)p);
}

/*
 * Kicks every pCPU running without a timer: it was given an unbounded run
 * because nothing else waited, and now something does, so each of them must
 * share again (their next run is a slice). This happens once per change
 * from an uncontended to a contended host, not per wake-up.
 */
static void place_rearm_unbounded(struct sched *s)
{
	for (unsigned p = 0; p < s->npcpus; p++) {
		const struct sched_pcpu *pc = &s->pcpu[p];

		if (pc->curr != NULL && !pc->kick_pending &&
		    pc->deadline == SCHED_TIME_NEVER)
			sched_kick(s, p);
	}
}

/* Adds to s->kicks the pCPU (if any) that should pick v, RUNNABLE and
 * queued, now. */
void sched_place(struct sched *s, struct sched_vcpu *v, uint64_t now)
{
	const struct sched_dom *d = v->dom;
	enum sched_class class;
	uint64_t when;
	int p;

	if (d->throttled || v->state != SCHED_RUNNABLE)
		return;
	p = place_idle(s, v);
	if (p >= 0) {
		sched_kick(s, (unsigned)p);
		return;
	}
	class = place_class(v, now);
	if (class != SCHED_CLASS_WEIGHTED) {
		p = sched_place_victim(s, class, d);
		if (p >= 0) {
			sched_kick(s, (unsigned)p);
			return;
		}
	}
	place_rearm_unbounded(s);
	when = now + SCHED_SLICE_NS;
	if (sched_rb_linked(&d->rnode))
		when = MIN(when, d->rkey);
	sched_need_decision(s, when);
}

/* Places d's RUNNABLE vCPUs, warped ones first, at most one per pCPU: d
 * got budget back or new parameters. */
void sched_place_dom(struct sched *s, struct sched_dom *d, uint64_t now)
{
	struct sched_rb_node *n = sched_rb_first(&d->warpq);
	bool warped = true;

	for (unsigned i = 0; i < s->npcpus; i++) {
		if (n == NULL && warped) {
			n = sched_rb_first(&d->runq);
			warped = false;
		}
		if (n == NULL)
			return;
		sched_place(s, container_of(n, struct sched_vcpu, node), now);
		n = sched_rb_next(n);
	}
}
