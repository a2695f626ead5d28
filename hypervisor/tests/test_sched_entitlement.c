/*
 * test_sched_entitlement.c - host tests of the water-filling entitlement
 * function (hypervisor/sched/entitlement.c): worked examples from
 * docs/scheduler.md, refusals of bad input, and seeded random inputs checked
 * against an independent floating-point solution.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "sched_sim/testing.h"
#include "../sched/entitlement.c"

#define MAXN 64

static double dmin(double a, double b) { return a < b ? a : b; }
static double dmax(double a, double b) { return a > b ? a : b; }
static double dabs(double a) { return a < 0 ? -a : a; }


static struct sched_entitle_in dom(uint32_t w, uint32_t res, uint32_t cap,
				   uint32_t vcpus, uint32_t demand)
{
	struct sched_entitle_in d = { w, res, cap, vcpus, demand };
	return d;
}

/*
 * Reference solution in double precision, written the obvious way:
 * bisection on the level over the real numbers.
 */
static void reference(const struct sched_entitle_in *in, unsigned n,
		      unsigned pcpus, double *out)
{
	double host = pcpus * 100.0, hi_sum = 0, lo_l = 0, hi_l = 1e12;
	double lo[MAXN], hi[MAXN];

	for (unsigned i = 0; i < n; i++) {
		double u = in[i].demand;
		if (u > in[i].vcpus * 100.0)
			u = in[i].vcpus * 100.0;
		if (in[i].cap && u > in[i].cap)
			u = in[i].cap;
		if (u > host)
			u = host;
		hi[i] = u;
		lo[i] = in[i].reservation < u ? in[i].reservation : u;
		hi_sum += u;
	}
	if (hi_sum <= host) {
		memcpy(out, hi, n * sizeof(double));
		return;
	}
	for (int it = 0; it < 300; it++) {
		double mid = (lo_l + hi_l) / 2, sum = 0;
		for (unsigned i = 0; i < n; i++)
			sum += dmin(dmax(mid * in[i].weight, lo[i]), hi[i]);
		if (sum <= host)
			lo_l = mid;
		else
			hi_l = mid;
	}
	for (unsigned i = 0; i < n; i++)
		out[i] = dmin(dmax(lo_l * in[i].weight, lo[i]), hi[i]);
}

/* |out - reference| in output units (0.01 %), the largest over domains. */
static double max_error(const struct sched_entitle_in *in, unsigned n,
			unsigned pcpus, const uint32_t *out)
{
	double ref[MAXN], worst = 0;

	reference(in, n, pcpus, ref);
	for (unsigned i = 0; i < n; i++)
		worst = dmax(worst, dabs(out[i] - ref[i] * 100.0));
	return worst;
}

static uint64_t sum_of(const uint32_t *out, unsigned n)
{
	uint64_t s = 0;
	for (unsigned i = 0; i < n; i++)
		s += out[i];
	return s;
}

static void test_weights_with_vcpu_ceiling(void)
{
	/* 1:2:4 on two pCPUs, one CPU-bound vCPU each: the heaviest is held
	 * to one pCPU and the other two share the second 1:2. */
	struct sched_entitle_in in[3] = {
		dom(1, 0, 0, 1, 100), dom(2, 0, 0, 1, 100), dom(4, 0, 0, 1, 100),
	};
	uint32_t out[3];

	unit_begin("entitlement_weights_1_2_4_on_2_pcpus");
	UNIT_CHECK(sched_entitlement(in, 3, 2, out) == 0);
	UNIT_CHECK(out[0] == 3333 || out[0] == 3334);
	UNIT_CHECK(out[1] == 6666 || out[1] == 6667);
	UNIT_CHECK(out[2] == 10000);
	UNIT_CHECK(sum_of(out, 3) == 20000);
	unit_end();
}

