/*
 * reconcile.c - see reconcile.h for the rules of a pass.
 *
 * Ordering: the driver's list is read after taking ops_lock, so no API
 * operation is half-way through while the pass compares; the store rows are
 * read after the list, so a row created after the list cannot be mistaken
 * for one whose domain vanished (it is simply not looked at this pass).
 */
#include "reconcile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server_ops.h"

#define REC_PAGE 500

static const struct actor rec_actor = { .system = true };

static struct drv_domain *rec_find(struct drv_domain *doms, size_t n, const char *uuid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(doms[i].uuid, uuid) == 0)
			return &doms[i];
	return NULL;
}

static void rec_audit(struct store_conn *c, const struct server *sv, const char *action)
{
	if (store_event_add(c, &rec_actor, sv->customer_id, action, "server", sv->id, NULL))
		log_warn("reconcile", "msg=\"event not recorded\" action=%s", action);
}

/* The domain of a running server must be running; a stopped one, off. */
static int rec_power(struct muxd *m, struct store_conn *c, const struct server *sv,
		     const struct drv_domain *d)
{
	bool want_on = strcmp(sv->power, "running") == 0;
	bool is_on = d->power == DRV_RUNNING || d->power == DRV_PAUSED;
	if (want_on == is_on)
		return 0;
	if (want_on) {
		struct op_error e;
		struct live_entry le;
		bool waited = live_get(&m->live, sv->id, &le) && le.mem_waiting;
		int rc = srv_realise(m, c, sv, &e);
		if (rc < 0)
			return -EIO;
		if (rc == SRV_WAITING)
			return 0;   /* still waiting for memory: not a fault, try next pass */
		if (sv->pending_restart)
			store_server_clear_pending(c, sv->id);  /* it started with its new shape */
		rec_audit(c, sv, waited ? "server.started_after_wait" : "server.restarted");
		return 1;
	}
	if (sv->stop_requested_at && store_now() - sv->stop_requested_at < m->cfg.stop_grace_s)
		return 0;
	if (m->drv->ops->poweroff(m->drv, sv->uuid))
		return -EIO;
	rec_audit(c, sv, "server.forced_off");
	return 1;
}

/* A domain whose vCPUs or memory ceiling differ from its plan (a resize cut
 * short by a crash) is redefined; a running one then waits for a restart. */
static int rec_shape(struct muxd *m, struct store_conn *c, const struct server *sv,
		     const struct drv_domain *d)
{
	struct plan pl;
	struct image im;
	struct drv_domain_spec spec;
	bool restart = false;
	if (sv->pending_restart || !d->vcpus || srv_spec(c, sv, &pl, &im, &spec))
		return 0;
	if (d->vcpus == spec.params.vcpus && d->mem_max_kib == spec.params.mem_max_kib)
		return 0;
	if (m->drv->ops->update(m->drv, &spec, &restart))
		return -EIO;
	if (restart)
		store_server_set_plan(c, sv->id, sv->plan_id, 1);
	rec_audit(c, sv, "server.reshaped");
	return 1;
}

/* Fixes one server row against its domain (NULL: none). Returns fixes made. */
static int rec_server(struct muxd *m, struct store_conn *c, const struct server *sv,
		      const struct drv_domain *d)
{
	struct op_error e;
	if (strcmp(sv->phase, "deleting") == 0)
		return srv_remove(m, c, &rec_actor, sv, &e) ? -EIO : 1;
	if (strcmp(sv->phase, "provisioning") == 0 || !d) {
		if (srv_realise(m, c, sv, &e) < 0) {
			store_server_set_phase(c, sv->id, "error", e.message);
			return -EIO;
		}
		store_server_set_phase(c, sv->id, "active", "");
		rec_audit(c, sv, d ? "server.provisioned" : "server.recreated");
		return 1;
	}
	live_set_power(&m->live, sv->id, d->power, store_now());
	int fixes = rec_power(m, c, sv, d);
	int shaped = rec_shape(m, c, sv, d);
	if (fixes >= 0 && shaped > 0)
		fixes += shaped;
	if (fixes >= 0 && strcmp(sv->phase, "error") == 0) {
		store_server_set_phase(c, sv->id, "active", "");
		fixes++;
	}
	return fixes;
}

/* Walks every row, page by page; marks the domains that have a row. */
static int rec_rows(struct muxd *m, struct store_conn *c, struct drv_domain *doms, size_t n,
		    unsigned char *claimed)
{
	struct server_filter f;
	memset(&f, 0, sizeof f);
	int64_t after = 0;
	int fixes = 0;
	for (;;) {
		struct server *v = NULL;
		size_t k = 0;
		int rc = store_server_list(c, &f, after, REC_PAGE, &v, &k);
		if (rc)
			return rc;
		for (size_t i = 0; i < k; i++) {
			struct drv_domain *d = rec_find(doms, n, v[i].uuid);
			if (d)
				claimed[d - doms] = 1;
			int r = rec_server(m, c, &v[i], d);
			if (r > 0)
				fixes += r;
		}
		after = k ? v[k - 1].id : after;
		free(v);
		if (k < REC_PAGE)
			return fixes;
	}
}

int rec_pass(struct muxd *m, struct store_conn *c)
{
	struct drv_domain *doms = NULL;
	size_t n = 0;
	pthread_mutex_lock(&m->ops_lock);
	int rc = m->drv->ops->list(m->drv, &doms, &n);
	if (rc) {
		pthread_mutex_unlock(&m->ops_lock);
		return rc;
	}
	unsigned char *claimed = calloc(n + 1, 1);
	int fixes = claimed ? rec_rows(m, c, doms, n, claimed) : -ENOMEM;
	for (size_t i = 0; fixes >= 0 && i < n; i++) {
		if (claimed[i])
			continue;
		log_warn("reconcile", "msg=\"orphan domain destroyed\" uuid=%s", doms[i].uuid);
		if (m->drv->ops->destroy(m->drv, doms[i].uuid) == 0)
			fixes++;
	}
	pthread_mutex_unlock(&m->ops_lock);
	free(claimed);
	free(doms);
	atomic_fetch_add(&m->reconcile_passes, 1);
	if (fixes > 0) {
		atomic_fetch_add(&m->reconcile_fixes, (uint_fast64_t)fixes);
		log_info("reconcile", "msg=\"converged\" fixes=%d", fixes);
	}
	return fixes;
}
