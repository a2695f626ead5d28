/*
 * mem_policy_share.c - ideal balloon targets by shares with an idle-memory
 * tax; the formula is in mem_policy.h.
 *
 * Sum(P(L)) is continuous and never decreasing in L (each P(L) is), equal
 * to the sum of floors at L = 0 and to the sum of ceilings once every
 * S x L / k reaches its ceiling, so bisection finds the L where it meets
 * the pool. Targets are whole MiB: each is rounded down at that L, and the
 * few MiB rounding leaves over go one at a time to the servers rounding
 * cut most, so the targets add up to the pool exactly.
 */
#include "mem_policy.h"

#include <errno.h>

#define MP_BISECT_ROUNDS 200  /* far past double precision: the interval stops shrinking */

int mp_check(const struct mp_server *s, size_t n, uint32_t tax_pct)
{
	if (tax_pct > MP_TAX_PCT_MAX || (n && !s))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i].floor_mib > s[i].ceiling_mib || s[i].shares == 0)
			return -EINVAL;
	return 0;
}

bool mp_pressure(const struct mp_server *s, size_t n, uint64_t pool_mib)
{
	uint64_t ceilings = 0;
	for (size_t i = 0; i < n; i++)
		ceilings += s[i].ceiling_mib;
	return ceilings > pool_mib;
}

bool mp_room(const struct mp_server *s, size_t n, uint64_t need_mib, uint64_t pool_mib)
{
	uint64_t floors = need_mib;
	for (size_t i = 0; i < n; i++)
		floors += s[i].floor_mib;
	return floors <= pool_mib;
}

/* P(L) of one server, unclamped-then-clamped, in MiB (see mem_policy.h). */
static double mp_hold(const struct mp_server *s, double k, double level)
{
	double used = s->used_mib > 0 ? (double)s->used_mib : 0;
	double x = (double)s->shares * level;
	double p = x <= used ? x : used + (x - used) / k;
	if (p < (double)s->floor_mib)
		p = (double)s->floor_mib;
	if (p > (double)s->ceiling_mib)
		p = (double)s->ceiling_mib;
	return p;
}

static double mp_total(const struct mp_server *s, size_t n, double k, double level)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += mp_hold(&s[i], k, level);
	return sum;
}

/*
 * Gives one MiB to the server below its ceiling that rounding took the most
 * from (the first of equals); false when every server is at its ceiling.
 * Rounding leaves less than one MiB per server, so this runs < n times.
 */
static bool mp_round_up(const struct mp_server *s, size_t n, double k, double level,
			uint64_t *ideal)
{
	size_t best = n;
	double best_cut = -1;
	for (size_t i = 0; i < n; i++) {
		if (ideal[i] >= s[i].ceiling_mib)
			continue;
		double cut = mp_hold(&s[i], k, level) - (double)ideal[i];
		if (cut > best_cut) {
			best_cut = cut;
			best = i;
		}
	}
	if (best == n)
		return false;
	ideal[best]++;
	return true;
}

int mp_ideal(const struct mp_server *s, size_t n, uint64_t pool_mib, uint32_t tax_pct,
	     uint64_t *ideal)
{
	if (mp_check(s, n, tax_pct) || (n && !ideal))
		return -EINVAL;
	uint64_t floors = 0;
	for (size_t i = 0; i < n; i++)
		floors += s[i].floor_mib;
	if (!mp_pressure(s, n, pool_mib) || floors >= pool_mib) {
		bool fits = !mp_pressure(s, n, pool_mib);
		for (size_t i = 0; i < n; i++)
			ideal[i] = fits ? s[i].ceiling_mib : s[i].floor_mib;
		return 0;
	}
	double k = 100.0 / (double)(100 - tax_pct);
	double lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		double top = k * (double)s[i].ceiling_mib / (double)s[i].shares;
		hi = top > hi ? top : hi;
	}
	hi += 1;  /* Sum(P(hi)) = sum of ceilings > pool; Sum(P(lo)) = floors < pool */
	for (int r = 0; r < MP_BISECT_ROUNDS; r++) {
		double mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if (mp_total(s, n, k, mid) <= (double)pool_mib)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		ideal[i] = (uint64_t)mp_hold(&s[i], k, lo);
		sum += ideal[i];
	}
	/* Sum(P(lo)) <= pool, so sum <= pool; hand out what rounding left. */
	while (sum < pool_mib && mp_round_up(s, n, k, lo, ideal))
		sum++;
	return 0;
}
