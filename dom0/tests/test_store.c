/*
 * test_store.c - the SQLite store on real files: migrations (fresh, from an
 * older version, refusal of a newer one, rollback of a broken one), default
 * plans, constraints and the commitment sums admission reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "store.h"

static char dir[] = "/tmp/muxd-test-store-XXXXXX";

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static sqlite3 *raw_open(const char *name)
{
	char p[256];
	sqlite3 *db;
	path_of(p, sizeof p, name);
	if (sqlite3_open(p, &db) != SQLITE_OK)
		return NULL;
	return db;
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t add_server(struct store_conn *c, int64_t customer, int64_t image, int64_t plan,
			  const char *name);

static void test_fresh(void)
{
	unit_begin("store_fresh_gets_latest_schema_and_default_plans");
	char p[256];
	path_of(p, sizeof p, "fresh.db");
	struct store *s = NULL;
	UNIT_CHECK(store_open(p, 2, &s) == 0);
	if (s) {
		struct store_conn *c = store_get(s);
		UNIT_CHECK(store_schema_version(store_db(c)) == atoi(embed_migrations[embed_migrations_count - 1].name));
		struct plan *plans = NULL;
		size_t n = 0;
		UNIT_CHECK(store_plan_list(c, 0, 100, true, &plans, &n) == 0);
		UNIT_CHECK(n >= 3);
		for (size_t i = 0; i < n; i++) {
			struct plan_problem why;
			UNIT_CHECK(plan_check(&plans[i], &why) == 0);
		}
		free(plans);
		UNIT_CHECK(count(store_db(c), "PRAGMA foreign_keys") == 1);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(store_db(c), "PRAGMA journal_mode", -1, &st, NULL);
		UNIT_CHECK(sqlite3_step(st) == SQLITE_ROW &&
			   strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0);
		sqlite3_finalize(st);
		store_put(s, c);
		store_close(s);
	}
	unit_end();
}

static void test_forward(void)
{
	unit_begin("store_migrates_old_version_forward_keeping_rows");
	sqlite3 *db = raw_open("old.db");
	UNIT_CHECK(db && store_migrate(db, embed_migrations, embed_migrations_count, 1) == 0);
	UNIT_CHECK(store_schema_version(db) == 1);
	UNIT_CHECK(count(db, "SELECT count(*) FROM plans") == 0);
	UNIT_CHECK(sqlite3_exec(db, "INSERT INTO customers (name, email, created_at) "
				"VALUES ('Old Co', 'old@example.com', 1)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);

	char p[256];
	path_of(p, sizeof p, "old.db");
	struct store *s = NULL;
	UNIT_CHECK(store_open(p, 1, &s) == 0);
	if (s) {
		struct store_conn *c = store_get(s);
		UNIT_CHECK(store_schema_version(store_db(c)) == (int)embed_migrations_count);
		struct customer cu;
		UNIT_CHECK(store_customer_get(c, 1, &cu) == 0 && strcmp(cu.email, "old@example.com") == 0);
		UNIT_CHECK(count(store_db(c), "SELECT count(*) FROM plans") >= 3);
		UNIT_CHECK(count(store_db(c), "SELECT count(*) FROM usage") == 0);
		store_put(s, c);
		store_close(s);
	}
	unit_end();
}

static void test_rebuild_keeps_children(void)
{
	unit_begin("store_table_rebuild_migration_keeps_child_rows_and_ids_stay_unique");
	sqlite3 *db = raw_open("v3.db");
	UNIT_CHECK(db && store_migrate(db, embed_migrations, embed_migrations_count, 3) == 0);
	UNIT_CHECK(sqlite3_exec(db,
		"PRAGMA foreign_keys=ON;"
		"INSERT INTO customers (name, email, created_at) VALUES ('A', 'a@x', 1);"
		"INSERT INTO images (name, kind, path, created_at) VALUES ('i', 'kernel', '/k', 1);"
		"INSERT INTO servers (uuid, customer_id, plan_id, image_id, name, power, phase, created_at, updated_at)"
		" VALUES ('u1', 1, 1, 1, 'one', 'running', 'active', 1, 1),"
		"        ('u2', 1, 1, 1, 'two', 'running', 'active', 1, 1);"
		"INSERT INTO usage VALUES (2, 0, 100, 1, 0, 1, 1, 0, 0, 0, 0, 1);",
		NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	char p[256];
	path_of(p, sizeof p, "v3.db");
	struct store *s = NULL;
	UNIT_CHECK(store_open(p, 1, &s) == 0);
	if (s) {
		struct store_conn *c = store_get(s);
		int64_t n = 0;
		UNIT_CHECK(store_usage_count(c, &n) == 0 && n == 1);
		UNIT_CHECK(store_server_delete(c, 2) == 0);
		UNIT_CHECK(store_usage_count(c, &n) == 0 && n == 0);  /* cascade is back on */
		struct image im = { .id = 1 };
		int64_t id = add_server(c, 1, im.id, 1, "three");
		UNIT_CHECK(id == 3);  /* not 2 again */
		store_put(s, c);
		store_close(s);
	}
	unit_end();
}

