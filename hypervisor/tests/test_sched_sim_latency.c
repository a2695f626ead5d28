/*
 * test_sched_sim_latency.c - latency and responsiveness in the simulator
 * (docs/scheduler.md, "Guarantees"):
 *   - a warped wake-up (I/O-like vCPU of a domain within its share) starts
 *     within ceil(max(0, k - p) / p) * SCHED_WARP_NS, k the vCPUs that may be
 *     warped at once, p the pCPUs, when no reservation competes; at once if
 *     k <= p (a kick in the hypervisor);
 *   - waking often cannot buy more than the domain's share;
 *   - capacity a domain leaves idle goes to the others at once (within a
 *     slice at the latest).
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

#define MS 1000000ull



static const struct sim_workload cpu = { .kind = SIM_CPU };

/*
 * p pCPUs, k latency-sensitive single-vCPU domains (100 us of work every
 * 5 ms, jittered) among CPU hogs (two per pCPU, several weights). Returns
 * the worst latency of a warped wake-up and the share of wake-ups warped.
 */
static void latency_case(uint64_t seed, unsigned p, unsigned k, uint64_t *worst,
			 double *warped_share, uint64_t *mean)
{
	struct sim *sim = sim_new(p, 1000 * MS, seed);
	struct sim_workload io = { .kind = SIM_PERIODIC, .work_ns = 100000,
				   .period_ns = 5 * MS, .jitter_pct = 40 };
	uint64_t wakes = 0, warped = 0, sum = 0;
	struct sched_params pr;

	for (unsigned i = 0; i < 2 * p; i++) {
		pr = sched_test_params(128 << (i % 4), 0, 0);
		sim_add_dom(sim, &pr, 1, &cpu);
	}
	pr = sched_test_params(256, 0, 0);
	for (unsigned i = 0; i < k; i++)
		sim_add_dom(sim, &pr, 1, &io);
	sim_run(sim, 1000 * MS);
	if (sim->err[0])
		sched_test_fail(sim->err);
	*worst = 0;
	for (unsigned i = 2 * p; i < sim->ndoms; i++) {
		const struct sim_vcpu *v = &sim->vcpus[sim->doms[i].first_vcpu];

		wakes += v->wakes;
		warped += v->warped_wakes;
		sum += v->sum_warp_latency;
		if (v->max_warp_latency > *worst)
			*worst = v->max_warp_latency;
	}
	*warped_share = wakes ? (double)warped / (double)wakes : 0;
	*mean = warped ? sum / warped : 0;
	sim_free(sim);
}

static void test_warp_latency(void)
{
	static const unsigned cases[][2] = {
		/* pCPUs, latency-sensitive vCPUs */
		{ 1, 1 }, { 2, 1 }, { 4, 3 }, { 8, 8 }, { 2, 6 }, { 4, 13 }, { 16, 40 },
	};

	unit_begin("warped_wakeup_latency_bounded");
	for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		unsigned p = cases[c][0], k = cases[c][1];
		uint64_t bound = (k > p ? (k - p + p - 1) / p : 0) * SCHED_WARP_NS;
		uint64_t worst, mean;
		double share;
		char why[200];

		latency_case(40 + c, p, k, &worst, &share, &mean);
		printf("# %2u pCPUs, %2u I/O vCPUs: %.0f%% of wake-ups warped, latency "
		       "mean %llu ns, worst %llu ns (bound %llu)\n", p, k, share * 100,
		       (unsigned long long)mean, (unsigned long long)worst,
		       (unsigned long long)bound);
		if (worst > bound || share < 0.9) {
			snprintf(why, sizeof why, "seed %u: %u pCPUs %u I/O vCPUs: worst "
				 "%llu ns > %llu or only %.0f%% warped", 40 + c, p, k,
				 (unsigned long long)worst, (unsigned long long)bound,
				 share * 100);
			sched_test_fail(why);
		}
	}
	unit_end();
}

static void test_waking_often(void)
{
	/* One pCPU: a domain of 4 vCPUs that each want CPU 75 % of the time
	 * in phases of about 150 us, sleeping about 50 us in between (so they
	 * wake thousands of times a second, and would use 3 pCPUs), against a
	 * CPU hog of equal weight. Their share is half the pCPU, warp or not. */
	struct sim *sim = sim_new(1, 1000 * MS, 77);
	struct sim_workload chatty = { .kind = SIM_ONOFF, .period_ns = 200000,
				       .on_pct = 75 };
	struct sched_params pr = sched_test_params(256, 0, 0);
	uint64_t wakes = 0;
	double got;

	unit_begin("waking_often_buys_no_more_than_share");
	sim_add_dom(sim, &pr, 4, &chatty);
	sim_add_dom(sim, &pr, 1, &cpu);
	sim_run(sim, 1000 * MS);
	if (sim->err[0])
		sched_test_fail(sim->err);
	for (unsigned i = 0; i < 4; i++)
		wakes += sim->vcpus[i].wakes;
	got = sim->doms[0].run_ns / 1e7;
	UNIT_CHECK(wakes > 10000);
	UNIT_CHECK(got <= 51.0 && got >= 49.0);
	printf("# chatty domain: %.2f%% of the pCPU, entitled 50%%, %llu wake-ups\n",
	       got, (unsigned long long)wakes);
	sim_free(sim);
	unit_end();
}

static void test_idle_capacity(void)
{
	/* 4 pCPUs: A (4 CPU-bound vCPUs, heavy) stops at 300 ms; B and C (3
	 * CPU-bound vCPUs each) take all 4 pCPUs from that moment, to the ns. */
	struct sim *sim = sim_new(4, 400 * MS, 9);
	struct sim_workload stops = { .kind = SIM_CPU, .stop_ns = 300 * MS };
	struct sched_params heavy = sched_test_params(4096, 0, 0);
	struct sched_params light = sched_test_params(256, 0, 0);
	uint64_t before, after;

	unit_begin("idle_capacity_reaches_others_within_a_slice");
	sim_add_dom(sim, &heavy, 4, &stops);
	sim_add_dom(sim, &light, 3, &cpu);
	sim_add_dom(sim, &light, 3, &cpu);
	sim_run(sim, 300 * MS);
	before = sim->doms[1].run_ns + sim->doms[2].run_ns;
	sim_run(sim, 300 * MS + SCHED_SLICE_NS);
	after = sim->doms[1].run_ns + sim->doms[2].run_ns;
	if (sim->err[0])
		sched_test_fail(sim->err);
	UNIT_CHECK(after - before == 4 * SCHED_SLICE_NS);
	UNIT_CHECK(before < 4 * 300 * MS / 2); /* A had most of it before */
	sim_free(sim);
	unit_end();
}

int main(void)
{
	test_warp_latency();
	test_waking_often();
	test_idle_capacity();
	return unit_exit_code();
}
