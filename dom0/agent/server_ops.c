/*
 * server_ops.c - provisioning, actions, resize and deletion (see
 * server_ops.h for the ordering that makes each crash-safe).
 */
#include "server_ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "log.h"
#include "plan.h"
#include "sampler.h"
#include "server_ops_int.h"

static const struct actor srv_system = { .system = true };

int op_fail(struct op_error *e, enum op_kind kind, const char *code, const char *field,
		   const char *fmt, ...)
{
	va_list ap;
	e->kind = kind;
	e->code = code;
	e->field = field;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return -1;
}

int op_store_fail(struct op_error *e, int rc)
{
	return op_fail(e, OP_INTERNAL, "store_error", NULL, "the store failed (%s)", strerror(-rc));
}

int op_driver_fail(struct op_error *e, const char *what)
{
	return op_fail(e, OP_DRIVER, "driver_error", NULL, "%s: %s", what, drv_errmsg());
}

void srv_new_uuid(char out[DRV_UUID_LEN])
{
	uint8_t b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, DRV_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

int srv_spec(struct store_conn *c, const struct server *sv, struct plan *pl, struct image *im,
	     struct drv_domain_spec *spec)
{
	int rc = store_plan_get(c, sv->plan_id, pl);
	if (!rc)
		rc = store_image_get(c, sv->image_id, im);
	if (rc)
		return rc;
	memset(spec, 0, sizeof *spec);
	snprintf(spec->uuid, sizeof spec->uuid, "%s", sv->uuid);
	spec->title = sv->name;
	plan_to_params(pl, &spec->params);
	spec->image.kind = strcmp(im->kind, "disk") == 0 ? DRV_IMAGE_DISK : DRV_IMAGE_KERNEL;
	spec->image.path = im->path;
	spec->image.format = im->format;
	spec->image.initrd = im->initrd;
	spec->image.cmdline = im->cmdline;
	return 0;
}

/* The driver cannot start sv yet: too little free memory. Not an error:
 * the live table says it waits (the API shows "waiting_for_memory", the
 * memory policy makes room), and the first time an event says why. */
static void srv_waiting(struct muxd *m, struct store_conn *c, const struct server *sv,
			uint64_t ceiling_mib)
{
	if (live_set_waiting(&m->live, sv->id, true))
		return;
	char why[256], detail[384];
	snprintf(why, sizeof why, "%s", drv_errmsg());
	for (char *p = why; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '\'';
	snprintf(detail, sizeof detail, "{\"ceiling_mib\":%llu,\"reason\":\"%s\"}",
		 (unsigned long long)ceiling_mib, why);
	if (store_event_add(c, &srv_system, sv->customer_id, "server.waiting_for_memory", "server",
			    sv->id, detail))
		log_warn("ops", "msg=\"event not recorded\" action=server.waiting_for_memory");
	log_info("ops", "msg=\"start waits for memory\" server=%lld uuid=%s reason=\"%s\"",
		 (long long)sv->id, sv->uuid, why);
}

int srv_realise(struct muxd *m, struct store_conn *c, const struct server *sv,
		struct op_error *e)
{
	struct plan pl;
	struct image im;
	struct drv_domain_spec spec;
	int rc = srv_spec(c, sv, &pl, &im, &spec);
	if (rc)
		return op_store_fail(e, rc);
	rc = m->drv->ops->create(m->drv, &spec);
	if (rc && rc != -EEXIST)
		return op_driver_fail(e, "creating the domain");
	if (strcmp(sv->power, "running") != 0) {
		live_set_waiting(&m->live, sv->id, false);
		live_set_power(&m->live, sv->id, DRV_OFF, store_now());
		return 0;
	}
	rc = m->drv->ops->start(m->drv, sv->uuid);
	if (rc == -EAGAIN) {
		srv_waiting(m, c, sv, spec.params.mem_max_kib / 1024);
		return SRV_WAITING;
	}
	if (rc)
		return op_driver_fail(e, "starting the domain");
	/* Xen takes weight and cap only from a running domain */
	if (m->drv->ops->set_sched(m->drv, sv->uuid, &spec.params, spec.params.cpu_cap_pct) != 0)
		return op_driver_fail(e, "setting scheduler parameters");
	live_set_power(&m->live, sv->id, DRV_RUNNING, store_now());
	return 0;
}

/* Checks the references of a new server inside the open transaction. */
static int srv_check_refs(struct store_conn *c, const struct server_req *req, struct plan *pl,
			  struct op_error *e)
{
	struct customer cu;
	struct image im;
	int rc = store_customer_get(c, req->customer_id, &cu);
	if (rc == -ENOENT)
		return op_fail(e, OP_INVALID, "invalid_reference", "customer_id",
			       "there is no customer %lld", (long long)req->customer_id);
	if (!rc)
		rc = store_plan_get(c, req->plan_id, pl);
	if (rc == -ENOENT || (!rc && !pl->active))
		return op_fail(e, OP_INVALID, "invalid_reference", "plan_id",
			       "plan %lld does not exist or is no longer sold",
			       (long long)req->plan_id);
	if (!rc)
		rc = store_image_get(c, req->image_id, &im);
	if (rc == -ENOENT)
		return op_fail(e, OP_INVALID, "invalid_reference", "image_id",
			       "there is no image %lld", (long long)req->image_id);
	return rc ? op_store_fail(e, rc) : 0;
}

int srv_admit(struct muxd *m, struct store_conn *c, int64_t except, const struct plan *pl,
		     struct op_error *e)
{
	struct adm_usage used;
	int rc = store_commitments(c, except, &used);
	if (rc)
		return op_store_fail(e, rc);
	if (adm_check(&m->host, &used, pl, &e->refusal) != 0)
		return op_fail(e, OP_CAPACITY, "insufficient_capacity", "plan_id", "%s",
			       e->refusal.message);
	return 0;
}

/* Inserts the row and its event in one transaction. */
static int srv_insert(struct muxd *m, struct store_conn *c, const struct actor *who,
		      const struct server_req *req, struct server *sv, struct op_error *e)
{
	struct plan pl;
	int rc = store_begin(c);
	if (rc)
		return op_store_fail(e, rc);
	if (srv_check_refs(c, req, &pl, e) || srv_admit(m, c, 0, &pl, e))
		goto rollback;
	memset(sv, 0, sizeof *sv);
	srv_new_uuid(sv->uuid);
	sv->customer_id = req->customer_id;
	sv->plan_id = req->plan_id;
	sv->image_id = req->image_id;
	snprintf(sv->name, sizeof sv->name, "%s", req->name);
	strcpy(sv->power, req->start ? "running" : "stopped");
	strcpy(sv->phase, "provisioning");
	/* launch credit: half an hour at the baseline, so a new server can boot at full speed */
	sv->burst_credit_x100 = smp_credit_max(pl.cpu_burst_baseline_pct) / 48;
	rc = store_server_insert(c, sv);
	if (rc == -EEXIST) {
		op_fail(e, OP_CONFLICT, "name_taken", "name",
			"customer %lld already has a server named %s", (long long)sv->customer_id,
			sv->name);
		goto rollback;
	}
	char detail[256];
	snprintf(detail, sizeof detail, "{\"uuid\":\"%s\",\"plan_id\":%lld,\"image_id\":%lld}",
		 sv->uuid, (long long)sv->plan_id, (long long)sv->image_id);
	if (!rc)
		rc = store_event_add(c, who, sv->customer_id, "server.create", "server", sv->id,
				     detail);
	if (!rc)
		rc = store_commit(c);
	if (rc) {
		op_store_fail(e, rc);
		goto rollback;
	}
	return 0;
rollback:
	store_rollback(c);
	return -1;
}

/* After a failed realisation: nothing may stay behind, neither domain nor row. */
static void srv_undo(struct muxd *m, struct store_conn *c, const struct actor *who,
		     const struct server *sv, const struct op_error *why)
{
	if (m->drv->ops->destroy(m->drv, sv->uuid) != 0)
		log_error("ops", "msg=\"undo: domain not removed\" uuid=%s err=\"%s\"", sv->uuid,
			  drv_errmsg());
	if (store_begin(c) == 0) {
		store_event_add(c, who, sv->customer_id, "server.provision_failed", "server", sv->id,
				NULL);
		if (store_server_delete(c, sv->id) == 0 && store_commit(c) == 0) {
			live_remove(&m->live, sv->id);
			log_warn("ops", "msg=\"provisioning undone\" server=%lld reason=\"%s\"",
				 (long long)sv->id, why->message);
			return;
		}
		store_rollback(c);
	}
	log_error("ops", "msg=\"undo: row not removed; the reconciler will retry\" server=%lld",
		  (long long)sv->id);
}

int srv_provision(struct muxd *m, struct store_conn *c, const struct actor *who,
		  const struct server_req *req, struct server *out, struct op_error *e)
{
	int rc = -1;
	pthread_mutex_lock(&m->ops_lock);
	if (srv_insert(m, c, who, req, out, e))
		goto unlock;
	if (srv_realise(m, c, out, e) < 0) {
		srv_undo(m, c, who, out, e);
		goto unlock;
	}
	rc = store_server_set_phase(c, out->id, "active", "");
	if (rc) {
		op_store_fail(e, rc);
		goto unlock;
	}
	strcpy(out->phase, "active");
	log_info("ops", "msg=\"provisioned\" server=%lld uuid=%s customer=%lld plan=%lld",
		 (long long)out->id, out->uuid, (long long)out->customer_id,
		 (long long)out->plan_id);
	rc = 0;
unlock:
	pthread_mutex_unlock(&m->ops_lock);
	return rc;
}

int srv_remove(struct muxd *m, struct store_conn *c, const struct actor *who,
	       const struct server *sv, struct op_error *e)
{
	if (m->drv->ops->destroy(m->drv, sv->uuid) != 0) {
		op_driver_fail(e, "destroying the domain");
		store_server_set_phase(c, sv->id, "deleting", e->message);
		return -1;
	}
	int rc = store_begin(c);
	if (!rc)
		rc = store_server_delete(c, sv->id);
	if (!rc)
		rc = store_event_add(c, who, sv->customer_id, "server.deleted", "server", sv->id,
				     NULL);
	if (!rc)
		rc = store_commit(c);
	if (rc) {
		store_rollback(c);
		return op_store_fail(e, rc);
	}
	live_remove(&m->live, sv->id);
	log_info("ops", "msg=\"deleted\" server=%lld uuid=%s", (long long)sv->id, sv->uuid);
	return 0;
}

int srv_load(struct store_conn *c, const struct actor *who, int64_t id, struct server *sv,
		    struct op_error *e)
{
	int rc = store_server_get(c, id, sv);
	if (rc == -ENOENT || (!rc && !who->admin && !who->system && sv->customer_id != who->customer_id))
		return op_fail(e, OP_NOT_FOUND, "not_found", NULL, "there is no server %lld",
			       (long long)id);
	return rc ? op_store_fail(e, rc) : 0;
}

int srv_delete(struct muxd *m, struct store_conn *c, const struct actor *who, int64_t id,
	       struct op_error *e)
{
	struct server sv;
	int rc = -1;
	pthread_mutex_lock(&m->ops_lock);
	if (srv_load(c, who, id, &sv, e))
		goto unlock;
	if (store_begin(c) || store_server_set_phase(c, id, "deleting", "") ||
	    store_event_add(c, who, sv.customer_id, "server.delete", "server", id, NULL) ||
	    store_commit(c)) {
		store_rollback(c);
		op_store_fail(e, -EIO);
		goto unlock;
	}
	rc = srv_remove(m, c, who, &sv, e);
unlock:
	pthread_mutex_unlock(&m->ops_lock);
	return rc;
}
