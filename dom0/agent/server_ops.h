/*
 * server_ops.h - the changes to a server: provision, power actions,
 * resize, delete. Each keeps the store row and the domain together:
 *
 *   provision  row (phase provisioning) + event committed first; then the
 *              domain is defined and started; then phase active. If the
 *              driver fails, the domain and the row are removed again, so a
 *              refused or failed provisioning leaves nothing behind.
 *   delete     phase deleting committed first; then the domain and its disk
 *              are destroyed; then the row is deleted.
 * A crash between the steps leaves a row in a transitional phase, which the
 * reconciler finishes (reconcile.c). Callers hold no lock; these take
 * m->ops_lock themselves.
 */
#ifndef MUXD_SERVER_OPS_H
#define MUXD_SERVER_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "admission.h"
#include "muxd.h"

/* Why an operation was refused; the API maps kind to an HTTP status. */
enum op_kind {
	OP_OK,
	OP_INVALID,     /* a value refers to nothing usable (422) */
	OP_NOT_FOUND,   /* the server does not exist (404) */
	OP_CONFLICT,    /* the state forbids it, e.g. a name taken (409) */
	OP_CAPACITY,    /* admission refused (409, with the refusal) */
	OP_DRIVER,      /* the hypervisor failed (502) */
	OP_INTERNAL,    /* the store failed (500) */
};

struct op_error {
	enum op_kind kind;
	const char *code;           /* machine-readable, e.g. "insufficient_capacity" */
	const char *field;          /* the request field at fault, or NULL */
	char message[320];
	struct adm_refusal refusal; /* when kind == OP_CAPACITY */
};

struct server_req {
	int64_t customer_id;
	int64_t plan_id;
	int64_t image_id;
	char name[64];
	bool start;                 /* power on after creation */
};

enum server_action { ACT_START, ACT_STOP, ACT_REBOOT, ACT_RESIZE };

struct action_req {
	enum server_action action;
	bool force;                 /* stop: pull the plug; reboot: reset */
	int64_t plan_id;            /* resize */
};

int srv_provision(struct muxd *m, struct store_conn *c, const struct actor *who,
		  const struct server_req *req, struct server *out, struct op_error *e);
int srv_action(struct muxd *m, struct store_conn *c, const struct actor *who, int64_t id,
	       const struct action_req *req, struct server *out, struct op_error *e);
int srv_delete(struct muxd *m, struct store_conn *c, const struct actor *who, int64_t id,
	       struct op_error *e);

/* Fills spec for server sv from its plan and image rows. Needs the strings
 * in *im to outlive spec. */
int srv_spec(struct store_conn *c, const struct server *sv, struct plan *pl, struct image *im,
	     struct drv_domain_spec *spec);

/* Finishes a domain's creation for a row (define if missing, tune, start
 * if wanted). Used by provisioning and by the reconciler. Under ops_lock.
 * Returns 0 (done), SRV_WAITING (defined, but its start waits for memory:
 * not an error; recorded in the live table and, the first time, as a
 * server.waiting_for_memory event; the reconciler tries again) or -1 with
 * *e filled. */
#define SRV_WAITING 1
int srv_realise(struct muxd *m, struct store_conn *c, const struct server *sv,
		struct op_error *e);
/* Removes a domain and then its row. Under ops_lock. */
int srv_remove(struct muxd *m, struct store_conn *c, const struct actor *who,
	       const struct server *sv, struct op_error *e);

/* Random v4 UUID (libsodium's generator). */
void srv_new_uuid(char out[DRV_UUID_LEN]);

#endif
