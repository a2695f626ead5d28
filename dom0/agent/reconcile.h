/*
 * reconcile.h - converging the hypervisor to the store.
 *
 * The store is the desired state; the driver reports the actual one. A pass
 * (at start-up, then every --reconcile-interval seconds) does, under
 * ops_lock:
 *   row provisioning            -> realise the domain, then phase active
 *                                  (a crash interrupted provisioning)
 *   row deleting                -> destroy the domain, delete the row
 *   row active, no domain       -> recreate it (define; start if wanted)
 *   power running, domain off   -> start it (also after a crash of the guest)
 *   power stopped, domain on    -> if a graceful stop was asked less than
 *                                  --stop-grace ago, wait; else power off
 *   domain shape != plan        -> redefine (a resize interrupted by a crash)
 *   domain "mux-*" with no row  -> destroy it (an orphan of an interrupted
 *                                  provisioning or deletion)
 * Each fix is logged and audited as actor "muxd".
 */
#ifndef MUXD_RECONCILE_H
#define MUXD_RECONCILE_H

#include "muxd.h"

/* One pass; returns the number of fixes made, or a negative errno. */
int rec_pass(struct muxd *m, struct store_conn *c);

#endif
