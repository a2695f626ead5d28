/*
 * api_views.c - records as JSON. Times are RFC 3339 UTC strings; ids are
 * integers; the fields a customer may not see (api_fields.c `internal`)
 * appear only for the admin.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_fields.h"

static json_object *api_time(int64_t t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
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

json_object *api_server_json(struct muxd *m, const struct server *sv)
{
	struct live_entry le;
	bool seen = live_get(&m->live, sv->id, &le);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(sv->id));
	json_object_object_add(o, "uuid", json_object_new_string(sv->uuid));
	json_object_object_add(o, "name", json_object_new_string(sv->name));
	json_object_object_add(o, "customer_id", json_object_new_int64(sv->customer_id));
	json_object_object_add(o, "plan_id", json_object_new_int64(sv->plan_id));
	json_object_object_add(o, "image_id", json_object_new_int64(sv->image_id));
	json_object_object_add(o, "power", json_object_new_string(sv->power));
	json_object_object_add(o, "state", json_object_new_string(
		seen && le.observed_at ? drv_power_name(le.power) : "unknown"));
	json_object_object_add(o, "phase", json_object_new_string(sv->phase));
	json_object_object_add(o, "last_error", sv->last_error[0] ?
			       json_object_new_string(sv->last_error) : NULL);
	json_object_object_add(o, "pending_restart", json_object_new_boolean(sv->pending_restart));
	json_object_object_add(o, "created_at", api_time(sv->created_at));
	json_object_object_add(o, "updated_at", api_time(sv->updated_at));
	return o;
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
