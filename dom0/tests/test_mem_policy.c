/*
 * test_mem_policy.c - the memory policy (mem_policy.h): shares, the idle
 * tax, floors and ceilings, growing back, pacing, bad input. Synthetic
 * servers, plus a recorded pair: the two nano guests of ci/tests/
 * muxd_e2e.py (the project's Linux guest image under QEMU TCG) as their
 * virtio-balloon statistics reported them, one running cpu-bench (34 MiB
 * in use) and one holding 200 MiB in tmpfs (233 MiB in use), with the
 * targets muxd settled on in that run (309 and 459 MiB of a 768 MiB pool).
 */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "mem_policy.h"

static const struct mp_config fast = { .tax_pct = 75, .min_interval_s = 0,
				       .max_step_mib = 0, .hysteresis_mib = 0 };

static struct mp_server srv(uint64_t floor, uint64_t ceiling, uint64_t shares, uint64_t target,
			    int64_t used)
{
	return (struct mp_server){ .floor_mib = floor, .ceiling_mib = ceiling, .shares = shares,
				   .target_mib = target, .used_mib = used };
}

static uint64_t sum(const uint64_t *v, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void test_no_pressure(void)
{
	unit_begin("mem_policy_no_pressure_gives_ceilings");
	struct mp_server s[2] = { srv(256, 512, 1, 300, 10), srv(1024, 2048, 5, 1500, 100) };
	uint64_t t[2];
	UNIT_CHECK(mp_ideal(s, 2, 2560, 75, t) == 0);   /* exactly the sum of ceilings */
	UNIT_CHECK(t[0] == 512 && t[1] == 2048);
	UNIT_CHECK(!mp_pressure(s, 2, 2560) && mp_pressure(s, 2, 2559));
	unit_end();
}

static void test_equal_use_equal_split(void)
{
	unit_begin("mem_policy_equal_shares_equal_use_split_evenly");
	struct mp_server s[2] = { srv(256, 512, 64, 512, 100), srv(256, 512, 64, 512, 100) };
	uint64_t t[2];
	UNIT_CHECK(mp_ideal(s, 2, 768, 75, t) == 0);
	UNIT_CHECK(t[0] == 384 && t[1] == 384);
	unit_end();
}

/* Worked example of docs/plans.md: k = 4, u = 50 and 300, pool 768. */
static void test_tax_moves_memory(void)
{
	unit_begin("mem_policy_tax_moves_memory_from_idle_to_busy");
	struct mp_server s[2] = { srv(256, 512, 64, 512, 50), srv(256, 512, 64, 512, 300) };
	uint64_t t[2];
	UNIT_CHECK(mp_ideal(s, 2, 768, 75, t) == 0);
	/* S x L = 1011: 50 + 961/4 = 290.25 and 300 + 711/4 = 477.75 */
	UNIT_CHECK(t[0] == 290 && t[1] == 478);
	UNIT_CHECK(sum(t, 2) == 768);
	/* without the tax, equal shares give equal memory whatever the use */
	UNIT_CHECK(mp_ideal(s, 2, 768, 0, t) == 0);
	UNIT_CHECK(t[0] == 384 && t[1] == 384);
	/* a heavier tax moves more */
	uint64_t h[2];
	UNIT_CHECK(mp_ideal(s, 2, 768, 95, h) == 0);
	UNIT_CHECK(h[1] > 478 && h[0] < 290 && h[0] >= 256 && sum(h, 2) == 768);
	unit_end();
}

static void test_recorded_pair(void)
{
	unit_begin("mem_policy_recorded_guests_busy_one_keeps_more");
	/* guest-reported MemTotal - MemAvailable: 34 and 233 MiB (muxd_e2e run) */
	struct mp_server s[2] = { srv(256, 512, 64, 512, 34), srv(256, 512, 64, 512, 233) };
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&fast, s, 2, 768, 100, d) == 0);
	UNIT_CHECK(d[0].why == MP_RECLAIM && d[1].why == MP_RECLAIM);
	/* S x L = 1135.5: 34 + 1101.5/4 = 309.4 and 233 + 902.5/4 = 458.6 */
	UNIT_CHECK(d[0].target_mib == 309 && d[1].target_mib == 459);
	UNIT_CHECK(d[0].active_pct == 6 && d[1].active_pct == 45);
	/* at those targets the same statistics keep them there */
	s[0].target_mib = 309;
	s[1].target_mib = 459;
	UNIT_CHECK(mp_decide(&fast, s, 2, 768, 200, d) == 0);
	UNIT_CHECK(d[0].why == MP_KEEP && d[1].why == MP_KEEP);
	unit_end();
}

static void test_shares_weigh(void)
{
	unit_begin("mem_policy_shares_weigh_alike_use");
	/* same use, 1:3 shares: the idle parts are in proportion to the shares */
	struct mp_server s[2] = { srv(0, 9000, 1, 9000, 0), srv(0, 9000, 3, 9000, 0) };
	uint64_t t[2];
	UNIT_CHECK(mp_ideal(s, 2, 4000, 75, t) == 0);
	UNIT_CHECK(t[0] == 1000 && t[1] == 3000);
	unit_end();
}

