/*
 * domains.c - the domain calls: what exists (list), what a domain and
 * each of its vCPUs are doing (info, vcpu_info).
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/schedule.h"
#include "hv/time.h"
#include "hv/lib.h"
#include "hv/errno.h"

struct domain *ctl_domain(struct ctl_call *k, int *err)
{
	struct domain *d = domain_find(k->c.hdr.domid);

	*err = d ? 0 : ctl_fail(k, -ESRCH, CTL_FIELD(hdr.domid));
	return d;
}

static uint32_t abi_state(enum domain_state s)
{
	switch (s) {
	case DOMAIN_CREATED: return MUXV_STATE_CREATED;
	case DOMAIN_RUNNING: return MUXV_STATE_RUNNING;
	case DOMAIN_PAUSED: return MUXV_STATE_PAUSED;
	case DOMAIN_SHUTDOWN: return MUXV_STATE_SHUTDOWN;
	case DOMAIN_CRASHED: return MUXV_STATE_CRASHED;
	}
	return 0;
}

void ctl_sched_to_abi(struct muxv_sched *out, const struct sched_params *p)
{
	out->weight = p->weight;
	out->reservation = p->reservation;
	out->cap = p->cap;
	out->burst_baseline = p->burst_baseline;
	out->burst_max_ms = p->burst_max_ms;
	out->pad0 = 0;
}

static void abi_time(struct muxv_cpu_time *out, const struct sched_stats *st)
{
	out->run_ns = st->run_ns;
	out->steal_ns = st->steal_ns;
	out->blocked_ns = st->blocked_ns;
}

int ctl_domain_info(struct ctl_call *k)
{
	struct muxv_domain_info *di = &k->c.u.domain_info;
	struct sched_stats st;
	int err;
	struct domain *d = ctl_domain(k, &err);

	if (!d)
		return err;
	memset(di, 0, sizeof(*di));
	di->domid = d->id;
	di->state = abi_state(domain_get_state(d, di->reason, sizeof(di->reason)));
	memcpy(di->name, d->cfg.name, sizeof(di->name));
	di->kind = d->cfg.kind == DOMAIN_LINUX ? MUXV_KIND_LINUX : MUXV_KIND_TEST_KERNEL;
	di->vcpus = d->cfg.nr_vcpus;
	di->flags = d->cfg.privileged ? MUXV_DOM_PRIVILEGED : 0;
	di->boot_count = d->cfg.boot_count;
	di->mem_max_pages = d->cfg.mem_bytes >> 12;
	di->mem_pages = d->npt.owned_pages;
	di->mem_mapped_pages = d->mapped_pages;
	ctl_sched_to_abi(&di->sched, &d->cfg.sched);
	di->now_ns = time_now_ns();
	uint64_t f = sched_lock_irqsave();
	sched_dom_stats(&d->sched, di->now_ns, &st);
	sched_unlock_irqrestore(f);
	abi_time(&di->time, &st);
	di->created_ns = d->created_ns;
	return 0;
}

int ctl_domain_list(struct ctl_call *k)
{
	struct muxv_domain_list *dl = &k->c.u.domain_list;
	uint32_t ids[DOMAIN_MAX_DOMAINS];
	unsigned total, max = MIN(k->buf_len / sizeof(uint32_t), ARRAY_SIZE(ids));
	int err = ctl_check_domain_list(&k->c, &k->err_field);

	if (err)
		return err;
	dl->count = domain_list_ids(dl->first_id, ids, max, &total);
	dl->total = total;
	k->out_len = dl->count * sizeof(uint32_t);
	memcpy(k->buf, ids, k->out_len);
	return 0;
}

static uint32_t abi_vcpu_state(const struct vcpu *v)
{
	if (v->parked || v->wait_sipi)
		return MUXV_VCPU_OFFLINE;
	switch (v->sched.state) {
	case SCHED_RUNNING: return MUXV_VCPU_RUNNING;
	case SCHED_RUNNABLE: return MUXV_VCPU_RUNNABLE;
	default: return MUXV_VCPU_BLOCKED;
	}
}

int ctl_vcpu_info(struct ctl_call *k)
{
	struct muxv_vcpu_info *vi = &k->c.u.vcpu_info;
	struct sched_stats st;
	int err = ctl_check_vcpu_info(&k->c, &k->err_field);
	struct domain *d = err ? NULL : ctl_domain(k, &err);

	if (!d)
		return err;
	if (vi->vcpu >= d->cfg.nr_vcpus)
		return ctl_fail(k, -ENOENT, CTL_FIELD(u.vcpu_info.vcpu));
	struct vcpu *v = d->vcpus[vi->vcpu];
	uint64_t now = time_now_ns();
	uint64_t f = sched_lock_irqsave();
	vi->state = abi_vcpu_state(v);
	vi->pcpu = v->sched.last_pcpu < 0 ? UINT32_MAX : schedule_cpu_of((unsigned)v->sched.last_pcpu);
	sched_vcpu_stats(&v->sched, now, &st);
	sched_unlock_irqrestore(f);
	vi->pad0 = 0;
	abi_time(&vi->time, &st);
	vi->exits = __atomic_load_n(&v->arch.exits, __ATOMIC_RELAXED);
	return 0;
}
