/*
 * store_conn.h - one pooled SQLite connection and its statement cache.
 * Private to the store's files.
 */
#ifndef MUXD_STORE_CONN_H
#define MUXD_STORE_CONN_H

#include <sqlite3.h>

#define STORE_MAX_STMTS 96

struct store_conn {
	sqlite3 *db;
	unsigned nstmts;
	struct {
		const char *sql;    /* the literal's address is the cache key */
		sqlite3_stmt *stmt;
	} stmts[STORE_MAX_STMTS];
};

#endif
