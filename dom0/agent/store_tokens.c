/*
 * store_tokens.c - customers' API tokens, kept only as BLAKE2b-256 hashes
 * (api/auth.c makes and hashes them). Lookup is by hash, through the
 * unique index, so a request costs one indexed read.
 */
#include "store.h"

#include <errno.h>

static void store_token_row(sqlite3_stmt *st, void *out)
{
	struct token *t = out;
	t->id = sqlite3_column_int64(st, 0);
	t->customer_id = sqlite3_column_int64(st, 1);
	store_copy_text(t->name, sizeof t->name, st, 2);
	store_copy_text(t->prefix, sizeof t->prefix, st, 3);
	t->created_at = sqlite3_column_int64(st, 4);
}

int store_token_insert(struct store_conn *c, struct token *t, const uint8_t hash[32])
{
	static const char sql[] = "INSERT INTO tokens (customer_id, name, hash, prefix, created_at) "
		"VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	t->created_at = store_now();
	sqlite3_bind_int64(st, 1, t->customer_id);
	sqlite3_bind_text(st, 2, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t->created_at);
	int rc = store_run(c, st, sql);
	if (!rc)
		t->id = sqlite3_last_insert_rowid(store_db(c));
	return rc;
}

/* A customer has few tokens; the API caps them (api_tokens.c), so one page holds all. */
int store_token_list(struct store_conn *c, int64_t customer_id, struct token **out, size_t *n)
{
	static const char sql[] = "SELECT id, customer_id, name, prefix, created_at FROM tokens "
		"WHERE customer_id = ? ORDER BY id LIMIT 1000";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, customer_id);
	return store_get_many(c, st, sql, 1000, sizeof **out, store_token_row, (void **)out, n);
}

int store_token_delete(struct store_conn *c, int64_t customer_id, int64_t id)
{
	static const char sql[] = "DELETE FROM tokens WHERE customer_id = ? AND id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, id);
	return store_run_changed(c, st, sql);
}

int store_token_lookup(struct store_conn *c, const uint8_t hash[32], int64_t *customer_id)
{
	static const char sql[] = "SELECT customer_id FROM tokens WHERE hash = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*customer_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_errno(c, rc, sql);
}
