/*
 * api_error.c - the one shape of every error response:
 *   {"error": {"code": "...", "message": "...", "field": "..." | null}}
 * `code` is stable and machine-readable; `message` is for people; `field`
 * names the request field (body member, query parameter) at fault.
 */
#include "api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static json_object *api_error_json(const char *code, const char *field, const char *message)
{
	json_object *err = json_object_new_object();
	json_object_object_add(err, "code", json_object_new_string(code));
	json_object_object_add(err, "message", json_object_new_string(message));
	json_object_object_add(err, "field", field ? json_object_new_string(field) : NULL);
	json_object *root = json_object_new_object();
	json_object_object_add(root, "error", err);
	return root;
}

void api_error(struct api_req *r, unsigned status, const char *code, const char *field,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_object_put(r->json);
	r->json = api_error_json(code, field, msg);
	r->status = status;
}

void api_op_error(struct api_req *r, const struct op_error *e)
{
	static const unsigned status[] = {
		[OP_OK] = 200, [OP_INVALID] = 422, [OP_NOT_FOUND] = 404, [OP_CONFLICT] = 409,
		[OP_CAPACITY] = 409, [OP_DRIVER] = 502, [OP_INTERNAL] = 500,
	};
	api_error(r, status[e->kind], e->code, e->field, "%s", e->message);
	if (e->kind == OP_CAPACITY) {
		json_object *err = json_object_object_get(r->json, "error");
		json_object_object_add(err, "refusal", api_refusal_json(&e->refusal));
	}
}

void api_store_error(struct api_req *r, int rc, const char *what)
{
	if (rc == -ENOENT) {
		api_error(r, 404, "not_found", NULL, "there is no %s %lld", what,
			  (long long)r->ids[0]);
		return;
	}
	log_error("api", "msg=\"store error\" what=%s rc=%d", what, rc);
	api_error(r, 500, "store_error", NULL, "the store failed while handling %s", what);
}

bool api_admin_only(struct api_req *r)
{
	if (r->who.admin)
		return true;
	api_error(r, 403, "forbidden", NULL, "this needs the provider's admin token");
	return false;
}