static void test_newer_refused(void)
{
	unit_begin("store_refuses_store_from_newer_muxd");
	sqlite3 *db = raw_open("newer.db");
	UNIT_CHECK(db && sqlite3_exec(db, "PRAGMA user_version=999", NULL, NULL, NULL) == SQLITE_OK);
	UNIT_CHECK(store_migrate(db, embed_migrations, embed_migrations_count, 0) == -EPROTO);
	UNIT_CHECK(store_schema_version(db) == 999);
	sqlite3_close(db);
	unit_end();
}

static void test_broken_rolls_back(void)
{
	unit_begin("store_broken_migration_leaves_store_unchanged");
	const struct embed_file migs[] = {
		{ "001_ok.sql", "CREATE TABLE a (x INTEGER);", 0 },
		{ "002_bad.sql", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);", 0 },
	};
	sqlite3 *db = raw_open("broken.db");
	UNIT_CHECK(db && store_migrate(db, migs, 2, 0) == -EIO);
	UNIT_CHECK(store_schema_version(db) == 1);
	UNIT_CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'") == 0);
	UNIT_CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'a'") == 1);
	sqlite3_close(db);
	unit_end();
}

static void test_gap_refused(void)
{
	unit_begin("store_refuses_gap_in_migration_numbers");
	const struct embed_file migs[] = {
		{ "001_a.sql", "CREATE TABLE a (x INTEGER);", 0 },
		{ "003_c.sql", "CREATE TABLE c (x INTEGER);", 0 },
	};
	sqlite3 *db = raw_open("gap.db");
	UNIT_CHECK(db && store_migrate(db, migs, 2, 0) == -EPROTO);
	UNIT_CHECK(store_schema_version(db) == 1);
	sqlite3_close(db);
	unit_end();
}

/* A customer, image and server on plan id, for the constraint tests. */
static int64_t add_server(struct store_conn *c, int64_t customer, int64_t image, int64_t plan,
			  const char *name)
{
	struct server sv = { .customer_id = customer, .plan_id = plan, .image_id = image };
	snprintf(sv.uuid, sizeof sv.uuid, "00000000-0000-4000-8000-%012lld", (long long)rand());
	snprintf(sv.name, sizeof sv.name, "%s", name);
	strcpy(sv.power, "running");
	strcpy(sv.phase, "active");
	int rc = store_server_insert(c, &sv);
	return rc ? rc : sv.id;
}

static void test_constraints(void)
{
	unit_begin("store_constraints_and_commitments");
	char p[256];
	path_of(p, sizeof p, "rows.db");
	struct store *s = NULL;
	UNIT_CHECK(store_open(p, 1, &s) == 0);
	if (!s) {
		unit_end();
		return;
	}
	struct store_conn *c = store_get(s);
	struct customer cu = { .name = "A", .email = "a@example.com" };
	UNIT_CHECK(store_customer_insert(c, &cu) == 0);
	struct customer dup = { .name = "B", .email = "a@example.com" };
	UNIT_CHECK(store_customer_insert(c, &dup) == -EEXIST);
	struct image im = { .name = "img", .kind = "kernel", .path = "/k", .format = "raw" };
	UNIT_CHECK(store_image_insert(c, &im) == 0);
	struct plan pl;
	UNIT_CHECK(store_plan_get(c, 1, &pl) == 0);
	UNIT_CHECK(add_server(c, cu.id, im.id, 1, "web") > 0);
	UNIT_CHECK(add_server(c, cu.id, im.id, 1, "web") == -EEXIST);
	int64_t second = add_server(c, cu.id, im.id, 1, "db");
	UNIT_CHECK(second > 0);
	UNIT_CHECK(add_server(c, cu.id, im.id, 9999, "ghost") == -EBUSY);
	struct adm_usage u;
	UNIT_CHECK(store_commitments(c, 0, &u) == 0);
	UNIT_CHECK(u.servers == 2 && u.vcpus == (uint64_t)(2 * pl.vcpus));
	UNIT_CHECK(u.floor_mib == (uint64_t)(2 * pl.mem_floor_mib));
	UNIT_CHECK(store_commitments(c, second, &u) == 0 && u.servers == 1);
	UNIT_CHECK(store_plan_delete(c, 1) == -EBUSY);
	UNIT_CHECK(store_customer_delete(c, cu.id) == -EBUSY);
	UNIT_CHECK(store_image_delete(c, im.id) == -EBUSY);
	UNIT_CHECK(store_server_delete(c, second) == 0);
	UNIT_CHECK(store_server_delete(c, second) == -ENOENT);
	struct server sv;
	UNIT_CHECK(store_server_get(c, second, &sv) == -ENOENT);
	store_put(s, c);
	store_close(s);
	unit_end();
}

