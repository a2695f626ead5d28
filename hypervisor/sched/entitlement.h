/*
 * entitlement.h - the share of CPU each domain is entitled to: the
 * water-filling solution under weights, reservations, caps, vCPU counts and
 * demand (docs/scheduler.md, "The entitlement function").
 *
 * Shared by the hypervisor (hypervisor/sched/), its host tests and muxd's
 * dashboard (compiled with the host compiler), so this header and
 * entitlement.c include only <stdint.h>, <stddef.h>, <stdbool.h> and
 * "hv/errno.h".
 */
#ifndef SCHED_ENTITLEMENT_H
#define SCHED_ENTITLEMENT_H

#include <stdint.h>

struct sched_entitle_in {
	uint32_t weight;       /* 1..65535 */
	uint32_t reservation;  /* guaranteed, percent of one pCPU */
	uint32_t cap;          /* limit, percent of one pCPU, 0 = none */
	uint32_t vcpus;        /* each vCPU can use at most 100 percent */
	uint32_t demand;       /* percent the domain would use unconstrained */
};

/* One whole pCPU in the unit of sched_entitlement()'s output. */
#define SCHED_ENTITLE_ONE_PCPU 10000u

/*
 * out[i] = entitled CPU of domain i in hundredths of a percent of one pCPU
 * (10000 = one whole pCPU). Returns 0, or -EINVAL on bad input.
 *
 * Each domain gets clamp(lambda * weight, floor, ceiling) with
 *   ceiling = min(demand, 100 * vcpus, cap if cap != 0, the host),
 *   floor   = min(reservation, ceiling),
 * and the one level lambda that hands out min(host, sum of ceilings):
 * work-conserving, weights share what reservations and ceilings leave.
 * A domain with a burst-credit baseline is entered with the cap in force
 * for the time considered (its baseline while it has no credit).
 *
 * Bad input: in or out NULL with n > 0; pcpus 0 or above 429496; a weight
 * outside 1..65535; a reservation above 100 * vcpus or above a non-zero cap;
 * reservations summing above 100 * pcpus. A demand above 100 * vcpus is
 * taken as 100 * vcpus. Outputs are exact to one unit (0.01 % of a pCPU)
 * and sum exactly to min(host, sum of ceilings). Cost O(n) times 50.
 */
int sched_entitlement(const struct sched_entitle_in *in, unsigned n,
		      unsigned pcpus, uint32_t *out);

#endif
