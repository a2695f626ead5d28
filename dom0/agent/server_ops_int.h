/*
 * server_ops_int.h - helpers shared by server_ops.c and server_actions.c.
 */
#ifndef MUXD_SERVER_OPS_INT_H
#define MUXD_SERVER_OPS_INT_H

#include "server_ops.h"

/* Fill *e and return -1. */
int op_fail(struct op_error *e, enum op_kind kind, const char *code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int op_store_fail(struct op_error *e, int rc);
int op_driver_fail(struct op_error *e, const char *what);

/* Loads server id as `who` may see it: another customer's server is "not found". */
int srv_load(struct store_conn *c, const struct actor *who, int64_t id, struct server *sv,
	     struct op_error *e);
/* Admission of plan pl beside every server but `except`. */
int srv_admit(struct muxd *m, struct store_conn *c, int64_t except, const struct plan *pl,
	      struct op_error *e);

#endif
