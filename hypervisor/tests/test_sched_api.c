/*
 * test_sched_api.c - host tests of the scheduler's interface contracts
 * (hv/sched.h): validation and admission control, vCPU state changes,
 * exact accounting, deadlines and kicks, driven by hand with explicit times.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "sched_sim/testing.h"
#include "sched_sim/module.c"

#define MS 1000000ull

static struct sched s;
static struct sched_dom doms[8];
static struct sched_vcpu vcpus[32];


static void test_init(void)
{
	unit_begin("api_init_bounds");
	UNIT_CHECK(sched_init(&s, 0) == -EINVAL);
	UNIT_CHECK(sched_init(&s, SCHED_MAX_PCPUS + 1) == -EINVAL);
	UNIT_CHECK(sched_init(&s, SCHED_MAX_PCPUS) == 0);
	UNIT_CHECK(sched_init(&s, 1) == 0);
	unit_end();
}

static void test_params_check(void)
{
	struct sched_params p;

	unit_begin("api_params_check");
	sched_params_default(&p);
	UNIT_CHECK(p.weight == 256 && p.reservation == 0 && p.cap == 0);
	UNIT_CHECK(sched_params_check(&p, 1) == 0);
	p.weight = 0;
	UNIT_CHECK(sched_params_check(&p, 1) == -EINVAL);
	p.weight = 65536;
	UNIT_CHECK(sched_params_check(&p, 1) == -EINVAL);
	p.weight = 65535;
	p.reservation = 150;
	UNIT_CHECK(sched_params_check(&p, 1) == -ERANGE); /* above 100/vCPU */
	UNIT_CHECK(sched_params_check(&p, 2) == 0);
	p.cap = 100;
	UNIT_CHECK(sched_params_check(&p, 2) == -EINVAL); /* reservation > cap */
	p.cap = 0;
	p.burst_baseline = 100;
	UNIT_CHECK(sched_params_check(&p, 2) == -EINVAL); /* reservation > baseline */
	p.reservation = 50;
	p.cap = 80;
	UNIT_CHECK(sched_params_check(&p, 2) == -EINVAL); /* baseline > cap */
	p.cap = 120;
	p.burst_max_ms = 100;
	UNIT_CHECK(sched_params_check(&p, 2) == 0);
	p.burst_baseline = 0;
	UNIT_CHECK(sched_params_check(&p, 2) == -EINVAL); /* credit, no baseline */
	unit_end();
}

static void test_admission(void)
{
	struct sched_params p = sched_test_params(256, 150, 0), q;

	unit_begin("api_admission_control");
	sched_init(&s, 2);
	UNIT_CHECK(sched_dom_add(&s, &doms[0], &p, 2, 0) == 0);
	p.reservation = 60;
	UNIT_CHECK(sched_dom_add(&s, &doms[1], &p, 1, 0) == -ENOSPC); /* 210 > 200 */
	p.reservation = 50;
	UNIT_CHECK(sched_dom_add(&s, &doms[1], &p, 1, 0) == 0);       /* 200 fits */
	p.reservation = 1;
	UNIT_CHECK(sched_dom_add(&s, &doms[2], &p, 4, 0) == -ENOSPC);
	p.reservation = 0;
	UNIT_CHECK(sched_dom_add(&s, &doms[2], &p, 4, 0) == 0);
	/* Raising a reservation at run time goes through admission too, and a
	 * refusal changes nothing. */
	q = sched_test_params(512, 10, 0);
	UNIT_CHECK(sched_dom_set_params(&s, &doms[2], &q, 0) == -ENOSPC);
	UNIT_CHECK(doms[2].params.weight == 256 && s.reserved_pct == 200);
	q = sched_test_params(512, 100, 0);
	UNIT_CHECK(sched_dom_set_params(&s, &doms[0], &q, 0) == 0); /* 150 -> 100 */
	q.reservation = 50;
	UNIT_CHECK(sched_dom_set_params(&s, &doms[2], &q, 0) == 0);
	UNIT_CHECK(s.reserved_pct == 200);
	q.reservation = 500;
	UNIT_CHECK(sched_dom_set_params(&s, &doms[2], &q, 0) == -ERANGE);
	q.weight = 0;
	UNIT_CHECK(sched_dom_set_params(&s, &doms[2], &q, 0) == -EINVAL);
	UNIT_CHECK(sched_dom_add(&s, &doms[3], &p, 0, 0) == -EINVAL); /* no vCPUs */
	/* Removing a domain gives its reservation back. */
	UNIT_CHECK(sched_dom_remove(&s, &doms[1]) == 0);
	UNIT_CHECK(s.reserved_pct == 150);
	unit_end();
}

