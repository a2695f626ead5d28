/*
 * muxd.h - the daemon's shared state, handed to the API, the reconciler and
 * the sampler.
 *
 * Ownership: the store owns SQL, the driver owns the hypervisor, the API
 * owns HTTP and JSON; server_ops.c is the one place that changes servers
 * (store row and domain together).
 *
 * Locking: ops_lock serialises every change to servers and their domains
 * (API create/actions/delete, reconciler passes, burst throttling), so a
 * domain is never changed by two parties at once and a row in a
 * transitional phase is only ever finished by whoever holds the lock.
 * Reads (lists, gets, dashboards) never take it.
 */
#ifndef MUXD_MUXD_H
#define MUXD_MUXD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "admission.h"
#include "config.h"
#include "driver.h"
#include "live.h"
#include "records.h"
#include "store.h"

struct muxd {
	struct muxd_config cfg;          /* set once at start */
	struct store *store;             /* set once at start */
	struct driver *drv;              /* set once at start */
	struct adm_host host;            /* set once at start (driver + config) */
	struct host_row host_row;        /* set once at start */
	uint8_t admin_hash[32];          /* BLAKE2b of the admin token; set once */
	struct live live;                /* latest observations; own lock */
	pthread_mutex_t ops_lock;        /* see above */
	int64_t started_at;
	atomic_int stopping;             /* set by the signal loop */
	/* counters for /metrics */
	atomic_uint_fast64_t http_requests[6];   /* by status class 1xx..5xx, [0] unused */
	atomic_uint_fast64_t reconcile_passes;
	atomic_uint_fast64_t reconcile_fixes;
	atomic_uint_fast64_t samples_taken;
};

#endif
