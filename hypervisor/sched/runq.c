/*
 * runq.c - the run queues: which domains and vCPUs wait for a pCPU, in
 * which order.
 *
 * Two levels, all intrusive red-black trees (rbtree.c), so that every
 * insertion, removal and re-keying costs O(log n) and the best candidate is
 * found in O(1):
 *   - per domain, its RUNNABLE vCPUs (not RUNNING ones) by least vvt (CPU
 *     time received), so that siblings share the domain's CPU equally:
 *     d->warpq holds the warped ones, served first, d->runq the others; a
 *     vCPU (re)queued is placed at most SCHED_LAG_NS behind the best, so
 *     sleeping banks no credit;
 *   - globally, a domain with RUNNABLE vCPUs that is not throttled is in
 *     s->weighted (by vtime), in s->warped too if one of them is warped and
 *     the domain is still within its share (sched_vt_may_warp, re-checked
 *     at every charge, so that many vCPUs waking at once cannot take more
 *     than the share either), and in s->reserved too if it has a
 *     reservation its running vCPUs do not cover (by rkey);
 *   - a domain with RUNNABLE or RUNNING vCPUs, not throttled, is in
 *     s->byweight (by weight: the least weight competing sets the step of
 *     svt, see vtime.c; the count and weight sum of these domains scale
 *     fair-share run lengths, see pick.c).
 * A balanced tree rather than a heap because a domain's key changes at
 * every run of its vCPUs and it must then be moved, which a tree does
 * in O(log n) without an index; a tree also gives the first element in
 * O(1) (cached) for the decision.
 *
 * Invariant: d's nodes are linked exactly as sched_runq_update() computes
 * from d's state, with keys as they were when linked; every change of a
 * key or of membership goes through sched_runq_update().
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

static bool runq_vcpu_less(const struct sched_rb_node *a,
			   const struct sched_rb_node *b)
{
	const struct sched_vcpu *x = container_of(a, struct sched_vcpu, node);
	const struct sched_vcpu *y = container_of(b, struct sched_vcpu, node);

	if (x->vvt != y->vvt)
		return x->vvt < y->vvt;
	return x->id < y->id;
}

/* The queue of d that v (RUNNABLE) is, or goes, in. */
static struct sched_rb_tree *runq_of(struct sched_dom *d, const struct sched_vcpu *v)
{
	return v->warp_left != 0 ? &d->warpq : &d->runq;
}

static bool runq_vt_less(const struct sched_dom *x, const struct sched_dom *y)
{
	if (x->vtime != y->vtime)
		return sched_vt_before(x->vtime, y->vtime);
	return x->id < y->id;
}

static bool runq_weighted_less(const struct sched_rb_node *a,
			       const struct sched_rb_node *b)
{
	return runq_vt_less(container_of(a, struct sched_dom, wnode),
			    container_of(b, struct sched_dom, wnode));
}

static bool runq_warped_less(const struct sched_rb_node *a,
			     const struct sched_rb_node *b)
{
	return runq_vt_less(container_of(a, struct sched_dom, xnode),
			    container_of(b, struct sched_dom, xnode));
}

static bool runq_byweight_less(const struct sched_rb_node *a,
			       const struct sched_rb_node *b)
{
	const struct sched_dom *x = container_of(a, struct sched_dom, mnode);
	const struct sched_dom *y = container_of(b, struct sched_dom, mnode);

	if (x->params.weight != y->params.weight)
		return x->params.weight < y->params.weight;
	return x->id < y->id;
}

static bool runq_reserved_less(const struct sched_rb_node *a,
			       const struct sched_rb_node *b)
{
	const struct sched_dom *x = container_of(a, struct sched_dom, rnode);
	const struct sched_dom *y = container_of(b, struct sched_dom, rnode);

	if (x->rkey != y->rkey)
		return sched_vt_before(x->rkey, y->rkey);
	return x->id < y->id;
}

/* Queues v (already RUNNABLE) in its domain; the caller then calls
 * sched_runq_update() for the domain. */
void sched_runq_push(struct sched_vcpu *v)
{
	struct sched_dom *d = v->dom;
	uint64_t floor = d->vmin > SCHED_LAG_NS ? d->vmin - SCHED_LAG_NS : 0;

	if (v->vvt < floor)
		v->vvt = floor;
	sched_rb_insert(runq_of(d, v), &v->node, runq_vcpu_less);
	if (v->warp_left != 0)
		d->nr_warped++;
}

