/*
 * driver_libvirt_stats.c - per-domain counters through libvirt's bulk call
 * (virConnectGetAllDomainStats): one round trip for every domain.
 *
 * Fields read: cpu.time (ns), vcpu.<n>.delay (ns runnable but not running =
 * steal, QEMU), balloon.current / balloon.maximum (KiB), block.<n>.rd.bytes /
 * wr.bytes, net.<n>.rx.bytes / tx.bytes. A hypervisor that does not report
 * cpu.time or the balloon (the test driver) is asked per domain through
 * virDomainGetInfo instead, so every driver gives CPU time and memory.
 */
#include "driver_libvirt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lv_sum_indexed(const virTypedParameterPtr params, int n, const char *count_key,
			       const char *prefix, const char *suffix)
{
	unsigned int count = 0;
	uint64_t total = 0;
	if (virTypedParamsGetUInt(params, n, count_key, &count) != 1)
		return 0;
	for (unsigned i = 0; i < count; i++) {
		char key[VIR_TYPED_PARAM_FIELD_LENGTH];
		unsigned long long v = 0;
		snprintf(key, sizeof key, "%s.%u.%s", prefix, i, suffix);
		if (virTypedParamsGetULLong(params, n, key, &v) == 1)
			total += v;
	}
	return total;
}

static void lv_stats_record(virDomainStatsRecordPtr r, struct drv_stats *s)
{
	virTypedParameterPtr p = r->params;
	int n = r->nparams;
	unsigned long long v = 0;
	bool have_cpu = virTypedParamsGetULLong(p, n, "cpu.time", &v) == 1;
	s->cpu_ns = v;
	s->power = lv_power(r->dom);
	unsigned vcpus = 0;
	if (virTypedParamsGetUInt(p, n, "vcpu.current", &vcpus) == 1)
		s->vcpus = vcpus;
	s->has_steal = virTypedParamsGetULLong(p, n, "vcpu.0.delay", &v) == 1;
	s->steal_ns = lv_sum_indexed(p, n, "vcpu.maximum", "vcpu", "delay");
	if (virTypedParamsGetULLong(p, n, "balloon.current", &v) == 1)
		s->mem_kib = v;
	if (virTypedParamsGetULLong(p, n, "balloon.maximum", &v) == 1)
		s->mem_max_kib = v;
	s->disk_rd_bytes = lv_sum_indexed(p, n, "block.count", "block", "rd.bytes");
	s->disk_wr_bytes = lv_sum_indexed(p, n, "block.count", "block", "wr.bytes");
	s->net_rx_bytes = lv_sum_indexed(p, n, "net.count", "net", "rx.bytes");
	s->net_tx_bytes = lv_sum_indexed(p, n, "net.count", "net", "tx.bytes");
	virDomainInfo info;
	if ((!have_cpu || !s->mem_kib) && virDomainGetInfo(r->dom, &info) == 0) {
		if (!have_cpu)
			s->cpu_ns = info.cpuTime;
		if (!s->mem_kib)
			s->mem_kib = info.memory;
		if (!s->mem_max_kib)
			s->mem_max_kib = info.maxMem;
		if (!s->vcpus)
			s->vcpus = info.nrVirtCpu;
	}
}

int lv_stats(struct driver *d, struct drv_stats **out, size_t *n)
{
	struct lv *lv = d->priv;
	virDomainStatsRecordPtr *recs = NULL;
	unsigned types = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
			 VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
			 VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;
	int count = virConnectGetAllDomainStats(lv->conn, types, &recs, 0);
	if (count < 0)
		return lv_fail("bulk stats", NULL);
	struct drv_stats *v = calloc((size_t)count + 1, sizeof *v);
	if (!v) {
		virDomainStatsRecordListFree(recs);
		return -ENOMEM;
	}
	size_t k = 0;
	for (int i = 0; i < count; i++) {
		if (!lv_is_ours(recs[i]->dom, v[k].uuid))
			continue;
		lv_stats_record(recs[i], &v[k]);
		k++;
	}
	virDomainStatsRecordListFree(recs);
	*out = v;
	*n = k;
	return 0;
}
