/*
 * test_live.c - the latest-observation table (insert, replace, remove with
 * backward shift, growth) against a plain array as the model, and the
 * burst-credit arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "live.h"
#include "sampler.h"

static void test_live_model(void)
{
	unit_begin("live_table_matches_model_under_churn");
	struct live l;
	UNIT_CHECK(live_init(&l) == 0);
	enum { N = 5000 };
	static int64_t model[N + 1];    /* model[id] = cpu value, 0 = absent */
	srand(7);
	for (int step = 0; step < 60000; step++) {
		int64_t id = 1 + rand() % N;
		if (rand() % 3) {
			struct live_entry e = { .server_id = id, .cpu_pct_x100 = step + 1 };
			UNIT_CHECK(live_put(&l, &e) == 0);
			model[id] = step + 1;
		} else {
			live_remove(&l, id);
			model[id] = 0;
		}
	}
	size_t count = 0;
	for (int64_t id = 1; id <= N; id++) {
		struct live_entry e;
		bool found = live_get(&l, id, &e);
		UNIT_CHECK(found == (model[id] != 0));
		if (found) {
			UNIT_CHECK(e.cpu_pct_x100 == model[id]);
			count++;
		}
	}
	UNIT_CHECK(count == l.used);
	UNIT_CHECK(l.cap >= 2 * l.used);
	live_fini(&l);
	unit_end();
}

static void test_credit(void)
{
	unit_begin("burst_credit_accrues_spends_and_clamps");
	/* baseline 20 %, idle for 10 s: earns 0.2 CPU x 10 s = 2 CPU-seconds = 200 */
	UNIT_CHECK(smp_credit_next(0, 20, 0, 10000) == 200);
	/* at 120 % for 1 s: spends 1 CPU-second */
	UNIT_CHECK(smp_credit_next(500, 20, 12000, 1000) == 400);
	/* never below zero, never above a day at the baseline */
	UNIT_CHECK(smp_credit_next(50, 20, 10000, 10000) == 0);
	UNIT_CHECK(smp_credit_max(20) == 20 * 86400);
	UNIT_CHECK(smp_credit_next(smp_credit_max(20), 20, 0, 3600000) == smp_credit_max(20));
	/* exactly at the baseline: unchanged; no baseline: no credit */
	UNIT_CHECK(smp_credit_next(123, 20, 2000, 5000) == 123);
	UNIT_CHECK(smp_credit_next(123, 0, 0, 5000) == 0);
	unit_end();
}

static void test_power_forgets_target(void)
{
	unit_begin("live_stop_or_start_forgets_the_balloon_target");
	struct live l;
	UNIT_CHECK(live_init(&l) == 0);
	struct live_entry e = { .server_id = 7, .power = DRV_RUNNING, .mem_target_mib = 309,
				.mem_changed = true, .mem_changed_at = 5 };
	UNIT_CHECK(live_put(&l, &e) == 0);
	struct live_entry got;
	live_set_power(&l, 7, DRV_RUNNING, 100);   /* still running: the target stands */
	UNIT_CHECK(live_get(&l, 7, &got) && got.mem_target_mib == 309 && got.mem_changed);
	live_set_power(&l, 7, DRV_OFF, 101);
	UNIT_CHECK(live_get(&l, 7, &got) && got.mem_target_mib == 0 && !got.mem_changed);
	got.mem_target_mib = 512;
	UNIT_CHECK(live_put(&l, &got) == 0);
	live_set_power(&l, 7, DRV_RUNNING, 102);   /* started: its definition's memory */
	UNIT_CHECK(live_get(&l, 7, &got) && got.mem_target_mib == 0 && got.power == DRV_RUNNING);
	live_fini(&l);
	unit_end();
}

static void test_waiting(void)
{
	unit_begin("live_waiting_for_memory_kept_while_off_cleared_by_a_start");
	struct live l;
	UNIT_CHECK(live_init(&l) == 0);
	struct live_entry got;
	UNIT_CHECK(!live_set_waiting(&l, 9, true));        /* new entry: was not waiting */
	UNIT_CHECK(live_set_waiting(&l, 9, true));         /* the second time it was */
	live_set_power(&l, 9, DRV_OFF, 100);               /* a reconcile pass sees it off */
	UNIT_CHECK(live_get(&l, 9, &got) && got.mem_waiting);
	got.mem_room = 1;
	UNIT_CHECK(live_put(&l, &got) == 0);
	live_set_power(&l, 9, DRV_RUNNING, 101);           /* it started */
	UNIT_CHECK(live_get(&l, 9, &got) && !got.mem_waiting && got.mem_room == 0);
	UNIT_CHECK(!live_set_waiting(&l, 9, true) && live_set_waiting(&l, 9, false));
	UNIT_CHECK(live_get(&l, 9, &got) && !got.mem_waiting);   /* stopped: waits for nothing */
	live_fini(&l);
	unit_end();
}

int main(void)
{
	test_live_model();
	test_power_forgets_target();
	test_waiting();
	test_credit();
	return unit_exit_code();
}
