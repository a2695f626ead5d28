/*
 * api_views.c - records as JSON. Times are RFC 3339 UTC strings; ids are
 * integers; the fields a customer may not see (api_fields.c `internal`)
 * appear only for the admin. Servers, the one record listed by the
 * hundred on a busy host, are written with the streaming writer
 * (json_out.h) instead of a json-c tree.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "api_fields.h"
#include "json_out.h"

static json_object *api_time(int64_t t)
{
	char buf[21];
	jo_format_time(t, buf);
	return json_object_new_string(buf);
}

json_object *api_plan_json(const struct plan *p, bool internal)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(p->id));
	jv_encode(o, api_plan_fields, api_plan_fields_n, p, internal);
	json_object_object_add(o, "created_at", api_time(p->created_at));
	return o;
}

json_object *api_customer_json(const struct customer *cu)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(cu->id));
	jv_encode(o, api_customer_fields, api_customer_fields_n, cu, true);
	json_object_object_add(o, "created_at", api_time(cu->created_at));
	return o;
}

json_object *api_image_json(const struct image *im, bool internal)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(im->id));
	jv_encode(o, api_image_fields, api_image_fields_n, im, internal);
	json_object_object_add(o, "created_at", api_time(im->created_at));
	return o;
}

json_object *api_token_json(const struct token *t)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(t->id));
	json_object_object_add(o, "customer_id", json_object_new_int64(t->customer_id));
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "prefix", json_object_new_string(t->prefix));
	json_object_object_add(o, "created_at", api_time(t->created_at));
	return o;
}

const char *api_server_state(const struct live_entry *le)
{
	if (le && le->mem_waiting && le->power != DRV_RUNNING && le->power != DRV_PAUSED)
		return "waiting_for_memory";
	return le && le->observed_at ? drv_power_name(le->power) : "unknown";
}

void api_server_out(struct jo *j, struct muxd *m, const struct server *sv)
{
	struct live_entry le;
	bool seen = live_get(&m->live, sv->id, &le);
	jo_begin_object(j);
	jo_key(j, "id");
	jo_int(j, sv->id);
	jo_key(j, "uuid");
	jo_str(j, sv->uuid);
	jo_key(j, "name");
	jo_str(j, sv->name);
	jo_key(j, "customer_id");
	jo_int(j, sv->customer_id);
	jo_key(j, "plan_id");
	jo_int(j, sv->plan_id);
	jo_key(j, "image_id");
	jo_int(j, sv->image_id);
	jo_key(j, "power");
	jo_str(j, sv->power);
	jo_key(j, "state");
	jo_str(j, api_server_state(seen ? &le : NULL));
	jo_key(j, "phase");
	jo_str(j, sv->phase);
	jo_key(j, "last_error");
	if (sv->last_error[0])
		jo_str(j, sv->last_error);
	else
		jo_null(j);
	jo_key(j, "pending_restart");
	jo_bool(j, sv->pending_restart);
	jo_key(j, "created_at");
	jo_time(j, sv->created_at);
	jo_key(j, "updated_at");
	jo_time(j, sv->updated_at);
	jo_end_object(j);
}

void api_server_reply(struct api_req *r, const struct server *sv, unsigned status)
{
	struct jo j;
	jo_init(&j, 512);
	api_server_out(&j, r->m, sv);
	api_text_reply(r, &j, status);
}

json_object *api_event_json(const struct event *ev)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(ev->id));
	json_object_object_add(o, "time", api_time(ev->ts));
	json_object_object_add(o, "actor", json_object_new_string(ev->actor));
	json_object_object_add(o, "customer_id", ev->customer_id ?
			       json_object_new_int64(ev->customer_id) : NULL);
	json_object_object_add(o, "action", json_object_new_string(ev->action));
	json_object_object_add(o, "object_type", json_object_new_string(ev->object_type));
	json_object_object_add(o, "object_id", json_object_new_int64(ev->object_id));
	json_object *detail = json_tokener_parse(ev->detail);
	json_object_object_add(o, "detail", detail ? detail : json_object_new_object());
	return o;
}

json_object *api_refusal_json(const struct adm_refusal *ref)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "limit", json_object_new_string(ref->limit));
	json_object_object_add(o, "unit", json_object_new_string(ref->unit));
	json_object_object_add(o, "capacity", json_object_new_int64((int64_t)ref->capacity));
	json_object_object_add(o, "committed", json_object_new_int64((int64_t)ref->committed));
	json_object_object_add(o, "requested", json_object_new_int64((int64_t)ref->requested));
	json_object_object_add(o, "over_by", json_object_new_int64((int64_t)ref->over_by));
	return o;
}
