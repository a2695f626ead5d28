/*
 * test_memmap.c - host tests of the free-range arithmetic
 * (hypervisor/core/memmap.c): usable RAM minus non-usable map ranges minus
 * reserved ranges, page aligned. Worked examples first, then seeded random
 * maps checked against a page-by-page model.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/memmap.c"

#define MAXR 64

#define U BOOT_MEM_USABLE
#define R BOOT_MEM_RESERVED

/* The result of one memmap_free_ranges call, for comparison. */
struct result {
	int n;
	struct phys_range r[MAXR];
};

static struct result compute(const struct boot_mem_range *map, unsigned nr_map,
			     const struct phys_range *res, unsigned nr_res, unsigned max_out)
{
	struct result out;

	memset(&out, 0, sizeof(out));
	out.n = memmap_free_ranges(map, nr_map, res, nr_res, out.r, max_out);
	return out;
}

/* Checks the result against the expected ranges (want, n of them). */
static void expect(const struct result *got, const struct phys_range *want, int n)
{
	if (got->n != n) {
		unit_failf("%d ranges, expected %d", got->n, n);
		return;
	}
	for (int i = 0; i < n; i++)
		if (got->r[i].start != want[i].start || got->r[i].end != want[i].end)
			unit_failf("range %d is [0x%llx, 0x%llx), expected [0x%llx, 0x%llx)",
				   i, (unsigned long long)got->r[i].start,
				   (unsigned long long)got->r[i].end,
				   (unsigned long long)want[i].start,
				   (unsigned long long)want[i].end);
}

/* The free ranges of map minus res are exactly want[0..nwant). */
static void expect_free(const struct boot_mem_range *map, unsigned nmap,
			const struct phys_range *res, unsigned nres,
			const struct phys_range *want, int nwant)
{
	struct result got = compute(map, nmap, res, nres, MAXR);

	expect(&got, want, nwant);
}

static void test_aligned_inward(void)
{
	const struct boot_mem_range map[] = {
		{ 0x1001, 0x9fc00 - 0x1001, U },   /* both edges inside a page */
		{ 0x100000, 0x7ee0000, U },        /* aligned */
		{ 0x9000000, 0xfff, U },           /* less than a page */
		{ 0xa000800, 0x1000, U },          /* a page long, but straddling two */
	};
	const struct phys_range want[] = {
		{ 0x2000, 0x9f000 }, { 0x100000, 0x7fe0000 },
	};

	unit_begin("memmap_usable_aligned_inward");
	expect_free(map, ARRAY_SIZE(map), NULL, 0, want, ARRAY_SIZE(want));
	unit_end();
}

/* Non-usable ranges cut the usable ones, rounded outward to whole pages. */
static void test_non_usable_cuts(void)
{
	const struct boot_mem_range map[] = {
		{ 0, 0xa0000, U },
		{ 0x9fc00, 0x400, R },            /* EBDA inside the last usable page */
		{ 0x100000, 0xff00000, U },
		{ 0x400800, 0x100, BOOT_MEM_ACPI },  /* splits, page rounded */
		{ 0x800000, 0x1000, BOOT_MEM_NVS },
		{ 0xff00000, 0x200000, BOOT_MEM_BAD },  /* across the end */
		{ 0x8000000, 0x1000, 17 },       /* an unknown type is a hole too */
	};
	const struct phys_range want[] = {
		{ 0, 0x9f000 }, { 0x100000, 0x400000 }, { 0x401000, 0x800000 },
		{ 0x801000, 0x8000000 }, { 0x8001000, 0xff00000 },
	};

	unit_begin("memmap_non_usable_cuts");
	expect_free(map, ARRAY_SIZE(map), NULL, 0, want, ARRAY_SIZE(want));
	unit_end();
}

/*
 * Firmware maps may overlap: the non-usable type wins wherever the two
 * overlap, whichever comes first in the map.
 */
static void test_overlapping_map(void)
{
	const struct boot_mem_range map[] = {
		{ 0x200000, 0x100000, R },
		{ 0x100000, 0x400000, U },
		{ 0x180000, 0x100000, U },        /* usable overlapping usable */
		{ 0x480000, 0x100000, R },        /* straddles the usable end */
	};
	const struct phys_range want[] = {
		{ 0x100000, 0x200000 }, { 0x300000, 0x480000 },
	};

	unit_begin("memmap_overlapping_map");
	expect_free(map, ARRAY_SIZE(map), NULL, 0, want, ARRAY_SIZE(want));
	unit_end();
}

