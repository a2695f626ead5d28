/*
 * router.c - which handler serves a method and path, and who may call it.
 *
 * Patterns are matched segment by segment; `{id}` matches a positive
 * decimal integer (ids are SQLite rowids). A path that matches with another
 * method answers 405 with an Allow header; no match is 404.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum route_auth {
	ROUTE_PUBLIC,     /* no token: health, dashboard page, API document */
	ROUTE_TOKEN,      /* admin or customer token; the handler scopes the data */
	ROUTE_ADMIN,      /* the admin token only */
};

struct route {
	const char *method;
	const char *pattern;
	api_handler fn;
	enum route_auth auth;
};

static const struct route routes[] = {
	{ "GET", "/healthz", api_healthz, ROUTE_PUBLIC },
	{ "GET", "/dashboard", api_dashboard_page, ROUTE_PUBLIC },
	{ "GET", "/v1/openapi.yaml", api_openapi_doc, ROUTE_PUBLIC },
	{ "GET", "/metrics", api_metrics_get, ROUTE_ADMIN },
	{ "GET", "/v1/plans", api_plans_list, ROUTE_TOKEN },
	{ "POST", "/v1/plans", api_plans_create, ROUTE_ADMIN },
	{ "GET", "/v1/plans/{id}", api_plans_get, ROUTE_TOKEN },
	{ "PATCH", "/v1/plans/{id}", api_plans_patch, ROUTE_ADMIN },
	{ "DELETE", "/v1/plans/{id}", api_plans_delete, ROUTE_ADMIN },
	{ "GET", "/v1/customers", api_customers_list, ROUTE_ADMIN },
	{ "POST", "/v1/customers", api_customers_create, ROUTE_ADMIN },
	{ "GET", "/v1/customers/{id}", api_customers_get, ROUTE_TOKEN },
	{ "PATCH", "/v1/customers/{id}", api_customers_patch, ROUTE_ADMIN },
	{ "DELETE", "/v1/customers/{id}", api_customers_delete, ROUTE_ADMIN },
	{ "GET", "/v1/customers/{id}/tokens", api_tokens_list, ROUTE_TOKEN },
	{ "POST", "/v1/customers/{id}/tokens", api_tokens_create, ROUTE_TOKEN },
	{ "DELETE", "/v1/customers/{id}/tokens/{id}", api_tokens_delete, ROUTE_TOKEN },
	{ "GET", "/v1/images", api_images_list, ROUTE_TOKEN },
	{ "POST", "/v1/images", api_images_create, ROUTE_ADMIN },
	{ "GET", "/v1/images/{id}", api_images_get, ROUTE_TOKEN },
	{ "DELETE", "/v1/images/{id}", api_images_delete, ROUTE_ADMIN },
	{ "GET", "/v1/servers", api_servers_list, ROUTE_TOKEN },
	{ "POST", "/v1/servers", api_servers_create, ROUTE_TOKEN },
	{ "GET", "/v1/servers/{id}", api_servers_get, ROUTE_TOKEN },
	{ "DELETE", "/v1/servers/{id}", api_servers_delete, ROUTE_TOKEN },
	{ "POST", "/v1/servers/{id}/actions", api_servers_action, ROUTE_TOKEN },
	{ "GET", "/v1/servers/{id}/usage", api_servers_usage, ROUTE_TOKEN },
	{ "GET", "/v1/host", api_host_get, ROUTE_ADMIN },
	{ "GET", "/v1/dashboard", api_dashboard_get, ROUTE_TOKEN },
	{ "GET", "/v1/events", api_events_list, ROUTE_TOKEN },
};

/* Parses a path segment as an id: 1..2^53 (what JSON numbers hold exactly). */
static bool route_id(const char *s, size_t len, int64_t *out)
{
	if (len == 0 || len > 16 || s[0] == '0')
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > (1LL << 53))
		return false;
	*out = v;
	return true;
}

/* Does path match pattern? Fills ids[] from the {id} segments. */
static bool route_match(const char *pattern, const char *path, int64_t ids[2])
{
	int nid = 0;
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return false;
		pattern++;
		path++;
		size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
		if (plen == 4 && strncmp(pattern, "{id}", 4) == 0) {
			if (nid >= 2 || !route_id(path, slen, &ids[nid++]))
				return false;
		} else if (plen != slen || strncmp(pattern, path, plen) != 0) {
			return false;
		}
		pattern += plen;
		path += slen;
	}
	return !*pattern && !*path;
}

void api_dispatch(struct api_req *r)
{
	const struct route *hit = NULL;
	static __thread char allow[64];
	allow[0] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		int64_t ids[2] = { 0, 0 };
		if (!route_match(routes[i].pattern, r->path, ids))
			continue;
		if (strcmp(routes[i].method, r->method) == 0) {
			hit = &routes[i];
			memcpy(r->ids, ids, sizeof ids);
			break;
		}
		if (strlen(allow) + strlen(routes[i].method) + 3 < sizeof allow) {
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, routes[i].method);
		}
	}
	if (!hit) {
		if (allow[0]) {
			r->allow = allow;
			api_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here (allowed: %s)",
				  r->method, allow);
		} else {
			api_error(r, 404, "not_found", NULL, "no such endpoint: %.100s", r->path);
		}
		return;
	}
	if (hit->auth != ROUTE_PUBLIC && !auth_request(r))
		return;
	if (hit->auth == ROUTE_ADMIN && !api_admin_only(r))
		return;
	hit->fn(r);
}