static void test_usage_rollup(void)
{
	unit_begin("store_usage_rollup_weighted_and_expiry");
	char p[256];
	path_of(p, sizeof p, "usage.db");
	struct store *s = NULL;
	UNIT_CHECK(store_open(p, 1, &s) == 0);
	if (!s) {
		unit_end();
		return;
	}
	struct store_conn *c = store_get(s);
	struct customer cu = { .name = "A", .email = "a@example.com" };
	struct image im = { .name = "img", .kind = "kernel", .path = "/k", .format = "raw" };
	store_customer_insert(c, &cu);
	store_image_insert(c, &im);
	int64_t sid = add_server(c, cu.id, im.id, 1, "u");
	struct usage_row rows[60];
	memset(rows, 0, sizeof rows);
	for (int i = 0; i < 60; i++) {    /* 5 minutes of 5 s samples, then one more bucket */
		rows[i].server_id = sid;
		rows[i].ts = 6000 + i * 5 + (i >= 60 ? 0 : 0);
		rows[i].cpu_pct_x100 = i < 30 ? 1000 : 3000;  /* average 2000 */
		rows[i].mem_floor_mib = 256;
		rows[i].mem_ceiling_mib = 512;
		rows[i].guest_used_mib = i < 30 ? -1 : 100;   /* reported by half the samples */
		rows[i].guest_free_mib = -1;                  /* by none */
	}
	UNIT_CHECK(store_usage_insert(c, 5, rows, 60) == 0);
	UNIT_CHECK(store_usage_rollup(c, 5, 300, 6000, 6300) == 0);
	UNIT_CHECK(store_usage_rollup(c, 5, 300, 6000, 6300) == 0); /* idempotent */
	struct usage_row *q = NULL;
	size_t n = 0;
	UNIT_CHECK(store_usage_query(c, sid, 300, 0, 300, &q, &n) == 0);
	UNIT_CHECK(n == 1 && q[0].ts == 6000 && q[0].cpu_pct_x100 == 2000 && q[0].samples == 60);
	UNIT_CHECK(n == 1 && q[0].mem_floor_mib == 256 && q[0].mem_ceiling_mib == 512);
	UNIT_CHECK(n == 1 && q[0].guest_used_mib == 100 && q[0].guest_free_mib == -1);
	free(q);
	UNIT_CHECK(store_usage_query(c, sid, 5, 6000, 60, &q, &n) == 0);
	UNIT_CHECK(n == 5 && q[0].cpu_pct_x100 == 1000 && q[4].cpu_pct_x100 == 3000);
	UNIT_CHECK(n == 5 && q[0].guest_used_mib == -1 && q[4].guest_used_mib == 100);
	free(q);
	UNIT_CHECK(store_usage_expire(c, 5, 6150) == 0);
	int64_t left = 0;
	UNIT_CHECK(store_usage_count(c, &left) == 0 && left == 30 + 1);
	UNIT_CHECK(store_server_delete(c, sid) == 0);
	UNIT_CHECK(store_usage_count(c, &left) == 0 && left == 0);
	store_put(s, c);
	store_close(s);
	unit_end();
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("FAIL store_setup: mkdtemp\n");
		return 1;
	}
	test_fresh();
	test_forward();
	test_rebuild_keeps_children();
	test_newer_refused();
	test_broken_rolls_back();
	test_gap_refused();
	test_constraints();
	test_usage_rollup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return unit_exit_code();
}
