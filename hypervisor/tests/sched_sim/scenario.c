/*
 * scenario.c - seeded random scenarios (scenario.h).
 */
#include <stdio.h>

#include "scenario.h"
#include "sim.h"
#include "workload.h"

static const unsigned scenario_pcpu_choices[] = {
	1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64,
};

unsigned scenario_pcpus(uint64_t seed)
{
	uint64_t rng = seed ^ 0x5ca1ab1eull;
	unsigned n = sizeof scenario_pcpu_choices / sizeof scenario_pcpu_choices[0];

	return scenario_pcpu_choices[sim_rand(&rng) % n];
}

static bool chance(uint64_t *rng, unsigned pct)
{
	return sim_rand(rng) % 100 < pct;
}

/* Mostly ordinary weights, sometimes anything in 1..65535. */
static uint32_t scenario_weight(uint64_t *rng)
{
	uint64_t r = sim_rand(rng) % 10;

	if (r == 0)
		return SCHED_WEIGHT_DEFAULT;
	if (r <= 2)
		return (uint32_t)(1u << sim_rand_range(rng, 0, 15)) +
		       (uint32_t)sim_rand_range(rng, 0, 1000) % 65535;
	return (uint32_t)sim_rand_range(rng, 16, 1024);
}

static struct sim_workload scenario_workload(uint64_t *rng,
					     const struct scenario_opts *o)
{
	struct sim_workload wl = { .kind = SIM_CPU };

	if (chance(rng, o->periodic_pct)) {
		/* I/O-like: short bursts (interrupt handling), so that the
		 * demand is steady at the scale of a slice. */
		wl.kind = SIM_PERIODIC;
		wl.period_ns = sim_rand_range(rng, 1000, 10000) * 1000ull;
		wl.work_ns = wl.period_ns * sim_rand_range(rng, 2, 50) / 100;
		if (wl.work_ns > SIM_IO_BURST_MAX_NS)
			wl.work_ns = SIM_IO_BURST_MAX_NS;
		wl.jitter_pct = (uint32_t)sim_rand_range(rng, 0, 30);
	} else if (chance(rng, o->onoff_pct)) {
		wl.kind = SIM_ONOFF;
		wl.period_ns = sim_rand_range(rng, 5, 200) * 1000000ull;
		wl.on_pct = (uint32_t)sim_rand_range(rng, 10, 90);
	}
	return wl;
}

/* Parameters for a domain of nv vCPUs; reserved_left is the host's room. */
static struct sched_params scenario_params(uint64_t *rng, unsigned nv,
					   const struct scenario_opts *o,
					   uint32_t *reserved_left)
{
	struct sched_params p;

	sched_params_default(&p);
	p.weight = scenario_weight(rng);
	if (chance(rng, o->res_pct) && *reserved_left > 0) {
		uint32_t max = nv * 100 < *reserved_left ? nv * 100 : *reserved_left;
		p.reservation = (uint32_t)sim_rand_range(rng, 1, max);
		*reserved_left -= p.reservation;
	}
	if (chance(rng, o->cap_pct)) {
		uint32_t lo = p.reservation > 5 ? p.reservation : 5;
		p.cap = (uint32_t)sim_rand_range(rng, lo, lo + nv * 100);
	}
	return p;
}

struct sim *scenario_build(uint64_t seed, unsigned npcpus, uint64_t horizon_ns,
			   const struct scenario_opts *o, char *why,
			   unsigned why_len)
{
	uint64_t rng = seed * 0x2545f4914f6cdd1dull + 1;
	struct sim *sim = sim_new(npcpus, horizon_ns, seed);
	unsigned total = (unsigned)sim_rand_range(&rng, 1, o->max_vcpus);
	unsigned ndoms = (unsigned)sim_rand_range(&rng, 1, o->max_doms);
	uint32_t reserved_left = npcpus * o->res_fill_pct;

	if (sim == NULL)
		return NULL;
	if (ndoms > total)
		ndoms = total;
	for (unsigned i = 0; i < ndoms; i++) {
		unsigned left = total - sim->nvcpus - (ndoms - i - 1);
		unsigned nv = i + 1 == ndoms ? left :
			      (unsigned)sim_rand_range(&rng, 1, left < 16 ? left : 16);
		struct sched_params p = scenario_params(&rng, nv, o, &reserved_left);
		struct sim_workload idle = { .kind = SIM_IDLE }, wl;
		bool is_idle = chance(&rng, o->idle_pct);
		int d = sim_add_dom(sim, &p, nv, &idle);

		if (d < 0) {
			snprintf(why, why_len, "seed %llu: domain %u refused: %d",
				 (unsigned long long)seed, i, d);
			sim_free(sim);
			return NULL;
		}
		for (unsigned j = 0; j < nv && !is_idle; j++) {
			wl = scenario_workload(&rng, o);
			sim_set_workload(sim, (unsigned)d, j, &wl);
		}
	}
	return sim;
}
