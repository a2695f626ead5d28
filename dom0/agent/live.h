/*
 * live.h - what muxd last observed of each server: power state and usage
 * rates from the sampler, burst credit. The API reads it for lists and the
 * dashboard without calling the hypervisor; the sampler and reconciler
 * write it.
 *
 * Locking: `lock` (a rwlock) protects the table; entries are copied out.
 */
#ifndef MUXD_LIVE_H
#define MUXD_LIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"

struct live_entry {
	int64_t server_id;           /* 0 = empty slot */
	enum drv_power power;
	int64_t observed_at;         /* Unix seconds; 0 = never */
	bool has_rates;              /* two samples seen, so rates are known */
	int64_t cpu_pct_x100;        /* hundredths of a percent of one pCPU */
	int64_t steal_pct_x100;
	bool has_steal;
	int64_t mem_mib, mem_target_mib;  /* balloon current; target in force (0 = unknown) */
	int64_t mem_floor_mib, mem_ceiling_mib;  /* the plan's, as last sampled */
	bool guest_known;            /* the guest reported balloon statistics */
	int64_t guest_used_mib;      /* MemTotal - MemAvailable, as the guest reports */
	int64_t guest_free_mib;      /* MemFree */
	bool mem_fixed;              /* no balloon: the policy holds it where it is */
	bool mem_changed;            /* the policy changed the target since the domain started */
	int64_t mem_changed_at;      /* ... at this CLOCK_MONOTONIC second */
	bool mem_waiting;            /* asked to run, its start waits for memory (driver -EAGAIN) */
	int mem_room;                /* ... and the memory policy makes room for it (1), cannot
	                                (-1: the floors leave too little), or has not looked (0) */
	int64_t disk_rd_bps, disk_wr_bps, net_rx_bps, net_tx_bps;
	int64_t credit_x100;         /* burst credit, hundredths of CPU-seconds */
	bool credit_known;           /* credit_x100 was loaded from the store */
	bool throttled;              /* burst credit spent: held at the baseline */
	/* last raw counters, for the next rate */
	int64_t prev_at_ns;
	uint64_t prev_cpu_ns, prev_steal_ns, prev_rd, prev_wr, prev_rx, prev_tx;
};

struct live {
	pthread_rwlock_t lock;
	struct live_entry *slots;    /* open addressing by server_id; under lock */
	size_t cap;                  /* power of two */
	size_t used;
};

int live_init(struct live *l);
void live_fini(struct live *l);
/* Copies the entry of server id into *out; false if never observed. */
bool live_get(struct live *l, int64_t id, struct live_entry *out);
/* Stores *e (keyed by e->server_id), replacing any older entry. */
int live_put(struct live *l, const struct live_entry *e);
/* Records a power state muxd caused; a stop or a start forgets the balloon target,
 * and a domain that runs no longer waits for memory. */
void live_set_power(struct live *l, int64_t id, enum drv_power power, int64_t now);
/* Marks server id as waiting for memory to start, or not; returns what it was. */
bool live_set_waiting(struct live *l, int64_t id, bool waiting);
void live_remove(struct live *l, int64_t id);
/* Calls fn for a copy of every entry (under the read lock: fn must not block). */
void live_each(struct live *l, void (*fn)(const struct live_entry *e, void *arg), void *arg);

#endif
