/*
 * sampler.c - see sampler.h for what a tick does and the credit rules.
 *
 * Runs on the background thread only; the live table is its output for the
 * API. Counters that go backwards (the domain restarted) give no rate for
 * that tick rather than a negative or huge one.
 */
#include "sampler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "plan.h"

#define SMP_PAGE 1000

/* Per-tick working set: the servers and their plans, by uuid. */
struct smp_ctx {
	struct server *servers;
	size_t nservers;
	struct plan *plans;
	size_t nplans;
};

static int64_t smp_last_5m, smp_last_1h;  /* background thread only */

int64_t smp_credit_max(int64_t baseline_pct)
{
	return baseline_pct * 86400; /* a day at the baseline, in hundredths of CPU-seconds */
}

int64_t smp_credit_next(int64_t credit_x100, int64_t baseline_pct, int64_t used_pct_x100,
			int64_t elapsed_ms)
{
	if (baseline_pct <= 0)
		return 0;
	/* (baseline - used) percent for elapsed seconds = CPU-seconds x 100 */
	int64_t delta = (baseline_pct * 100 - used_pct_x100) * elapsed_ms / 100000;
	int64_t next = credit_x100 + delta;
	int64_t max = smp_credit_max(baseline_pct);
	return next < 0 ? 0 : next > max ? max : next;
}

static int smp_load(struct store_conn *c, struct smp_ctx *x)
{
	struct server_filter f;
	memset(&f, 0, sizeof f);
	memset(x, 0, sizeof *x);
	int64_t after = 0;
	for (;;) {
		struct server *page = NULL;
		size_t n = 0;
		int rc = store_server_list(c, &f, after, SMP_PAGE, &page, &n);
		if (rc)
			return rc;
		struct server *grown = realloc(x->servers, (x->nservers + n + 1) * sizeof *grown);
		if (!grown) {
			free(page);
			return -ENOMEM;
		}
		x->servers = grown;
		memcpy(x->servers + x->nservers, page, n * sizeof *page);
		x->nservers += n;
		free(page);
		if (n < SMP_PAGE)
			break;
		after = x->servers[x->nservers - 1].id;
	}
	return store_plan_list(c, 0, 1000, false, &x->plans, &x->nplans);
}

static void smp_free(struct smp_ctx *x)
{
	free(x->servers);
	free(x->plans);
}

static struct server *smp_server(struct smp_ctx *x, const char *uuid)
{
	for (size_t i = 0; i < x->nservers; i++)
		if (strcmp(x->servers[i].uuid, uuid) == 0)
			return &x->servers[i];
	return NULL;
}

static const struct plan *smp_plan(const struct smp_ctx *x, int64_t id)
{
	for (size_t i = 0; i < x->nplans; i++)
		if (x->plans[i].id == id)
			return &x->plans[i];
	return NULL;
}

static int64_t smp_rate(uint64_t now, uint64_t prev, int64_t dt_ns)
{
	return now >= prev ? (int64_t)((double)(now - prev) * 1e9 / (double)dt_ns) : 0;
}

/*
 * The memory half of an observation. A domain that is not running has no
 * target (0: the dashboard shows the ceiling). When muxd first sees it
 * running (it started, or muxd restarted) the target in force is what the
 * hypervisor holds, or failing that (libvirt) the balloon's current size:
 * a domain starts with its definition's memory, and a muxd restart does
 * not undo the policy. From then on muxd knows the target: it set it.
 */
static void smp_observe_memory(const struct drv_stats *s, const struct plan *pl,
			       struct live_entry *e)
{
	int64_t ceiling = pl ? pl->mem_ceiling_mib : 0;
	if (s->power == DRV_RUNNING || s->power == DRV_PAUSED) {
		e->mem_waiting = false;   /* it started */
		e->mem_room = 0;
	}
	if (s->power != DRV_RUNNING) {
		e->mem_target_mib = 0;
		e->mem_changed = false;
	} else if (!e->mem_target_mib) {
		e->mem_target_mib = s->balloon.target_kib ? (int64_t)(s->balloon.target_kib / 1024) :
				    s->mem_kib ? (int64_t)(s->mem_kib / 1024) : ceiling;
	}
	e->mem_floor_mib = pl ? pl->mem_floor_mib : 0;
	e->mem_ceiling_mib = ceiling;
	e->mem_fixed = s->balloon.fixed;
	const struct drv_balloon *b = &s->balloon;
	e->guest_known = s->power == DRV_RUNNING && b->has_guest;
	e->guest_used_mib = e->guest_known ?
		(int64_t)((b->guest_total_kib - b->guest_available_kib) / 1024) : -1;
	e->guest_free_mib = e->guest_known ? (int64_t)(b->guest_free_kib / 1024) : -1;
}

