/*
 * api.h - muxd's HTTP/JSON API: one request, the handlers, and the helpers
 * they share. http.c speaks HTTP (libmicrohttpd), router.c finds the
 * handler and checks the token, api_*.c turn JSON into store and
 * server_ops calls and back.
 *
 * A handler runs on one of libmicrohttpd's worker threads with its own store
 * connection (r->db); it sets r->status and r->json (or r->text) and
 * returns. Errors go through api_error(), which gives every 4xx/5xx the
 * same JSON shape: {"error":{"code":..., "message":..., "field":...}}.
 */
#ifndef MUXD_API_H
#define MUXD_API_H

#include <stdbool.h>
#include <stdint.h>
#include <json.h>
#include <microhttpd.h>

#include "muxd.h"
#include "server_ops.h"

struct api_req {
	struct muxd *m;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	int64_t ids[2];             /* the {id} segments of the path, in order */
	json_object *body;          /* the parsed body (POST/PATCH), else NULL */
	struct actor who;
	struct store_conn *db;
	/* the response */
	unsigned status;
	json_object *json;          /* owned; sent as application/json */
	const char *text;           /* static text instead of json */
	char *text_owned;           /* malloc'd text instead of json; freed after sending */
	const char *content_type;   /* for text */
	const char *allow;          /* Allow header for 405 */
};

typedef void (*api_handler)(struct api_req *r);

struct jo;  /* json_out.h */

/* ---- http.c ---- */
struct api_server;
int api_start(struct muxd *m, struct api_server **out);
/* Stops accepting, lets requests in flight finish (up to 10 s), stops. */
void api_stop(struct api_server *s);

/* ---- router.c ---- */
void api_dispatch(struct api_req *r);

/* ---- auth.c ---- */
/* Reads the admin token file; stores its hash in m->admin_hash. */
int auth_load_admin(struct muxd *m, char *err, size_t errlen);
/* Resolves the Authorization header into r->who; false (401 set) if invalid. */
bool auth_request(struct api_req *r);
/* A new customer token (text, shown once) and its hash. */
void auth_new_token(char *text, size_t n, uint8_t hash[32], char prefix[16]);
void auth_hash(const char *token, uint8_t hash[32]);

/* ---- api_error.c ---- */
void api_error(struct api_req *r, unsigned status, const char *code, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Maps a server_ops refusal to its status and JSON error. */
void api_op_error(struct api_req *r, const struct op_error *e);
/* 500 for a store failure, 404 for -ENOENT. */
void api_store_error(struct api_req *r, int rc, const char *what);
bool api_admin_only(struct api_req *r);

/* ---- api_query.c: query string and pagination ---- */
/* Rejects (400) any query parameter not named in allowed (NULL-terminated). */
bool api_query_allowed(struct api_req *r, const char *const *allowed);
/* Reads an integer parameter in [min, max]; def when absent. false: 400 set. */
bool api_query_int(struct api_req *r, const char *name, int64_t min, int64_t max, int64_t def,
		   int64_t *out);
const char *api_query_str(struct api_req *r, const char *name);
/* limit (1..1000, default 50) and cursor (the last id of the previous page). */
bool api_page(struct api_req *r, unsigned *limit, int64_t *after);
/* {"items": items, "next_cursor": last_id as string or null} */
void api_list_reply(struct api_req *r, json_object *items, size_t n, unsigned limit,
		    int64_t last_id);
/* Sends the writer's text as the application/json response (500 if it ran out of memory). */
void api_text_reply(struct api_req *r, struct jo *j, unsigned status);
/* The request body as a JSON object; false (400 set) if absent or not an object. */
bool api_body(struct api_req *r);

struct jv_field;
/* api_body + jv_decode into out; false with the 4xx set. */
bool api_decode(struct api_req *r, const struct jv_field *fields, size_t n, void *out, bool partial);
/* After a change in an open transaction (rc its result): adds the audit
 * event and commits. Returns the first error; store_put rolls back. */
int api_finish_change(struct api_req *r, int rc, int64_t customer_id, const char *action,
		      const char *object_type, int64_t object_id);
/* The server in the path as the caller may see it (another customer's: 404 set). */
bool api_server_load(struct api_req *r, struct server *sv);

/* ---- handlers (api_*.c) ---- */
void api_plans_list(struct api_req *r);
void api_plans_create(struct api_req *r);
void api_plans_get(struct api_req *r);
void api_plans_patch(struct api_req *r);
void api_plans_delete(struct api_req *r);
void api_customers_list(struct api_req *r);
void api_customers_create(struct api_req *r);
void api_customers_get(struct api_req *r);
void api_customers_patch(struct api_req *r);
void api_customers_delete(struct api_req *r);
void api_tokens_list(struct api_req *r);
void api_tokens_create(struct api_req *r);
void api_tokens_delete(struct api_req *r);
void api_images_list(struct api_req *r);
void api_images_create(struct api_req *r);
void api_images_get(struct api_req *r);
void api_images_delete(struct api_req *r);
void api_servers_list(struct api_req *r);
void api_servers_create(struct api_req *r);
void api_servers_get(struct api_req *r);
void api_servers_delete(struct api_req *r);
void api_servers_action(struct api_req *r);
void api_servers_usage(struct api_req *r);
void api_host_get(struct api_req *r);
void api_dashboard_get(struct api_req *r);
void api_events_list(struct api_req *r);
void api_metrics_get(struct api_req *r);
void api_healthz(struct api_req *r);
void api_dashboard_page(struct api_req *r);
void api_openapi_doc(struct api_req *r);

/* ---- api_views.c: records as JSON ---- */
json_object *api_plan_json(const struct plan *p, bool internal);
json_object *api_customer_json(const struct customer *cu);
json_object *api_image_json(const struct image *im, bool internal);
/* A server as JSON into the streaming writer; api_server_reply sends one. */
void api_server_out(struct jo *j, struct muxd *m, const struct server *sv);
/* A server's "state" from its live entry (NULL: never observed): the power
 * the hypervisor reports, or "waiting_for_memory" while its start waits
 * for free memory (driver.h, start -EAGAIN), or "unknown". */
const char *api_server_state(const struct live_entry *le);
void api_server_reply(struct api_req *r, const struct server *sv, unsigned status);
json_object *api_token_json(const struct token *t);
json_object *api_event_json(const struct event *ev);
json_object *api_refusal_json(const struct adm_refusal *ref);

#endif
