/*
 * admission.h - may the host take one more server (or a bigger plan)?
 *
 * Four limits, each a promise the provider can keep:
 *   cpu_reservation  sum of reservations <= pcpus x 100 x max_reservation_pct/100
 *   memory_floor     sum of memory floors <= host memory (minus what the host keeps)
 *   vcpu_ratio       sum of vCPUs <= pcpus x max_vcpu_ratio
 *   memory_ratio     sum of memory ceilings <= host memory x max_mem_ratio
 * All arithmetic is unsigned 64-bit on integers (ratios in hundredths), so
 * there is no rounding and, with the API's ranges, no overflow.
 */
#ifndef MUXD_ADMISSION_H
#define MUXD_ADMISSION_H

#include <stdint.h>

struct plan;

struct adm_host {
	uint64_t pcpus;
	uint64_t mem_mib;               /* sellable: host memory minus reserved */
	uint64_t max_vcpu_ratio_x100;
	uint64_t max_mem_ratio_x100;
	uint64_t max_reservation_pct;
};

/* What is already promised (sums over servers). */
struct adm_usage {
	uint64_t servers;
	uint64_t vcpus;
	uint64_t reservation_pct;
	uint64_t floor_mib;
	uint64_t ceiling_mib;
};

struct adm_refusal {
	const char *limit;   /* cpu_reservation | memory_floor | vcpu_ratio | memory_ratio */
	const char *unit;    /* percent | MiB | vCPUs */
	uint64_t capacity;   /* what the limit allows in total */
	uint64_t committed;  /* already promised */
	uint64_t requested;  /* what the new plan adds */
	uint64_t over_by;    /* committed + requested - capacity */
	char message[256];
};

/* The four capacities of a host under its policy. */
struct adm_capacity {
	uint64_t reservation_pct;
	uint64_t floor_mib;
	uint64_t vcpus;
	uint64_t ceiling_mib;
};

void adm_capacity(const struct adm_host *h, struct adm_capacity *out);

/*
 * Checks whether adding plan `add` to the committed sums `used` stays within
 * every limit. Returns 0, or -ENOSPC with the first limit broken described
 * in *why. For a resize, the caller passes `used` without the server's
 * current plan.
 */
int adm_check(const struct adm_host *h, const struct adm_usage *used,
	      const struct plan *add, struct adm_refusal *why);

#endif