/* Turns one stats record into the server's live entry; fills *row when a rate is known. */
static bool smp_observe(struct muxd *m, const struct drv_stats *s, const struct server *sv,
			const struct plan *pl, int64_t now_ns, struct live_entry *e,
			struct usage_row *row)
{
	if (!live_get(&m->live, sv->id, e)) {
		memset(e, 0, sizeof *e);
		e->server_id = sv->id;
	}
	smp_observe_memory(s, pl, e);
	if (!e->credit_known) {
		e->credit_x100 = sv->burst_credit_x100;
		e->credit_known = true;
	}
	int64_t dt = now_ns - e->prev_at_ns;
	bool rated = s->power == DRV_RUNNING && e->prev_at_ns && dt > 0 && s->cpu_ns >= e->prev_cpu_ns;
	e->power = s->power;
	e->observed_at = now_ns / 1000000000;
	e->mem_mib = (int64_t)(s->mem_kib / 1024);
	e->has_steal = s->has_steal;
	if (rated) {
		e->has_rates = true;
		e->cpu_pct_x100 = (int64_t)((double)(s->cpu_ns - e->prev_cpu_ns) * 10000.0 / (double)dt);
		e->steal_pct_x100 = s->steal_ns >= e->prev_steal_ns ?
			(int64_t)((double)(s->steal_ns - e->prev_steal_ns) * 10000.0 / (double)dt) : 0;
		e->disk_rd_bps = smp_rate(s->disk_rd_bytes, e->prev_rd, dt);
		e->disk_wr_bps = smp_rate(s->disk_wr_bytes, e->prev_wr, dt);
		e->net_rx_bps = smp_rate(s->net_rx_bytes, e->prev_rx, dt);
		e->net_tx_bps = smp_rate(s->net_tx_bytes, e->prev_tx, dt);
	} else if (s->power != DRV_RUNNING) {
		e->has_rates = false;
		e->cpu_pct_x100 = e->steal_pct_x100 = 0;
		e->disk_rd_bps = e->disk_wr_bps = e->net_rx_bps = e->net_tx_bps = 0;
	}
	e->prev_at_ns = now_ns;
	e->prev_cpu_ns = s->cpu_ns;
	e->prev_steal_ns = s->steal_ns;
	e->prev_rd = s->disk_rd_bytes;
	e->prev_wr = s->disk_wr_bytes;
	e->prev_rx = s->net_rx_bytes;
	e->prev_tx = s->net_tx_bytes;
	if (!rated)
		return false;
	*row = (struct usage_row){ .server_id = sv->id, .ts = e->observed_at,
		.cpu_pct_x100 = e->cpu_pct_x100, .steal_pct_x100 = e->steal_pct_x100,
		.mem_mib = e->mem_mib, .mem_target_mib = e->mem_target_mib,
		.mem_floor_mib = e->mem_floor_mib, .mem_ceiling_mib = e->mem_ceiling_mib,
		.guest_used_mib = e->guest_used_mib, .guest_free_mib = e->guest_free_mib,
		.disk_rd_bps = e->disk_rd_bps, .disk_wr_bps = e->disk_wr_bps,
		.net_rx_bps = e->net_rx_bps, .net_tx_bps = e->net_tx_bps, .samples = 1 };
	return true;
}

/* Updates the burst credit; throttles to the baseline at 0, lifts it after a minute's worth. */
static const struct actor smp_actor = { .system = true };

/* Audits a change the sampler made to a domain (it is a change like any other). */
static void smp_audit(struct store_conn *c, const struct server *sv, const char *action,
		      const char *detail)
{
	if (store_event_add(c, &smp_actor, sv->customer_id, action, "server", sv->id, detail))
		log_warn("sampler", "msg=\"event not recorded\" action=%s", action);
}

