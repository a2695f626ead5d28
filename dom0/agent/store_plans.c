/*
 * store_plans.c - plans table. A plan's resource fields never change once
 * written (a server's promises must not move under it); only its commercial
 * terms do (store_plan_update_terms).
 */
#include "store.h"

#include <errno.h>

#define PLAN_COLS "id, name, description, vcpus, cpu_weight, cpu_reservation_pct, " \
	"cpu_cap_pct, cpu_burst_baseline_pct, mem_ceiling_mib, mem_floor_mib, mem_weight, " \
	"disk_gib, disk_weight, disk_bytes_per_s, disk_ops_per_s, net_weight, " \
	"net_mbit_per_s, price_cents_month, currency, active, created_at"

static void store_plan_row(sqlite3_stmt *st, void *out)
{
	struct plan *p = out;
	p->id = sqlite3_column_int64(st, 0);
	store_copy_text(p->name, sizeof p->name, st, 1);
	store_copy_text(p->description, sizeof p->description, st, 2);
	p->vcpus = sqlite3_column_int64(st, 3);
	p->cpu_weight = sqlite3_column_int64(st, 4);
	p->cpu_reservation_pct = sqlite3_column_int64(st, 5);
	p->cpu_cap_pct = sqlite3_column_int64(st, 6);
	p->cpu_burst_baseline_pct = sqlite3_column_int64(st, 7);
	p->mem_ceiling_mib = sqlite3_column_int64(st, 8);
	p->mem_floor_mib = sqlite3_column_int64(st, 9);
	p->mem_weight = sqlite3_column_int64(st, 10);
	p->disk_gib = sqlite3_column_int64(st, 11);
	p->disk_weight = sqlite3_column_int64(st, 12);
	p->disk_bytes_per_s = sqlite3_column_int64(st, 13);
	p->disk_ops_per_s = sqlite3_column_int64(st, 14);
	p->net_weight = sqlite3_column_int64(st, 15);
	p->net_mbit_per_s = sqlite3_column_int64(st, 16);
	p->price_cents_month = sqlite3_column_int64(st, 17);
	store_copy_text(p->currency, sizeof p->currency, st, 18);
	p->active = sqlite3_column_int(st, 19) != 0;
	p->created_at = sqlite3_column_int64(st, 20);
}

int store_plan_insert(struct store_conn *c, struct plan *p)
{
	static const char sql[] = "INSERT INTO plans (" PLAN_COLS ") VALUES "
		"(NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	p->created_at = store_now();
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->description, -1, SQLITE_STATIC);
	const int64_t nums[] = { p->vcpus, p->cpu_weight, p->cpu_reservation_pct, p->cpu_cap_pct,
		p->cpu_burst_baseline_pct, p->mem_ceiling_mib, p->mem_floor_mib, p->mem_weight,
		p->disk_gib, p->disk_weight, p->disk_bytes_per_s, p->disk_ops_per_s, p->net_weight,
		p->net_mbit_per_s, p->price_cents_month };
	int col = 3;
	for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++)
		sqlite3_bind_int64(st, col++, nums[i]);
	sqlite3_bind_text(st, col++, p->currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, col++, p->active);
	sqlite3_bind_int64(st, col, p->created_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_errno(c, rc, sql);
	p->id = sqlite3_last_insert_rowid(store_db(c));
	return 0;
}

int store_plan_get(struct store_conn *c, int64_t id, struct plan *p)
{
	static const char sql[] = "SELECT " PLAN_COLS " FROM plans WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return store_get_one(c, st, sql, store_plan_row, p);
}

int store_plan_list(struct store_conn *c, int64_t after, unsigned limit, bool active_only,
		    struct plan **out, size_t *n)
{
	static const char sql[] = "SELECT " PLAN_COLS " FROM plans WHERE id > ?1 "
		"AND (?2 = 0 OR active = 1) ORDER BY id LIMIT ?3";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, active_only);
	sqlite3_bind_int(st, 3, (int)limit);
	return store_get_many(c, st, sql, limit, sizeof **out, store_plan_row, (void **)out, n);
}

int store_plan_update_terms(struct store_conn *c, const struct plan *p)
{
	static const char sql[] = "UPDATE plans SET description = ?, price_cents_month = ?, "
		"currency = ?, active = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, p->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->price_cents_month);
	sqlite3_bind_text(st, 3, p->currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, p->active);
	sqlite3_bind_int64(st, 5, p->id);
	return store_run_changed(c, st, sql);
}

int store_plan_in_use(struct store_conn *c, int64_t id)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM servers WHERE plan_id = ?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int used = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? used : store_errno(c, rc, sql);
}

int store_plan_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "DELETE FROM plans WHERE id = ?";
	return store_by_id(c, sql, id);
}
