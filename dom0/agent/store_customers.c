/*
 * store_customers.c - customers table. A customer with servers cannot be
 * deleted (servers reference it ON DELETE RESTRICT); its tokens go with it.
 */
#include "store.h"

#include <errno.h>

#define CUSTOMER_COLS "id, name, email, created_at"

static void store_customer_row(sqlite3_stmt *st, void *out)
{
	struct customer *cu = out;
	cu->id = sqlite3_column_int64(st, 0);
	store_copy_text(cu->name, sizeof cu->name, st, 1);
	store_copy_text(cu->email, sizeof cu->email, st, 2);
	cu->created_at = sqlite3_column_int64(st, 3);
}

int store_customer_insert(struct store_conn *c, struct customer *cu)
{
	static const char sql[] = "INSERT INTO customers (name, email, created_at) VALUES (?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	cu->created_at = store_now();
	sqlite3_bind_text(st, 1, cu->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cu->email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cu->created_at);
	int rc = store_run(c, st, sql);
	if (!rc)
		cu->id = sqlite3_last_insert_rowid(store_db(c));
	return rc;
}

int store_customer_get(struct store_conn *c, int64_t id, struct customer *cu)
{
	static const char sql[] = "SELECT " CUSTOMER_COLS " FROM customers WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return store_get_one(c, st, sql, store_customer_row, cu);
}

int store_customer_list(struct store_conn *c, int64_t after, unsigned limit,
			struct customer **out, size_t *n)
{
	static const char sql[] = "SELECT " CUSTOMER_COLS " FROM customers WHERE id > ? "
		"ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, (int)limit);
	return store_get_many(c, st, sql, limit, sizeof **out, store_customer_row,
			      (void **)out, n);
}

int store_customer_update(struct store_conn *c, const struct customer *cu)
{
	static const char sql[] = "UPDATE customers SET name = ?, email = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, cu->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cu->email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cu->id);
	return store_run_changed(c, st, sql);
}

int store_customer_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "DELETE FROM customers WHERE id = ?";
	return store_by_id(c, sql, id);
}
