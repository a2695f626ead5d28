/*
 * test_map_ranges.c - host tests of the window mapping table
 * (control/map_ranges.c): removing whole ranges, heads, tails, holes and
 * spans of several ranges, with the pages given back per domain; refusals
 * of partly mapped spans and of a hole in a full table; dropping a
 * domain's ranges.
 */
#include "hv_test_util.h"
#include "../control/map_ranges.c"

#define W 0x100000000ull          /* a window address */
#define P(n) ((uint64_t)(n) << 12)

static uint64_t gone_pages[8];

static void gone(void *ctx, uint32_t domid, uint64_t pages)
{
	(void)ctx;
	gone_pages[domid] += pages;
}

static uint64_t mapped_total(const struct map_ranges *t)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < MAP_RANGES_MAX; i++)
		n += t->r[i].count;
	return n;
}

/* The gfn mapped at window page win, or ~0. */
static uint64_t gfn_at(const struct map_ranges *t, uint64_t win)
{
	for (unsigned i = 0; i < MAP_RANGES_MAX; i++) {
		const struct map_range *e = &t->r[i];
		if (e->count && win >= e->win && win < e->win + P(e->count))
			return e->gfn + ((win - e->win) >> 12);
	}
	return ~0ull;
}

static void test_hole_head_tail(void)
{
	static struct map_ranges t;

	unit_begin("map_ranges_hole_head_tail");
	memset(&t, 0, sizeof(t));
	memset(gone_pages, 0, sizeof(gone_pages));
	UNIT_CHECK(map_ranges_add(&t, 1, 100, 10, W) == 0);   /* gfn 100..109 */
	UNIT_CHECK(map_ranges_can_remove(&t, W + P(3), 4) == 0);
	map_ranges_remove(&t, W + P(3), 4, gone, NULL);        /* a hole: 103..106 */
	UNIT_CHECK(mapped_total(&t) == 6 && gone_pages[1] == 4);
	UNIT_CHECK(map_ranges_has_gfn(&t, 1, 102) && map_ranges_has_gfn(&t, 1, 107));
	UNIT_CHECK(!map_ranges_has_gfn(&t, 1, 103) && !map_ranges_has_gfn(&t, 1, 110));
	UNIT_CHECK(!map_ranges_has_gfn(&t, 2, 102));
	UNIT_CHECK(gfn_at(&t, W + P(2)) == 102 && gfn_at(&t, W + P(7)) == 107);
	UNIT_CHECK(gfn_at(&t, W + P(3)) == ~0ull && gfn_at(&t, W + P(6)) == ~0ull);
	UNIT_CHECK(map_ranges_can_remove(&t, W + P(2), 2) == -ENOENT);  /* 3 not mapped */
	map_ranges_remove(&t, W, 1, gone, NULL);                /* a head */
	map_ranges_remove(&t, W + P(9), 1, gone, NULL);         /* a tail */
	UNIT_CHECK(gfn_at(&t, W + P(1)) == 101 && gfn_at(&t, W + P(8)) == 108);
	UNIT_CHECK(mapped_total(&t) == 4 && gone_pages[1] == 6);
	unit_end();
}

static void test_span_and_drop(void)
{
	static struct map_ranges t;

	unit_begin("map_ranges_span_and_drop");
	memset(&t, 0, sizeof(t));
	memset(gone_pages, 0, sizeof(gone_pages));
	map_ranges_add(&t, 1, 10, 4, W);                        /* W+0..3 */
	map_ranges_add(&t, 2, 50, 4, W + P(4));                 /* W+4..7 */
	map_ranges_add(&t, 3, 70, 2, W + P(20));
	UNIT_CHECK(map_ranges_can_remove(&t, W + P(2), 4) == 0);
	map_ranges_remove(&t, W + P(2), 4, gone, NULL);         /* across two */
	UNIT_CHECK(gone_pages[1] == 2 && gone_pages[2] == 2);
	UNIT_CHECK(gfn_at(&t, W + P(6)) == 52 && gfn_at(&t, W + P(1)) == 11);
	UNIT_CHECK(map_ranges_can_remove(&t, W + P(8), 1) == -ENOENT);
	UNIT_CHECK(mapped_total(&t) == 6);
	unit_end();
}

static uint64_t dropped_pages;

static void dropped(void *ctx, uint64_t win, uint64_t count)
{
	(void)ctx;
	(void)win;
	dropped_pages += count;
}

static void test_drop(void)
{
	static struct map_ranges t;

	unit_begin("map_ranges_drop");
	memset(&t, 0, sizeof(t));
	map_ranges_add(&t, 1, 10, 4, W);
	map_ranges_add(&t, 2, 50, 3, W + P(4));
	map_ranges_add(&t, 1, 90, 5, W + P(10));
	dropped_pages = 0;
	map_ranges_drop(&t, 1, false, dropped, NULL);
	UNIT_CHECK(dropped_pages == 9 && mapped_total(&t) == 3 && gfn_at(&t, W + P(5)) == 51);
	map_ranges_drop(&t, 0, true, dropped, NULL);            /* dom0 gone: all */
	UNIT_CHECK(dropped_pages == 12 && mapped_total(&t) == 0);
	unit_end();
}

static void test_full(void)
{
	static struct map_ranges t;

	unit_begin("map_ranges_full_table");
	memset(&t, 0, sizeof(t));
	for (unsigned i = 0; i < MAP_RANGES_MAX; i++)
		UNIT_CHECK(map_ranges_add(&t, 1, i * 10, 3, W + P(i * 10)) == 0);
	UNIT_CHECK(map_ranges_full(&t));
	UNIT_CHECK(map_ranges_add(&t, 1, 9999, 1, W + P(9999)) == -ENOSPC);
	/* A hole needs a free entry; a head does not. */
	UNIT_CHECK(map_ranges_can_remove(&t, W + P(1), 1) == -ENOSPC);
	UNIT_CHECK(map_ranges_can_remove(&t, W, 1) == 0);
	unit_end();
}

int main(void)
{
	test_hole_head_tail();
	test_span_and_drop();
	test_drop();
	test_full();
	return unit_exit_code();
}
