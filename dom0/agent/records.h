/*
 * records.h - the rows muxd keeps, as C structs. The store fills and saves
 * them; the API turns them into JSON. (Plans are in plan.h, beside the plan
 * engine that reads them.)
 */
#ifndef MUXD_RECORDS_H
#define MUXD_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"

struct customer {
	int64_t id;
	char name[128];
	char email[256];
	int64_t created_at;
};

struct token {
	int64_t id;
	int64_t customer_id;
	char name[64];
	char prefix[16];
	int64_t created_at;
};

struct image {
	int64_t id;
	char name[64];
	char os[64];
	char kind[8];     /* disk | kernel */
	char path[512];
	char format[8];   /* raw | qcow2 */
	char initrd[512];
	char cmdline[512];
	int64_t created_at;
};

struct server {
	int64_t id;
	char uuid[DRV_UUID_LEN];
	int64_t customer_id;
	int64_t plan_id;
	int64_t image_id;
	char name[64];
	char power[8];     /* desired: running | stopped */
	char phase[16];    /* provisioning | active | deleting | error */
	char last_error[256];
	int64_t stop_requested_at;
	int64_t pending_restart;
	int64_t burst_credit_x100;
	int64_t created_at;
	int64_t updated_at;
};

/* Filters of a server listing; 0 / "" = any. */
struct server_filter {
	int64_t customer_id;
	int64_t plan_id;
	char phase[16];
	char power[8];
	char name[64];
};

struct event {
	int64_t id;
	int64_t ts;
	char actor[32];
	int64_t customer_id;  /* 0 = provider-only */
	char action[48];
	char object_type[16];
	int64_t object_id;
	char *detail;         /* JSON text, malloc'd by the store */
};

/* Who makes a change: recorded in the audit log. */
struct actor {
	bool admin;
	int64_t customer_id;  /* when !admin: the customer the token belongs to */
	bool system;          /* muxd itself (reconciler, sampler) */
};

struct host_row {
	char hostname[128];
	char hypervisor[32];
	int64_t pcpus;
	int64_t memory_mib;
	int64_t updated_at;
};

/* One usage row (a raw sample or a roll-up); see db/003_usage.sql. */
struct usage_row {
	int64_t server_id;
	int64_t ts;
	int64_t cpu_pct_x100, steal_pct_x100;
	int64_t mem_mib, mem_target_mib;
	int64_t mem_floor_mib, mem_ceiling_mib;
	int64_t guest_used_mib, guest_free_mib;  /* < 0: the guest reported nothing */
	int64_t disk_rd_bps, disk_wr_bps;
	int64_t net_rx_bps, net_tx_bps;
	int64_t samples;
};

#endif
