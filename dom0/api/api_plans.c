/*
 * api_plans.c - /v1/plans. Customers see the plans on sale, without the
 * internal fields (weights); the admin sees everything and manages them.
 * A plan's resources are fixed once created, because servers were admitted
 * against them; only its terms (description, price, on sale) change.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api_fields.h"

static const char *const page_params[] = { "limit", "cursor", NULL };

void api_plans_list(struct api_req *r)
{
	unsigned limit;
	int64_t after;
	if (!api_query_allowed(r, page_params) || !api_page(r, &limit, &after))
		return;
	struct plan *v = NULL;
	size_t n = 0;
	int rc = store_plan_list(r->db, after, limit, !r->who.admin, &v, &n);
	if (rc) {
		api_store_error(r, rc, "plans");
		return;
	}
	json_object *items = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_plan_json(&v[i], r->who.admin));
	api_list_reply(r, items, n, limit, n ? v[n - 1].id : 0);
	free(v);
}

/* The plan in the path, as the caller may see it: customers only plans on sale. */
static bool plan_load(struct api_req *r, struct plan *p)
{
	int rc = store_plan_get(r->db, r->ids[0], p);
	if (!rc && !r->who.admin && !p->active)
		rc = -ENOENT;
	if (rc)
		api_store_error(r, rc, "plan");
	return rc == 0;
}

void api_plans_get(struct api_req *r)
{
	struct plan p;
	if (!plan_load(r, &p))
		return;
	r->json = api_plan_json(&p, r->who.admin);
	r->status = 200;
}

static void plan_defaults(struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->mem_weight = p->disk_weight = p->net_weight = 100;
	strcpy(p->currency, "EUR");
	p->active = true;
}

void api_plans_create(struct api_req *r)
{
	struct plan p;
	struct plan_problem why;
	plan_defaults(&p);
	if (!api_decode(r, api_plan_fields, api_plan_fields_n, &p, false))
		return;
	if (!json_object_object_get_ex(r->body, "mem_floor_mib", NULL))
		p.mem_floor_mib = p.mem_ceiling_mib;  /* no floor given: memory is fixed */
	if (plan_check(&p, &why)) {
		api_error(r, 422, "invalid_value", why.field, "%s", why.message);
		return;
	}
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_plan_insert(r->db, &p);
	if (rc == -EEXIST) {
		api_error(r, 409, "name_taken", "name", "a plan named %s exists", p.name);
		return;
	}
	rc = api_finish_change(r, rc, 0, "plan.create", "plan", p.id);
	if (rc) {
		api_store_error(r, rc, "plan");
		return;
	}
	r->json = api_plan_json(&p, true);
	r->status = 201;
}

void api_plans_patch(struct api_req *r)
{
	struct plan p;
	if (!api_body(r) || !plan_load(r, &p))
		return;
	json_object_object_foreach(r->body, key, val) {
		(void)val;
		bool term = false;
		for (size_t i = 0; i < api_plan_terms_fields_n; i++)
			term |= strcmp(api_plan_terms_fields[i].name, key) == 0;
		for (size_t i = 0; !term && i < api_plan_fields_n; i++) {
			if (strcmp(api_plan_fields[i].name, key) == 0) {
				api_error(r, 409, "plan_immutable", key,
					  "`%s` of a plan cannot change; create a new plan and "
					  "resize servers to it", key);
				return;
			}
		}
	}
	if (!api_decode(r, api_plan_terms_fields, api_plan_terms_fields_n, &p, true))
		return;
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_plan_update_terms(r->db, &p);
	rc = api_finish_change(r, rc, 0, "plan.update", "plan", p.id);
	if (rc) {
		api_store_error(r, rc, "plan");
		return;
	}
	r->json = api_plan_json(&p, true);
	r->status = 200;
}

void api_plans_delete(struct api_req *r)
{
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_plan_delete(r->db, r->ids[0]);
	if (rc == -EBUSY) {
		api_error(r, 409, "in_use", NULL,
			  "plan %lld has servers; stop selling it with {\"active\": false} instead",
			  (long long)r->ids[0]);
		return;
	}
	rc = api_finish_change(r, rc, 0, "plan.delete", "plan", r->ids[0]);
	if (rc) {
		api_store_error(r, rc, "plan");
		return;
	}
	r->status = 204;
}
