/*
 * check.h - the properties the simulation tests check (docs/scheduler.md,
 * "Guarantees"), computed from the simulator's own measurements. Each
 * check records its first violation with sim_fail() (seed included) and
 * returns whether everything held; `worst` outputs feed the figures the
 * tests print.
 */
#ifndef SCHED_SIM_CHECK_H
#define SCHED_SIM_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/* Units of the scaled entitlement: one pCPU = CHECK_ONE_PCPU. */
#define CHECK_ONE_PCPU 1000000u

/*
 * Water-filling entitlement of every domain over [from, to) (multiples of
 * SIM_WINDOW_NS), from the domains' parameters and the demand their
 * workloads put on the host in that interval (CPU-bound: 100 % per vCPU;
 * periodic: the work that arrived). ent[i] in CHECK_ONE_PCPU units.
 * Workloads must be CPU, PERIODIC or IDLE, unchanged over the interval.
 */
bool check_entitled(struct sim *sim, uint64_t from, uint64_t to, uint32_t *ent);

/*
 * Every domain's CPU received in [from, to) is within tol_pct percent of
 * the host's capacity over the interval of its entitlement. *worst: the
 * largest error seen, in percent of capacity.
 */
bool check_shares(struct sim *sim, uint64_t from, uint64_t to,
		  const uint32_t *ent, double tol_pct, double *worst);

/*
 * No vCPU of a domain with entitlement e waited longer than the bound of
 * docs/scheduler.md for its share f = e / vCPUs of the domain:
 * 4 * SCHED_SLICE_NS / f + 2 * SCHED_PERIOD_NS (checked where that bound
 * is at most half the simulated time). *checked: vCPUs checked.
 */
bool check_no_starvation(struct sim *sim, const uint32_t *ent, unsigned *checked);

/* Domain dom with cap `cap` percent used at most its cap in every period
 * and every 100 ms window within [from, to). */
bool check_cap(struct sim *sim, unsigned dom, uint32_t cap, uint64_t from,
	       uint64_t to);

/*
 * Domain dom with reservation r percent received, in every 100 ms window
 * of [from, to) in which k >= 1 of its vCPUs wanted CPU throughout, at
 * least min(r, 100 k) percent of (window - slack_ns), less minus_ns.
 * *worst: largest deficit against the full min(r, 100 k) percent of the
 * window, in percent of that amount.
 */
bool check_reservation(struct sim *sim, unsigned dom, uint32_t r,
		       uint64_t from, uint64_t to, uint64_t slack_ns,
		       uint64_t minus_ns, double *worst);

/* The module's accounting (run, steal, blocked) of every vCPU and domain
 * equals the simulator's to the nanosecond. */
bool check_accounting(struct sim *sim);

#endif