static void test_reservation_floor(void)
{
	/* A light, heavy domain cannot push a reserved one below its floor:
	 * the floor is a minimum, not an addition to the weighted share. */
	struct sched_entitle_in in[2] = {
		dom(1, 90, 0, 1, 100), dom(1000, 0, 0, 1, 50),
	};
	uint32_t out[2];

	unit_begin("entitlement_reservation_is_a_floor");
	UNIT_CHECK(sched_entitlement(in, 2, 1, out) == 0);
	UNIT_CHECK(out[0] == 9000);
	UNIT_CHECK(out[1] == 1000);
	unit_end();

	/* Above its floor a reserved domain gets its weighted share, not
	 * floor + share. */
	in[0] = dom(1, 30, 0, 2, 200);
	in[1] = dom(1, 0, 0, 2, 200);
	unit_begin("entitlement_weight_share_above_floor");
	UNIT_CHECK(sched_entitlement(in, 2, 2, out) == 0);
	UNIT_CHECK(out[0] == 10000 && out[1] == 10000);
	unit_end();
}

static void test_cap_and_idle(void)
{
	struct sched_entitle_in in[3] = {
		dom(256, 0, 30, 4, 400), dom(256, 0, 0, 2, 0),
		dom(256, 0, 0, 1, 15),
	};
	uint32_t out[3];

	unit_begin("entitlement_cap_on_idle_host");
	UNIT_CHECK(sched_entitlement(in, 3, 4, out) == 0);
	UNIT_CHECK(out[0] == 3000);
	UNIT_CHECK(out[1] == 0);
	UNIT_CHECK(out[2] == 1500);
	unit_end();

	/* The idle domain's capacity goes to the others, up to their caps. */
	in[0] = dom(256, 0, 150, 4, 400);
	in[1] = dom(256, 0, 0, 4, 400);
	in[2] = dom(256, 0, 0, 4, 0);
	unit_begin("entitlement_work_conserving_up_to_caps");
	UNIT_CHECK(sched_entitlement(in, 3, 4, out) == 0);
	UNIT_CHECK(out[0] == 15000);
	UNIT_CHECK(out[1] == 25000);
	UNIT_CHECK(out[2] == 0);
	unit_end();
}

static void test_bad_input(void)
{
	struct sched_entitle_in in[2] = { dom(1, 0, 0, 1, 100), dom(1, 0, 0, 1, 100) };
	uint32_t out[2];

	unit_begin("entitlement_refuses_bad_input");
	UNIT_CHECK(sched_entitlement(in, 2, 0, out) == -EINVAL);
	UNIT_CHECK(sched_entitlement(NULL, 2, 1, out) == -EINVAL);
	UNIT_CHECK(sched_entitlement(in, 2, 1, NULL) == -EINVAL);
	UNIT_CHECK(sched_entitlement(in, 2, MAX_PCPUS + 1, out) == -EINVAL);
	in[0].weight = 0;
	UNIT_CHECK(sched_entitlement(in, 2, 1, out) == -EINVAL);
	in[0].weight = 65536;
	UNIT_CHECK(sched_entitlement(in, 2, 1, out) == -EINVAL);
	in[0].weight = 65535;
	in[0].reservation = 101; /* above 100 * vcpus */
	UNIT_CHECK(sched_entitlement(in, 2, 4, out) == -EINVAL);
	in[0].reservation = 50;
	in[0].cap = 40; /* reservation above cap */
	UNIT_CHECK(sched_entitlement(in, 2, 4, out) == -EINVAL);
	in[0].cap = 0;
	in[1].reservation = 60; /* 110 reserved on one pCPU */
	UNIT_CHECK(sched_entitlement(in, 2, 1, out) == -EINVAL);
	UNIT_CHECK(sched_entitlement(in, 2, 2, out) == 0);
	UNIT_CHECK(sched_entitlement(NULL, 0, 1, NULL) == 0);
	unit_end();
}

static void test_extremes(void)
{
	/* Largest values everywhere: no overflow (UBSan watches), results
	 * bounded by the host and exact sum. */
	struct sched_entitle_in in[3] = {
		dom(65535, 0, 0, UINT32_MAX, UINT32_MAX),
		dom(1, 100, 0, UINT32_MAX, UINT32_MAX),
		dom(65535, 0, UINT32_MAX, UINT32_MAX, UINT32_MAX),
	};
	uint32_t out[3];

	unit_begin("entitlement_extreme_values");
	UNIT_CHECK(sched_entitlement(in, 3, MAX_PCPUS, out) == 0);
	UNIT_CHECK(sum_of(out, 3) == (uint64_t)MAX_PCPUS * 10000);
	UNIT_CHECK(out[1] >= 10000);
	UNIT_CHECK(max_error(in, 3, MAX_PCPUS, out) <= 1.0);
	unit_end();
}

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)((rng_state >> 33) % n);
}

