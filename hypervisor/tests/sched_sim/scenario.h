/*
 * scenario.h - seeded random scenarios for the simulation tests: a host of
 * 1..64 pCPUs, up to SIM_MAX_VCPUS vCPUs in domains with random weights,
 * reservations (always admissible), caps and workloads. The same seed
 * always builds the same scenario.
 */
#ifndef SCHED_SIM_SCENARIO_H
#define SCHED_SIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/* Longest CPU burst of an I/O-like (periodic) vCPU in random scenarios. */
#define SIM_IO_BURST_MAX_NS 400000ull

struct scenario_opts {
	unsigned max_vcpus;    /* total over domains, <= SIM_MAX_VCPUS */
	unsigned max_doms;     /* <= SIM_MAX_DOMS */
	unsigned res_pct;      /* chance a domain has a reservation */
	unsigned cap_pct;      /* chance a domain has a cap */
	unsigned periodic_pct; /* chance a vCPU is I/O-like (periodic) */
	unsigned idle_pct;     /* chance a domain is idle */
	unsigned onoff_pct;    /* chance a vCPU is bursty (on/off) */
	unsigned res_fill_pct; /* reservations may fill this % of the host */
};

/* Picks the pCPU count of scenario `seed` (1..64, small and large). */
unsigned scenario_pcpus(uint64_t seed);

/* Builds scenario `seed` with opts on npcpus pCPUs, measured up to
 * horizon_ns. NULL on failure (sim_new, or the module refused a domain
 * the generator thought admissible: that is reported in *why). */
struct sim *scenario_build(uint64_t seed, unsigned npcpus, uint64_t horizon_ns,
			   const struct scenario_opts *opts, char *why,
			   unsigned why_len);

#endif