static void test_vcpu_lifecycle(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	uint64_t dl;

	unit_begin("api_vcpu_add_remove");
	sched_init(&s, 1);
	sched_dom_add(&s, &doms[0], &p, 2, 0);
	UNIT_CHECK(sched_vcpu_add(&s, &doms[0], &vcpus[0], 0) == 0);
	UNIT_CHECK(sched_vcpu_add(&s, &doms[0], &vcpus[1], 0) == 0);
	UNIT_CHECK(sched_vcpu_add(&s, &doms[0], &vcpus[2], 0) == -ENOSPC);
	UNIT_CHECK(vcpus[0].state == SCHED_BLOCKED && vcpus[0].pcpu == -1);
	UNIT_CHECK(sched_dom_remove(&s, &doms[0]) == -EBUSY);
	sched_vcpu_wake(&s, &vcpus[0], 1 * MS);
	UNIT_CHECK(sched_pick(&s, 0, 1 * MS, &dl) == &vcpus[0]);
	UNIT_CHECK(sched_vcpu_remove(&s, &vcpus[0], 2 * MS) == -EBUSY);
	sched_vcpu_block(&s, &vcpus[0], 2 * MS);
	UNIT_CHECK(sched_pick(&s, 0, 2 * MS, &dl) == NULL);
	UNIT_CHECK(sched_vcpu_remove(&s, &vcpus[0], 3 * MS) == 0);
	sched_vcpu_wake(&s, &vcpus[1], 3 * MS);
	UNIT_CHECK(sched_vcpu_remove(&s, &vcpus[1], 4 * MS) == 0); /* RUNNABLE */
	UNIT_CHECK(sched_pick(&s, 0, 4 * MS, &dl) == NULL);
	UNIT_CHECK(sched_dom_remove(&s, &doms[0]) == 0);
	unit_end();
}

static void test_accounting(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	struct sched_stats st, ds;
	uint64_t dl;

	/* One pCPU, two vCPUs of one domain: times are exact to the ns. */
	unit_begin("api_accounting_exact");
	sched_init(&s, 1);
	sched_dom_add(&s, &doms[0], &p, 2, 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[0], 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[1], 0);
	sched_vcpu_wake(&s, &vcpus[0], 100);          /* blocked 100 */
	sched_vcpu_wake(&s, &vcpus[1], 300);          /* blocked 300 */
	UNIT_CHECK(sched_pick(&s, 0, 1000, &dl) == &vcpus[0]); /* v0 waited 900 */
	sched_vcpu_block(&s, &vcpus[0], 4000);        /* v0 ran 3000 */
	UNIT_CHECK(sched_pick(&s, 0, 4000, &dl) == &vcpus[1]); /* v1 waited 3700 */
	sched_vcpu_stats(&vcpus[0], 10000, &st);
	UNIT_CHECK(st.blocked_ns == 100 + 6000 && st.steal_ns == 900 && st.run_ns == 3000);
	sched_vcpu_stats(&vcpus[1], 10000, &st);
	UNIT_CHECK(st.blocked_ns == 300 && st.steal_ns == 3700 && st.run_ns == 6000);
	sched_dom_stats(&doms[0], 10000, &ds);
	UNIT_CHECK(ds.run_ns == 9000 && ds.steal_ns == 4600 && ds.blocked_ns == 6400);
	UNIT_CHECK(ds.run_ns + ds.steal_ns + ds.blocked_ns == 2 * 10000);
	unit_end();
}