/* A random admissible instance; reservations kept within the host. */
static unsigned random_instance(struct sched_entitle_in *in, unsigned *pcpus)
{
	unsigned n = 1 + rnd(MAXN);
	uint64_t reserved = 0;

	*pcpus = 1 + rnd(64);
	for (unsigned i = 0; i < n; i++) {
		struct sched_entitle_in *d = &in[i];
		d->weight = rnd(4) == 0 ? 1 + rnd(65535) : 1 + rnd(1024);
		d->vcpus = 1 + rnd(16);
		d->demand = rnd(3) == 0 ? d->vcpus * 100 : rnd(d->vcpus * 100 + 50);
		d->cap = rnd(3) == 0 ? 1 + rnd(d->vcpus * 100) : 0;
		d->reservation = 0;
		if (rnd(3) == 0) {
			uint32_t room = (uint32_t)(*pcpus * 100 - reserved);
			uint32_t max = d->cap ? d->cap : d->vcpus * 100;
			d->reservation = rnd((max < room ? max : room) + 1);
			reserved += d->reservation;
		}
	}
	return n;
}

/* What the host hands out: min(host, sum of ceilings), computed here. */
static uint64_t expected_total(const struct sched_entitle_in *in, unsigned n,
			       unsigned pcpus)
{
	uint64_t host = pcpus * 10000ull, sum = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t u = in[i].demand;
		if (u > in[i].vcpus * 100ull)
			u = in[i].vcpus * 100ull;
		if (in[i].cap && u > in[i].cap)
			u = in[i].cap;
		sum += u * 100 < host ? u * 100 : host;
	}
	return sum < host ? sum : host;
}

static void test_random_against_reference(void)
{
	char why[160];
	double worst = 0;

	unit_begin("entitlement_random_vs_reference");
	for (uint64_t seed = 1; seed <= 3000 && !unit_state.failed; seed++) {
		struct sched_entitle_in in[MAXN];
		uint32_t out[MAXN];
		unsigned pcpus, n;
		double err;

		rng_state = seed;
		n = random_instance(in, &pcpus);
		if (sched_entitlement(in, n, pcpus, out) != 0) {
			snprintf(why, sizeof why, "seed %llu: refused", (unsigned long long)seed);
			sched_test_fail(why);
			break;
		}
		err = max_error(in, n, pcpus, out);
		worst = dmax(worst, err);
		if (err > 1.0 || sum_of(out, n) != expected_total(in, n, pcpus)) {
			snprintf(why, sizeof why, "seed %llu: error %.2f units, sum %llu",
				 (unsigned long long)seed, err,
				 (unsigned long long)sum_of(out, n));
			sched_test_fail(why);
		}
	}
	printf("# entitlement: worst error vs reference %.3f units of 0.01 %%\n", worst);
	unit_end();
}

static void test_monotone_in_weight(void)
{
	char why[120] = "";

	unit_begin("entitlement_monotone_in_weight");
	for (uint64_t seed = 1; seed <= 500 && !why[0]; seed++) {
		struct sched_entitle_in in[MAXN];
		uint32_t a[MAXN], b[MAXN];
		unsigned pcpus, n, k;

		rng_state = seed * 7919;
		n = random_instance(in, &pcpus);
		k = rnd(n);
		sched_entitlement(in, n, pcpus, a);
		if (in[k].weight > 32767)
			continue;
		in[k].weight *= 2;
		sched_entitlement(in, n, pcpus, b);
		if (b[k] + 1 < a[k]) {
			snprintf(why, sizeof why, "seed %llu: domain %u %u -> %u",
				 (unsigned long long)seed, k, a[k], b[k]);
			sched_test_fail(why);
		}
	}
	unit_end();
}

int main(void)
{
	test_weights_with_vcpu_ceiling();
	test_reservation_floor();
	test_cap_and_idle();
	test_bad_input();
	test_extremes();
	test_random_against_reference();
	test_monotone_in_weight();
	return unit_exit_code();
}
