/*
 * server_actions.c - start, stop, reboot and resize of an existing server.
 *
 * The desired state is committed first, with its audit event; then the
 * driver is asked. A driver failure after the commit is reported to the
 * caller (502) and left for the reconciler to converge, except for resize,
 * which is undone in the store so the customer keeps a server on the plan
 * that really runs.
 *
 * A graceful stop only asks the guest; the reconciler pulls the plug after
 * --stop-grace seconds if the guest has not powered off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "plan.h"
#include "server_ops_int.h"

static const char *const act_names[] = { "start", "stop", "reboot", "resize" };

static int act_commit_power(struct store_conn *c, const struct actor *who,
			    const struct server *sv, const char *power, int64_t stop_at,
			    const char *action, const char *detail)
{
	int rc = store_begin(c);
	if (!rc)
		rc = store_server_set_power(c, sv->id, power, stop_at);
	if (!rc)
		rc = store_event_add(c, who, sv->customer_id, action, "server", sv->id, detail);
	if (!rc)
		rc = store_commit(c);
	if (rc)
		store_rollback(c);
	return rc;
}

static int act_start(struct muxd *m, struct store_conn *c, const struct actor *who,
		     struct server *sv, struct op_error *e)
{
	struct live_entry le;
	bool was_running = live_get(&m->live, sv->id, &le) && le.power == DRV_RUNNING;
	int rc = act_commit_power(c, who, sv, "running", 0, "server.start", NULL);
	if (rc)
		return op_store_fail(e, rc);
	strcpy(sv->power, "running");
	if (srv_realise(m, c, sv, e) < 0)
		return -1;   /* SRV_WAITING is no error: the reconciler starts it */
	/* a domain that starts takes its whole definition, resize included */
	if (!was_running && sv->pending_restart) {
		rc = store_server_clear_pending(c, sv->id);
		sv->pending_restart = 0;
	}
	return rc ? op_store_fail(e, rc) : 0;
}

static int act_stop(struct muxd *m, struct store_conn *c, const struct actor *who,
		    struct server *sv, bool force, struct op_error *e)
{
	int64_t now = store_now();
	int rc = act_commit_power(c, who, sv, "stopped", force ? 0 : now, "server.stop",
				  force ? "{\"force\":true}" : "{\"force\":false}");
	if (rc)
		return op_store_fail(e, rc);
	strcpy(sv->power, "stopped");
	sv->stop_requested_at = force ? 0 : now;
	live_set_waiting(&m->live, sv->id, false);   /* a stopped server waits for nothing */
	rc = force ? m->drv->ops->poweroff(m->drv, sv->uuid) : m->drv->ops->shutdown(m->drv, sv->uuid);
	if (rc)
		return op_driver_fail(e, "stopping the domain");
	if (force)
		live_set_power(&m->live, sv->id, DRV_OFF, now);
	return 0;
}

/* A reboot with a resize waiting is a power cycle, so the new shape applies. */
static int act_reboot(struct muxd *m, struct store_conn *c, const struct actor *who,
		      struct server *sv, bool force, struct op_error *e)
{
	if (strcmp(sv->power, "running") != 0)
		return op_fail(e, OP_CONFLICT, "invalid_state", "type",
			       "server %lld is stopped; start it instead", (long long)sv->id);
	int rc = store_event_add(c, who, sv->customer_id, "server.reboot", "server", sv->id,
				 force ? "{\"force\":true}" : "{\"force\":false}");
	if (rc)
		return op_store_fail(e, rc);
	if (!sv->pending_restart) {
		rc = m->drv->ops->reboot(m->drv, sv->uuid, force);
		if (rc == -EAGAIN) {
			/* off now, and its start waits for memory like any other */
			live_set_power(&m->live, sv->id, DRV_OFF, store_now());
			return srv_realise(m, c, sv, e) < 0 ? -1 : 0;
		}
		if (rc)
			return op_driver_fail(e, "rebooting the domain");
		return 0;
	}
	if (m->drv->ops->poweroff(m->drv, sv->uuid) != 0)
		return op_driver_fail(e, "powering off for the new plan");
	if (srv_realise(m, c, sv, e) < 0)
		return -1;
	rc = store_server_clear_pending(c, sv->id);
	sv->pending_restart = 0;
	return rc ? op_store_fail(e, rc) : 0;
}

