/*
 * plan_engine.c - plan consistency rules and the mapping from a plan to
 * driver parameters.
 *
 * Mapping (units change here and nowhere else):
 *   memory MiB -> KiB; disk GiB -> bytes; network Mbit/s -> bytes/s.
 *   A new server's balloon target starts at the ceiling: the guest boots
 *   with all it may use, and the balloon later moves it towards the floor
 *   under host memory pressure.
 */
#include "plan.h"

#include <errno.h>
#include <stdio.h>

static int plan_bad(struct plan_problem *why, const char *field, const char *msg)
{
	why->field = field;
	snprintf(why->message, sizeof why->message, "%s", msg);
	return -EINVAL;
}

int plan_check(const struct plan *p, struct plan_problem *why)
{
	int64_t most = p->vcpus * 100; /* what all vCPUs together can use */

	if (p->cpu_reservation_pct > most)
		return plan_bad(why, "cpu_reservation_pct",
				"reservation exceeds what the plan's vCPUs can use (vcpus x 100)");
	if (p->cpu_cap_pct > most)
		return plan_bad(why, "cpu_cap_pct",
				"cap exceeds what the plan's vCPUs can use (vcpus x 100); use 0 for no cap");
	if (p->cpu_cap_pct && p->cpu_cap_pct < p->cpu_reservation_pct)
		return plan_bad(why, "cpu_cap_pct", "cap is below the reservation");
	if (p->cpu_burst_baseline_pct) {
		if (p->cpu_burst_baseline_pct < p->cpu_reservation_pct)
			return plan_bad(why, "cpu_burst_baseline_pct",
					"burst baseline is below the reservation");
		if (p->cpu_burst_baseline_pct > (p->cpu_cap_pct ? p->cpu_cap_pct : most))
			return plan_bad(why, "cpu_burst_baseline_pct",
					"burst baseline is above what the plan may use");
	}
	if (p->mem_floor_mib > p->mem_ceiling_mib)
		return plan_bad(why, "mem_floor_mib", "memory floor is above the ceiling");
	return 0;
}

void plan_to_params(const struct plan *p, struct drv_params *out)
{
	out->vcpus = (uint32_t)p->vcpus;
	out->cpu_weight = (uint32_t)p->cpu_weight;
	out->cpu_reservation_pct = (uint32_t)p->cpu_reservation_pct;
	out->cpu_cap_pct = (uint32_t)p->cpu_cap_pct;
	out->cpu_burst_baseline_pct = (uint32_t)p->cpu_burst_baseline_pct;
	out->mem_max_kib = (uint64_t)p->mem_ceiling_mib * 1024;
	out->mem_min_kib = (uint64_t)p->mem_floor_mib * 1024;
	out->mem_target_kib = out->mem_max_kib;
	out->mem_weight = (uint32_t)p->mem_weight;
	out->disk_bytes = (uint64_t)p->disk_gib << 30;
	out->disk_weight = (uint32_t)p->disk_weight;
	out->disk_bytes_per_s = (uint64_t)p->disk_bytes_per_s;
	out->disk_ops_per_s = (uint64_t)p->disk_ops_per_s;
	out->net_weight = (uint32_t)p->net_weight;
	out->net_bytes_per_s = (uint64_t)p->net_mbit_per_s * 1000000 / 8;
}
