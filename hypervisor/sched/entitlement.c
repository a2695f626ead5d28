/*
 * entitlement.c - water-filling: how much CPU each domain is entitled to.
 *
 * Every domain i has a ceiling U_i (what it can use: its demand, 100 % per
 * vCPU, its cap, never more than the host) and a floor L_i (its reservation,
 * never more than its ceiling). The host hands out T = min(host, sum U_i).
 * If every ceiling fits, each domain gets its ceiling. Otherwise there is one
 * water level lambda such that
 *
 *     e_i = clamp(lambda * w_i, L_i, U_i)   and   sum e_i = T,
 *
 * because the sum is continuous and non-decreasing in lambda, equals
 * sum L_i <= T at lambda = 0 (admission keeps reservations within the host)
 * and exceeds T once lambda * w_i >= U_i for all i.
 *
 * Integers only (the hypervisor keeps no FPU state of its own). lambda is the
 * fixed-point number x / 2^32 (output units per unit of weight) and shares
 * are computed exactly in units of 2^-32. Bisection finds the largest x
 * whose exact total is at most T, so lambda lies in [x, x + 1) / 2^32 and
 * each share at x is within w_i / 2^32 < 2^-16 units of the exact one.
 * Rounding is by largest remainder: every domain gets the integer part of
 * its share, and the R units still missing go to the R domains with the
 * largest fractional parts (ties in index order), found by bisection on the
 * fraction instead of a sort. So each output is within one unit of the
 * exact solution and the outputs sum to exactly T.
 *
 * Units: outputs in hundredths of a percent of one pCPU; the host is
 * pcpus * 10000 < 2^32 of them, so x < 2^64 and x * w < 2^80, which is
 * computed with a 128-bit multiplication (no 128-bit division is needed,
 * so nothing calls into libgcc).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "entitlement.h"

#define FRAC_BITS 32
#define FRAC_MASK ((1ull << FRAC_BITS) - 1)
#define MAX_WEIGHT 65535u
/* Largest host whose capacity in output units fits a uint32_t. */
#define MAX_PCPUS (UINT32_MAX / SCHED_ENTITLE_ONE_PCPU)

/* U_i: what the domain can use, in output units, at most the host. */
static uint64_t entitle_ceiling(const struct sched_entitle_in *d, uint64_t host)
{
	uint64_t pct = d->demand;
	uint64_t vcpu_max = (uint64_t)d->vcpus * 100;

	if (pct > vcpu_max)
		pct = vcpu_max;
	if (d->cap != 0 && pct > d->cap)
		pct = d->cap;
	pct *= SCHED_ENTITLE_ONE_PCPU / 100;
	return pct < host ? pct : host;
}

/*
 * Exact share of domain d at level x / 2^32, in units of 2^-32 output
 * units: clamp(x * w, L << 32, U << 32). Below 2^64 since U < 2^32.
 */
static uint64_t entitle_share(const struct sched_entitle_in *d, uint64_t host,
			      uint64_t x)
{
	uint64_t hi = entitle_ceiling(d, host) << FRAC_BITS;
	uint64_t lo = ((uint64_t)d->reservation * (SCHED_ENTITLE_ONE_PCPU / 100))
		      << FRAC_BITS;
	unsigned __int128 s = (unsigned __int128)x * d->weight;

	if (lo > hi)
		lo = hi;
	if (s < lo)
		return lo;
	return s > hi ? hi : (uint64_t)s;
}

/* Whether the exact total of shares at level x is at most target << 32. */
static bool entitle_fits(const struct sched_entitle_in *in, unsigned n,
			 uint64_t host, uint64_t x, uint64_t target)
{
	uint64_t room = target << FRAC_BITS;

	for (unsigned i = 0; i < n; i++) {
		uint64_t s = entitle_share(&in[i], host, x);

		if (s > room)
			return false;
		room -= s;
	}
	return true;
}

