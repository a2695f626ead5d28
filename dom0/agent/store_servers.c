/*
 * store_servers.c - servers: the desired state the reconciler converges to.
 *
 * Invariant: a row exists exactly while its domain should exist. A row in
 * phase 'provisioning' has a domain being made, one in 'deleting' a domain
 * being removed; the reconciler finishes either after a crash.
 */
#include "store.h"

#include <errno.h>

#define SERVER_COLS "id, uuid, customer_id, plan_id, image_id, name, power, phase, " \
	"last_error, stop_requested_at, pending_restart, burst_credit_x100, created_at, updated_at"

static void store_server_row(sqlite3_stmt *st, void *out)
{
	struct server *sv = out;
	sv->id = sqlite3_column_int64(st, 0);
	store_copy_text(sv->uuid, sizeof sv->uuid, st, 1);
	sv->customer_id = sqlite3_column_int64(st, 2);
	sv->plan_id = sqlite3_column_int64(st, 3);
	sv->image_id = sqlite3_column_int64(st, 4);
	store_copy_text(sv->name, sizeof sv->name, st, 5);
	store_copy_text(sv->power, sizeof sv->power, st, 6);
	store_copy_text(sv->phase, sizeof sv->phase, st, 7);
	store_copy_text(sv->last_error, sizeof sv->last_error, st, 8);
	sv->stop_requested_at = sqlite3_column_int64(st, 9);
	sv->pending_restart = sqlite3_column_int64(st, 10);
	sv->burst_credit_x100 = sqlite3_column_int64(st, 11);
	sv->created_at = sqlite3_column_int64(st, 12);
	sv->updated_at = sqlite3_column_int64(st, 13);
}

int store_server_insert(struct store_conn *c, struct server *sv)
{
	static const char sql[] = "INSERT INTO servers (uuid, customer_id, plan_id, image_id, "
		"name, power, phase, created_at, updated_at, burst_credit_x100) "
		"VALUES (?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sv->created_at = sv->updated_at = store_now();
	sqlite3_bind_text(st, 1, sv->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sv->customer_id);
	sqlite3_bind_int64(st, 3, sv->plan_id);
	sqlite3_bind_int64(st, 4, sv->image_id);
	sqlite3_bind_text(st, 5, sv->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, sv->power, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, sv->phase, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, sv->created_at);
	sqlite3_bind_int64(st, 9, sv->updated_at);
	sqlite3_bind_int64(st, 10, sv->burst_credit_x100);
	int rc = store_run(c, st, sql);
	if (!rc)
		sv->id = sqlite3_last_insert_rowid(store_db(c));
	return rc;
}

int store_server_get(struct store_conn *c, int64_t id, struct server *sv)
{
	static const char sql[] = "SELECT " SERVER_COLS " FROM servers WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return store_get_one(c, st, sql, store_server_row, sv);
}

static void store_bind_filter(sqlite3_stmt *st, const struct server_filter *f)
{
	sqlite3_bind_int64(st, 2, f->customer_id);
	sqlite3_bind_int64(st, 3, f->plan_id);
	sqlite3_bind_text(st, 4, f->phase, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->power, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->name, -1, SQLITE_STATIC);
}

#define SERVER_FILTER "(?2 = 0 OR customer_id = ?2) AND (?3 = 0 OR plan_id = ?3) AND " \
	"(?4 = '' OR phase = ?4) AND (?5 = '' OR power = ?5) AND (?6 = '' OR name = ?6)"

/*
 * Two statements with the same filter: with a customer, `customer_id = ?2`
 * stands alone so SQLite walks the servers_customer index; without, the
 * rowid order from the cursor on.
 */
int store_server_list(struct store_conn *c, const struct server_filter *f, int64_t after,
		      unsigned limit, struct server **out, size_t *n)
{
	static const char any_sql[] = "SELECT " SERVER_COLS " FROM servers WHERE id > ?1 AND "
		SERVER_FILTER " ORDER BY id LIMIT ?7";
	static const char customer_sql[] = "SELECT " SERVER_COLS " FROM servers "
		"WHERE customer_id = ?2 AND id > ?1 AND " SERVER_FILTER " ORDER BY id LIMIT ?7";
	const char *sql = f->customer_id ? customer_sql : any_sql;
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, after);
	store_bind_filter(st, f);
	sqlite3_bind_int(st, 7, (int)limit);
	return store_get_many(c, st, sql, limit, sizeof **out, store_server_row, (void **)out, n);
}

int store_server_set_power(struct store_conn *c, int64_t id, const char *power,
			   int64_t stop_requested_at)
{
	static const char sql[] = "UPDATE servers SET power = ?, stop_requested_at = ?, "
		"updated_at = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, power, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, stop_requested_at);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	return store_run_changed(c, st, sql);
}

int store_server_set_phase(struct store_conn *c, int64_t id, const char *phase,
			   const char *last_error)
{
	static const char sql[] = "UPDATE servers SET phase = ?, last_error = ?, updated_at = ? "
		"WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, phase, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, last_error ? last_error : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	return store_run_changed(c, st, sql);
}

int store_server_set_plan(struct store_conn *c, int64_t id, int64_t plan_id,
			  int64_t pending_restart)
{
	static const char sql[] = "UPDATE servers SET plan_id = ?, pending_restart = ?, "
		"updated_at = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, plan_id);
	sqlite3_bind_int64(st, 2, pending_restart);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	return store_run_changed(c, st, sql);
}

int store_server_clear_pending(struct store_conn *c, int64_t id)
{
	static const char sql[] = "UPDATE servers SET pending_restart = 0 WHERE id = ?";
	return store_by_id(c, sql, id);
}

int store_server_set_credit(struct store_conn *c, int64_t id, int64_t credit_x100)
{
	static const char sql[] = "UPDATE servers SET burst_credit_x100 = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, credit_x100);
	sqlite3_bind_int64(st, 2, id);
	return store_run(c, st, sql);
}

int store_server_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "DELETE FROM servers WHERE id = ?";
	return store_by_id(c, sql, id);
}

int store_commitments(struct store_conn *c, int64_t except, struct adm_usage *out)
{
	static const char sql[] = "SELECT count(*), total(p.vcpus), total(p.cpu_reservation_pct), "
		"total(p.mem_floor_mib), total(p.mem_ceiling_mib) FROM servers s "
		"JOIN plans p ON p.id = s.plan_id WHERE s.id != ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, except);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		/* total() is a double: exact for integers below 2^53, far above any sum here */
		out->servers = (uint64_t)sqlite3_column_int64(st, 0);
		out->vcpus = (uint64_t)sqlite3_column_double(st, 1);
		out->reservation_pct = (uint64_t)sqlite3_column_double(st, 2);
		out->floor_mib = (uint64_t)sqlite3_column_double(st, 3);
		out->ceiling_mib = (uint64_t)sqlite3_column_double(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_errno(c, rc, sql);
}
