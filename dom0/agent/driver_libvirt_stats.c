/*
 * driver_libvirt_stats.c - per-domain counters through libvirt's bulk call
 * (virConnectGetAllDomainStats): one round trip for every domain.
 *
 * Fields read: cpu.time (ns), vcpu.<n>.delay (ns runnable but not running =
 * steal, QEMU), balloon.current / balloon.maximum (KiB), block.<n>.rd.bytes /
 * wr.bytes, net.<n>.rx.bytes / tx.bytes, and the guest's virtio-balloon
 * statistics: balloon.available (MemTotal), unused (MemFree), usable
 * (MemAvailable), disk_caches, swap_in, swap_out (KiB), major_fault,
 * minor_fault. These are virDomainMemoryStats's numbers, fetched in the same
 * round trip; the guest sends them every <stats period='5'/> seconds (set in
 * the domain XML). libvirt has no read-back of the balloon target, so
 * drv_balloon.target_kib stays 0. A hypervisor that does not report
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

/* The guest's own statistics; has_guest only when the three the policy reads came. */
static void lv_stats_guest(const virTypedParameterPtr p, int n, struct drv_balloon *b)
{
	unsigned long long total = 0, free_kib = 0, avail = 0, v = 0;
	b->has_guest = virTypedParamsGetULLong(p, n, "balloon.available", &total) == 1 &&
		       virTypedParamsGetULLong(p, n, "balloon.unused", &free_kib) == 1 &&
		       virTypedParamsGetULLong(p, n, "balloon.usable", &avail) == 1 &&
		       total > 0 && avail <= total;
	if (!b->has_guest)
		return;
	b->guest_total_kib = total;
	b->guest_free_kib = free_kib;
	b->guest_available_kib = avail;
	if (virTypedParamsGetULLong(p, n, "balloon.disk_caches", &v) == 1)
		b->guest_caches_kib = v;
	if (virTypedParamsGetULLong(p, n, "balloon.swap_in", &v) == 1)
		b->swap_in_kib = v;
	if (virTypedParamsGetULLong(p, n, "balloon.swap_out", &v) == 1)
		b->swap_out_kib = v;
	if (virTypedParamsGetULLong(p, n, "balloon.major_fault", &v) == 1)
		b->major_faults = v;
	if (virTypedParamsGetULLong(p, n, "balloon.minor_fault", &v) == 1)
		b->minor_faults = v;
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
	lv_stats_guest(p, n, &s->balloon);
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
