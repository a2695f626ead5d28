/*
 * api_query.c - query parameters, pagination and the request body.
 *
 * Pagination is by key: `cursor` is the last id of the previous page and
 * the next page starts after it, so pages stay correct while rows are added
 * or removed, and a page costs one index range scan however deep it is.
 */
#include "api.h"
#include "json_out.h"
#include "json_valid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct query_check {
	const char *const *allowed;
	const char *bad;
};

static enum MHD_Result query_check_one(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	(void)kind;
	(void)value;
	struct query_check *q = cls;
	for (const char *const *a = q->allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			return MHD_YES;
	q->bad = key;
	return MHD_NO;
}

bool api_query_allowed(struct api_req *r, const char *const *allowed)
{
	struct query_check q = { allowed, NULL };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_check_one, &q);
	if (!q.bad)
		return true;
	api_error(r, 400, "unknown_parameter", q.bad, "unknown query parameter `%.64s`", q.bad);
	return false;
}

const char *api_query_str(struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool api_query_int(struct api_req *r, const char *name, int64_t min, int64_t max, int64_t def,
		   int64_t *out)
{
	const char *s = api_query_str(r, name);
	if (!s) {
		*out = def;
		return true;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno) {
		api_error(r, 400, "invalid_parameter", name, "`%s` must be an integer", name);
		return false;
	}
	if (v < min || v > max) {
		api_error(r, 422, "out_of_range", name, "`%s` must be between %lld and %lld", name,
			  (long long)min, (long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool api_page(struct api_req *r, unsigned *limit, int64_t *after)
{
	int64_t l;
	if (!api_query_int(r, "limit", 1, 1000, 50, &l))
		return false;
	const char *cur = api_query_str(r, "cursor");
	if (cur) {
		char *end;
		errno = 0;
		long long v = strtoll(cur, &end, 10);
		if (!*cur || *end || errno || v < 0) {
			api_error(r, 400, "invalid_parameter", "cursor",
				  "`cursor` must be the next_cursor of a previous page");
			return false;
		}
		*after = v;
	} else {
		*after = 0;
	}
	*limit = (unsigned)l;
	return true;
}

void api_list_reply(struct api_req *r, json_object *items, size_t n, unsigned limit,
		    int64_t last_id)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "items", items);
	if (n == limit && n > 0) {
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)last_id);
		json_object_object_add(root, "next_cursor", json_object_new_string(buf));
	} else {
		json_object_object_add(root, "next_cursor", NULL);
	}
	r->json = root;
	r->status = 200;
}

void api_text_reply(struct api_req *r, struct jo *j, unsigned status)
{
	r->text_owned = jo_finish(j, NULL);
	if (!r->text_owned) {
		api_error(r, 500, "internal", NULL, "out of memory");
		return;
	}
	r->content_type = "application/json";
	r->status = status;
}

bool api_body(struct api_req *r)
{
	if (r->body && json_object_is_type(r->body, json_type_object))
		return true;
	api_error(r, 400, "invalid_body", NULL, "the request body must be a JSON object");
	return false;
}

bool api_decode(struct api_req *r, const struct jv_field *fields, size_t n, void *out, bool partial)
{
	struct jv_error err;
	if (!api_body(r))
		return false;
	if (jv_decode(r->body, fields, n, out, partial, NULL, &err) == 0)
		return true;
	api_error(r, err.status, err.code, err.field, "%s", err.message);
	return false;
}

int api_finish_change(struct api_req *r, int rc, int64_t customer_id, const char *action,
		      const char *object_type, int64_t object_id)
{
	if (!rc)
		rc = store_event_add(r->db, &r->who, customer_id, action, object_type, object_id, NULL);
	if (!rc)
		rc = store_commit(r->db);
	return rc;
}

bool api_server_load(struct api_req *r, struct server *sv)
{
	int rc = store_server_get(r->db, r->ids[0], sv);
	if (!rc && !r->who.admin && sv->customer_id != r->who.customer_id)
		rc = -ENOENT;
	if (rc)
		api_store_error(r, rc, "server");
	return rc == 0;
}
