/*
 * test_sched_sim_limits.c - caps, burst credits and parameter changes in
 * the simulator, against the definitions of docs/scheduler.md:
 *   - a capped domain on an idle host gets its cap in every period, never
 *     more in any period, and never more than cap * (W + 2 S) + B in any
 *     window of length W (S the slice, B = SCHED_CAP_BURST_NS);
 *   - burst credits accrue while the domain uses less than its baseline and
 *     drain while it uses more, exactly as the settlement rule says, with
 *     the per-period usage a reference model of the rule predicts;
 *   - parameter changes (weights, cap, reservation) take effect within one
 *     period; admission control refuses what it must at run time.
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
#define P SCHED_PERIOD_NS



static const struct sim_workload cpu = { .kind = SIM_CPU };

/* CPU domain dom received in each ms of [0, ms), sampled by stepping. */
static void run_sampled(struct sim *sim, unsigned dom, unsigned ms, uint64_t *per_ms)
{
	uint64_t prev = 0;

	for (unsigned i = 0; i < ms; i++) {
		sim_run(sim, (i + 1) * MS);
		per_ms[i] = sim->doms[dom].run_ns - prev;
		prev = sim->doms[dom].run_ns;
	}
}

/*
 * Largest use of any window of w ms in per_ms[0..n), minus what the
 * documented bound allows before its burst term: cap * (w + 2 S).
 */
static int64_t worst_window_excess(const uint64_t *per_ms, unsigned n, unsigned w,
				   uint32_t cap)
{
	int64_t worst = INT64_MIN;
	uint64_t allowed = (uint64_t)cap * (w * MS + 2 * SCHED_SLICE_NS) / 100;

	for (unsigned a = 0; a + w <= n; a++) {
		uint64_t sum = 0;
		for (unsigned i = a; i < a + w; i++)
			sum += per_ms[i];
		if ((int64_t)(sum - allowed) > worst)
			worst = (int64_t)(sum - allowed);
	}
	return worst;
}

static void test_cap_idle_host(void)
{
	static const uint32_t caps[] = { 30, 100, 150, 250, 399 };
	int64_t worst_excess = INT64_MIN;
	uint64_t worst_short = 0;

	unit_begin("cap_on_idle_host_gets_cap_never_more");
	for (unsigned c = 0; c < sizeof caps / sizeof caps[0] && !unit_state.failed; c++) {
		struct sim *sim = sim_new(4, 500 * MS, 100 + c);
		struct sched_params p = sched_test_params(256, 0, caps[c]);
		uint64_t per_ms[500], limit = (uint64_t)caps[c] * P / 100;

		sim_add_dom(sim, &p, 4, &cpu);
		run_sampled(sim, 0, 500, per_ms);
		if (sim->err[0])
			sched_test_fail(sim->err);
		for (unsigned k = 0; k < 50; k++) {
			uint64_t used = sim->doms[0].per_run[k];
			if (used > limit)
				sched_test_fail("a period used more than its cap");
			if (limit - MIN(used, limit) > worst_short)
				worst_short = limit - MIN(used, limit);
		}
		for (unsigned w = 1; w <= 100; w++) {
			int64_t e = worst_window_excess(per_ms, 500, w, caps[c]);
			if (e > worst_excess)
				worst_excess = e;
		}
		sim_free(sim);
	}
	/* Every period's budget is used, bar the last minimum run. */
	UNIT_CHECK(worst_short <= SCHED_MIN_RUN_NS);
	UNIT_CHECK(worst_excess <= (int64_t)SCHED_CAP_BURST_NS);
	printf("# caps on an idle host: each period short of its cap by at most "
	       "%llu ns; worst sliding window exceeds cap*(W+2S) by %lld ns "
	       "(bound %llu)\n", (unsigned long long)worst_short,
	       (long long)worst_excess, (unsigned long long)SCHED_CAP_BURST_NS);
	unit_end();
}

static void test_cap_contended(void)
{
	int64_t worst_excess = INT64_MIN;

	/* A capped heavy domain among others on 2 pCPUs: never past its cap
	 * in any window, whatever the competition. */
	unit_begin("cap_contended_never_exceeded");
	for (uint64_t seed = 1; seed <= 10 && !unit_state.failed; seed++) {
		struct sim *sim = sim_new(2, 300 * MS, seed);
		struct sched_params capped = sched_test_params(4000, 0, 20 + 13 * (uint32_t)seed);
		struct sched_params other = sched_test_params(256, 0, 0);
		struct sim_workload io = { .kind = SIM_PERIODIC, .work_ns = 300000,
					   .period_ns = 2 * MS, .jitter_pct = 50 };
		uint64_t per_ms[300];

		sim_add_dom(sim, &capped, 3, &cpu);
		sim_add_dom(sim, &other, 2, &io);
		sim_add_dom(sim, &other, 1, &cpu);
		run_sampled(sim, 0, 300, per_ms);
		if (sim->err[0])
			sched_test_fail(sim->err);
		check_cap(sim, 0, capped.cap, 0, 300 * MS);
		if (sim->err[0])
			sched_test_fail(sim->err);
		for (unsigned w = 1; w <= 100; w++) {
			int64_t e = worst_window_excess(per_ms, 300, w, capped.cap);
			if (e > worst_excess)
				worst_excess = e;
		}
		sim_free(sim);
	}
	UNIT_CHECK(worst_excess <= (int64_t)SCHED_CAP_BURST_NS);
	unit_end();
}

