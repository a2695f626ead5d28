/*
 * plan.h - what a customer buys, and the plan engine that turns it into
 * hypervisor parameters. Field meanings and units: docs/plans.md.
 *
 * All numeric fields are int64_t so one field table (api/api_plans.c) can
 * validate and serialise them alike; the ranges it enforces keep every sum
 * and product in the plan engine and admission far from overflow.
 */
#ifndef MUXD_PLAN_H
#define MUXD_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "driver.h"

struct plan {
	int64_t id;
	char name[64];
	char description[256];
	int64_t vcpus;
	int64_t cpu_weight;             /* 1..65535, relative share under contention */
	int64_t cpu_reservation_pct;    /* guaranteed, percent of one pCPU (whole server) */
	int64_t cpu_cap_pct;            /* limit, percent of one pCPU; 0 = none */
	int64_t cpu_burst_baseline_pct; /* credits accrue below it; 0 = no credits */
	int64_t mem_ceiling_mib;
	int64_t mem_floor_mib;
	int64_t mem_weight;
	int64_t disk_gib;
	int64_t disk_weight;
	int64_t disk_bytes_per_s;       /* 0 = unlimited */
	int64_t disk_ops_per_s;         /* 0 = unlimited */
	int64_t net_weight;
	int64_t net_mbit_per_s;         /* 0 = unlimited */
	int64_t price_cents_month;
	char currency[4];
	bool active;                    /* sold; false: kept for existing servers only */
	int64_t created_at;
};

/* A rule between fields that a single field's range cannot express. */
struct plan_problem {
	const char *field;
	char message[192];
};

/*
 * Checks the relations between a plan's fields (reservation within what its
 * vCPUs can use, cap not below reservation, floor not above ceiling, ...).
 * Returns 0, or -EINVAL with *why naming the field.
 */
int plan_check(const struct plan *p, struct plan_problem *why);

/* Fills the driver parameters a server on plan *p gets at creation. */
void plan_to_params(const struct plan *p, struct drv_params *out);

#endif