static void test_deadlines_and_kicks(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	uint64_t dl, k;

	unit_begin("api_tickless_alone_sliced_when_contended");
	sched_init(&s, 2);
	sched_dom_add(&s, &doms[0], &p, 1, 0);
	sched_dom_add(&s, &doms[1], &p, 1, 0);
	sched_dom_add(&s, &doms[2], &p, 1, 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[0], 0);
	sched_vcpu_add(&s, &doms[1], &vcpus[1], 0);
	sched_vcpu_add(&s, &doms[2], &vcpus[2], 0);
	sched_vcpu_wake(&s, &vcpus[0], 0);
	k = sched_take_kicks(&s);
	UNIT_CHECK(k != 0 && (k & ~3ull) == 0);       /* an idle pCPU is kicked */
	UNIT_CHECK(sched_pick(&s, 0, 0, &dl) == &vcpus[0]);
	UNIT_CHECK(dl == SCHED_TIME_NEVER);           /* alone: no timer */
	UNIT_CHECK(sched_pick(&s, 1, 0, &dl) == NULL && dl == SCHED_TIME_NEVER);
	sched_take_kicks(&s);
	sched_vcpu_wake(&s, &vcpus[1], 1 * MS);
	UNIT_CHECK(sched_take_kicks(&s) == 2);        /* the idle pCPU 1 */
	UNIT_CHECK(sched_pick(&s, 1, 1 * MS, &dl) == &vcpus[1]);
	UNIT_CHECK(dl == SCHED_TIME_NEVER);
	sched_vcpu_wake(&s, &vcpus[2], 2 * MS);
	/* Both pCPUs are busy with untimed runs: both are kicked, so that each
	 * takes slices again now that a third vCPU waits. */
	k = sched_take_kicks(&s);
	UNIT_CHECK(k == 3);
	UNIT_CHECK(sched_pick(&s, 0, 2 * MS, &dl) != NULL);
	UNIT_CHECK(dl != SCHED_TIME_NEVER && dl <= 2 * MS + SCHED_SLICE_NS);
	UNIT_CHECK(sched_pick(&s, 1, 2 * MS, &dl) != NULL);
	UNIT_CHECK(dl != SCHED_TIME_NEVER && dl <= 2 * MS + SCHED_SLICE_NS);
	unit_end();
}

/* A vCPU is never picked by two pCPUs, and a blocked one never. */
static void test_never_twice(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	uint64_t dl, now = 0;
	bool ok = true;

	unit_begin("api_vcpu_on_one_pcpu_only");
	sched_init(&s, 4);
	sched_dom_add(&s, &doms[0], &p, 6, 0);
	for (int i = 0; i < 6; i++) {
		sched_vcpu_add(&s, &doms[0], &vcpus[i], 0);
		sched_vcpu_wake(&s, &vcpus[i], 0);
	}
	for (int round = 0; round < 2000 && ok; round++) {
		unsigned p0 = (unsigned)(round * 7 % 4);
		struct sched_vcpu *v;

		now += 137 * 1000;
		v = sched_pick(&s, p0, now, &dl);
		if (round % 5 == 0 && v)
			sched_vcpu_block(&s, v, now);
		if (round % 3 == 0)
			sched_vcpu_wake(&s, &vcpus[round % 6], now);
		sched_take_kicks(&s);
		for (unsigned a = 0; a < 4; a++) {
			struct sched_vcpu *c = s.pcpu[a].curr;
			if (c && (c->state != SCHED_RUNNING || c->pcpu != (int)a))
				ok = false;
			for (unsigned b = a + 1; b < 4; b++)
				if (c && c == s.pcpu[b].curr)
					ok = false;
		}
	}
	UNIT_CHECK(ok);
	unit_end();
}

static void test_yield(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	uint64_t dl;

	unit_begin("api_yield_lets_siblings_first");
	sched_init(&s, 1);
	sched_dom_add(&s, &doms[0], &p, 2, 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[0], 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[1], 0);
	sched_vcpu_wake(&s, &vcpus[0], 0);
	UNIT_CHECK(sched_pick(&s, 0, 0, &dl) == &vcpus[0]);
	sched_vcpu_wake(&s, &vcpus[1], 10);
	sched_vcpu_yield(&s, &vcpus[0], 20);
	UNIT_CHECK(sched_pick(&s, 0, 20, &dl) == &vcpus[1]);
	sched_vcpu_yield(&s, &vcpus[0], 30); /* not running: no effect */
	UNIT_CHECK(!vcpus[0].yielded);
	unit_end();
}

static void test_clock_backwards(void)
{
	struct sched_params p = sched_test_params(256, 0, 0);
	struct sched_stats st;
	uint64_t dl;

	/* A pCPU whose clock reads slightly behind another's: time inside the
	 * scheduler never goes backwards, and accounting stays consistent. */
	unit_begin("api_time_never_backwards");
	sched_init(&s, 2);
	sched_dom_add(&s, &doms[0], &p, 1, 0);
	sched_vcpu_add(&s, &doms[0], &vcpus[0], 0);
	sched_vcpu_wake(&s, &vcpus[0], 5000);
	sched_pick(&s, 0, 4000, &dl);
	sched_vcpu_block(&s, &vcpus[0], 4500);
	sched_vcpu_stats(&vcpus[0], 5000, &st);
	UNIT_CHECK(st.run_ns == 0 && st.blocked_ns == 5000 && st.steal_ns == 0);
	unit_end();
}

int main(void)
{
	test_init();
	test_params_check();
	test_admission();
	test_vcpu_lifecycle();
	test_accounting();
	test_deadlines_and_kicks();
	test_never_twice();
	test_yield();
	test_clock_backwards();
	return unit_exit_code();
}
