/*
 * store.c - opening the store, the connection pool and transactions.
 *
 * Locking: pool_lock protects `free_mask`; a connection whose bit is clear
 * belongs to exactly one thread until store_put().
 */
#include "store.h"
#include "store_conn.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define STORE_MAX_CONNS 32

struct store {
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_free;
	unsigned nconns;
	uint32_t free_mask;                 /* bit i: conns[i] is free; under pool_lock */
	struct store_conn conns[STORE_MAX_CONNS];
};

/* Opens one connection with the pragmas every connection needs. */
static int store_conn_open(struct store_conn *c, const char *path)
{
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=FULL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA busy_timeout=5000;";
	memset(c, 0, sizeof *c);
	int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("store", "msg=\"cannot open\" path=%s err=\"%s\"", path,
			  c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		c->db = NULL;
		return -EIO;
	}
	char *err = NULL;
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store", "msg=\"pragmas failed\" path=%s err=\"%s\"", path, err);
		sqlite3_free(err);
		sqlite3_close(c->db);
		c->db = NULL;
		return -EIO;
	}
	return 0;
}

static void store_conn_close(struct store_conn *c)
{
	for (unsigned i = 0; i < c->nstmts; i++)
		sqlite3_finalize(c->stmts[i].stmt);
	sqlite3_close(c->db);
	c->db = NULL;
}

int store_open(const char *path, unsigned conns, struct store **out)
{
	if (conns == 0 || conns > STORE_MAX_CONNS)
		return -EINVAL;
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->pool_lock, NULL);
	pthread_cond_init(&s->pool_free, NULL);
	int rc = store_conn_open(&s->conns[0], path);
	if (rc)
		goto free_store;
	s->nconns = 1;
	rc = store_migrate(s->conns[0].db, embed_migrations, embed_migrations_count, 0);
	if (rc)
		goto close_conns;
	for (; s->nconns < conns; s->nconns++) {
		rc = store_conn_open(&s->conns[s->nconns], path);
		if (rc)
			goto close_conns;
	}
	s->free_mask = (conns == 32) ? UINT32_MAX : ((1u << conns) - 1);
	*out = s;
	return 0;

close_conns:
	for (unsigned i = 0; i < s->nconns; i++)
		store_conn_close(&s->conns[i]);
free_store:
	free(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nconns; i++)
		store_conn_close(&s->conns[i]);
	pthread_mutex_destroy(&s->pool_lock);
	pthread_cond_destroy(&s->pool_free);
	free(s);
}

struct store_conn *store_get(struct store *s)
{
	pthread_mutex_lock(&s->pool_lock);
	while (s->free_mask == 0)
		pthread_cond_wait(&s->pool_free, &s->pool_lock);
	unsigned i = (unsigned)__builtin_ctz(s->free_mask);
	s->free_mask &= ~(1u << i);
	pthread_mutex_unlock(&s->pool_lock);
	return &s->conns[i];
}

void store_put(struct store *s, struct store_conn *c)
{
	unsigned i = (unsigned)(c - s->conns);
	/* A request that failed half-way must not hand on an open transaction. */
	if (!sqlite3_get_autocommit(c->db))
		store_rollback(c);
	pthread_mutex_lock(&s->pool_lock);
	s->free_mask |= 1u << i;
	pthread_cond_signal(&s->pool_free);
	pthread_mutex_unlock(&s->pool_lock);
}

static int store_exec_simple(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_errno(c, rc, sql);
}

int store_begin(struct store_conn *c)
{
	return store_exec_simple(c, "BEGIN IMMEDIATE");
}

int store_commit(struct store_conn *c)
{
	return store_exec_simple(c, "COMMIT");
}

void store_rollback(struct store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		store_exec_simple(c, "ROLLBACK");
}
