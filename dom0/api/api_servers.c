/*
 * api_servers.c - /v1/servers: provision, list, get, actions, delete. The
 * work is server_ops' (agent/); this file checks the request and the
 * caller's scope. A customer token sees and changes only its own servers;
 * another customer's server is "not found", so ids cannot be probed.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fields.h"
#include "json_out.h"

static const char *const list_params[] = { "limit", "cursor", "customer_id", "plan_id", "phase",
					    "power", "name", NULL };

/* Reads the list filters; a customer's list is always its own. */
static bool servers_filter(struct api_req *r, struct server_filter *f)
{
	static const char *const phases[] = { "provisioning", "active", "deleting", "error" };
	memset(f, 0, sizeof f[0]);
	if (!api_query_int(r, "customer_id", 1, API_MAX_ID, 0, &f->customer_id) ||
	    !api_query_int(r, "plan_id", 1, API_MAX_ID, 0, &f->plan_id))
		return false;
	if (!r->who.admin) {
		if (f->customer_id && f->customer_id != r->who.customer_id) {
			api_error(r, 403, "forbidden", "customer_id",
				  "a customer token lists only its own servers");
			return false;
		}
		f->customer_id = r->who.customer_id;
	}
	const char *phase = api_query_str(r, "phase"), *power = api_query_str(r, "power");
	const char *name = api_query_str(r, "name");
	if (phase) {
		bool ok = false;
		for (int i = 0; i < 4; i++)
			ok |= strcmp(phase, phases[i]) == 0;
		if (!ok) {
			api_error(r, 422, "invalid_value", "phase",
				  "phase is provisioning, active, deleting or error");
			return false;
		}
		strcpy(f->phase, phase);
	}
	if (power) {
		if (strcmp(power, "running") != 0 && strcmp(power, "stopped") != 0) {
			api_error(r, 422, "invalid_value", "power", "power is running or stopped");
			return false;
		}
		strcpy(f->power, power);
	}
	if (name) {
		if (strlen(name) >= sizeof f->name) {
			api_error(r, 422, "out_of_range", "name", "name is at most 63 characters");
			return false;
		}
		strcpy(f->name, name);
	}
	return true;
}

void api_servers_list(struct api_req *r)
{
	struct server_filter f;
	unsigned limit;
	int64_t after;
	if (!api_query_allowed(r, list_params) || !api_page(r, &limit, &after) ||
	    !servers_filter(r, &f))
		return;
	struct server *v = NULL;
	size_t n = 0;
	int rc = store_server_list(r->db, &f, after, limit, &v, &n);
	if (rc) {
		api_store_error(r, rc, "servers");
		return;
	}
	struct jo j;
	jo_init(&j, 400 * (n + 1));
	jo_begin_object(&j);
	jo_key(&j, "items");
	jo_begin_array(&j);
	for (size_t i = 0; i < n; i++)
		api_server_out(&j, r->m, &v[i]);
	jo_end_array(&j);
	jo_key(&j, "next_cursor");
	if (n == limit && n > 0) {
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)v[n - 1].id);
		jo_str(&j, buf);
	} else {
		jo_null(&j);
	}
	jo_end_object(&j);
	free(v);
	api_text_reply(r, &j, 200);
}

void api_servers_get(struct api_req *r)
{
	struct server sv;
	if (api_server_load(r, &sv))
		api_server_reply(r, &sv, 200);
}

void api_servers_create(struct api_req *r)
{
	struct api_server_body b = { .start = true };
	if (!api_decode(r, api_server_fields, api_server_fields_n, &b, false))
		return;
	if (r->who.admin && !b.customer_id) {
		api_error(r, 400, "missing_field", "customer_id",
			  "`customer_id` is required with the admin token");
		return;
	}
	if (!r->who.admin) {
		if (b.customer_id && b.customer_id != r->who.customer_id) {
			api_error(r, 403, "forbidden", "customer_id",
				  "a customer token provisions only for its own customer");
			return;
		}
		b.customer_id = r->who.customer_id;
	}
	struct server_req req = { .customer_id = b.customer_id, .plan_id = b.plan_id,
				  .image_id = b.image_id, .start = b.start };
	memcpy(req.name, b.name, sizeof req.name);
	struct server sv;
	struct op_error e;
	if (srv_provision(r->m, r->db, &r->who, &req, &sv, &e)) {
		api_op_error(r, &e);
		return;
	}
	api_server_reply(r, &sv, 201);
}

void api_servers_action(struct api_req *r)
{
	struct api_action_body b = { .force = false };
	if (!api_decode(r, api_action_fields, api_action_fields_n, &b, false))
		return;
	struct action_req req = { .force = b.force, .plan_id = b.plan_id };
	static const char *const names[] = { "start", "stop", "reboot", "resize" };
	for (int i = 0; i < 4; i++)
		if (strcmp(b.type, names[i]) == 0)
			req.action = (enum server_action)i;
	if (req.action == ACT_RESIZE && !b.plan_id) {
		api_error(r, 400, "missing_field", "plan_id", "`plan_id` is required to resize");
		return;
	}
	if (req.action != ACT_RESIZE && b.plan_id) {
		api_error(r, 400, "unknown_field", "plan_id", "`plan_id` is only for resize");
		return;
	}
	struct server sv;
	struct op_error e;
	if (srv_action(r->m, r->db, &r->who, r->ids[0], &req, &sv, &e)) {
		api_op_error(r, &e);
		return;
	}
	api_server_reply(r, &sv, 202);
}

void api_servers_delete(struct api_req *r)
{
	struct op_error e;
	if (srv_delete(r->m, r->db, &r->who, r->ids[0], &e)) {
		api_op_error(r, &e);
		return;
	}
	r->status = 204;
}
