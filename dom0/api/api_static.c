/*
 * api_static.c - the unauthenticated endpoints: /healthz, the dashboard
 * page (it asks for a token and calls /v1/dashboard itself) and the OpenAPI
 * document, both compiled in from their one copy in the tree.
 */
#include "api.h"

#include "embed.h"

void api_healthz(struct api_req *r)
{
	r->json = json_object_new_object();
	json_object_object_add(r->json, "status", json_object_new_string(
		atomic_load(&r->m->stopping) ? "stopping" : "ok"));
	json_object_object_add(r->json, "uptime_s", json_object_new_int64(store_now() - r->m->started_at));
	r->status = atomic_load(&r->m->stopping) ? 503 : 200;
}

static void api_asset(struct api_req *r, const char *name, const char *type)
{
	const struct embed_file *f = embed_asset(name);
	if (!f) {
		api_error(r, 404, "not_found", NULL, "%s is not part of this build", name);
		return;
	}
	r->text = f->text;
	r->content_type = type;
	r->status = 200;
}

void api_dashboard_page(struct api_req *r)
{
	api_asset(r, "dashboard.html", "text/html; charset=utf-8");
}

void api_openapi_doc(struct api_req *r)
{
	api_asset(r, "openapi.yaml", "application/yaml");
}
