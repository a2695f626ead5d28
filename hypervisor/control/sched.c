/*
 * sched.c - SCHED_GET and SCHED_SET: a domain's scheduler parameters
 * (docs/scheduler.md), changed at run time with the scheduler's own
 * checks and admission control.
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/lib.h"
#include "hv/errno.h"

int ctl_sched_get(struct ctl_call *k)
{
	int err;
	struct domain *d = ctl_domain(k, &err);

	if (!d)
		return err;
	ctl_sched_to_abi(&k->c.u.sched, &d->cfg.sched);
	return 0;
}

int ctl_sched_set(struct ctl_call *k)
{
	const struct muxv_sched *s = &k->c.u.sched;
	struct sched_params p;
	int err;
	struct domain *d = ctl_domain(k, &err);

	if (!d)
		return err;
	err = ctl_check_sched(s, d->cfg.nr_vcpus, CTL_FIELD(u.sched), &k->err_field);
	if (err)
		return err;
	ctl_sched_from_abi(&p, s);
	if (domain_set_sched(d, &p))
		return ctl_fail(k, -ENOSPC, CTL_FIELD(u.sched.reservation));
	return 0;
}
