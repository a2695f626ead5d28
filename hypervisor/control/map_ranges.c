/*
 * map_ranges.c - the table of dom0's window mappings (see map_ranges.h).
 */
#include "map_ranges.h"
#include "hv/lib.h"
#include "hv/errno.h"

static struct map_range *free_entry(struct map_ranges *t)
{
	for (unsigned i = 0; i < MAP_RANGES_MAX; i++)
		if (!t->r[i].count)
			return &t->r[i];
	return NULL;
}

bool map_ranges_full(const struct map_ranges *t)
{
	return !free_entry((struct map_ranges *)t);
}

int map_ranges_add(struct map_ranges *t, uint32_t domid, uint64_t gfn, uint64_t count,
		   uint64_t win)
{
	struct map_range *e = free_entry(t);

	if (!e)
		return -ENOSPC;
	*e = (struct map_range){ .domid = domid, .gfn = gfn, .count = count, .win = win };
	return 0;
}

static uint64_t end_of(const struct map_range *e)
{
	return e->win + (e->count << 12);
}

/* Pages of [win, end) that e covers. */
static uint64_t overlap(const struct map_range *e, uint64_t win, uint64_t end)
{
	uint64_t lo = MAX(e->win, win), hi = MIN(end_of(e), end);

	return e->count && hi > lo ? (hi - lo) >> 12 : 0;
}

/* Whether e extends on both sides of [win, end). */
static bool cut_in_two(const struct map_range *e, uint64_t win, uint64_t end)
{
	return e->count && e->win < win && end_of(e) > end;
}

int map_ranges_can_remove(const struct map_ranges *t, uint64_t win, uint64_t count)
{
	uint64_t end = win + (count << 12), covered = 0;
	bool split = false;

	for (unsigned i = 0; i < MAP_RANGES_MAX; i++) {
		covered += overlap(&t->r[i], win, end);
		split |= cut_in_two(&t->r[i], win, end);
	}
	if (covered != count)
		return -ENOENT;
	if (split && !free_entry((struct map_ranges *)t))
		return -ENOSPC;
	return 0;
}

void map_ranges_remove(struct map_ranges *t, uint64_t win, uint64_t count,
		       void (*gone)(void *ctx, uint32_t domid, uint64_t pages), void *ctx)
{
	uint64_t end = win + (count << 12);

	for (unsigned i = 0; i < MAP_RANGES_MAX; i++) {
		struct map_range *e = &t->r[i];
		uint64_t n = overlap(e, win, end);
		if (!n)
			continue;
		gone(ctx, e->domid, n);
		if (cut_in_two(e, win, end)) {          /* keep both sides */
			struct map_range *tail = free_entry(t);
			*tail = (struct map_range){ .domid = e->domid, .win = end,
				.gfn = e->gfn + ((end - e->win) >> 12),
				.count = (end_of(e) - end) >> 12 };
			e->count = (win - e->win) >> 12;
		} else if (e->win < win) {              /* its tail goes */
			e->count -= n;
		} else {                                /* its head, or all */
			e->gfn += n;
			e->win += n << 12;
			e->count -= n;
		}
	}
}

bool map_ranges_has_gfn(const struct map_ranges *t, uint32_t domid, uint64_t gfn)
{
	for (unsigned i = 0; i < MAP_RANGES_MAX; i++) {
		const struct map_range *e = &t->r[i];
		if (e->count && e->domid == domid && gfn >= e->gfn && gfn - e->gfn < e->count)
			return true;
	}
	return false;
}

void map_ranges_drop(struct map_ranges *t, uint32_t domid, bool all,
		     void (*unmapped)(void *ctx, uint64_t win, uint64_t count), void *ctx)
{
	for (unsigned i = 0; i < MAP_RANGES_MAX; i++) {
		struct map_range *e = &t->r[i];
		if (!e->count || (!all && e->domid != domid))
			continue;
		unmapped(ctx, e->win, e->count);
		e->count = 0;
	}
}