static void smp_credit(struct muxd *m, struct store_conn *c, const struct plan *pl,
		       const struct server *sv, struct live_entry *e, int64_t elapsed_ms)
{
	if (!pl || pl->cpu_burst_baseline_pct <= 0 || !e->has_rates)
		return;
	e->credit_x100 = smp_credit_next(e->credit_x100, pl->cpu_burst_baseline_pct,
					 e->cpu_pct_x100, elapsed_ms);
	bool throttle = e->credit_x100 == 0;
	bool lift = e->throttled && e->credit_x100 >= pl->cpu_burst_baseline_pct * 60;
	if (m->drv->native_burst)
		return;   /* the hypervisor's scheduler spends and caps credits itself */
	if ((throttle && !e->throttled) || lift) {
		struct drv_params p;
		plan_to_params(pl, &p);
		uint32_t cap = throttle ? (uint32_t)pl->cpu_burst_baseline_pct : p.cpu_cap_pct;
		pthread_mutex_lock(&m->ops_lock);
		int rc = m->drv->ops->set_sched(m->drv, sv->uuid, &p, cap);
		pthread_mutex_unlock(&m->ops_lock);
		if (rc == 0) {
			char detail[64];
			snprintf(detail, sizeof detail, "{\"cap_pct\":%u}", cap);
			smp_audit(c, sv, throttle ? "server.burst_capped" : "server.burst_restored", detail);
			e->throttled = throttle;
			log_info("sampler", "msg=\"%s\" server=%lld cap_pct=%u",
				 throttle ? "burst credit spent, capped at baseline" : "burst credit earned back",
				 (long long)sv->id, cap);
		}
	}
}

/* Folds finished 5-minute and hourly buckets and drops expired rows. In a transaction. */
static int smp_rollup(struct muxd *m, struct store_conn *c, int64_t now)
{
	int64_t b5 = now / 300 * 300, b1h = now / 3600 * 3600;
	int rc = 0;
	if (!smp_last_5m)
		smp_last_5m = (now - (int64_t)m->cfg.retention_raw_s) / 300 * 300;
	if (!smp_last_1h)
		smp_last_1h = (now - (int64_t)m->cfg.retention_5m_s) / 3600 * 3600;
	if (b5 > smp_last_5m)
		rc = store_usage_rollup(c, SMP_TIER_RAW, SMP_TIER_5M, smp_last_5m, b5);
	if (!rc && b1h > smp_last_1h)
		rc = store_usage_rollup(c, SMP_TIER_5M, SMP_TIER_1H, smp_last_1h, b1h);
	if (!rc)
		rc = store_usage_expire(c, SMP_TIER_RAW, now - m->cfg.retention_raw_s);
	if (!rc)
		rc = store_usage_expire(c, SMP_TIER_5M, now - m->cfg.retention_5m_s);
	if (!rc)
		rc = store_usage_expire(c, SMP_TIER_1H, now - m->cfg.retention_1h_s);
	if (!rc) {
		smp_last_5m = b5 > smp_last_5m ? b5 : smp_last_5m;
		smp_last_1h = b1h > smp_last_1h ? b1h : smp_last_1h;
	}
	return rc;
}

static int smp_write(struct muxd *m, struct store_conn *c, const struct usage_row *rows,
		     size_t nrows, struct smp_ctx *x)
{
	int rc = store_begin(c);
	if (!rc)
		rc = store_usage_insert(c, SMP_TIER_RAW, rows, nrows);
	for (size_t i = 0; !rc && i < x->nservers; i++) {
		struct live_entry e;
		if (live_get(&m->live, x->servers[i].id, &e) &&
		    e.credit_x100 != x->servers[i].burst_credit_x100)
			rc = store_server_set_credit(c, x->servers[i].id, e.credit_x100);
	}
	if (!rc)
		rc = smp_rollup(m, c, store_now());
	if (!rc)
		rc = store_commit(c);
	if (rc)
		store_rollback(c);
	return rc;
}

int smp_tick(struct muxd *m, struct store_conn *c)
{
	struct drv_stats *st = NULL;
	size_t n = 0;
	struct smp_ctx x;
	struct timespec ts;
	int rc = m->drv->ops->stats(m->drv, &st, &n);
	if (rc)
		return rc;
	rc = smp_load(c, &x);
	struct usage_row *rows = calloc(n + 1, sizeof *rows);
	if (rc || !rows)
		goto out;
	smp_memory(m, c, x.servers, x.nservers, x.plans, x.nplans);
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	size_t nrows = 0;
	for (size_t i = 0; i < n; i++) {
		struct server *sv = smp_server(&x, st[i].uuid);
		struct live_entry e;
		if (!sv)
			continue;
		int64_t prev_ns = 0;
		struct live_entry old;
		if (live_get(&m->live, sv->id, &old))
			prev_ns = old.prev_at_ns;
		const struct plan *pl = smp_plan(&x, sv->plan_id);
		if (smp_observe(m, &st[i], sv, pl, now_ns, &e, &rows[nrows]))
			nrows++;
		smp_credit(m, c, pl, sv, &e, prev_ns ? (now_ns - prev_ns) / 1000000 : 0);
		live_put(&m->live, &e);
	}
	rc = smp_write(m, c, rows, nrows, &x);
	atomic_fetch_add(&m->samples_taken, 1);
out:
	free(rows);
	smp_free(&x);
	free(st);
	return rc;
}
