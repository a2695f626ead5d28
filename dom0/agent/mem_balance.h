/*
 * mem_balance.h - where each running server's balloon should stand.
 *
 * Without memory pressure (the ceilings of the running servers fit the
 * sellable memory) every server has its ceiling. Under pressure each gets
 * its floor plus a share of what the floors leave, in proportion to its
 * plan's memory weight, never above its ceiling; what a capped server
 * cannot take is shared among the others again (water-filling). Admission
 * keeps the floors within the pool, so floors are always met.
 */
#ifndef MUXD_MEM_BALANCE_H
#define MUXD_MEM_BALANCE_H

#include <stddef.h>
#include <stdint.h>

struct mem_want {
	uint64_t floor_mib;
	uint64_t ceiling_mib;
	uint64_t weight;      /* 1..65535 */
};

/* Fills target[i] (MiB) for every server i; pure, O(n^2) in the worst case. */
void mem_balance(const struct mem_want *in, size_t n, uint64_t pool_mib, uint64_t *target);

#endif
