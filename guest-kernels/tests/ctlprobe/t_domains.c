/*
 * t_domains.c - DOMAIN_LIST, DOMAIN_INFO and VCPU_INFO on the domains
 * that exist (this one, domain 0, among them) and their refusals.
 */
#include "probe.h"

static uint32_t ids[300];

static void list(void)
{
	struct muxv_host_info hi;

	probe_host_info(&hi);
	ctl_prep(req, MUXV_CTL_DOMAIN_LIST, 0);
	ctl_set_buf(req, ids, sizeof(ids), MUXV_BUF_OUT);
	if (!expect_ok("ctl.domains.list"))
		return;
	uint32_t n = req->u.domain_list.count;
	bool sorted = true;
	for (uint32_t i = 1; i < n; i++)
		sorted &= ids[i] > ids[i - 1];
	/* Domain 0 (this one) is not above first_id 0: total counts it. */
	check("ctl.domains.list", n >= 1 && n + 1 == req->u.domain_list.total &&
	      req->u.domain_list.total == hi.nr_domains && sorted && ids[0] > 0,
	      "count %u total %u nr_domains %u sorted %d first %u", n,
	      req->u.domain_list.total, hi.nr_domains, sorted, ids[0]);

	/* One id fits: the smallest above first_id. */
	uint32_t first = ids[0], second = n > 1 ? ids[1] : 0;
	ctl_prep(req, MUXV_CTL_DOMAIN_LIST, 0);
	req->u.domain_list.first_id = first;
	ctl_set_buf(req, ids, 4, MUXV_BUF_OUT);
	ids[0] = 0;
	bool ok = expect_ok("ctl.domains.list_paged");
	check("ctl.domains.list_paged", ok && (n > 1 ? req->u.domain_list.count == 1 &&
	      ids[0] == second : req->u.domain_list.count == 0),
	      "after %u: count %u id %u, want %u", first, req->u.domain_list.count, ids[0], second);

	ctl_prep(req, MUXV_CTL_DOMAIN_LIST, 0);
	ctl_set_buf(req, ids, sizeof(ids), MUXV_BUF_OUT);
	req->u.domain_list.pad0 = 1;
	expect_refused("ctl.domains.list_pad", MUXV_EINVAL, CTL_FIELD(u.domain_list.pad0));
}

static void info_self(void)
{
	const struct muxv_boot_info *bi = rt_boot_info();

	ctl_prep(req, MUXV_CTL_DOMAIN_INFO, bi->domain_id);
	if (!expect_ok("ctl.domains.info_self"))
		return;
	const struct muxv_domain_info *di = &req->u.domain_info;
	check("ctl.domains.info_self", di->domid == 0 && bi->domain_id == 0 &&
	      di->state == MUXV_STATE_RUNNING && rt_strcmp(di->name, bi->name) == 0 &&
	      di->kind == MUXV_KIND_TEST_KERNEL && di->vcpus == bi->nr_vcpus &&
	      di->flags == MUXV_DOM_PRIVILEGED && di->mem_max_pages == bi->mem_bytes / 4096 &&
	      di->mem_pages == di->mem_max_pages && di->sched.weight >= 1 &&
	      di->time.run_ns > 0 && di->now_ns >= di->created_ns && di->reason[0] == 0,
	      "domid %u state %u name '%s' kind %u vcpus %u flags %#x pages %lu/%lu run_ns %lu",
	      di->domid, di->state, di->name, di->kind, di->vcpus, di->flags, di->mem_pages,
	      di->mem_max_pages, di->time.run_ns);

	ctl_prep(req, MUXV_CTL_DOMAIN_INFO, 0x7fffffff);
	expect_refused("ctl.domains.info_no_such", MUXV_ESRCH, CTL_FIELD(hdr.domid));
}

static void vcpus(void)
{
	ctl_prep(req, MUXV_CTL_VCPU_INFO, 0);
	req->u.vcpu_info.vcpu = 0;
	if (expect_ok("ctl.domains.vcpu_info_self")) {
		const struct muxv_vcpu_info *vi = &req->u.vcpu_info;
		check("ctl.domains.vcpu_info_self", vi->state == MUXV_VCPU_RUNNING &&
		      vi->pcpu < 64 && vi->time.run_ns > 0 && vi->exits > 0,
		      "state %u pcpu %u run_ns %lu exits %lu", vi->state, vi->pcpu,
		      vi->time.run_ns, vi->exits);
	}
	ctl_prep(req, MUXV_CTL_VCPU_INFO, 0);
	req->u.vcpu_info.vcpu = rt_nr_cpus();
	expect_refused("ctl.domains.vcpu_info_no_such_vcpu", MUXV_ENOENT,
		       CTL_FIELD(u.vcpu_info.vcpu));
	ctl_prep(req, MUXV_CTL_VCPU_INFO, 0x7fffffff);
	expect_refused("ctl.domains.vcpu_info_no_such_domain", MUXV_ESRCH, CTL_FIELD(hdr.domid));
	ctl_prep(req, MUXV_CTL_VCPU_INFO, 0);
	req->u.vcpu_info.pad0 = 3;
	expect_refused("ctl.domains.vcpu_info_pad", MUXV_EINVAL, CTL_FIELD(u.vcpu_info.pad0));
}

void part_domains(void)
{
	list();
	info_self();
	vcpus();
}
