/*
 * store_util.c - the statement cache and error mapping shared by the
 * store's files.
 */
#include "store.h"
#include "store_conn.h"

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

/*
 * Returns the prepared statement for sql (a string literal: its address is
 * the key), reset and with no bindings. The caller steps it and must
 * sqlite3_reset() it when done, so no read transaction stays open.
 * Returns NULL (logged) if SQLite cannot prepare it.
 */
sqlite3_stmt *store_stmt(struct store_conn *c, const char *sql)
{
	for (unsigned i = 0; i < c->nstmts; i++) {
		if (c->stmts[i].sql == sql) {
			sqlite3_stmt *st = c->stmts[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	unsigned flags = c->nstmts < STORE_MAX_STMTS ? SQLITE_PREPARE_PERSISTENT : 0;
	if (sqlite3_prepare_v3(c->db, sql, -1, flags, &st, NULL) != SQLITE_OK) {
		log_error("store", "msg=\"prepare failed\" err=\"%s\" sql=\"%.80s\"",
			  sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->nstmts < STORE_MAX_STMTS) {
		c->stmts[c->nstmts].sql = sql;
		c->stmts[c->nstmts].stmt = st;
		c->nstmts++;
	} else {
		/* Cache full: a programming error (raise STORE_MAX_STMTS); still
		 * correct, only slower, because the statement leaks until close. */
		log_warn("store", "msg=\"statement cache full\"");
	}
	return st;
}

/* Maps an SQLite result code to a negative errno; logs unexpected ones. */
int store_errno(struct store_conn *c, int rc, const char *what)
{
	int ext = sqlite3_extended_errcode(c->db);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return -EEXIST;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	/* SQLite reports an ON DELETE RESTRICT violation as a trigger
	 * constraint; the schema has no triggers of its own. */
	case SQLITE_CONSTRAINT_TRIGGER:
		return -EBUSY;
	default:
		break;
	}
	if (rc == SQLITE_CONSTRAINT)
		return -EINVAL;
	log_error("store", "msg=\"statement failed\" rc=%d err=\"%s\" sql=\"%.80s\"",
		  rc, sqlite3_errmsg(c->db), what);
	return -EIO;
}

sqlite3 *store_db(struct store_conn *c)
{
	return c->db;
}

void store_copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? strlen((const char *)t) : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

int64_t store_now(void)
{
	return (int64_t)time(NULL);
}

int store_run(struct store_conn *c, sqlite3_stmt *st, const char *sql)
{
	int rc = sqlite3_step(st);
	/* map before the reset: the extended code (which constraint) is the step's */
	int err = rc == SQLITE_DONE ? 0 : store_errno(c, rc, sql);
	sqlite3_reset(st);
	return err;
}

int store_run_changed(struct store_conn *c, sqlite3_stmt *st, const char *sql)
{
	int rc = store_run(c, st, sql);
	if (rc)
		return rc;
	return sqlite3_changes(c->db) ? 0 : -ENOENT;
}

int store_by_id(struct store_conn *c, const char *sql, int64_t id)
{
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return store_run_changed(c, st, sql);
}

int store_get_one(struct store_conn *c, sqlite3_stmt *st, const char *sql,
		  store_row_fn fn, void *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fn(st, out);
	int err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(c, rc, sql);
	sqlite3_reset(st);
	return err;
}

int store_get_many(struct store_conn *c, sqlite3_stmt *st, const char *sql, unsigned limit,
		   size_t elem, store_row_fn fn, void **out, size_t *n)
{
	char *v = calloc(limit ? limit : 1, elem);
	if (!v) {
		sqlite3_reset(st);
		return -ENOMEM;
	}
	size_t k = 0;
	int rc;
	while (k < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(st, v + elem * k++);
	if (k == limit)
		rc = SQLITE_DONE;
	int err = rc == SQLITE_DONE ? 0 : store_errno(c, rc, sql);
	sqlite3_reset(st);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = k;
	return 0;
}