static void test_unknown_is_idle(void)
{
	unit_begin("mem_policy_guest_without_stats_counts_as_idle");
	struct mp_server s[2] = { srv(0, 1000, 1, 1000, -1), srv(0, 1000, 1, 1000, 400) };
	uint64_t t[2];
	UNIT_CHECK(mp_ideal(s, 2, 1000, 75, t) == 0);
	UNIT_CHECK(t[1] > t[0] && t[1] >= 400);
	unit_end();
}

static void test_floors_hold(void)
{
	unit_begin("mem_policy_floors_hold_even_when_they_overfill_the_pool");
	struct mp_server s[3] = { srv(300, 512, 1, 512, 500), srv(300, 512, 1000, 512, 500),
				  srv(300, 512, 1, 512, -1) };
	uint64_t t[3];
	UNIT_CHECK(mp_ideal(s, 3, 800, 75, t) == 0);    /* floors 900 > pool */
	UNIT_CHECK(t[0] == 300 && t[1] == 300 && t[2] == 300);
	UNIT_CHECK(mp_ideal(s, 3, 1000, 75, t) == 0);   /* 100 to share: the heavy one takes it */
	UNIT_CHECK(t[0] >= 300 && t[2] >= 300 && t[1] <= 512 && sum(t, 3) == 1000);
	UNIT_CHECK(t[1] >= 399);
	unit_end();
}

static void test_random_invariants(void)
{
	unit_begin("mem_policy_invariants_random");
	srand(9);
	for (int round = 0; round < 3000; round++) {
		size_t n = 1 + (size_t)(rand() % 20);
		struct mp_server s[20];
		uint64_t t[20], floors = 0, ceilings = 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t f = (uint64_t)(rand() % 4096), c = f + (uint64_t)(rand() % 8192);
			s[i] = srv(f, c, 1 + (uint64_t)(rand() % 65535), c ? c : 1,
				   rand() % 3 ? rand() % 9000 : -1);
			floors += f;
			ceilings += c;
		}
		uint64_t pool = (uint64_t)rand() % (ceilings + 100);
		UNIT_CHECK(mp_ideal(s, n, pool, (uint32_t)(rand() % 100), t) == 0);
		for (size_t i = 0; i < n; i++)
			UNIT_CHECK(t[i] >= s[i].floor_mib && t[i] <= s[i].ceiling_mib);
		if (floors <= pool)
			UNIT_CHECK(sum(t, n) == (ceilings < pool ? ceilings : pool));
	}
	unit_end();
}

static void test_grow_back(void)
{
	unit_begin("mem_policy_plentiful_memory_grows_back_paced");
	struct mp_config c = { .tax_pct = 75, .min_interval_s = 30, .max_step_mib = 100,
			       .hysteresis_mib = 64 };
	struct mp_server s[2] = { srv(256, 512, 64, 300, 50), srv(256, 512, 64, 400, 300) };
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&c, s, 2, 2048, 1000, d) == 0);
	UNIT_CHECK(d[0].ideal_mib == 512 && d[0].why == MP_GROW_BACK && d[0].target_mib == 400);
	UNIT_CHECK(d[1].why == MP_GROW_BACK && d[1].target_mib == 500);
	/* next round the last 12 MiB go too: reaching the ceiling ignores hysteresis */
	s[1].target_mib = 500;
	s[1].changed = true;
	s[1].changed_at = 1000;
	UNIT_CHECK(mp_decide(&c, s, 2, 2048, 1030, d) == 0);
	UNIT_CHECK(d[1].why == MP_GROW_BACK && d[1].target_mib == 512);
	unit_end();
}

static void test_rate_limit(void)
{
	unit_begin("mem_policy_rate_limit_interval_step_hysteresis");
	struct mp_config c = { .tax_pct = 75, .min_interval_s = 30, .max_step_mib = 64,
			       .hysteresis_mib = 32 };
	struct mp_server s[2] = { srv(256, 1024, 1, 1024, 50), srv(256, 1024, 1, 1024, 900) };
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&c, s, 2, 1536, 100, d) == 0);
	UNIT_CHECK(d[0].why == MP_RECLAIM && d[0].target_mib == 1024 - 64);
	UNIT_CHECK(d[0].ideal_mib < 1024 - 64);
	/* changed 10 s ago: held, not moved */
	s[0].target_mib = 960;
	s[0].changed = true;
	s[0].changed_at = 100;
	UNIT_CHECK(mp_decide(&c, s, 2, 1536, 110, d) == 0);
	UNIT_CHECK(d[0].why == MP_KEEP && d[0].held && d[0].target_mib == 960);
	/* the interval passed: one more step */
	UNIT_CHECK(mp_decide(&c, s, 2, 1536, 130, d) == 0);
	UNIT_CHECK(d[0].why == MP_RECLAIM && d[0].target_mib == 960 - 64);
	/* near the ideal: hysteresis leaves it, once the pool is no longer overfull */
	uint64_t ideal = d[0].ideal_mib;
	s[0].target_mib = ideal + 20;
	UNIT_CHECK(mp_decide(&c, s, 2, 1536 + 20, 500, d) == 0 && d[0].ideal_mib == ideal + 20);
	s[0].target_mib = ideal + 40;
	s[1].target_mib = 1000;
	UNIT_CHECK(mp_decide(&c, s, 2, 1536 + 20, 500, d) == 0);
	UNIT_CHECK(d[0].why == MP_KEEP && !d[0].held && d[0].target_mib == ideal + 40);
	/* overfull (the targets in force exceed the pool): even a small reclaim goes */
	s[1].target_mib = 1024;
	UNIT_CHECK(mp_decide(&c, s, 2, 1536 + 20, 500, d) == 0);
	UNIT_CHECK(d[0].why == MP_RECLAIM && d[0].target_mib == ideal + 20);
	unit_end();
}

