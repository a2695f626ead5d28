/*
 * test_sched_sim_late.c - caps and burst credits under late preemption.
 *
 * Under software emulation the hypervisor's one-shot timer and exit path
 * arrive late: a pCPU stops its run and calls sched_pick() some time after
 * the deadline it was given, so runs outlive their leases, sometimes past
 * the end of their period or across whole periods. The simulator plays
 * that (sim_set_late), shaped after what QEMU shows: most runs stopped
 * 0..400 us late, a tail of stalls of milliseconds (past the period's end),
 * and rarer ones longer than a period; idle pCPUs woken on time, or late
 * too. The budget must charge every late run for the time it really ran
 * and carry what a period used above its limit into the next ones, so
 * that the long-run rate stays within the cap:
 *
 *   over any window of whole periods of length W, a domain receives at
 *   most cap * W + D, D = min(vCPUs, pCPUs) * L, L the largest lateness
 *   (docs/scheduler.md: each run out when the budget runs out may overrun
 *   it by its lateness; that debt is paid in the next periods).
 *
 * Checked over every 1 s window for 1, 2, 3 and 4 vCPUs with caps 25, 50
 * and 150 alone on the host, a capped domain among CPU hogs, and
 * burst-credit domains (held to their baseline once their credit is
 * spent, and over the whole run to what the baseline earns); also that
 * they still get close to their cap (late decisions lose some budget,
 * never add any), and the accounting.
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
#define SECOND (1000 * MS)
#define RUN_NS (5 * SECOND)
#define WIN_NS SECOND
/* Least share of its cap a CPU-bound domain alone gets over the run under
 * these models (late decisions lose some budget at period ends). */
#define LEAST_OF_CAP_PCT 90

/* Lateness models: QEMU-like (runs stopped 0..400 us late, 10 % of them
 * stalled up to 5 ms, often past the period's end; idle pCPUs on time),
 * and rare stalls longer than a period (1 % up to 25 ms: runs spanning
 * whole periods), idle pCPUs late too. */
static const struct sim_late models[] = {
	{ .max_ns = 400000, .spike_pct = 10, .spike_ns = 5 * MS },
	{ .max_ns = 400000, .spike_pct = 1, .spike_ns = 25 * MS, .idle = true },
};
#define NMODELS (sizeof models / sizeof models[0])

static const struct sim_workload cpu = { .kind = SIM_CPU };

/* Largest lateness of model m. */
static uint64_t late_max(const struct sim_late *m)
{
	return m->spike_pct != 0 && m->spike_ns > m->max_ns ? m->spike_ns : m->max_ns;
}

/* The bound D of the header, ns. */
static uint64_t debt_bound(const struct sim *sim, unsigned dom, const struct sim_late *m)
{
	return (uint64_t)MIN(sim->doms[dom].nvcpus, sim->npcpus) * late_max(m);
}

struct figures {
	double worst_excess_pct;  /* largest excess over the cap of a 1 s window, % of a pCPU */
	double worst_bound_pct;   /* ... and the largest fraction of D it used, % */
	double least_of_cap_pct;  /* least long-run share, % of the cap */
};

static void print_figures(const char *what, unsigned m, const struct figures *f)
{
	printf("# %s, late model %u: worst 1 s window %+.3f%% of a pCPU over the cap "
	       "(%.0f%% of D)", what, m, f->worst_excess_pct, f->worst_bound_pct);
	if (f->least_of_cap_pct < 1000)
		printf(", least long-run share %.1f%% of the cap", f->least_of_cap_pct);
	printf("\n");
}

/*
 * Domain dom received at most pct % of a pCPU * W + D in every window of
 * WIN_NS (sliding by SIM_WINDOW_NS) within [from, to); records the worst
 * excess in f. Returns false (with a message in sim->err) if not.
 */
static bool check_windows(struct sim *sim, unsigned dom, uint32_t pct,
			  const struct sim_late *m, uint64_t from, uint64_t to,
			  struct figures *f)
{
	uint64_t allowed = (uint64_t)pct * (WIN_NS / 100), bound = debt_bound(sim, dom, m);

	for (uint64_t a = from; a + WIN_NS <= to; a += SIM_WINDOW_NS) {
		uint64_t got = sim_dom_run_between(sim, dom, a, a + WIN_NS);
		double excess = ((double)got - (double)allowed) * 100.0 / (double)WIN_NS;

		if (excess > f->worst_excess_pct)
			f->worst_excess_pct = excess;
		if (got > allowed && (double)(got - allowed) * 100.0 / (double)bound >
				     f->worst_bound_pct)
			f->worst_bound_pct = (double)(got - allowed) * 100.0 / (double)bound;
		if (got > allowed + bound) {
			sim_fail(sim, "domain %u got %.3f%% of a pCPU in [%llu, %llu) ms, "
				 "limit %u%% + D = %.3f%%", dom, (double)got * 100.0 / WIN_NS,
				 (unsigned long long)(a / MS),
				 (unsigned long long)((a + WIN_NS) / MS), pct,
				 pct + (double)bound * 100.0 / WIN_NS);
			return false;
		}
	}
	return true;
}

/* Runs the simulation to RUN_NS, then checks the simulator's invariants
 * and the module's accounting; false (sim->err set) on a violation. */
static bool run_checked(struct sim *sim)
{
	sim_run(sim, RUN_NS);
	if (!sim->err[0])
		check_accounting(sim);
	return !sim->err[0];
}

