/*
 * store_usage.c - usage samples, roll-ups and retention (db/003_usage.sql).
 *
 * A roll-up row is the average of the rows it folds, weighted by how many
 * raw samples each held, so folding 5-minute rows into an hour gives the
 * same average as folding the raw rows would. INSERT OR REPLACE makes a
 * roll-up idempotent: redoing one after a crash gives the same row.
 * The guest-reported columns may be NULL (the guest reported nothing): they
 * are averaged over the samples that have them, NULL if none has; in C a
 * NULL is -1.
 */
#include "store.h"

#include <errno.h>

#define USAGE_VALUES "cpu_pct_x100, steal_pct_x100, mem_mib, mem_target_mib, " \
	"disk_rd_bps, disk_wr_bps, net_rx_bps, net_tx_bps, mem_floor_mib, mem_ceiling_mib, " \
	"guest_used_mib, guest_free_mib"
#define USAGE_NVALUES 12

#define WAVG(col) "CAST(round(sum(" col " * samples) * 1.0 / sum(samples)) AS INTEGER)"
/* the same over the rows where col is not NULL (NULL when there are none) */
#define WAVG_KNOWN(col) "CAST(round(sum(" col " * samples) * 1.0 / " \
	"sum(CASE WHEN " col " IS NULL THEN 0 ELSE samples END)) AS INTEGER)"
#define USAGE_AVERAGES WAVG("cpu_pct_x100") ", " WAVG("steal_pct_x100") ", " WAVG("mem_mib") ", " \
	WAVG("mem_target_mib") ", " WAVG("disk_rd_bps") ", " WAVG("disk_wr_bps") ", " \
	WAVG("net_rx_bps") ", " WAVG("net_tx_bps") ", " WAVG("mem_floor_mib") ", " \
	WAVG("mem_ceiling_mib") ", " WAVG_KNOWN("guest_used_mib") ", " WAVG_KNOWN("guest_free_mib")

int store_usage_insert(struct store_conn *c, int64_t tier, const struct usage_row *rows, size_t n)
{
	static const char sql[] = "INSERT OR REPLACE INTO usage (server_id, tier, ts, "
		USAGE_VALUES ", samples) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		const struct usage_row *r = &rows[i];
		const int64_t v[3 + USAGE_NVALUES] = { r->server_id, tier, r->ts, r->cpu_pct_x100,
			r->steal_pct_x100, r->mem_mib, r->mem_target_mib, r->disk_rd_bps,
			r->disk_wr_bps, r->net_rx_bps, r->net_tx_bps, r->mem_floor_mib,
			r->mem_ceiling_mib, r->guest_used_mib, r->guest_free_mib };
		for (int k = 0; k < 3 + USAGE_NVALUES; k++) {
			bool guest = k >= 3 + USAGE_NVALUES - 2;
			if (guest && v[k] < 0)
				sqlite3_bind_null(st, k + 1);
			else
				sqlite3_bind_int64(st, k + 1, v[k]);
		}
		int rc = store_run(c, st, sql);
		/* a server deleted since the sample was taken: nothing to record */
		if (rc == -EBUSY)
			continue;
		if (rc)
			return rc;
	}
	return 0;
}

int store_usage_rollup(struct store_conn *c, int64_t from, int64_t to, int64_t start, int64_t end)
{
	static const char sql[] = "INSERT OR REPLACE INTO usage (server_id, tier, ts, "
		USAGE_VALUES ", samples) SELECT server_id, ?2, (ts / ?2) * ?2, "
		USAGE_AVERAGES ", sum(samples) "
		"FROM usage WHERE tier = ?1 AND ts >= ?3 AND ts < ?4 GROUP BY server_id, ts / ?2";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, start);
	sqlite3_bind_int64(st, 4, end);
	return store_run(c, st, sql);
}

int store_usage_expire(struct store_conn *c, int64_t tier, int64_t before)
{
	static const char sql[] = "DELETE FROM usage WHERE tier = ? AND ts < ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, tier);
	sqlite3_bind_int64(st, 2, before);
	return store_run(c, st, sql);
}

static int64_t store_usage_known(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, col);
}

static void store_usage_row(sqlite3_stmt *st, void *out)
{
	struct usage_row *r = out;
	r->server_id = sqlite3_column_int64(st, 0);
	r->ts = sqlite3_column_int64(st, 1);
	r->cpu_pct_x100 = sqlite3_column_int64(st, 2);
	r->steal_pct_x100 = sqlite3_column_int64(st, 3);
	r->mem_mib = sqlite3_column_int64(st, 4);
	r->mem_target_mib = sqlite3_column_int64(st, 5);
	r->disk_rd_bps = sqlite3_column_int64(st, 6);
	r->disk_wr_bps = sqlite3_column_int64(st, 7);
	r->net_rx_bps = sqlite3_column_int64(st, 8);
	r->net_tx_bps = sqlite3_column_int64(st, 9);
	r->mem_floor_mib = sqlite3_column_int64(st, 10);
	r->mem_ceiling_mib = sqlite3_column_int64(st, 11);
	r->guest_used_mib = store_usage_known(st, 12);
	r->guest_free_mib = store_usage_known(st, 13);
	r->samples = sqlite3_column_int64(st, 14);
}

/* At most this many points per query: a week at 5-minute steps is 2016. */
#define STORE_USAGE_MAX_POINTS 5000

int store_usage_query(struct store_conn *c, int64_t server_id, int64_t tier, int64_t since,
		      int64_t step, struct usage_row **out, size_t *n)
{
	static const char sql[] = "SELECT server_id, (ts / ?4) * ?4, "
		USAGE_AVERAGES ", sum(samples) "
		"FROM usage WHERE server_id = ?1 AND tier = ?2 AND ts >= ?3 "
		"GROUP BY ts / ?4 ORDER BY ts / ?4";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, server_id);
	sqlite3_bind_int64(st, 2, tier);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, step);
	return store_get_many(c, st, sql, STORE_USAGE_MAX_POINTS, sizeof **out, store_usage_row,
			      (void **)out, n);
}

int store_usage_count(struct store_conn *c, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM usage";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_errno(c, rc, sql);
}