static void test_increase_only_from_free(void)
{
	unit_begin("mem_policy_increase_only_from_free_memory");
	struct mp_config c = { .tax_pct = 75, .min_interval_s = 30, .max_step_mib = 0,
			       .hysteresis_mib = 0 };
	/* the busy one should grow, but the idle one may not shrink yet */
	struct mp_server s[2] = { srv(256, 1024, 1, 900, 10), srv(256, 1024, 1, 600, 900) };
	s[0].changed = true;
	s[0].changed_at = 95;
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&c, s, 2, 1536, 100, d) == 0);
	UNIT_CHECK(d[0].why == MP_KEEP && d[0].held);
	UNIT_CHECK(d[1].why == MP_GRANT && d[1].target_mib == 636);  /* 1536 - 900 */
	/* overcommitted: nothing free, the increase waits */
	s[1].target_mib = 700;
	UNIT_CHECK(mp_decide(&c, s, 2, 1536, 100, d) == 0);
	UNIT_CHECK(d[1].why == MP_KEEP && d[1].held && d[1].target_mib == 700);
	unit_end();
}

static void test_bounds_fixed_at_once(void)
{
	unit_begin("mem_policy_target_outside_plan_fixed_at_once");
	struct mp_config c = { .tax_pct = 75, .min_interval_s = 3600, .max_step_mib = 1,
			       .hysteresis_mib = 1000 };
	struct mp_server s[2] = { srv(1024, 2048, 1, 512, 0), srv(256, 512, 1, 2048, 0) };
	s[0].changed = s[1].changed = true;
	s[0].changed_at = s[1].changed_at = 99;
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&c, s, 2, 1000, 100, d) == 0);   /* even though floors overfill */
	UNIT_CHECK(d[0].why == MP_FLOOR && d[0].target_mib == 1024);
	UNIT_CHECK(d[1].why == MP_CEILING && d[1].target_mib == 512);
	unit_end();
}

static void test_bad_input(void)
{
	unit_begin("mem_policy_bad_input_refused_nothing_written");
	struct mp_server s[2] = { srv(256, 512, 1, 512, 0), srv(600, 512, 1, 512, 0) };
	uint64_t t[2] = { 7, 7 };
	struct mp_decision d[2] = { { .target_mib = 7 }, { .target_mib = 7 } };
	UNIT_CHECK(mp_ideal(s, 2, 1000, 75, t) == -EINVAL);     /* floor above ceiling */
	UNIT_CHECK(mp_decide(&fast, s, 2, 1000, 0, d) == -EINVAL);
	s[1] = srv(256, 512, 0, 512, 0);
	UNIT_CHECK(mp_ideal(s, 2, 1000, 75, t) == -EINVAL);     /* zero shares */
	s[1] = srv(256, 512, 1, 512, 0);
	UNIT_CHECK(mp_ideal(s, 2, 1000, 100, t) == -EINVAL);    /* tax 100 % */
	UNIT_CHECK(mp_ideal(NULL, 2, 1000, 75, t) == -EINVAL);
	UNIT_CHECK(mp_ideal(s, 2, 1000, 75, NULL) == -EINVAL);
	UNIT_CHECK(mp_decide(NULL, s, 2, 1000, 0, d) == -EINVAL);
	s[0].target_mib = 0;
	UNIT_CHECK(mp_decide(&fast, s, 2, 1000, 0, d) == -EINVAL); /* no target in force */
	UNIT_CHECK(t[0] == 7 && t[1] == 7 && d[0].target_mib == 7 && d[1].target_mib == 7);
	UNIT_CHECK(mp_ideal(s, 0, 0, 75, NULL) == 0);           /* nothing running: fine */
	UNIT_CHECK(mp_decide(&fast, NULL, 0, 0, 0, NULL) == 0);
	UNIT_CHECK(mp_why_name(MP_GROW_BACK)[0] == 'g' && mp_why_name((enum mp_why)42)[0] == 'k');
	unit_end();
}

int main(void)
{
	test_no_pressure();
	test_equal_use_equal_split();
	test_tax_moves_memory();
	test_recorded_pair();
	test_shares_weigh();
	test_unknown_is_idle();
	test_floors_hold();
	test_random_invariants();
	test_grow_back();
	test_rate_limit();
	test_increase_only_from_free();
	test_bounds_fixed_at_once();
	test_bad_input();
	return unit_exit_code();
}