/* Output is sorted and adjacent or overlapping usable ranges merge. */
static void test_sorted_and_merged(void)
{
	const struct boot_mem_range map[] = {
		{ 0x700000, 0x100000, U },
		{ 0x100000, 0x100000, U },
		{ 0x200000, 0x100000, U },        /* adjacent to the previous */
		{ 0x500000, 0x180000, U },
		{ 0x600000, 0x180000, U },        /* overlapping the previous */
	};
	const struct phys_range want[] = {
		{ 0x100000, 0x300000 }, { 0x500000, 0x800000 },
	};

	unit_begin("memmap_sorted_and_merged");
	expect_free(map, ARRAY_SIZE(map), NULL, 0, want, ARRAY_SIZE(want));
	unit_end();
}

/* The caller's reserved ranges (image, modules) are cut, rounded outward. */
static void test_reserved_ranges(void)
{
	const struct boot_mem_range map[] = { { 0x100000, 0x3f00000, U } };
	const struct phys_range res[] = {
		{ 0x100000, 0x180123 },           /* image: end mid-page */
		{ 0x1000fff, 0x1002001 },          /* module: both edges mid-page */
		{ 0x3000000, 0x5000000 },          /* past the end of RAM */
		{ 0x2000000, 0x2000000 },          /* empty: cuts nothing */
		{ 0x50000, 0x60000 },              /* outside any RAM */
	};
	const struct phys_range want[] = {
		{ 0x181000, 0x1000000 }, { 0x1003000, 0x3000000 },
	};

	unit_begin("memmap_reserved_ranges");
	expect_free(map, ARRAY_SIZE(map), res, ARRAY_SIZE(res), want, ARRAY_SIZE(want));
	unit_end();
}

static void test_everything_reserved(void)
{
	const struct boot_mem_range map[] = {
		{ 0x100000, 0x100000, U }, { 0x100000, 0x100000, R },
	};
	const struct phys_range res[] = { { 0, 0x10000000 } };
	const struct boot_mem_range map2[] = { { 0x100000, 0x100000, U } };

	unit_begin("memmap_everything_reserved");
	UNIT_CHECK(compute(map, ARRAY_SIZE(map), NULL, 0, MAXR).n == 0);
	UNIT_CHECK(compute(map2, 1, res, 1, MAXR).n == 0);
	UNIT_CHECK(compute(NULL, 0, NULL, 0, MAXR).n == 0);
	unit_end();
}

/*
 * Ranges reaching the top of the address space: a hole whose rounded end
 * does not fit in 64 bits still removes everything above its start.
 */
static void test_top_of_address_space(void)
{
	const struct boot_mem_range map[] = {
		{ 0x100000, 0x100000, U }, { 0, UINT64_MAX, R },
	};
	const struct boot_mem_range map2[] = { { 0x100000, 0x100000, U } };
	const struct phys_range res[] = { { 0x180000, UINT64_MAX } };
	const struct boot_mem_range map3[] = {
		{ 0xfffffffffff00000ull, 0xff000, U },   /* ends below 2^64 */
	};
	const struct phys_range want2[] = { { 0x100000, 0x180000 } };
	const struct phys_range want3[] = { { 0xfffffffffff00000ull, 0xfffffffffffff000ull } };

	unit_begin("memmap_top_of_address_space");
	expect_free(map, ARRAY_SIZE(map), NULL, 0, NULL, 0);
	expect_free(map2, 1, res, 1, want2, 1);
	expect_free(map3, 1, NULL, 0, want3, 1);
	unit_end();
}

/* Too small an output array: -E2BIG, whether usable ranges or splits overflow it. */
static void test_e2big(void)
{
	const struct boot_mem_range map[] = {
		{ 0x100000, 0x100000, U }, { 0x300000, 0x100000, U },
		{ 0x500000, 0x100000, U },
	};
	const struct boot_mem_range one[] = { { 0x100000, 0x1000000, U } };
	const struct phys_range holes[] = {
		{ 0x200000, 0x201000 }, { 0x400000, 0x401000 },
	};

	unit_begin("memmap_e2big");
	UNIT_CHECK(compute(map, 3, NULL, 0, 2).n == -E2BIG);
	UNIT_CHECK(compute(map, 3, NULL, 0, 3).n == 3);
	UNIT_CHECK(compute(one, 1, holes, 2, 2).n == -E2BIG);   /* 3 pieces */
	UNIT_CHECK(compute(one, 1, holes, 2, 3).n == 3);
	UNIT_CHECK(compute(one, 1, NULL, 0, 0).n == -E2BIG);
	unit_end();
}

