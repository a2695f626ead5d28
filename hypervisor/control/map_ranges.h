/*
 * map_ranges.h - which customer pages are mapped where in dom0's window
 * (MEM_MAP/MEM_UNMAP, memory.c): a table of ranges, each a customer's
 * pages gfn .. gfn + count - 1 at window addresses win .. Pure (host-tested,
 * tests/test_map_ranges.c); the caller holds the life-cycle lock.
 *
 * Invariant: the ranges in use never overlap in the window (MEM_MAP
 * refuses window pages mapped already).
 */
#ifndef CONTROL_MAP_RANGES_H
#define CONTROL_MAP_RANGES_H

#include <stdbool.h>
#include <stdint.h>

#define MAP_RANGES_MAX 256

struct map_range {
	uint32_t domid;
	uint64_t gfn;             /* the customer's first page */
	uint64_t count;           /* pages; 0 = free entry */
	uint64_t win;             /* dom0 guest-physical of the first */
};

struct map_ranges {
	struct map_range r[MAP_RANGES_MAX];
};

/* Whether the table has no free entry. */
bool map_ranges_full(const struct map_ranges *t);
/* Records a new range: 0, or -ENOSPC when the table is full. */
int map_ranges_add(struct map_ranges *t, uint32_t domid, uint64_t gfn, uint64_t count,
		   uint64_t win);
/* Whether removing [win, win + count pages) is possible: every page of it
 * mapped (else -ENOENT), and an entry free if it cuts a range in two
 * (else -ENOSPC). 0 if so. */
int map_ranges_can_remove(const struct map_ranges *t, uint64_t win, uint64_t count);
/* Removes [win, win + count pages) (checked with map_ranges_can_remove),
 * calling gone(ctx, domid, pages) for each range it took pages from. */
void map_ranges_remove(struct map_ranges *t, uint64_t win, uint64_t count,
		       void (*gone)(void *ctx, uint32_t domid, uint64_t pages), void *ctx);
/* Whether page gfn of domain domid is mapped into the window. */
bool map_ranges_has_gfn(const struct map_ranges *t, uint32_t domid, uint64_t gfn);
/* Removes every range of domid (every range if all), calling
 * unmapped(ctx, win, count) for each. */
void map_ranges_drop(struct map_ranges *t, uint32_t domid, bool all,
		     void (*unmapped)(void *ctx, uint64_t win, uint64_t count), void *ctx);

#endif