/* Commits the new plan (after admission without the old one) and its event. */
static int act_resize_commit(struct muxd *m, struct store_conn *c, const struct actor *who,
			     const struct server *sv, const struct plan *to, struct op_error *e)
{
	int rc = store_begin(c);
	if (rc)
		return op_store_fail(e, rc);
	if (srv_admit(m, c, sv->id, to, e)) {
		store_rollback(c);
		return -1;
	}
	char detail[96];
	snprintf(detail, sizeof detail, "{\"from_plan_id\":%lld,\"to_plan_id\":%lld}",
		 (long long)sv->plan_id, (long long)to->id);
	rc = store_server_set_plan(c, sv->id, to->id, sv->pending_restart);
	if (!rc)
		rc = store_event_add(c, who, sv->customer_id, "server.resize", "server", sv->id,
				     detail);
	if (!rc)
		rc = store_commit(c);
	if (rc) {
		store_rollback(c);
		return op_store_fail(e, rc);
	}
	return 0;
}

static int act_resize(struct muxd *m, struct store_conn *c, const struct actor *who,
		      struct server *sv, int64_t plan_id, struct op_error *e)
{
	struct plan to, pl;
	struct image im;
	struct drv_domain_spec spec;
	int rc = store_plan_get(c, plan_id, &to);
	if (rc == -ENOENT || (!rc && !to.active))
		return op_fail(e, OP_INVALID, "invalid_reference", "plan_id",
			       "plan %lld does not exist or is no longer sold", (long long)plan_id);
	if (rc)
		return op_store_fail(e, rc);
	if (to.id == sv->plan_id)
		return op_fail(e, OP_CONFLICT, "invalid_state", "plan_id",
			       "server %lld is already on plan %lld", (long long)sv->id,
			       (long long)plan_id);
	int64_t from = sv->plan_id;
	if (act_resize_commit(m, c, who, sv, &to, e))
		return -1;
	sv->plan_id = to.id;
	bool restart = false;
	rc = srv_spec(c, sv, &pl, &im, &spec);
	if (rc)
		return op_store_fail(e, rc);
	if (m->drv->ops->update(m->drv, &spec, &restart) != 0) {
		op_driver_fail(e, "applying the new plan");
		/* keep the store truthful: the domain still has the old shape */
		store_server_set_plan(c, sv->id, from, sv->pending_restart);
		sv->plan_id = from;
		return -1;
	}
	sv->pending_restart = sv->pending_restart || restart;
	if (restart && (rc = store_server_set_plan(c, sv->id, to.id, 1)) != 0)
		return op_store_fail(e, rc);
	return 0;
}

int srv_action(struct muxd *m, struct store_conn *c, const struct actor *who, int64_t id,
	       const struct action_req *req, struct server *out, struct op_error *e)
{
	int rc = -1;
	pthread_mutex_lock(&m->ops_lock);
	if (srv_load(c, who, id, out, e))
		goto unlock;
	if (strcmp(out->phase, "provisioning") == 0 || strcmp(out->phase, "deleting") == 0) {
		op_fail(e, OP_CONFLICT, "invalid_state", NULL, "server %lld is being %s",
			(long long)id, out->phase[0] == 'p' ? "provisioned" : "deleted");
		goto unlock;
	}
	switch (req->action) {
	case ACT_START: rc = act_start(m, c, who, out, e); break;
	case ACT_STOP: rc = act_stop(m, c, who, out, req->force, e); break;
	case ACT_REBOOT: rc = act_reboot(m, c, who, out, req->force, e); break;
	case ACT_RESIZE: rc = act_resize(m, c, who, out, req->plan_id, e); break;
	}
	if (!rc && strcmp(out->phase, "error") == 0 && store_server_set_phase(c, id, "active", "") == 0)
		strcpy(out->phase, "active");
	log_info("ops", "msg=\"action\" server=%lld action=%s ok=%d", (long long)id,
		 act_names[req->action], rc == 0);
unlock:
	pthread_mutex_unlock(&m->ops_lock);
	return rc;
}
