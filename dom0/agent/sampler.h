/*
 * sampler.h - usage sampling, roll-ups, retention and burst credits.
 *
 * Every --sample-interval seconds one bulk statistics call reads every
 * domain's counters; the difference from the previous reading gives rates
 * (CPU and steal in percent of one pCPU, memory, disk and network bytes/s),
 * which go to the live table and, in one transaction, to the store as raw
 * samples (tier 0). When a 5-minute or 1-hour boundary passes, the finished
 * bucket is folded into the coarser tier, and rows past each tier's
 * retention are deleted. Sizes for 1000 servers at 5 s: raw kept an hour is
 * 720 k rows, 5-minute rows kept 2 days 576 k, hourly rows kept 32 days
 * 768 k; a week's query reads at most 168 hourly or 2016 5-minute rows of
 * one server through the primary key.
 *
 * Burst credits (plans with cpu_burst_baseline_pct > 0): a server earns
 * (baseline - used) x seconds of credit while it uses less than its
 * baseline, and spends it above; the balance is kept between 0 and a day's
 * worth of baseline. When it reaches 0 the server is capped at its
 * baseline (driver set_sched) until it has earned back a minute's worth.
 */
#ifndef MUXD_SAMPLER_H
#define MUXD_SAMPLER_H

#include "muxd.h"

#define SMP_TIER_RAW 0
#define SMP_TIER_5M 300
#define SMP_TIER_1H 3600

/* Takes one sample of every server and does the roll-ups that are due. */
int smp_tick(struct muxd *m, struct store_conn *c);

/*
 * Moves the balloons of the running servers (by the previous tick's
 * observations) where the memory policy decides (mem_policy.h), auditing
 * each change as a `server.memory_target` event (sampler_memory.c).
 */
void smp_memory(struct muxd *m, struct store_conn *c, const struct server *servers, size_t n,
		const struct plan *plans, size_t nplans);

/* Burst credit arithmetic (pure, for the unit tests). */
int64_t smp_credit_next(int64_t credit_x100, int64_t baseline_pct, int64_t used_pct_x100,
			int64_t elapsed_ms);
int64_t smp_credit_max(int64_t baseline_pct);

#endif
