/*
 * store_host.c - the one row of host facts (what the driver reported and
 * the config overrode), so /v1/host and admission read one place.
 */
#include "store.h"

#include <errno.h>

int store_host_put(struct store_conn *c, const struct host_row *h)
{
	static const char sql[] = "INSERT INTO host (id, hostname, hypervisor, pcpus, memory_mib, "
		"updated_at) VALUES (1,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
		"hostname = excluded.hostname, hypervisor = excluded.hypervisor, "
		"pcpus = excluded.pcpus, memory_mib = excluded.memory_mib, "
		"updated_at = excluded.updated_at";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, h->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->hypervisor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, h->pcpus);
	sqlite3_bind_int64(st, 4, h->memory_mib);
	sqlite3_bind_int64(st, 5, store_now());
	return store_run(c, st, sql);
}

static void store_host_row(sqlite3_stmt *st, void *out)
{
	struct host_row *h = out;
	store_copy_text(h->hostname, sizeof h->hostname, st, 0);
	store_copy_text(h->hypervisor, sizeof h->hypervisor, st, 1);
	h->pcpus = sqlite3_column_int64(st, 2);
	h->memory_mib = sqlite3_column_int64(st, 3);
	h->updated_at = sqlite3_column_int64(st, 4);
}

int store_host_get(struct store_conn *c, struct host_row *h)
{
	static const char sql[] = "SELECT hostname, hypervisor, pcpus, memory_mib, updated_at "
		"FROM host WHERE id = 1";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	return store_get_one(c, st, sql, store_host_row, h);
}
