/*
 * t_host.c - HOST_INFO: every field plausible and consistent.
 */
#include "probe.h"

void part_host(void)
{
	struct muxv_host_info a, b;
	int64_t r1 = probe_host_info(&a);

	rt_hc_yield();
	int64_t r2 = probe_host_info(&b);
	if (!check("ctl.host.call", r1 == 0 && r2 == 0, "HOST_INFO: %ld, %ld", r1, r2))
		return;
	rt_printf("ctlprobe: host pcpus=%u mem_total_pages=%lu pool_free_pages=%lu dom0_pages=%lu "
		  "image_pages=%lu reserved=%u%% capacity=%u%% domains=%u/%u max_vcpus=%u "
		  "window=0x%lx+%lu pages version='%s'\n", a.pcpus, a.mem_total_pages,
		  a.pool_free_pages, a.dom0_pages, a.image_pages, a.reserved_pct, a.capacity_pct,
		  a.nr_domains, a.max_domains, a.max_vcpus, a.map_window_gpa, a.map_window_pages,
		  a.version);
	check("ctl.host.version", a.ctl_version == MUXV_CTL_VERSION &&
	      rt_strncmp(a.version, "muxvisor ", 9) == 0 &&
	      rt_strnlen(a.version, sizeof(a.version)) < sizeof(a.version),
	      "ctl_version %u, version '%.31s'", a.ctl_version, a.version);
	check("ctl.host.cpus", a.pcpus >= 1 && a.capacity_pct == a.pcpus * 100 &&
	      a.reserved_pct <= a.capacity_pct, "pcpus %u capacity %u reserved %u",
	      a.pcpus, a.capacity_pct, a.reserved_pct);
	check("ctl.host.memory", a.mem_total_pages > a.pool_free_pages && a.pool_free_pages > 0 &&
	      a.dom0_pages == rt_boot_info()->mem_bytes / 4096 &&
	      a.image_pages < a.mem_total_pages,
	      "total %lu free %lu dom0 %lu images %lu", a.mem_total_pages, a.pool_free_pages,
	      a.dom0_pages, a.image_pages);
	check("ctl.host.limits", a.nr_domains >= 1 && a.nr_domains <= a.max_domains &&
	      a.max_vcpus >= 1 && a.pad0 == 0, "domains %u/%u max_vcpus %u pad0 %u",
	      a.nr_domains, a.max_domains, a.max_vcpus, a.pad0);
	check("ctl.host.window", a.map_window_pages >= 1 && (a.map_window_gpa & 0xfff) == 0 &&
	      a.map_window_gpa >= (1ull << 32), "window 0x%lx, %lu pages",
	      a.map_window_gpa, a.map_window_pages);
	check("ctl.host.uptime", b.uptime_ns > a.uptime_ns && a.uptime_ns > 0,
	      "uptime %lu then %lu", a.uptime_ns, b.uptime_ns);
}