/* Takes v out of its domain's queue; the caller then calls
 * sched_runq_update() for the domain. */
void sched_runq_pull(struct sched_vcpu *v)
{
	struct sched_dom *d = v->dom;

	sched_rb_erase(runq_of(d, v), &v->node);
	if (v->warp_left != 0)
		d->nr_warped--;
}

/* Links node n into t if `want`, at its current key, after unlinking it. */
static void runq_relink(struct sched_rb_tree *t, struct sched_rb_node *n,
			bool want, sched_rb_less_fn less)
{
	if (sched_rb_linked(n))
		sched_rb_erase(t, n);
	if (want)
		sched_rb_insert(t, n, less);
}

/* Keeps d in s->byweight, and in the count and weight sum of competing
 * domains, exactly while `active`. */
static void runq_set_active(struct sched *s, struct sched_dom *d, bool active)
{
	if (sched_rb_linked(&d->mnode)) {
		sched_rb_erase(&s->byweight, &d->mnode);
		s->active_doms--;
		s->active_weight -= d->active_weight;
	}
	if (active) {
		sched_rb_insert(&s->byweight, &d->mnode, runq_byweight_less);
		d->active_weight = d->params.weight;
		s->active_doms++;
		s->active_weight += d->active_weight;
	}
}

/*
 * Brings d's membership of the global trees and its keys up to date with
 * its state (RUNNABLE vCPUs, warped ones, throttling, vtime, rv). A domain
 * entering s->weighted gets its vtime bounded around svt first.
 */
void sched_runq_update(struct sched *s, struct sched_dom *d)
{
	bool want = d->nr[SCHED_RUNNABLE] != 0 && !d->throttled;

	if (want && !sched_rb_linked(&d->wnode))
		sched_vt_enter(s, d);
	runq_relink(&s->weighted, &d->wnode, want, runq_weighted_less);
	runq_set_active(s, d, d->nr[SCHED_RUNNABLE] + d->nr[SCHED_RUNNING] != 0 &&
			      !d->throttled);
	runq_relink(&s->warped, &d->xnode,
		    want && d->nr_warped != 0 && sched_vt_may_warp(s, d),
		    runq_warped_less);
	if (want && sched_res_wants(d))
		d->rkey = sched_res_key(d);
	runq_relink(&s->reserved, &d->rnode, want && sched_res_wants(d),
		    runq_reserved_less);
}

/* Least weight of a domain in s->byweight, or 0 if it is empty. */
uint32_t sched_runq_min_weight(const struct sched *s)
{
	struct sched_rb_node *n = sched_rb_first(&s->byweight);

	return n ? container_of(n, struct sched_dom, mnode)->params.weight : 0;
}

/* d's best RUNNABLE vCPU: its first warped one, else its least vvt; or
 * NULL. */
struct sched_vcpu *sched_runq_best(const struct sched_dom *d)
{
	struct sched_rb_node *n = sched_rb_first(&d->warpq);

	if (n == NULL)
		n = sched_rb_first(&d->runq);
	return n ? container_of(n, struct sched_vcpu, node) : NULL;
}

/* The least vvt of d's RUNNABLE vCPUs; `none` if it has none. */
uint64_t sched_runq_min_vvt(const struct sched_dom *d, uint64_t none)
{
	struct sched_rb_node *w = sched_rb_first(&d->warpq);
	struct sched_rb_node *n = sched_rb_first(&d->runq);
	uint64_t min = none;

	if (w != NULL)
		min = MIN(min, container_of(w, struct sched_vcpu, node)->vvt);
	if (n != NULL)
		min = MIN(min, container_of(n, struct sched_vcpu, node)->vvt);
	return min;
}

/* First domain of global tree t, which is the tree `which`. */
struct sched_dom *sched_runq_first(const struct sched_rb_tree *t, int which)
{
	struct sched_rb_node *n = sched_rb_first(t);

	if (n == NULL)
		return NULL;
	if (which == SCHED_TREE_WEIGHTED)
		return container_of(n, struct sched_dom, wnode);
	if (which == SCHED_TREE_WARPED)
		return container_of(n, struct sched_dom, xnode);
	return container_of(n, struct sched_dom, rnode);
}
