/*
 * admission.c - admission control (see admission.h for the limits).
 *
 * The limits are checked in a fixed order (reservations, floors, vCPU ratio,
 * memory ratio) so the same request always names the same limit.
 */
#include "admission.h"

#include <errno.h>
#include <stdio.h>

#include "plan.h"

/* Saturating arithmetic: a limit computed from absurd inputs stays huge
 * rather than wrapping round to a small number that would refuse everything
 * (or, for a sum, admit everything). */
static uint64_t adm_mul(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t adm_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

void adm_capacity(const struct adm_host *h, struct adm_capacity *out)
{
	out->reservation_pct = adm_mul(h->pcpus, h->max_reservation_pct);
	out->floor_mib = h->mem_mib;
	out->vcpus = adm_mul(h->pcpus, h->max_vcpu_ratio_x100) / 100;
	out->ceiling_mib = adm_mul(h->mem_mib, h->max_mem_ratio_x100) / 100;
}

/* Fills *why and returns -ENOSPC if committed + requested > capacity. */
static int adm_limit(const char *limit, const char *unit, uint64_t capacity,
		     uint64_t committed, uint64_t requested, struct adm_refusal *why)
{
	uint64_t total = adm_add(committed, requested);
	if (total <= capacity)
		return 0;
	why->limit = limit;
	why->unit = unit;
	why->capacity = capacity;
	why->committed = committed;
	why->requested = requested;
	why->over_by = total - capacity;
	snprintf(why->message, sizeof why->message,
		 "host limit %s: %llu %s requested, %llu of %llu committed, over by %llu %s",
		 limit, (unsigned long long)requested, unit, (unsigned long long)committed,
		 (unsigned long long)capacity, (unsigned long long)why->over_by, unit);
	return -ENOSPC;
}

int adm_check(const struct adm_host *h, const struct adm_usage *used,
	      const struct plan *add, struct adm_refusal *why)
{
	struct adm_capacity cap;
	adm_capacity(h, &cap);
	int rc = adm_limit("cpu_reservation", "percent", cap.reservation_pct,
			   used->reservation_pct, (uint64_t)add->cpu_reservation_pct, why);
	if (!rc)
		rc = adm_limit("memory_floor", "MiB", cap.floor_mib, used->floor_mib,
			       (uint64_t)add->mem_floor_mib, why);
	if (!rc)
		rc = adm_limit("vcpu_ratio", "vCPUs", cap.vcpus, used->vcpus,
			       (uint64_t)add->vcpus, why);
	if (!rc)
		rc = adm_limit("memory_ratio", "MiB", cap.ceiling_mib, used->ceiling_mib,
			       (uint64_t)add->mem_ceiling_mib, why);
	return rc;
}
