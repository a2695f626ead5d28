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

/* Moves every target to its decision, as the sampler does; `now` advances. */
static void apply(struct mp_server *s, const struct mp_decision *d, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		if (d[i].why == MP_KEEP)
			continue;
		s[i].target_mib = d[i].target_mib;
		s[i].changed = true;
		s[i].changed_at = now;
	}
}

/*
 * The overcommit scenario's start: two idle guests at their 256 MiB
 * ceilings, a third waiting to start (fixed at its ceiling). The running
 * two are squeezed to make room, paced, never below their floors; the
 * waiting one is never moved; once started it takes part like the others.
 */
static void test_waiting_squeezes(void)
{
	unit_begin("mem_policy_waiting_start_squeezes_running_to_floors");
	struct mp_config c = { .tax_pct = 75, .min_interval_s = 6, .max_step_mib = 64,
			       .hysteresis_mib = 8 };
	struct mp_server s[3] = { srv(128, 256, 256, 256, 45), srv(128, 256, 256, 256, 45) };
	struct mp_decision d[3];
	UNIT_CHECK(mp_room(s, 2, 256, 512));            /* floors 256 + 256 fit 512 */
	s[2] = srv(256, 256, 256, 256, -1);             /* the waiting participant */
	bool reached = false;
	for (int64_t now = 100; now < 200 && !reached; now += 2) {
		UNIT_CHECK(mp_decide(&c, s, 3, 512, now, d) == 0);
		UNIT_CHECK(d[2].why == MP_KEEP && d[2].target_mib == 256);
		for (int i = 0; i < 2; i++) {
			UNIT_CHECK(d[i].target_mib >= 128);             /* never below the floor */
			UNIT_CHECK(d[i].why == MP_KEEP || d[i].why == MP_RECLAIM);
			UNIT_CHECK(s[i].target_mib - d[i].target_mib <= 64);  /* paced */
		}
		apply(s, d, 3, now);
		reached = s[0].target_mib + s[1].target_mib + 256 <= 512;
	}
	UNIT_CHECK(reached && s[0].target_mib == 128 && s[1].target_mib == 128);
	/* the room is there: it starts at its ceiling and takes part like the others */
	s[2] = srv(128, 256, 256, 256, -1);
	for (int64_t now = 300; now < 500; now += 2) {
		UNIT_CHECK(mp_decide(&c, s, 3, 512, now, d) == 0);
		apply(s, d, 3, now);
		for (int i = 0; i < 3; i++)
			UNIT_CHECK(s[i].target_mib >= 128 && s[i].target_mib <= 256);
		UNIT_CHECK(s[0].target_mib + s[1].target_mib + s[2].target_mib <= 512);
	}
	unit_end();
}

/* With room to spare above the floors, the waiting ceiling is taken from
 * the running servers by shares and tax: the idle one gives more. */
static void test_waiting_by_shares(void)
{
	unit_begin("mem_policy_waiting_start_room_taken_by_shares_and_tax");
	struct mp_server s[3] = { srv(128, 512, 100, 512, 20), srv(128, 512, 100, 512, 300),
				  srv(256, 256, 100, 256, -1) };
	uint64_t t[3];
	UNIT_CHECK(mp_ideal(s, 3, 1024, 75, t) == 0);
	UNIT_CHECK(t[2] == 256 && t[0] + t[1] == 768 && t[0] < t[1]);
	UNIT_CHECK(t[0] >= 128 && t[1] >= 300);           /* the busy one keeps what it uses */
	unit_end();
}

/* No room: the floors of the running servers and the waiting ceiling do
 * not fit the pool; the caller leaves it out and nothing is squeezed. */
static void test_waiting_no_room(void)
{
	unit_begin("mem_policy_waiting_start_no_room_when_floors_leave_too_little");
	struct mp_server s[3] = { srv(200, 256, 1, 256, 10), srv(200, 256, 1, 256, 10),
				  srv(256, 256, 1, 256, -1) };
	UNIT_CHECK(!mp_room(s, 2, 256, 512));              /* 400 + 256 > 512 */
	UNIT_CHECK(mp_room(s, 2, 112, 512));               /* exactly full: fits */
	UNIT_CHECK(!mp_room(s, 2, 113, 512));
	UNIT_CHECK(mp_room(s, 3, 0, 656) && !mp_room(s, 3, 0, 655));
	UNIT_CHECK(mp_room(NULL, 0, 512, 512) && !mp_room(NULL, 0, 513, 512));
	/* a second waiting server is counted only if it fits after the first */
	struct mp_server w[3] = { srv(128, 256, 1, 256, 10), srv(256, 256, 1, 256, -1) };
	UNIT_CHECK(mp_room(w, 1, 256, 512));              /* the first: 128 + 256 */
	UNIT_CHECK(!mp_room(w, 2, 256, 512));             /* the second: 128 + 256 + 256 */
	/* left out, the running ones keep their ceilings when they fit */
	struct mp_decision d[2];
	UNIT_CHECK(mp_decide(&fast, s, 2, 512, 0, d) == 0);
	UNIT_CHECK(d[0].target_mib == 256 && d[1].target_mib == 256);
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
	test_waiting_squeezes();
	test_waiting_by_shares();
	test_waiting_no_room();
	return unit_exit_code();
}