/*
 * The burst-credit rule of docs/scheduler.md, written out independently:
 * per period, limit = min(cap, baseline + credit); the domain uses what it
 * wants up to the limit; then credit = min(max, credit + baseline - used).
 */
struct burst_model {
	uint64_t credit, max, base, cap;
};

static uint64_t burst_step(struct burst_model *m, uint64_t want)
{
	uint64_t limit = MIN(m->cap, m->base + m->credit);
	uint64_t used = MIN(want, limit);

	m->credit = MIN(m->max, m->credit + m->base - used);
	return used;
}

static void test_burst_alone(void)
{
	/* One vCPU alone on one pCPU: baseline 20 %, at most 50 ms of credit,
	 * cap 100 %. Idle for 400 ms (earns 2 ms a period up to 50), CPU-bound
	 * for 400 ms (spends 8 ms a period above the baseline), then idle. */
	struct sim *sim = sim_new(1, 1200 * MS, 7);
	struct sched_params p = sched_test_params(256, 0, 100);
	struct sim_workload w = { .kind = SIM_CPU, .start_ns = 400 * MS,
				  .stop_ns = 800 * MS };
	struct burst_model m = { 0, 50 * MS, 20 * P / 100, P };
	uint64_t worst = 0, full_periods = 0, credit_err = 0;

	unit_begin("burst_credits_accrue_and_drain_as_documented");
	p.burst_baseline = 20;
	p.burst_max_ms = 50;
	sim_add_dom(sim, &p, 1, &w);
	for (unsigned k = 0; k < 110; k++) {
		uint64_t want = (k >= 40 && k < 80) ? P : 0, used, expect;

		sim_run(sim, (k + 1) * P);
		expect = burst_step(&m, want);
		used = sim->doms[0].per_run[k];
		worst = MAX(worst, used > expect ? used - expect : expect - used);
		if (used + SCHED_MIN_RUN_NS >= P)
			full_periods++;
		/* The module's balance, settled at the start of the next
		 * period, follows the rule applied to what it really used. */
		credit_err = MAX(credit_err, (uint64_t)llabs((long long)sched_dom_credit(
			&sim->s, &sim->doms[0].sd, (k + 1) * P) - (long long)m.credit));
	}
	if (sim->err[0])
		sched_test_fail(sim->err);
	/* Per period as the rule says (to a minimum run); 50 ms of credit
	 * buy 6 full periods (6 * 8 ms) before it runs at its baseline. */
	UNIT_CHECK(worst <= SCHED_MIN_RUN_NS);
	UNIT_CHECK(credit_err <= 2 * SCHED_MIN_RUN_NS);
	UNIT_CHECK(full_periods == 6);
	UNIT_CHECK(m.credit == 50 * MS);
	printf("# burst alone: per-period use within %llu ns of the rule, credit "
	       "within %llu ns, %llu full-speed periods\n", (unsigned long long)worst,
	       (unsigned long long)credit_err, (unsigned long long)full_periods);
	sim_free(sim);
	unit_end();
}

static void test_burst_contended(void)
{
	/* A bursty burst-credit domain competing with a CPU hog on 1 pCPU:
	 * whatever it gets, its balance follows the rule applied to its real
	 * per-period use, and it never uses more than baseline + credit. */
	struct sim *sim = sim_new(1, 2000 * MS, 11);
	struct sched_params b = sched_test_params(512, 0, 80), h = sched_test_params(256, 0, 0);
	struct sim_workload on = { .kind = SIM_ONOFF, .period_ns = 120 * MS, .on_pct = 40 };
	struct burst_model m = { 0, 30 * MS, 25 * P / 100, 80 * P / 100 };
	uint64_t over = 0, credit_err = 0;

	unit_begin("burst_credits_contended_follow_rule");
	b.burst_baseline = 25;
	b.burst_max_ms = 30;
	sim_add_dom(sim, &b, 2, &on);
	sim_add_dom(sim, &h, 1, &cpu);
	for (unsigned k = 0; k < 200; k++) {
		uint64_t used, limit = MIN(m.cap, m.base + m.credit);

		sim_run(sim, (k + 1) * P);
		used = sim->doms[0].per_run[k];
		if (used > limit)
			over = MAX(over, used - limit);
		m.credit = MIN(m.max, m.credit + m.base - MIN(used, limit));
		credit_err = MAX(credit_err, (uint64_t)llabs((long long)sched_dom_credit(
			&sim->s, &sim->doms[0].sd, (k + 1) * P) - (long long)m.credit));
	}
	if (sim->err[0])
		sched_test_fail(sim->err);
	UNIT_CHECK(over == 0);
	UNIT_CHECK(credit_err == 0);
	sim_free(sim);
	unit_end();
}

