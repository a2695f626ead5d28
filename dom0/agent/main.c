/*
 * main.c - muxd's start-up, main loop and shutdown.
 *
 * Threads: libmicrohttpd's workers answer the API; this (main) thread waits
 * for signals and runs the background work in turn: the reconciler every
 * --reconcile-interval seconds and the sampler every --sample-interval.
 *
 * Start-up order: config, store (migrated), driver, host facts, a first
 * reconciler pass (so the API never serves a store that disagrees with the
 * hypervisor after a crash), then the API. Shutdown (SIGTERM/SIGINT): the
 * API stops accepting and finishes what is in flight, then the driver and
 * the store are closed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "api.h"
#include "config.h"
#include "log.h"
#include "mem_policy.h"
#include "muxd.h"
#include "reconcile.h"
#include "sampler.h"

/* Ranges the rest of muxd relies on (e.g. the store's pool size). */
static int muxd_check_config(const struct muxd_config *c, char *err, size_t n)
{
	if (c->http_threads < 1 || c->http_threads > 16)
		snprintf(err, n, "--http-threads must be 1..16");
	else if (c->sample_interval_s < 1 || c->sample_interval_s > 300)
		snprintf(err, n, "--sample-interval must be 1..300 seconds");
	else if (c->reconcile_interval_s < 1)
		snprintf(err, n, "--reconcile-interval must be at least 1 second");
	else if (c->max_reservation_pct > 100)
		snprintf(err, n, "--max-reservation-pct must be 0..100");
	else if (c->max_vcpu_ratio_x100 < 1 || c->max_vcpu_ratio_x100 > 100000 ||
		 c->max_mem_ratio_x100 < 1 || c->max_mem_ratio_x100 > 100000)
		snprintf(err, n, "--max-vcpu-ratio and --max-mem-ratio must be 0.01..1000");
	else if (c->retention_raw_s < 600 || c->retention_5m_s < 7200 || c->retention_1h_s < 86400)
		snprintf(err, n, "retention must be at least 600 s raw, 7200 s 5-minute, 86400 s hourly");
	else if (c->max_body_bytes < 1024)
		snprintf(err, n, "--max-body-bytes must be at least 1024");
	else if (c->balloon_tax_pct > MP_TAX_PCT_MAX)
		snprintf(err, n, "--balloon-tax-pct must be 0..%d", MP_TAX_PCT_MAX);
	else
		return 0;
	return -1;
}

/* What the host offers: the driver's numbers unless the config overrides them. */
static int muxd_host(struct muxd *m, struct store_conn *c)
{
	struct drv_host h;
	memset(&h, 0, sizeof h);
	if (m->drv->ops->host(m->drv, &h) != 0) {
		log_error("muxd", "msg=\"cannot read host facts\" err=\"%s\"", drv_errmsg());
		return -1;
	}
	struct host_row *row = &m->host_row;
	snprintf(row->hostname, sizeof row->hostname, "%s", h.hostname);
	snprintf(row->hypervisor, sizeof row->hypervisor, "%s", h.hypervisor);
	row->pcpus = m->cfg.host_cpus ? m->cfg.host_cpus : h.pcpus;
	row->memory_mib = m->cfg.host_memory_mib ? m->cfg.host_memory_mib : (int64_t)(h.mem_kib / 1024);
	int64_t sellable = row->memory_mib - (int64_t)m->cfg.reserved_memory_mib;
	m->host = (struct adm_host){
		.pcpus = (uint64_t)row->pcpus,
		.mem_mib = sellable > 0 ? (uint64_t)sellable : 0,
		.max_vcpu_ratio_x100 = m->cfg.max_vcpu_ratio_x100,
		.max_mem_ratio_x100 = m->cfg.max_mem_ratio_x100,
		.max_reservation_pct = m->cfg.max_reservation_pct,
	};
	log_info("muxd", "msg=\"host\" pcpus=%lld memory_mib=%lld sellable_mib=%lld hypervisor=%s",
		 (long long)row->pcpus, (long long)row->memory_mib, (long long)m->host.mem_mib,
		 row->hypervisor);
	return store_host_put(c, row) ? -1 : 0;
}

