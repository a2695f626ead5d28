/*
 * vcpu.c - vCPUs: adding, removing, and the state changes the guest causes
 * (wake, block, yield).
 *
 *   BLOCKED --wake--> RUNNABLE --pick--> RUNNING --pick (slice end)--> RUNNABLE
 *      ^                  |                 |
 *      +------block-------+------block------+
 *
 * A wake-up is warped (SCHED_WARP_NS of latency boost, lapsing if the vCPU
 * is not picked within SCHED_WARP_WINDOW_NS) only if the domain is within
 * its share (sched_vt_may_warp) and the vCPU within its share of the
 * domain's (at most SCHED_WARP_ALLOW_NS of CPU ahead of its siblings), so
 * that neither domains nor siblings can buy more than their share by waking
 * often; a domain with no vCPU runnable
 * before this one restarts its reserved-rate clock at now. The new RUNNABLE
 * vCPU is placed (place.c), which may kick a pCPU.
 *
 * Locking: caller holds the scheduler lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "hv/lib.h"
#include "hv/sched.h"
#include "internal.h"

int sched_vcpu_add(struct sched *s, struct sched_dom *d, struct sched_vcpu *v,
		   uint64_t now)
{
	now = sched_clock(s, now);
	if (d->nr_vcpus >= d->max_vcpus)
		return -ENOSPC;
	memset(v, 0, sizeof(*v));
	v->dom = d;
	v->id = s->next_id++;
	v->pcpu = -1;
	v->last_pcpu = -1;
	v->vvt = d->vmin;
	sched_acct_start(d, v, now);
	d->nr_vcpus++;
	return 0;
}

int sched_vcpu_remove(struct sched *s, struct sched_vcpu *v, uint64_t now)
{
	struct sched_dom *d = v->dom;

	now = sched_clock(s, now);
	if (v->state == SCHED_RUNNING)
		return -EBUSY;
	if (v->state == SCHED_RUNNABLE)
		sched_runq_pull(v);
	sched_acct_stop(d, v, now);
	sched_runq_update(s, d);
	d->nr_vcpus--;
	v->dom = NULL;
	return 0;
}

void sched_vcpu_wake(struct sched *s, struct sched_vcpu *v, uint64_t now)
{
	struct sched_dom *d = v->dom;

	now = sched_clock(s, now);
	sched_budget_due(s, now);
	if (v->state != SCHED_BLOCKED)
		return;
	sched_budget_roll(s, d, now);
	if (d->nr[SCHED_RUNNABLE] + d->nr[SCHED_RUNNING] == 0) {
		d->slept = true;
		sched_res_wake(d, now);
	}
	v->warp_left = sched_vt_may_warp(s, d) &&
		       v->vvt <= sched_runq_min_vvt(d, v->vvt) + SCHED_WARP_ALLOW_NS ?
		       SCHED_WARP_NS : 0;
	v->warp_until = now + SCHED_WARP_WINDOW_NS;
	sched_acct_set(d, v, SCHED_RUNNABLE, now);
	sched_runq_push(v);
	sched_budget_check(s, d, now);
	sched_runq_update(s, d);
	sched_place(s, v, now);
}

void sched_vcpu_block(struct sched *s, struct sched_vcpu *v, uint64_t now)
{
	struct sched_dom *d = v->dom;

	now = sched_clock(s, now);
	sched_budget_due(s, now);
	if (v->state == SCHED_RUNNING) {
		sched_kick(s, (unsigned)v->pcpu); /* in case the caller is not it */
		sched_stop(s, &s->pcpu[v->pcpu], SCHED_BLOCKED, now);
		return;
	}
	if (v->state != SCHED_RUNNABLE)
		return;
	sched_runq_pull(v);
	v->warp_left = 0;
	sched_acct_set(d, v, SCHED_BLOCKED, now);
	sched_runq_update(s, d);
}

void sched_vcpu_yield(struct sched *s, struct sched_vcpu *v, uint64_t now)
{
	sched_clock(s, now);
	if (v->state == SCHED_RUNNING)
		v->yielded = true;
}