static void test_param_change(void)
{
	/* Three CPU-bound domains of 2 vCPUs on 2 pCPUs, equal at first; at
	 * 295 ms: weights 1:2:4, a cap of 30 % on the heaviest, and the
	 * lightest gets a reservation of 90 %. From the next period on, the
	 * new entitlement holds over the next second and the cap in every
	 * period. */
	struct sim *sim = sim_new(2, 1300 * MS, 3);
	struct sched_params p0 = sched_test_params(256, 0, 0);
	struct sched_params n0 = sched_test_params(100, 90, 0);
	struct sched_params n1 = sched_test_params(200, 0, 0);
	struct sched_params n2 = sched_test_params(400, 0, 30);
	uint32_t ent[3];
	double worst = 0;

	unit_begin("param_changes_effective_within_one_period");
	for (int i = 0; i < 3; i++)
		sim_add_dom(sim, &p0, 2, &cpu);
	sim_run(sim, 295 * MS);
	UNIT_CHECK(sim_set_params(sim, 0, &n0) == 0);
	UNIT_CHECK(sim_set_params(sim, 1, &n1) == 0);
	UNIT_CHECK(sim_set_params(sim, 2, &n2) == 0);
	sim_run(sim, 1300 * MS);
	if (sim->err[0])
		sched_test_fail(sim->err);
	check_entitled(sim, 300 * MS, 1300 * MS, ent);
	check_shares(sim, 300 * MS, 1300 * MS, ent, 1.0, &worst);
	check_cap(sim, 2, 30, 300 * MS, 1300 * MS);
	check_reservation(sim, 0, 90, 300 * MS, 1300 * MS,
			  SCHED_RES_AHEAD_NS + 2 * SCHED_SLICE_NS, 2 * SCHED_MIN_RUN_NS,
			  &worst);
	if (sim->err[0])
		sched_test_fail(sim->err);
	/* The new entitlement is not the old one, or this proves nothing. */
	UNIT_CHECK(ent[0] == 900000 && ent[2] == 300000 && ent[1] == 800000);
	printf("# after the change: shares %.1f%% %.1f%% %.1f%% of a pCPU, entitled "
	       "90/80/30\n", sim_dom_run_between(sim, 0, 300 * MS, 1300 * MS) / 1e7,
	       sim_dom_run_between(sim, 1, 300 * MS, 1300 * MS) / 1e7,
	       sim_dom_run_between(sim, 2, 300 * MS, 1300 * MS) / 1e7);
	sim_free(sim);
	unit_end();
}

static void test_admission_at_run_time(void)
{
	struct sim *sim = sim_new(2, 100 * MS, 5);
	struct sched_params a = sched_test_params(256, 120, 0), b = sched_test_params(256, 0, 0);

	unit_begin("admission_control_in_simulation");
	UNIT_CHECK(sim_add_dom(sim, &a, 2, &cpu) == 0);
	UNIT_CHECK(sim_add_dom(sim, &b, 1, &cpu) == 1);
	sim_run(sim, 50 * MS);
	b.reservation = 81;
	UNIT_CHECK(sim_set_params(sim, 1, &b) == -ENOSPC);
	b.reservation = 80;
	UNIT_CHECK(sim_set_params(sim, 1, &b) == 0);
	a.reservation = 201;
	UNIT_CHECK(sim_set_params(sim, 0, &a) == -ERANGE);
	a.reservation = 121;
	UNIT_CHECK(sim_set_params(sim, 0, &a) == -ENOSPC);
	UNIT_CHECK(sim_add_dom(sim, &a, 2, &cpu) == -ENOSPC);
	sim_run(sim, 100 * MS);
	UNIT_CHECK(!sim->err[0]);
	sim_free(sim);
	unit_end();
}

int main(void)
{
	test_cap_idle_host();
	test_cap_contended();
	test_burst_alone();
	test_burst_contended();
	test_param_change();
	test_admission_at_run_time();
	return unit_exit_code();
}
