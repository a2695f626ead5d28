/*
 * store_migrate.c - numbered migrations (db/NNN_name.sql, compiled in).
 *
 * PRAGMA user_version holds the number of the last migration applied. Each
 * migration runs in its own transaction together with the user_version
 * update, so a crash leaves the store at a whole migration, never half of
 * one. Migrations only move forward; a store from a newer muxd is refused
 * rather than guessed at.
 *
 * Foreign keys are off while a migration runs (SQLite cannot change that
 * inside a transaction), so a migration may rebuild a table the way SQLite
 * documents it (create new, copy, drop old, rename) without the drop
 * cascading into child tables; PRAGMA foreign_key_check must find nothing
 * before the migration commits.
 */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int store_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -EIO;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The number a migration file's name starts with (001_core.sql -> 1). */
static int store_mig_number(const struct embed_file *m)
{
	return atoi(m->name);
}

/* Counts the rows PRAGMA foreign_key_check reports (0 = all references hold). */
static int store_fk_violations(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

static int store_apply(sqlite3 *db, const struct embed_file *m, int number)
{
	char *err = NULL;
	char version[48];
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db, m->text, NULL, NULL, &err) != SQLITE_OK)
		goto rollback;
	if (store_fk_violations(db) != 0) {
		err = sqlite3_mprintf("foreign key check failed after the migration");
		goto rollback;
	}
	/* PRAGMA takes no bound parameters; number is our own integer. */
	snprintf(version, sizeof version, "PRAGMA user_version=%d", number);
	if (sqlite3_exec(db, version, NULL, NULL, &err) != SQLITE_OK)
		goto rollback;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
		goto rollback;
	log_info("store", "msg=\"migrated\" migration=%s version=%d", m->name, number);
	return 0;

rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
fail:
	log_error("store", "msg=\"migration failed\" migration=%s err=\"%s\"", m->name,
		  err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	return -EIO;
}

int store_migrate(sqlite3 *db, const struct embed_file *migs, unsigned n, unsigned upto)
{
	int have = store_schema_version(db);
	if (have < 0)
		return have;
	int newest = n ? store_mig_number(&migs[n - 1]) : 0;
	if (have > newest) {
		log_error("store", "msg=\"store is newer than this muxd\" version=%d newest_known=%d",
			  have, newest);
		return -EPROTO;
	}
	int rc = 0;
	sqlite3_exec(db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
	for (unsigned i = 0; i < n && !rc; i++) {
		int num = store_mig_number(&migs[i]);
		if (num <= have)
			continue;
		if (upto && num > (int)upto)
			break;
		if (num != have + 1) {
			log_error("store", "msg=\"migration missing\" expected=%d found=%s",
				  have + 1, migs[i].name);
			rc = -EPROTO;
			break;
		}
		rc = store_apply(db, &migs[i], num);
		have = num;
	}
	sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return rc;
}
