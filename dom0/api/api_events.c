/*
 * api_events.c - GET /v1/events: the audit log, oldest first, by cursor.
 * The admin sees every event (or one customer's with ?customer_id=); a
 * customer sees the events about itself and its servers.
 */
#include "api.h"

#include "api_fields.h"

static const char *const event_params[] = { "limit", "cursor", "customer_id", NULL };

void api_events_list(struct api_req *r)
{
	unsigned limit;
	int64_t after, customer;
	if (!api_query_allowed(r, event_params) || !api_page(r, &limit, &after) ||
	    !api_query_int(r, "customer_id", 1, API_MAX_ID, 0, &customer))
		return;
	if (!r->who.admin) {
		if (customer && customer != r->who.customer_id) {
			api_error(r, 403, "forbidden", "customer_id",
				  "a customer token reads only its own events");
			return;
		}
		customer = r->who.customer_id;
	}
	struct event *v = NULL;
	size_t n = 0;
	int rc = store_event_list(r->db, customer, after, limit, &v, &n);
	if (rc) {
		api_store_error(r, rc, "events");
		return;
	}
	json_object *items = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_event_json(&v[i]));
	api_list_reply(r, items, n, limit, n ? v[n - 1].id : 0);
	store_events_free(v, n);
}