static int muxd_open(struct muxd *m)
{
	char err[512] = "";
	if (sodium_init() < 0) {
		log_error("muxd", "msg=\"libsodium failed to initialise\"");
		return -1;
	}
	if (muxd_check_config(&m->cfg, err, sizeof err) || auth_load_admin(m, err, sizeof err)) {
		log_error("muxd", "msg=\"bad configuration\" err=\"%s\"", err);
		return -1;
	}
	if (store_open(m->cfg.db, m->cfg.http_threads + 2, &m->store)) {
		log_error("muxd", "msg=\"cannot open the store\" db=%s", m->cfg.db);
		return -1;
	}
	if (drv_open(&m->cfg, &m->drv, err, sizeof err)) {
		log_error("muxd", "msg=\"cannot open the driver\" driver=%s err=\"%s\"", m->cfg.driver, err);
		return -1;
	}
	struct store_conn *c = store_get(m->store);
	int rc = muxd_host(m, c);
	if (!rc) {
		int fixes = rec_pass(m, c);
		log_info("muxd", "msg=\"start-up reconcile\" fixes=%d", fixes);
	}
	store_put(m->store, c);
	return rc;
}

static int64_t muxd_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for SIGTERM/SIGINT, running the reconciler and sampler when due. */
static void muxd_loop(struct muxd *m, const sigset_t *sigs)
{
	int64_t next_rec = muxd_mono() + (int64_t)m->cfg.reconcile_interval_s * 1000;
	int64_t next_smp = muxd_mono();
	for (;;) {
		int64_t now = muxd_mono();
		int64_t wait = (next_rec < next_smp ? next_rec : next_smp) - now;
		if (wait < 0)
			wait = 0;
		struct timespec ts = { wait / 1000, (wait % 1000) * 1000000 };
		int sig = sigtimedwait(sigs, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("muxd", "msg=\"stopping\" signal=%d", sig);
			return;
		}
		now = muxd_mono();
		struct store_conn *c = NULL;
		if (now >= next_smp) {
			c = store_get(m->store);
			if (smp_tick(m, c))
				log_warn("sampler", "msg=\"tick failed\" err=\"%s\"", drv_errmsg());
			next_smp = now + (int64_t)m->cfg.sample_interval_s * 1000;
		}
		if (now >= next_rec) {
			c = c ? c : store_get(m->store);
			pthread_mutex_lock(&m->ops_lock);
			int alive = m->drv->ops->check(m->drv);
			pthread_mutex_unlock(&m->ops_lock);
			if (alive == 0)
				rec_pass(m, c);
			next_rec = now + (int64_t)m->cfg.reconcile_interval_s * 1000;
		}
		if (c)
			store_put(m->store, c);
	}
}

int main(int argc, char **argv)
{
	static struct muxd m;
	int rc = cfg_load(&m.cfg, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	enum log_level lvl;
	if (log_parse_level(m.cfg.log_level, &lvl)) {
		fprintf(stderr, "muxd: --log-level must be debug, info, warn or error\n");
		return 2;
	}
	log_set_level(lvl);
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	/* blocked before any thread starts, so only sigtimedwait sees them */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	m.started_at = store_now();
	pthread_mutex_init(&m.ops_lock, NULL);
	struct api_server *api = NULL;
	rc = 1;
	if (live_init(&m.live))
		return 1;
	if (muxd_open(&m) || api_start(&m, &api))
		goto out;
	log_info("muxd", "msg=\"ready\" listen=%s driver=%s db=%s", m.cfg.listen, m.drv->name, m.cfg.db);
	muxd_loop(&m, &sigs);
	atomic_store(&m.stopping, 1);
	api_stop(api);
	rc = 0;
out:
	drv_close(m.drv);
	store_close(m.store);
	live_fini(&m.live);
	pthread_mutex_destroy(&m.ops_lock);
	log_info("muxd", "msg=\"stopped\" status=%d", rc);
	return rc;
}
