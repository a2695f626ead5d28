/*
 * domain.c - domains: parameters, their validation and admission control.
 *
 * Admission control keeps the sum of all domains' reservations within the
 * host (npcpus * 100 percent), so that every reservation can be honoured at
 * once; a request that would break it fails with -ENOSPC and changes
 * nothing. Parameter changes take effect at once: weight on the next
 * charge, reservation on the domain's next queueing, cap and burst limits
 * on the current period's budget (what the domain already used in this
 * period counts against the new limit); the pCPUs running the domain are
 * kicked so that their leases and deadlines are recomputed.
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
#include "rbtree.h"

void sched_params_default(struct sched_params *p)
{
	memset(p, 0, sizeof(*p));
	p->weight = SCHED_WEIGHT_DEFAULT;
}

int sched_params_check(const struct sched_params *p, uint32_t vcpus)
{
	if (p->weight < SCHED_WEIGHT_MIN || p->weight > SCHED_WEIGHT_MAX)
		return -EINVAL;
	if (p->cap != 0 && p->reservation > p->cap)
		return -EINVAL;
	if (p->burst_baseline != 0 && p->reservation > p->burst_baseline)
		return -EINVAL;
	if (p->cap != 0 && p->burst_baseline > p->cap)
		return -EINVAL;
	if (p->burst_baseline == 0 && p->burst_max_ms != 0)
		return -EINVAL;
	if (p->reservation > (uint64_t)vcpus * 100)
		return -ERANGE;
	return 0;
}

/* 0 if replacing a reservation of old_pct by new_pct fits the host. */
static int dom_admit(const struct sched *s, uint32_t old_pct, uint32_t new_pct)
{
	uint64_t total = (uint64_t)s->reserved_pct - old_pct + new_pct;

	return total > (uint64_t)s->npcpus * 100 ? -ENOSPC : 0;
}

int sched_dom_add(struct sched *s, struct sched_dom *d,
		  const struct sched_params *p, uint32_t vcpus, uint64_t now)
{
	int err;

	now = sched_clock(s, now);
	if (vcpus == 0)
		return -EINVAL;
	err = sched_params_check(p, vcpus);
	if (err == 0)
		err = dom_admit(s, 0, p->reservation);
	if (err)
		return err;
	memset(d, 0, sizeof(*d));
	d->id = s->next_id++;
	d->max_vcpus = vcpus;
	d->params = *p;
	sched_rb_init(&d->warpq);
	sched_rb_init(&d->runq);
	d->vtime = s->svt;
	d->rv = now;
	d->period = now / SCHED_PERIOD_NS;
	d->acct_at = now;
	s->reserved_pct += p->reservation;
	return 0;
}

int sched_dom_remove(struct sched *s, struct sched_dom *d)
{
	if (d->nr_vcpus != 0)
		return -EBUSY;
	if (d->throttled) {
		d->params.cap = d->params.burst_baseline = 0;
		sched_budget_check(s, d, s->now);
	}
	s->reserved_pct -= d->params.reservation;
	return 0;
}

/* Kicks the pCPUs running d's vCPUs. */
static void dom_kick_running(struct sched *s, const struct sched_dom *d)
{
	for (unsigned p = 0; p < s->npcpus; p++)
		if (s->pcpu[p].curr != NULL && s->pcpu[p].curr->dom == d)
			sched_kick(s, p);
}

int sched_dom_set_params(struct sched *s, struct sched_dom *d,
			 const struct sched_params *p, uint64_t now)
{
	uint32_t old_res = d->params.reservation;
	int err;

	now = sched_clock(s, now);
	err = sched_params_check(p, d->max_vcpus);
	if (err == 0)
		err = dom_admit(s, old_res, p->reservation);
	if (err)
		return err;
	sched_budget_due(s, now);
	sched_budget_roll(s, d, now);
	if (old_res == 0 && p->reservation != 0)
		d->rv = now;
	s->reserved_pct = s->reserved_pct - old_res + p->reservation;
	d->params = *p;
	d->credit = p->burst_baseline == 0 ? 0 :
		    MIN(d->credit, (uint64_t)p->burst_max_ms * 1000000);
	sched_vt_enter(s, d);
	sched_budget_check(s, d, now);
	sched_runq_update(s, d);
	dom_kick_running(s, d);
	sched_place_dom(s, d, now);
	return 0;
}

uint64_t sched_dom_credit(struct sched *s, struct sched_dom *d, uint64_t now)
{
	sched_budget_roll(s, d, sched_clock(s, now));
	return d->credit;
}
