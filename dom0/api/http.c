/*
 * http.c - the HTTP server (libmicrohttpd): connections, bodies, responses.
 *
 * Threads: libmicrohttpd's pool of --http-threads workers, epoll. A request
 * is handled on the worker that read it, from start to response; each takes
 * a store connection for the length of the request.
 *
 * Shutdown: once m->stopping is set, new requests are answered 503 at once;
 * api_stop() waits for the requests in flight (counted from their first
 * callback to their completion callback) to be answered, then stops the
 * daemon, so SIGTERM never cuts off a request half-handled. (Quiescing the
 * daemon instead is not safe with epoll and a thread pool in libmicrohttpd
 * 0.9.75: it can abort with "Failed to remove listen FD from epoll set".)
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

struct api_server {
	struct MHD_Daemon *daemon;
	struct muxd *m;
	atomic_int inflight;
};

/* Per-request state from the first callback to completion. */
struct req_ctx {
	char *body;
	size_t len;
	bool too_big;
};

static bool http_append(struct req_ctx *ctx, const char *data, size_t n, size_t max)
{
	if (ctx->too_big || ctx->len + n > max) {
		ctx->too_big = true;
		return true;
	}
	char *nb = realloc(ctx->body, ctx->len + n + 1);
	if (!nb)
		return false;
	memcpy(nb + ctx->len, data, n);
	ctx->len += n;
	nb[ctx->len] = '\0';
	ctx->body = nb;
	return true;
}

/* Parses the body, if any; false with a 4xx set when it is not acceptable. */
static bool http_parse_body(struct api_req *r, struct req_ctx *ctx)
{
	if (ctx->too_big) {
		api_error(r, 413, "body_too_large", NULL, "the body exceeds %u bytes",
			  r->m->cfg.max_body_bytes);
		return false;
	}
	if (ctx->len == 0)
		return true;
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct && strncmp(ct, "application/json", 16) != 0) {
		api_error(r, 415, "unsupported_media_type", NULL,
			  "send the body as application/json");
		return false;
	}
	json_tokener *tok = json_tokener_new_ex(32);
	r->body = json_tokener_parse_ex(tok, ctx->body, (int)ctx->len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t at = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success || at != ctx->len) {
		json_object_put(r->body);
		r->body = NULL;
		api_error(r, 400, "invalid_json", NULL, "the body is not valid JSON (%s at byte %zu)",
			  jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "trailing data",
			  at);
		return false;
	}
	return true;
}

static enum MHD_Result http_send(struct api_req *r)
{
	const char *text = "";
	const char *type = "application/json";
	if (r->json) {
		text = json_object_to_json_string_ext(r->json, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	} else if (r->text_owned || r->text) {
		text = r->text_owned ? r->text_owned : r->text;
		type = r->content_type;
	}
	struct MHD_Response *resp;
	if (r->text_owned) {
		/* handed over: libmicrohttpd frees it once sent */
		resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->text_owned = NULL;
	} else {
		resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	}
	if (!resp)
		return MHD_NO;
	if (r->status != 204)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void http_log(const struct api_req *r, double ms)
{
	bool change = strcmp(r->method, "GET") != 0;
	enum log_level lvl = r->status >= 500 ? LOG_WARN : change ? LOG_INFO : LOG_DEBUG;
	log_at(lvl, "http", "msg=\"request\" method=%s path=%.200s status=%u ms=%.2f admin=%d customer=%lld",
	       r->method, r->path, r->status, ms,
	       r->who.admin,
	       (long long)r->who.customer_id);
}

static enum MHD_Result http_handle(struct api_server *s, struct MHD_Connection *conn,
				   const char *url, const char *method, struct req_ctx *ctx)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct api_req r = { .m = s->m, .conn = conn, .method = method, .path = url, .status = 500 };
	if (atomic_load(&s->m->stopping)) {
		api_error(&r, 503, "shutting_down", NULL, "muxd is stopping; retry shortly");
	} else {
		r.db = store_get(s->m->store);
		if (http_parse_body(&r, ctx))
			api_dispatch(&r);
		store_put(s->m->store, r.db);
	}
	enum MHD_Result ret = http_send(&r);
	unsigned cls = r.status / 100;
	if (cls >= 1 && cls <= 5)
		atomic_fetch_add(&s->m->http_requests[cls], 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	http_log(&r, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	json_object_put(r.json);
	json_object_put(r.body);
	free(r.text_owned);
	return ret;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
				   const char *method, const char *version, const char *upload,
				   size_t *upload_size, void **con_cls)
{
	(void)version;
	struct api_server *s = cls;
	struct req_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		*con_cls = ctx;
		atomic_fetch_add(&s->inflight, 1);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!http_append(ctx, upload, *upload_size, s->m->cfg.max_body_bytes))
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	return http_handle(s, conn, url, method, ctx);
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct api_server *s = cls;
	struct req_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	free(ctx->body);
	free(ctx);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

/* "127.0.0.1:8420" or "[::1]:8420" into a socket address. */
static int http_parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -EINVAL;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -EINVAL;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	size_t hl = strlen(host);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	v4->sin_family = AF_INET;
	v4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &v4->sin_addr) == 1 ? 0 : -EINVAL;
}

int api_start(struct muxd *m, struct api_server **out)
{
	struct sockaddr_storage ss;
	if (http_parse_listen(m->cfg.listen, &ss) != 0) {
		log_error("http", "msg=\"bad --listen, expected ADDR:PORT\" listen=%s", m->cfg.listen);
		return -EINVAL;
	}
	struct api_server *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->m = m;
	/* percentages and ratios: two decimals are all the precision they carry */
	json_c_set_serialization_double_format("%.2f", JSON_C_OPTION_GLOBAL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, http_access, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)m->cfg.http_threads,
				     MHD_OPTION_NOTIFY_COMPLETED, http_completed, s,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				     MHD_OPTION_END);
	if (!s->daemon) {
		log_error("http", "msg=\"cannot listen\" listen=%s err=\"%s\"", m->cfg.listen,
			  strerror(errno));
		free(s);
		return -EADDRINUSE;
	}
	log_info("http", "msg=\"listening\" listen=%s threads=%u", m->cfg.listen, m->cfg.http_threads);
	*out = s;
	return 0;
}

void api_stop(struct api_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < 1000 && atomic_load(&s->inflight) > 0; i++)
		usleep(10000);
	int left = atomic_load(&s->inflight);
	if (left)
		log_warn("http", "msg=\"stopping with requests in flight\" inflight=%d", left);
	MHD_stop_daemon(s->daemon);
	free(s);
}
