/*
 * store.h - muxd's SQLite store: the only module that speaks SQL.
 *
 * One file, WAL journal (readers never block the writer), foreign keys on,
 * synchronous=FULL (an acknowledged change survives a crash of the process
 * or the machine). Every statement is prepared with bound parameters and
 * cached per connection. Every change of more than one row runs inside
 * store_begin()/store_commit(); the audit event of a change is written in
 * the same transaction.
 *
 * Locking: a struct store holds a small pool of connections; a thread takes
 * one with store_get() for the length of one request and gives it back with
 * store_put(). A connection is used by one thread at a time. SQLite itself
 * serialises writers (BEGIN IMMEDIATE, busy timeout 5 s).
 *
 * Errors: negative errno. -ENOENT no such row, -EEXIST a unique key (e.g. a
 * name) is taken, -EBUSY the row is still referenced, -EIO anything else
 * (logged with SQLite's message).
 */
#ifndef MUXD_STORE_H
#define MUXD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "embed.h"
#include "plan.h"
#include "records.h"
#include "admission.h"

struct store;
struct store_conn;

/* Opens (creating if needed) and migrates the store; conns = pool size. */
int store_open(const char *path, unsigned conns, struct store **out);
void store_close(struct store *s);

struct store_conn *store_get(struct store *s);
void store_put(struct store *s, struct store_conn *c);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK on this connection. */
int store_begin(struct store_conn *c);
int store_commit(struct store_conn *c);
void store_rollback(struct store_conn *c);

/* ---- schema (store_migrate.c) ---- */
/*
 * Brings db forward to migration `upto` (0 = the newest) from the list given,
 * one transaction per migration, recording the number in user_version.
 * Refuses (-EPROTO) a store newer than the newest migration known.
 */
int store_migrate(sqlite3 *db, const struct embed_file *migs, unsigned n, unsigned upto);
int store_schema_version(sqlite3 *db);

/* ---- plans (store_plans.c) ---- */
int store_plan_insert(struct store_conn *c, struct plan *p);
int store_plan_get(struct store_conn *c, int64_t id, struct plan *p);
/* Plans with id > after, ascending, at most limit; only active ones if active_only. */
int store_plan_list(struct store_conn *c, int64_t after, unsigned limit, bool active_only,
		    struct plan **out, size_t *n);
/* Saves the fields a plan in use may change: description, price, currency, active. */
int store_plan_update_terms(struct store_conn *c, const struct plan *p);
int store_plan_delete(struct store_conn *c, int64_t id);
int store_plan_in_use(struct store_conn *c, int64_t id);

/* ---- customers and tokens (store_customers.c, store_tokens.c) ---- */
int store_customer_insert(struct store_conn *c, struct customer *cu);
int store_customer_get(struct store_conn *c, int64_t id, struct customer *cu);
int store_customer_list(struct store_conn *c, int64_t after, unsigned limit,
			struct customer **out, size_t *n);
int store_customer_update(struct store_conn *c, const struct customer *cu);
int store_customer_delete(struct store_conn *c, int64_t id);

int store_token_insert(struct store_conn *c, struct token *t, const uint8_t hash[32]);
int store_token_list(struct store_conn *c, int64_t customer_id, struct token **out, size_t *n);
int store_token_delete(struct store_conn *c, int64_t customer_id, int64_t id);
/* Finds the customer whose token hashes to hash; -ENOENT if none. */
int store_token_lookup(struct store_conn *c, const uint8_t hash[32], int64_t *customer_id);

/* ---- images (store_images.c) ---- */
int store_image_insert(struct store_conn *c, struct image *im);
int store_image_get(struct store_conn *c, int64_t id, struct image *im);
int store_image_list(struct store_conn *c, int64_t after, unsigned limit,
		     struct image **out, size_t *n);
int store_image_delete(struct store_conn *c, int64_t id);

/* ---- servers (store_servers.c) ---- */
int store_server_insert(struct store_conn *c, struct server *sv);
int store_server_get(struct store_conn *c, int64_t id, struct server *sv);
int store_server_list(struct store_conn *c, const struct server_filter *f, int64_t after,
		      unsigned limit, struct server **out, size_t *n);
int store_server_set_power(struct store_conn *c, int64_t id, const char *power,
			   int64_t stop_requested_at);
int store_server_set_phase(struct store_conn *c, int64_t id, const char *phase,
			   const char *last_error);
int store_server_set_plan(struct store_conn *c, int64_t id, int64_t plan_id,
			  int64_t pending_restart);
int store_server_clear_pending(struct store_conn *c, int64_t id);
int store_server_set_credit(struct store_conn *c, int64_t id, int64_t credit_x100);
int store_server_delete(struct store_conn *c, int64_t id);
/* Sums of what all servers (except `except`, 0 = none) have been promised. */
int store_commitments(struct store_conn *c, int64_t except, struct adm_usage *out);

/* ---- host facts (store_host.c) ---- */
int store_host_put(struct store_conn *c, const struct host_row *h);
int store_host_get(struct store_conn *c, struct host_row *h);

/* ---- audit log (store_events.c) ---- */
/* Appends one event; detail_json must be a JSON object (NULL = {}). */
int store_event_add(struct store_conn *c, const struct actor *who, int64_t customer_id,
		    const char *action, const char *object_type, int64_t object_id,
		    const char *detail_json);
/* Events with id > after (customer_id 0 = all), ascending. Free with store_events_free. */
int store_event_list(struct store_conn *c, int64_t customer_id, int64_t after, unsigned limit,
		     struct event **out, size_t *n);
void store_events_free(struct event *ev, size_t n);

/* ---- usage (store_usage.c) ---- */
int store_usage_insert(struct store_conn *c, int64_t tier, const struct usage_row *rows, size_t n);
/* Folds tier `from` rows with ts in [start, end) into tier `to` buckets. */
int store_usage_rollup(struct store_conn *c, int64_t from, int64_t to, int64_t start, int64_t end);
int store_usage_expire(struct store_conn *c, int64_t tier, int64_t before);
/* Rows of one tier for one server with ts >= since, averaged into step-second buckets. */
int store_usage_query(struct store_conn *c, int64_t server_id, int64_t tier, int64_t since,
		      int64_t step, struct usage_row **out, size_t *n);
int store_usage_count(struct store_conn *c, int64_t *n);

/* ---- helpers for the store's own files (store_util.c) ---- */
sqlite3_stmt *store_stmt(struct store_conn *c, const char *sql);
int store_errno(struct store_conn *c, int rc, const char *what);
sqlite3 *store_db(struct store_conn *c);
void store_copy_text(char *dst, size_t size, sqlite3_stmt *st, int col);
int64_t store_now(void);
/* Steps a statement that returns no rows; resets it. */
int store_run(struct store_conn *c, sqlite3_stmt *st, const char *sql);
/* Same, -ENOENT when no row changed. */
int store_run_changed(struct store_conn *c, sqlite3_stmt *st, const char *sql);
/* Runs sql with its one parameter bound to id; -ENOENT when no row changed. */
int store_by_id(struct store_conn *c, const char *sql, int64_t id);
typedef void (*store_row_fn)(sqlite3_stmt *st, void *out);
/* Steps a bound query: one row into *out (-ENOENT if none). */
int store_get_one(struct store_conn *c, sqlite3_stmt *st, const char *sql,
		  store_row_fn fn, void *out);
/* Steps a bound query: up to limit rows into a calloc'd array of elem-sized items. */
int store_get_many(struct store_conn *c, sqlite3_stmt *st, const char *sql, unsigned limit,
		   size_t elem, store_row_fn fn, void **out, size_t *n);

#endif
