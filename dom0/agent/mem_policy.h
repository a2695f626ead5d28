/*
 * mem_policy.h - where each running server's balloon should stand, and how
 * fast it may get there. Pure functions: no I/O, no clock, no globals; the
 * sampler (sampler.c) feeds them observations and applies what they decide.
 * The rules in full, with the numbers: docs/plans.md "Memory".
 *
 * Ideal targets (mp_ideal, mem_policy_share.c):
 *   - no pressure (the ceilings of the running servers fit the pool, the
 *     sellable memory): every server's ideal is its ceiling;
 *   - pressure: memory goes by shares with an idle-memory tax (Waldspurger,
 *     "Memory Resource Management in VMware ESX Server", OSDI 2002). A
 *     server holding P MiB of which the fraction f is in active use pays
 *     P x (f + k(1 - f)) for it, k = 1 / (1 - tax): an idle MiB costs k
 *     times an active one. Its shares-per-MiB ratio is
 *         rho = S / (P x (f + k(1 - f)))
 *     and min-funding revocation takes memory from the server with the
 *     lowest rho until no more can move, i.e. until every server not held
 *     at its floor or ceiling has the same rho. mp_ideal computes that end
 *     point directly: with u = f x P the MiB in use, P x (f + k(1 - f)) =
 *     u + k(P - u), so for a common 1/rho = L a server holds
 *         P(L) = S x L                  while S x L <= u (all of it used)
 *         P(L) = u + (S x L - u) / k    beyond (the idle part at k times)
 *     clamped to [floor, ceiling], and L is the one where the P(L) add up
 *     to the pool. Floors always hold: when the floors alone exceed the
 *     pool (admission prevents it, but the pool may be reconfigured) every
 *     server gets its floor.
 *
 * Pacing (mp_decide, mem_policy_pace.c) turns ideals into the next targets:
 *   - a target below the floor or above the ceiling (a new plan) is fixed
 *     at once, never paced;
 *   - otherwise a target moves only when the ideal is at least
 *     hysteresis_mib away (or is exactly the floor or the ceiling, or it is
 *     a decrease while the targets in force add up to more than the pool),
 *     at most once per min_interval_s per server, by at most max_step_mib;
 *   - decreases are decided first; an increase then gets only memory the
 *     pool has free after every other server's new target, so the sum of
 *     targets never rises above the pool through an increase.
 */
#ifndef MUXD_MEM_POLICY_H
#define MUXD_MEM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_TAX_PCT_MAX 99   /* k = 100 at most; 100 % would make idle memory priceless */

/* One running server as the policy sees it (MiB). */
struct mp_server {
	uint64_t floor_mib;      /* plan: never below */
	uint64_t ceiling_mib;    /* plan: never above */
	uint64_t shares;         /* plan's memory weight, >= 1 */
	uint64_t target_mib;     /* the target in force now */
	int64_t used_mib;        /* guest-reported memory in use; < 0: not reported */
	int64_t changed_at;      /* seconds (any monotonic clock) of the last change; */
	bool changed;            /* ... valid only when changed */
};

struct mp_config {
	uint32_t tax_pct;        /* idle-memory tax, 0..MP_TAX_PCT_MAX */
	uint32_t min_interval_s; /* per server, between two target changes */
	uint64_t max_step_mib;   /* largest change at once; 0 = no limit */
	uint64_t hysteresis_mib; /* smaller differences are left alone */
};

enum mp_why {
	MP_KEEP,       /* no change */
	MP_FLOOR,      /* raised to the floor (plan changed) */
	MP_CEILING,    /* lowered to the ceiling (plan changed) */
	MP_RECLAIM,    /* lowered towards its ideal */
	MP_GRANT,      /* raised towards its ideal while memory is short */
	MP_GROW_BACK,  /* raised towards its ceiling: memory is plentiful */
};

struct mp_decision {
	uint64_t ideal_mib;      /* where shares and tax would place it */
	uint64_t target_mib;     /* the next target (== target in force when MP_KEEP) */
	enum mp_why why;
	bool held;               /* the ideal is elsewhere but pacing kept it (for now) */
	uint32_t active_pct;     /* f x 100 as used for the tax (0 when not reported) */
};

/*
 * Ideal target of every server under `pool_mib` (see above). A guest that
 * reports nothing counts as wholly idle (u = 0): hiding statistics earns no
 * exemption from the tax. Returns 0, or -EINVAL (bad input: a floor above
 * its ceiling, zero shares, a tax above MP_TAX_PCT_MAX, NULL arrays) and
 * writes nothing.
 */
int mp_ideal(const struct mp_server *s, size_t n, uint64_t pool_mib, uint32_t tax_pct,
	     uint64_t *ideal);

/*
 * The next target of every server at time now_s. Returns 0, or -EINVAL as
 * mp_ideal does (and for a target in force of 0), writing nothing.
 */
int mp_decide(const struct mp_config *cfg, const struct mp_server *s, size_t n,
	      uint64_t pool_mib, int64_t now_s, struct mp_decision *out);

/*
 * A server whose start waits for memory (its driver starts a Linux guest
 * only with its whole ceiling free) takes part as a fixed participant:
 * floor = ceiling = target = its ceiling, so the others are squeezed to
 * make room for it, never below their floors. mp_room says whether that
 * can succeed: the floors of s (the participants so far) and need_mib fit
 * the pool. When it cannot, the caller leaves the server out (it waits,
 * and nobody is squeezed for nothing).
 */
bool mp_room(const struct mp_server *s, size_t n, uint64_t need_mib, uint64_t pool_mib);

/* True when the running servers' ceilings do not fit the pool. */
bool mp_pressure(const struct mp_server *s, size_t n, uint64_t pool_mib);

/* The input checks both entry points share: 0 or -EINVAL. */
int mp_check(const struct mp_server *s, size_t n, uint32_t tax_pct);

/* "keep", "floor", "ceiling", "reclaim", "grant", "grow_back". */
const char *mp_why_name(enum mp_why why);

#endif
