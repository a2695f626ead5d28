/*
 * api_customers.c - /v1/customers (the provider's) and a customer's view of
 * itself: a customer token may read only its own customer record.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api_fields.h"

static const char *const page_params[] = { "limit", "cursor", NULL };

void api_customers_list(struct api_req *r)
{
	unsigned limit;
	int64_t after;
	if (!api_query_allowed(r, page_params) || !api_page(r, &limit, &after))
		return;
	struct customer *v = NULL;
	size_t n = 0;
	int rc = store_customer_list(r->db, after, limit, &v, &n);
	if (rc) {
		api_store_error(r, rc, "customers");
		return;
	}
	json_object *items = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_customer_json(&v[i]));
	api_list_reply(r, items, n, limit, n ? v[n - 1].id : 0);
	free(v);
}

void api_customers_get(struct api_req *r)
{
	struct customer cu;
	int rc = (!r->who.admin && r->who.customer_id != r->ids[0]) ? -ENOENT
		 : store_customer_get(r->db, r->ids[0], &cu);
	if (rc) {
		api_store_error(r, rc, "customer");
		return;
	}
	r->json = api_customer_json(&cu);
	r->status = 200;
}

/* Runs the change, its event and the commit; maps a taken e-mail to 409. */
static void customer_save(struct api_req *r, struct customer *cu, bool create)
{
	int rc = store_begin(r->db);
	if (!rc)
		rc = create ? store_customer_insert(r->db, cu) : store_customer_update(r->db, cu);
	if (rc == -EEXIST) {
		api_error(r, 409, "email_taken", "email", "a customer with e-mail %s exists", cu->email);
		return;
	}
	rc = api_finish_change(r, rc, cu->id, create ? "customer.create" : "customer.update",
			       "customer", cu->id);
	if (rc) {
		api_store_error(r, rc, "customer");
		return;
	}
	r->json = api_customer_json(cu);
	r->status = create ? 201 : 200;
}

void api_customers_create(struct api_req *r)
{
	struct customer cu;
	memset(&cu, 0, sizeof cu);
	if (!api_decode(r, api_customer_fields, api_customer_fields_n, &cu, false))
		return;
	customer_save(r, &cu, true);
}

void api_customers_patch(struct api_req *r)
{
	struct customer cu;
	if (!api_body(r))
		return;
	int rc = store_customer_get(r->db, r->ids[0], &cu);
	if (rc) {
		api_store_error(r, rc, "customer");
		return;
	}
	if (!api_decode(r, api_customer_fields, api_customer_fields_n, &cu, true))
		return;
	customer_save(r, &cu, false);
}

void api_customers_delete(struct api_req *r)
{
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_customer_delete(r->db, r->ids[0]);
	if (rc == -EBUSY) {
		api_error(r, 409, "in_use", NULL, "customer %lld still has servers; delete them first",
			  (long long)r->ids[0]);
		return;
	}
	rc = api_finish_change(r, rc, r->ids[0], "customer.delete", "customer", r->ids[0]);
	if (rc) {
		api_store_error(r, rc, "customer");
		return;
	}
	r->status = 204;
}