static void capped_alone(unsigned pcpus, unsigned vcpus, uint32_t cap,
			 const struct sim_late *m, uint64_t seed, struct figures *f)
{
	struct sim *sim = sim_new(pcpus, RUN_NS, seed);
	struct sched_params p = sched_test_params(256, 0, cap);
	uint64_t got;
	double of_cap;

	sim_add_dom(sim, &p, vcpus, &cpu);
	sim_set_late(sim, m);
	if (run_checked(sim))
		check_windows(sim, 0, cap, m, 0, RUN_NS, f);
	got = sim_dom_run_between(sim, 0, SECOND, RUN_NS);
	of_cap = (double)got * 100.0 / ((double)cap * (RUN_NS - SECOND) / 100);
	if (of_cap < f->least_of_cap_pct)
		f->least_of_cap_pct = of_cap;
	printf("# %u pCPUs, %u vCPUs, cap %3u%%, late 0..%llu us (%u%% to %llu ms): "
	       "%.3f%% of a pCPU over 1..5 s, mean lateness %llu us\n", pcpus, vcpus, cap,
	       (unsigned long long)m->max_ns / 1000, m->spike_pct,
	       (unsigned long long)m->spike_ns / MS, (double)got * 100.0 / (RUN_NS - SECOND),
	       (unsigned long long)(sim->late_n ? sim->late_ns / sim->late_n / 1000 : 0));
	if (!sim->err[0] && of_cap < LEAST_OF_CAP_PCT)
		sim_fail(sim, "got only %.1f%% of its cap", of_cap);
	if (sim->err[0])
		sched_test_fail(sim->err);
	sim_free(sim);
}

static void test_capped_alone(void)
{
	static const struct { unsigned pcpus, vcpus; uint32_t cap; } cases[] = {
		{ 2, 1, 25 }, { 2, 1, 50 }, { 2, 2, 25 }, { 2, 2, 50 }, { 2, 2, 150 },
		{ 4, 3, 150 }, { 4, 4, 50 },
	};

	unit_begin("late_preemption_cap_alone_long_run_within_cap");
	for (unsigned m = 0; m < NMODELS; m++) {
		struct figures f = { 0, 0, 1000 };

		for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++)
			capped_alone(cases[c].pcpus, cases[c].vcpus, cases[c].cap,
				     &models[m], 10 * m + c + 1, &f);
		print_figures("alone", m, &f);
	}
	unit_end();
}

static void test_capped_contended(void)
{
	/* A capped 2-vCPU domain among two CPU hogs on 2 pCPUs: the hogs take
	 * what it may not, and it still stays within its cap. */
	unit_begin("late_preemption_cap_contended_within_cap");
	for (unsigned m = 0; m < NMODELS; m++) {
		struct figures f = { 0, 0, 1000 };

		for (uint32_t cap = 25; cap <= 75; cap += 50) {
			struct sim *sim = sim_new(2, RUN_NS, 100 + m + cap);
			struct sched_params capped = sched_test_params(1024, 0, cap);
			struct sched_params hog = sched_test_params(256, 0, 0);

			sim_add_dom(sim, &capped, 2, &cpu);
			sim_add_dom(sim, &hog, 1, &cpu);
			sim_add_dom(sim, &hog, 2, &cpu);
			sim_set_late(sim, &models[m]);
			if (run_checked(sim))
				check_windows(sim, 0, cap, &models[m], 0, RUN_NS, &f);
			if (sim->err[0])
				sched_test_fail(sim->err);
			sim_free(sim);
		}
		print_figures("contended", m, &f);
	}
	unit_end();
}

static void test_burst(void)
{
	/* Burst credits: idle for the first second (earning credit up to its
	 * maximum), then CPU-bound. Credit is earned only at the baseline, so
	 * from 0 the domain gets at most baseline * t + D; once the credit is
	 * spent (from 2 s on), every 1 s window holds the baseline + D. */
	static const struct { unsigned vcpus; uint32_t base, cap, max_ms; } cases[] = {
		{ 1, 25, 100, 200 }, { 2, 30, 100, 200 }, { 2, 50, 150, 300 },
	};

	unit_begin("late_preemption_burst_credits_within_baseline");
	for (unsigned m = 0; m < NMODELS; m++) {
		struct figures f = { 0, 0, 1000 };

		for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
			struct sim *sim = sim_new(2, RUN_NS, 200 + 10 * m + c);
			struct sched_params p = sched_test_params(256, 0, cases[c].cap);
			struct sim_workload w = { .kind = SIM_CPU, .start_ns = SECOND };
			uint64_t got, allowed;

			p.burst_baseline = cases[c].base;
			p.burst_max_ms = cases[c].max_ms;
			sim_add_dom(sim, &p, cases[c].vcpus, &w);
			sim_set_late(sim, &models[m]);
			if (run_checked(sim))
				check_windows(sim, 0, cases[c].base, &models[m], 2 * SECOND,
					      RUN_NS, &f);
			got = sim_dom_run_between(sim, 0, 0, RUN_NS);
			allowed = cases[c].base * (RUN_NS / 100) + debt_bound(sim, 0, &models[m]);
			if (!sim->err[0] && got > allowed)
				sim_fail(sim, "used %llu ms in 5 s, baseline %u%% + D allows %llu",
					 (unsigned long long)(got / MS), cases[c].base,
					 (unsigned long long)(allowed / MS));
			/* It did burst on its credit, above halfway to its cap. */
			if (!sim->err[0] && sim_dom_run_between(sim, 0, SECOND, SECOND + 100 * MS) <
					    (cases[c].base + cases[c].cap) * MS / 2)
				sim_fail(sim, "did not burst on its credit");
			if (sim->err[0])
				sched_test_fail(sim->err);
			sim_free(sim);
		}
		print_figures("burst (baseline as the cap)", m, &f);
	}
	unit_end();
}

int main(void)
{
	test_capped_alone();
	test_capped_contended();
	test_burst();
	return unit_exit_code();
}