/* Returns 0 if every field and the sum of reservations are admissible. */
static int entitle_check(const struct sched_entitle_in *in, unsigned n,
			 unsigned pcpus)
{
	uint64_t reserved = 0;

	if (pcpus == 0 || pcpus > MAX_PCPUS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		const struct sched_entitle_in *d = &in[i];

		if (d->weight == 0 || d->weight > MAX_WEIGHT)
			return -EINVAL;
		if (d->reservation > (uint64_t)d->vcpus * 100)
			return -EINVAL;
		if (d->cap != 0 && d->reservation > d->cap)
			return -EINVAL;
		reserved += d->reservation;
	}
	return reserved > (uint64_t)pcpus * 100 ? -EINVAL : 0;
}

/*
 * Largest level x whose exact total is at most host. Needs the sum of
 * ceilings above host: then the total at (host + 1) << 32 (every domain at
 * its ceiling, since w >= 1) is above host, and at 0 it is the sum of floors.
 */
static uint64_t entitle_level(const struct sched_entitle_in *in, unsigned n,
			      uint64_t host)
{
	uint64_t lo = 0, hi = (host + 1) << FRAC_BITS;

	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (entitle_fits(in, n, host, mid, host))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Number of domains not at their ceiling whose share at x has a fraction
 * of at least theta. */
static uint64_t entitle_count_frac(const struct sched_entitle_in *in, unsigned n,
				   uint64_t host, uint64_t x, uint64_t theta)
{
	uint64_t count = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t s = entitle_share(&in[i], host, x);

		if ((s >> FRAC_BITS) < entitle_ceiling(&in[i], host) &&
		    (s & FRAC_MASK) >= theta)
			count++;
	}
	return count;
}

/* Largest fraction theta with at least `missing` domains at or above it. */
static uint64_t entitle_threshold(const struct sched_entitle_in *in, unsigned n,
				  uint64_t host, uint64_t x, uint64_t missing)
{
	uint64_t lo = 0, hi = FRAC_MASK + 1;

	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (entitle_count_frac(in, n, host, x, mid) >= missing)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Integer parts at level x plus one unit for the `missing` largest
 * fractions: above the threshold all, at it in index order. */
static void entitle_round(const struct sched_entitle_in *in, unsigned n,
			  uint64_t host, uint64_t x, uint32_t *out)
{
	uint64_t missing = host, theta;

	for (unsigned i = 0; i < n; i++)
		missing -= entitle_share(&in[i], host, x) >> FRAC_BITS;
	theta = entitle_threshold(in, n, host, x, missing);
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < n; i++) {
			uint64_t s = entitle_share(&in[i], host, x);
			bool above = (s & FRAC_MASK) > theta;
			bool at = (s & FRAC_MASK) == theta;

			if (pass == 0)
				out[i] = (uint32_t)(s >> FRAC_BITS);
			if (missing == 0 || (pass == 0 ? !above : !at) ||
			    out[i] >= entitle_ceiling(&in[i], host))
				continue;
			out[i]++;
			missing--;
		}
	}
}

int sched_entitlement(const struct sched_entitle_in *in, unsigned n,
		      unsigned pcpus, uint32_t *out)
{
	uint64_t host, sum_ceiling = 0;
	int err;

	if (n != 0 && (in == NULL || out == NULL))
		return -EINVAL;
	err = entitle_check(in, n, pcpus);
	if (err)
		return err;
	host = (uint64_t)pcpus * SCHED_ENTITLE_ONE_PCPU;
	for (unsigned i = 0; i < n; i++)
		sum_ceiling += entitle_ceiling(&in[i], host);
	if (sum_ceiling <= host) {
		for (unsigned i = 0; i < n; i++)
			out[i] = (uint32_t)entitle_ceiling(&in[i], host);
		return 0;
	}
	entitle_round(in, n, host, entitle_level(in, n, host), out);
	return 0;
}
