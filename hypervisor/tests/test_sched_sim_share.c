/*
 * test_sched_sim_share.c - the scheduler in the simulator over many seeded
 * random scenarios (1..64 pCPUs, up to 1000 vCPUs, random weights,
 * reservations, caps, CPU-bound, I/O-like, idle and bursty domains), one
 * simulated second each. Checked, in every scenario (docs/scheduler.md,
 * "Guarantees"):
 *   - each domain's CPU within 1% of the host's capacity of its
 *     water-filling entitlement (scenarios with steady demand);
 *   - reservations met in every 100 ms window in which the domain was
 *     runnable throughout, to the documented granularity;
 *   - caps never exceeded in any period or 100 ms window;
 *   - no vCPU starves (waits longer than the documented bound);
 *   - the module's accounting equals what the simulator saw, to the ns;
 *   - the simulator's invariants: a vCPU on one pCPU at most, only vCPUs
 *     with work picked, no pCPU idle while work waits, a decision within a
 *     slice while anything waits.
 * A failure names its seed; the same seed replays the same scenario.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "sched_sim/testing.h"
#include "sched_sim/module.c"
#include "sched_sim/sim.c"
#include "sched_sim/workload.c"
#include "sched_sim/check.c"
#include "sched_sim/scenario.c"

#define SECOND 1000000000ull
#define SHARE_SEEDS 200    /* steady-demand scenarios */
#define BURSTY_SEEDS 60    /* with on/off workloads */

/* Reservation granularity (docs/scheduler.md): r * (W - A - 2S) - 2 m. */
#define RES_SLACK_NS (SCHED_RES_AHEAD_NS + 2 * SCHED_SLICE_NS)
#define RES_MINUS_NS (2 * SCHED_MIN_RUN_NS)

struct figures {
	unsigned scenarios, max_pcpus, max_vcpus, starve_checked;
	double share_err, res_deficit;
	uint64_t picks;
};


/* Caps and reservations of every domain over the whole run. */
static void check_limits(struct sim *sim, struct figures *f)
{
	for (unsigned i = 0; i < sim->ndoms; i++) {
		const struct sched_params *p = &sim->doms[i].sd.params;

		if (p->cap != 0)
			check_cap(sim, i, p->cap, 0, SECOND);
		if (p->reservation != 0)
			check_reservation(sim, i, p->reservation, 0, SECOND,
					  RES_SLACK_NS, RES_MINUS_NS, &f->res_deficit);
	}
}

/* Runs scenario `seed`; returns its first violation or "" if none. */
static void run_scenario(uint64_t seed, unsigned pcpus, const struct scenario_opts *o,
			 bool steady, struct figures *f, char *err, size_t len)
{
	uint32_t ent[SIM_MAX_DOMS];
	struct sim *sim = scenario_build(seed, pcpus, SECOND, o, err, (unsigned)len);

	if (sim == NULL)
		return;
	sim_run(sim, SECOND);
	if (steady && check_entitled(sim, 0, SECOND, ent)) {
		check_shares(sim, 0, SECOND, ent, 1.0, &f->share_err);
		check_no_starvation(sim, ent, &f->starve_checked);
	}
	check_limits(sim, f);
	check_accounting(sim);
	f->scenarios++;
	f->picks += sim->picks;
	if (sim->npcpus > f->max_pcpus)
		f->max_pcpus = sim->npcpus;
	if (sim->nvcpus > f->max_vcpus)
		f->max_vcpus = sim->nvcpus;
	snprintf(err, len, "%s", sim->err);
	sim_free(sim);
}

static const struct scenario_opts steady_opts = {
	.max_vcpus = 1000, .max_doms = 40, .res_pct = 30, .cap_pct = 25,
	.periodic_pct = 30, .idle_pct = 10, .onoff_pct = 0, .res_fill_pct = 90,
};

static const struct scenario_opts bursty_opts = {
	.max_vcpus = 300, .max_doms = 20, .res_pct = 30, .cap_pct = 25,
	.periodic_pct = 20, .idle_pct = 10, .onoff_pct = 40, .res_fill_pct = 90,
};

static void test_steady(void)
{
	struct figures f = { 0 };
	char err[256] = "";

	unit_begin("sim_steady_scenarios_all_guarantees");
	for (uint64_t seed = 1; seed <= SHARE_SEEDS && !err[0]; seed++)
		run_scenario(seed, scenario_pcpus(seed), &steady_opts, true, &f, err,
			     sizeof err);
	/* The largest host with the most vCPUs, explicitly. */
	if (!err[0])
		run_scenario(1000001, SCHED_MAX_PCPUS, &steady_opts, true, &f, err,
			     sizeof err);
	if (err[0])
		sched_test_fail(err);
	UNIT_CHECK(f.max_pcpus == SCHED_MAX_PCPUS && f.starve_checked > 0);
	printf("# %u scenarios, up to %u pCPUs and %u vCPUs, %llu decisions: "
	       "worst share error %.3f%% of capacity (bound 1%%), worst reservation "
	       "deficit %.2f%% of a window's reservation, %u vCPUs checked for "
	       "starvation\n", f.scenarios, f.max_pcpus, f.max_vcpus,
	       (unsigned long long)f.picks, f.share_err, f.res_deficit,
	       f.starve_checked);
	unit_end();
}

static void test_bursty(void)
{
	struct figures f = { 0 };
	char err[256] = "";

	unit_begin("sim_bursty_scenarios_limits_and_invariants");
	for (uint64_t seed = 5001; seed < 5001 + BURSTY_SEEDS && !err[0]; seed++)
		run_scenario(seed, scenario_pcpus(seed), &bursty_opts, false, &f, err,
			     sizeof err);
	if (err[0])
		sched_test_fail(err);
	printf("# %u bursty scenarios: worst reservation deficit %.2f%%\n",
	       f.scenarios, f.res_deficit);
	unit_end();
}

int main(void)
{
	test_steady();
	test_bursty();
	return unit_exit_code();
}
