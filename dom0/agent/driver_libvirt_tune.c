/*
 * driver_libvirt_tune.c - changing a domain's parameters: live where the
 * hypervisor allows it, and in the persistent definition always.
 *
 * Scheduler parameter names per hypervisor (virDomainSetSchedulerParameters):
 *   QEMU: cpu_shares, global_period, global_quota (-1 = unlimited)
 *   Xen (libxl credit scheduler): weight, cap (percent, 0 = none)
 *   test driver: weight
 */
#include "driver_libvirt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "log.h"

static int lv_sched_params(const struct lv *lv, const struct drv_params *p, uint32_t cap_pct,
			   virTypedParameterPtr *params, int *n)
{
	int max = 0;
	int rc = 0;
	if (lv->kind == LV_QEMU) {
		uint64_t shares = p->cpu_weight < 2 ? 2 : p->cpu_weight > 10000 ? 10000 : p->cpu_weight;
		long long quota = cap_pct ? (long long)cap_pct * 1000 : -1;
		rc |= virTypedParamsAddULLong(params, n, &max, "cpu_shares", shares);
		rc |= virTypedParamsAddULLong(params, n, &max, "global_period", 100000);
		rc |= virTypedParamsAddLLong(params, n, &max, "global_quota", quota);
	} else if (lv->kind == LV_XEN) {
		rc |= virTypedParamsAddUInt(params, n, &max, "weight", p->cpu_weight);
		rc |= virTypedParamsAddUInt(params, n, &max, "cap", cap_pct);
	} else {
		rc |= virTypedParamsAddUInt(params, n, &max, "weight", p->cpu_weight);
	}
	return rc ? -ENOMEM : 0;
}

int lv_set_sched(struct driver *d, const char *uuid, const struct drv_params *p, uint32_t cap_pct)
{
	struct lv *lv = d->priv;
	if (lv->kind == LV_QEMU && !lv->cgroups)
		return 0;  /* nothing to set without cgroups (logged once at start-up) */
	virDomainPtr dom = lv_lookup(lv, uuid);
	if (!dom)
		return lv_fail("set scheduler", uuid);
	virTypedParameterPtr params = NULL;
	int n = 0, rc = lv_sched_params(lv, p, cap_pct, &params, &n);
	/* A stopped domain takes its parameters from the definition at start. */
	if (!rc && lv_power(dom) == DRV_RUNNING &&
	    virDomainSetSchedulerParametersFlags(dom, params, n, VIR_DOMAIN_AFFECT_CURRENT) != 0)
		rc = lv_fail("set scheduler", uuid);
	virTypedParamsFree(params, n);
	virDomainFree(dom);
	return rc;
}

int lv_set_mem_target(struct driver *d, const char *uuid, uint64_t kib)
{
	struct lv *lv = d->priv;
	virDomainPtr dom = lv_lookup(lv, uuid);
	if (!dom)
		return lv_fail("set memory", uuid);
	int rc = 0;
	if (lv_power(dom) == DRV_RUNNING &&
	    virDomainSetMemoryFlags(dom, kib, VIR_DOMAIN_AFFECT_CURRENT) != 0)
		rc = lv_fail("set memory", uuid);
	virDomainFree(dom);
	return rc;
}

/* Best effort: I/O weights and limits. A hypervisor that cannot change them
 * live still gets them from the definition at the next start. */
static void lv_tune_io(struct lv *lv, virDomainPtr dom, const struct drv_params *p)
{
	if (lv->kind != LV_QEMU)
		return;
	virTypedParameterPtr params = NULL;
	int n = 0, max = 0;
	unsigned w = p->disk_weight < 100 ? 100 : p->disk_weight > 1000 ? 1000 : p->disk_weight;
	if (lv->cgroups && virTypedParamsAddUInt(&params, &n, &max, "weight", w) == 0 &&
	    virDomainSetBlkioParameters(dom, params, n, VIR_DOMAIN_AFFECT_LIVE) != 0)
		log_warn("libvirt", "msg=\"blkio weight not applied live\" err=\"%s\"",
			 virGetLastErrorMessage());
	virTypedParamsFree(params, n);
	params = NULL;
	n = max = 0;
	if (virTypedParamsAddULLong(&params, &n, &max, "total_bytes_sec", p->disk_bytes_per_s) == 0 &&
	    virTypedParamsAddULLong(&params, &n, &max, "total_iops_sec", p->disk_ops_per_s) == 0 &&
	    virDomainSetBlockIoTune(dom, "vda", params, n, VIR_DOMAIN_AFFECT_LIVE) != 0)
		log_warn("libvirt", "msg=\"disk limits not applied live\" err=\"%s\"",
			 virGetLastErrorMessage());
	virTypedParamsFree(params, n);
}

int lv_update(struct driver *d, const struct drv_domain_spec *spec, bool *restart_needed)
{
	struct lv *lv = d->priv;
	virDomainPtr dom = lv_lookup(lv, spec->uuid);
	if (!dom)
		return lv_fail("update", spec->uuid);
	virDomainInfo info;
	int rc = 0;
	*restart_needed = false;
	if (virDomainGetInfo(dom, &info) != 0) {
		rc = lv_fail("update", spec->uuid);
		goto free_dom;
	}
	bool running = lv_power(dom) == DRV_RUNNING;
	char *xml = lv_domain_xml(lv, spec);
	if (!xml) {
		rc = -ENOMEM;
		goto free_dom;
	}
	virDomainPtr redefined = virDomainDefineXML(lv->conn, xml);
	free(xml);
	if (!redefined) {
		rc = lv_fail("redefine", spec->uuid);
		goto free_dom;
	}
	virDomainFree(redefined);
	if (!running)
		goto free_dom;
	/* vCPUs and the memory ceiling of a running guest change at its next start. */
	*restart_needed = info.nrVirtCpu != spec->params.vcpus ||
			  info.maxMem != spec->params.mem_max_kib;
	rc = lv_set_sched(d, spec->uuid, &spec->params, spec->params.cpu_cap_pct);
	/* The balloon stays where the memory policy put it, within the new
	 * plan's floor and ceiling; the policy moves it from there. */
	uint64_t target = info.memory, top = spec->params.mem_max_kib;
	if (top > info.maxMem)
		top = info.maxMem;
	if (target < spec->params.mem_min_kib)
		target = spec->params.mem_min_kib;
	if (target > top)
		target = top;
	if (!rc)
		rc = lv_set_mem_target(d, spec->uuid, target);
	lv_tune_io(lv, dom, &spec->params);
free_dom:
	virDomainFree(dom);
	return rc;
}
