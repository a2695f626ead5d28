/*
 * store_events.c - the audit log. Callers add an event inside the
 * transaction of the change it records, so the log and the state never
 * disagree; events are never updated or deleted.
 */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_event_add(struct store_conn *c, const struct actor *who, int64_t customer_id,
		    const char *action, const char *object_type, int64_t object_id,
		    const char *detail_json)
{
	static const char sql[] = "INSERT INTO events (ts, actor, customer_id, action, "
		"object_type, object_id, detail) VALUES (?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	char actor[32];
	if (who->system)
		snprintf(actor, sizeof actor, "muxd");
	else if (who->admin)
		snprintf(actor, sizeof actor, "admin");
	else
		snprintf(actor, sizeof actor, "customer:%lld", (long long)who->customer_id);
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_TRANSIENT);
	if (customer_id)
		sqlite3_bind_int64(st, 3, customer_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, object_type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, object_id);
	sqlite3_bind_text(st, 7, detail_json ? detail_json : "{}", -1, SQLITE_STATIC);
	return store_run(c, st, sql);
}

static void store_event_row(sqlite3_stmt *st, void *out)
{
	struct event *e = out;
	e->id = sqlite3_column_int64(st, 0);
	e->ts = sqlite3_column_int64(st, 1);
	store_copy_text(e->actor, sizeof e->actor, st, 2);
	e->customer_id = sqlite3_column_int64(st, 3);
	store_copy_text(e->action, sizeof e->action, st, 4);
	store_copy_text(e->object_type, sizeof e->object_type, st, 5);
	e->object_id = sqlite3_column_int64(st, 6);
	const char *d = (const char *)sqlite3_column_text(st, 7);
	e->detail = strdup(d ? d : "{}");
}

int store_event_list(struct store_conn *c, int64_t customer_id, int64_t after, unsigned limit,
		     struct event **out, size_t *n)
{
	/* with a customer: its own statement, so the events_customer index serves it */
	static const char all_sql[] = "SELECT id, ts, actor, customer_id, action, object_type, "
		"object_id, detail FROM events WHERE id > ?1 AND ?2 = 0 ORDER BY id LIMIT ?3";
	static const char customer_sql[] = "SELECT id, ts, actor, customer_id, action, object_type, "
		"object_id, detail FROM events WHERE customer_id = ?2 AND id > ?1 ORDER BY id LIMIT ?3";
	const char *sql = customer_id ? customer_sql : all_sql;
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, customer_id);
	sqlite3_bind_int(st, 3, (int)limit);
	int rc = store_get_many(c, st, sql, limit, sizeof **out, store_event_row, (void **)out, n);
	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++) {
		if (!(*out)[i].detail) {
			store_events_free(*out, *n);
			return -ENOMEM;
		}
	}
	return 0;
}

void store_events_free(struct event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ev[i].detail);
	free(ev);
}