static void test_ram_end(void)
{
	const struct boot_mem_range map[] = {
		{ 0, 0x9fc00, U },
		{ 0x100000, 0x7f00000, U },
		{ 0x8000000, 0x20000, BOOT_MEM_ACPI },
		{ 0x8020000, 0x10000, BOOT_MEM_NVS },
		{ 0xfec00000, 0x1000, R },        /* MMIO: not RAM */
		{ 0xfd00000000ull, 0x300000000ull, BOOT_MEM_BAD },
	};

	unit_begin("memmap_ram_end");
	UNIT_CHECK(memmap_ram_end(map, ARRAY_SIZE(map)) == 0x8030000);
	UNIT_CHECK(memmap_ram_end(map, 2) == 0x8000000);
	UNIT_CHECK(memmap_ram_end(NULL, 0) == 0);
	unit_end();
}

/*
 * Random maps over a small address space, checked against a page-by-page
 * model: a page is free iff it lies wholly inside one usable range and
 * touches no non-usable or reserved range. Ranges start in the first
 * START_PAGES pages and are short enough to end inside the model.
 */
#define START_PAGES 256
#define MODEL_PAGES 512

static uint64_t random_addr(uint64_t *rng)
{
	/* Mostly page aligned, sometimes not: both kinds of edge occur. */
	uint64_t a = test_rand_below(rng, START_PAGES) * 4096;
	return test_rand_below(rng, 3) ? a : a + test_rand_below(rng, 4096);
}

static bool overlaps(uint64_t s, uint64_t e, uint64_t page)
{
	return s < page + 4096 && e > page;
}

static void model(const struct boot_mem_range *map, unsigned n,
		  const struct phys_range *res, unsigned nr, bool *free_page)
{
	for (uint64_t pg = 0; pg < MODEL_PAGES; pg++) {
		uint64_t a = pg * 4096;
		bool ok = false;
		for (unsigned i = 0; i < n; i++)
			if (map[i].type == U && map[i].base <= a &&
			    map[i].base + map[i].len >= a + 4096)
				ok = true;
		for (unsigned i = 0; i < n; i++)
			if (map[i].type != U && overlaps(map[i].base, map[i].base + map[i].len, a))
				ok = false;
		for (unsigned i = 0; i < nr; i++)
			if (overlaps(res[i].start, res[i].end, a))
				ok = false;
		free_page[pg] = ok;
	}
}

/* The output must be exactly the runs of free pages, sorted and maximal. */
static bool matches_model(const struct result *got, const bool *free_page)
{
	bool seen[MODEL_PAGES] = { false };

	for (int i = 0; i < got->n; i++) {
		const struct phys_range *r = &got->r[i];
		if (r->start % 4096 || r->end % 4096 || r->end <= r->start ||
		    r->end > MODEL_PAGES * 4096 ||
		    (i > 0 && r->start <= got->r[i - 1].end))
			return false;           /* unaligned, unsorted or unmerged */
		for (uint64_t a = r->start; a < r->end; a += 4096)
			seen[a / 4096] = true;
	}
	return memcmp(seen, free_page, sizeof(seen)) == 0;
}

static void test_random_against_model(void)
{
	unit_begin("memmap_random_against_model");
	for (uint64_t seed = 1; seed <= 2000 && !unit_state.failed; seed++) {
		uint64_t rng = seed;
		struct boot_mem_range map[12];
		struct phys_range res[6];
		bool free_page[MODEL_PAGES];
		unsigned n = 1 + (unsigned)test_rand_below(&rng, 12);
		unsigned nr = (unsigned)test_rand_below(&rng, 7);

		for (unsigned i = 0; i < n; i++) {
			map[i].base = random_addr(&rng);
			map[i].len = random_addr(&rng) / 4;
			map[i].type = test_rand_below(&rng, 3) ? U : 1 + (uint32_t)test_rand_below(&rng, 6);
		}
		for (unsigned i = 0; i < nr; i++) {
			res[i].start = random_addr(&rng);
			res[i].end = res[i].start + random_addr(&rng) / 8;
		}
		model(map, n, res, nr, free_page);
		struct result got = compute(map, n, res, nr, MAXR);
		if (got.n < 0 || !matches_model(&got, free_page))
			unit_failf("seed %llu: result differs from the page model (n=%d)",
				   (unsigned long long)seed, got.n);
	}
	unit_end();
}

int main(void)
{
	test_aligned_inward();
	test_non_usable_cuts();
	test_overlapping_map();
	test_sorted_and_merged();
	test_reserved_ranges();
	test_everything_reserved();
	test_top_of_address_space();
	test_e2big();
	test_ram_end();
	test_random_against_model();
	return unit_exit_code();
}
