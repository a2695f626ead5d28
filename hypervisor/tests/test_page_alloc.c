/*
 * test_page_alloc.c - host tests of the buddy allocator
 * (hypervisor/core/page_alloc.c).
 *
 * The pool writes its free-list links into the free pages themselves, so
 * every test gives it a malloc'd arena standing in for physical memory
 * (hv_test_util.h). Besides the results of each call, the tests check the
 * pool's internal invariants (check_pool) and that handed-out pages are
 * never written by the pool (fill_block/block_intact).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/page_alloc.c"

#define PAGE     4096ull
#define MIB      (1ull << 20)
#define NFRAMES  4096u                    /* 16 MiB of "physical memory" */

static uint8_t state[NFRAMES];

/* A pool over the arena with nothing added yet. */
static void pool_fresh(struct page_pool *p)
{
	test_phys_init(NFRAMES * PAGE);
	page_pool_init(p, NFRAMES, state, test_phys_to_virt);
}

/*
 * Checks the invariants page_alloc.c states: every free list is a proper
 * doubly-linked list of aligned blocks whose state bytes say "free head of
 * this order" followed by free tails; no two free buddies of one order
 * (they would have merged); counters agree with the lists and the states.
 * Returns false (and fails the case) at the first violation.
 */
static bool check_pool(const struct page_pool *p)
{
	uint64_t frames = 0, used = 0;

	for (unsigned k = 0; k <= PAGE_ORDER_MAX; k++) {
		uint64_t n = 0, prev = PAGE_NIL;
		for (uint64_t pfn = p->free_head[k]; pfn != PAGE_NIL; n++) {
			const struct free_link *l = test_phys_to_virt(pfn * PAGE);
			if (n > p->nr_frames || pfn >= p->nr_frames ||
			    (pfn & ((1ull << k) - 1)) || l->prev != prev ||
			    p->state[pfn] != (STATE_FREE_HEAD | k)) {
				unit_failf("order %u list broken at pfn %llu", k,
					   (unsigned long long)pfn);
				return false;
			}
			for (uint64_t i = 1; i < (1ull << k); i++)
				if (p->state[pfn + i] != STATE_FREE_TAIL) {
					unit_failf("pfn %llu: bad free tail",
						   (unsigned long long)(pfn + i));
					return false;
				}
			uint64_t buddy = pfn ^ (1ull << k);
			if (k < PAGE_ORDER_MAX && buddy < p->nr_frames &&
			    p->state[buddy] == (STATE_FREE_HEAD | k)) {
				unit_failf("free buddies %llu and %llu not merged (order %u)",
					   (unsigned long long)pfn,
					   (unsigned long long)buddy, k);
				return false;
			}
			frames += 1ull << k;
			prev = pfn;
			pfn = l->next;
		}
		if (n != p->nr_free_blocks[k]) {
			unit_failf("nr_free_blocks[%u] = %llu, list has %llu", k,
				   (unsigned long long)p->nr_free_blocks[k],
				   (unsigned long long)n);
			return false;
		}
	}
	for (uint64_t pfn = 0; pfn < p->nr_frames; pfn++)
		used += (p->state[pfn] & (STATE_USED_HEAD | STATE_USED_TAIL)) != 0;
	if (frames != p->free_frames || frames + used != p->managed_frames) {
		unit_failf("counters: free %llu (lists %llu), used %llu, managed %llu",
			   (unsigned long long)p->free_frames,
			   (unsigned long long)frames, (unsigned long long)used,
			   (unsigned long long)p->managed_frames);
		return false;
	}
	return true;
}

/* Writes a pattern derived from the address over a handed-out block. */
static void fill_block(uint64_t pa, unsigned order)
{
	uint64_t *w = test_phys_to_virt(pa);
	for (uint64_t i = 0; i < (PAGE << order) / 8; i++)
		w[i] = pa ^ (i * 0x9e3779b97f4a7c15ull);
}

/* True if the pattern of fill_block is intact (the pool left it alone). */
static bool block_intact(uint64_t pa, unsigned order)
{
	const uint64_t *w = test_phys_to_virt(pa);
	for (uint64_t i = 0; i < (PAGE << order) / 8; i++)
		if (w[i] != (pa ^ (i * 0x9e3779b97f4a7c15ull)))
			return false;
	return true;
}

static void test_empty_pool(void)
{
	struct page_pool p;

	unit_begin("page_alloc_empty_pool");
	pool_fresh(&p);
	for (unsigned k = 0; k <= PAGE_ORDER_MAX; k++)
		UNIT_CHECK(page_pool_alloc(&p, k) == 0);
	UNIT_CHECK(p.managed_frames == 0 && p.free_frames == 0);
	UNIT_CHECK(!page_pool_is_allocated(&p, 0x1000));
	UNIT_CHECK(page_pool_free(&p, 0x1000, 0) == -EINVAL);
	check_pool(&p);
	unit_end();
}

/* An aligned range becomes whole 2 MiB blocks; orders above the maximum fail. */
static void test_add_aligned(void)
{
	struct page_pool p;

	unit_begin("page_alloc_add_aligned");
	pool_fresh(&p);
	UNIT_CHECK(page_pool_add_range(&p, 2 * MIB, 10 * MIB) == 2048);
	UNIT_CHECK(p.nr_free_blocks[PAGE_ORDER_MAX] == 4);
	UNIT_CHECK(p.free_frames == 2048 && p.managed_frames == 2048);
	UNIT_CHECK(page_pool_alloc(&p, PAGE_ORDER_MAX + 1) == 0);
	UNIT_CHECK(page_pool_alloc(&p, 100) == 0);
	check_pool(&p);
	unit_end();
}

/*
 * Exhaustion at every order: a pool of N managed frames gives exactly
 * N >> order blocks of each order (the range is 2 MiB aligned), all
 * aligned, distinct and inside the range; then nothing; freeing them all
 * restores the maximal blocks.
 */
static void exhaust_order(unsigned order)
{
	static uint64_t got[NFRAMES];
	struct page_pool p;
	uint64_t n = 0, pa;

	pool_fresh(&p);
	page_pool_add_range(&p, 2 * MIB, 14 * MIB);
	while ((pa = page_pool_alloc(&p, order)) != 0) {
		if (pa < 2 * MIB || pa + (PAGE << order) > 14 * MIB ||
		    pa % (PAGE << order) != 0) {
			unit_failf("order %u: block 0x%llx out of range or misaligned",
				   order, (unsigned long long)pa);
			return;
		}
		fill_block(pa, order);
		got[n++] = pa;
	}
	if (n << order != p.managed_frames)
		unit_failf("order %u: %llu blocks for %llu frames", order,
			   (unsigned long long)n, (unsigned long long)p.managed_frames);
	UNIT_CHECK(p.free_frames == 0);
	for (unsigned k = 0; k <= PAGE_ORDER_MAX; k++)
		UNIT_CHECK(page_pool_alloc(&p, k) == 0);
	check_pool(&p);
	/* Every block still holds its own pattern: no two blocks overlap. */
	for (uint64_t i = 0; i < n; i++)
		UNIT_CHECK(block_intact(got[i], order));
	for (uint64_t i = 0; i < n; i++)
		UNIT_CHECK(page_pool_free(&p, got[i], order) == 0);
	UNIT_CHECK(p.nr_free_blocks[PAGE_ORDER_MAX] == 6);
	UNIT_CHECK(p.free_frames == p.managed_frames);
	check_pool(&p);
}

static void test_exhaustion_each_order(void)
{
	unit_begin("page_alloc_exhaustion_each_order");
	for (unsigned k = 0; k <= PAGE_ORDER_MAX; k++)
		exhaust_order(k);
	unit_end();
}

/*
 * Exhaustion of an unaligned range: order-0 allocations drain exactly the
 * managed frames, whatever mix of block sizes the range was cut into.
 */
static void test_exhaustion_unaligned(void)
{
	struct page_pool p;
	uint64_t n = 0, added;

	unit_begin("page_alloc_exhaustion_unaligned");
	pool_fresh(&p);
	added = page_pool_add_range(&p, 0x3000, 0x5ff000);
	UNIT_CHECK(added == 0x5fc);
	UNIT_CHECK(p.managed_frames == added);
	check_pool(&p);
	while (page_pool_alloc(&p, 0))
		n++;
	UNIT_CHECK(n == added);
	UNIT_CHECK(p.free_frames == 0);
	check_pool(&p);
	unit_end();
}

/*
 * Fragmentation: with every other page allocated, no order-1 block exists
 * although half the memory is free; freeing the rest merges everything
 * back into maximal blocks.
 */
static void test_fragmentation(void)
{
	static uint64_t pages[2048];
	struct page_pool p;
	unsigned n = 0;

	unit_begin("page_alloc_fragmentation");
	pool_fresh(&p);
	page_pool_add_range(&p, 4 * MIB, 12 * MIB);
	for (uint64_t pa; (pa = page_pool_alloc(&p, 0)) != 0;)
		pages[n++] = pa;
	UNIT_CHECK(n == 2048);
	for (unsigned i = 0; i < n; i++)
		if ((pages[i] / PAGE) % 2 == 0)
			UNIT_CHECK(page_pool_free(&p, pages[i], 0) == 0);
	UNIT_CHECK(p.free_frames == 1024);
	UNIT_CHECK(p.nr_free_blocks[0] == 1024);
	for (unsigned k = 1; k <= PAGE_ORDER_MAX; k++)
		UNIT_CHECK(page_pool_alloc(&p, k) == 0);
	check_pool(&p);
	for (unsigned i = 0; i < n; i++)
		if ((pages[i] / PAGE) % 2 == 1)
			UNIT_CHECK(page_pool_free(&p, pages[i], 0) == 0);
	UNIT_CHECK(p.nr_free_blocks[PAGE_ORDER_MAX] == 4);
	for (unsigned k = 0; k < PAGE_ORDER_MAX; k++)
		UNIT_CHECK(p.nr_free_blocks[k] == 0);
	check_pool(&p);
	unit_end();
}

/* A copy of everything the pool owns, to prove a rejected call changed nothing. */
struct pool_snapshot {
	struct page_pool pool;
	uint8_t state[NFRAMES];
};

static void snapshot(const struct page_pool *p, struct pool_snapshot *s)
{
	s->pool = *p;
	memcpy(s->state, p->state, NFRAMES);
}

static bool unchanged(const struct page_pool *p, const struct pool_snapshot *s)
{
	return memcmp(&s->pool, p, sizeof(*p)) == 0 &&
	       memcmp(s->state, p->state, NFRAMES) == 0;
}

/* Frees that must be refused: each returns -EINVAL and changes nothing. */
static void test_bad_frees(void)
{
	static struct pool_snapshot snap;
	struct page_pool p;

	unit_begin("page_alloc_bad_frees");
	pool_fresh(&p);
	page_pool_add_range(&p, 2 * MIB, 6 * MIB);
	uint64_t b2 = page_pool_alloc(&p, 2);       /* 4 pages */
	uint64_t b0 = page_pool_alloc(&p, 0);
	uint64_t gone = page_pool_alloc(&p, 0);
	UNIT_CHECK(b2 && b0 && gone);
	UNIT_CHECK(page_pool_free(&p, gone, 0) == 0);
	snapshot(&p, &snap);
	const struct { uint64_t pa; unsigned order; const char *what; } bad[] = {
		{ gone, 0, "double free" },
		{ b2, 1, "smaller order" },
		{ b2, 3, "larger order" },
		{ b0, 1, "order-0 block freed as order 1" },
		{ b2 + PAGE, 0, "tail page of a block" },
		{ b2 + 2 * PAGE, 1, "aligned tail half" },
		{ b2 + 8, 2, "not page aligned" },
		{ b0 + 1, 0, "odd address" },
		{ 5 * MIB, 0, "free page never allocated" },
		{ 5 * MIB, PAGE_ORDER_MAX, "free block never allocated" },
		{ 0, 0, "frame 0" },
		{ 1 * MIB, 0, "reserved frame" },
		{ NFRAMES * PAGE, 0, "past the pool" },
		{ UINT64_MAX & ~(PAGE - 1), 0, "top of the address space" },
		{ b2, PAGE_ORDER_MAX + 1, "order above the maximum" },
		{ b2, 64, "absurd order" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = page_pool_free(&p, bad[i].pa, bad[i].order);
		if (r != -EINVAL || !unchanged(&p, &snap))
			unit_failf("%s (0x%llx, order %u): returned %d%s", bad[i].what,
				   (unsigned long long)bad[i].pa, bad[i].order, r,
				   unchanged(&p, &snap) ? "" : ", pool changed");
	}
	/* The legitimate frees still work afterwards. */
	UNIT_CHECK(page_pool_free(&p, b2, 2) == 0);
	UNIT_CHECK(page_pool_free(&p, b0, 0) == 0);
	UNIT_CHECK(p.nr_free_blocks[PAGE_ORDER_MAX] == 2);
	check_pool(&p);
	unit_end();
}

/* A 2 MiB block split into pages: each is freed alone, in any order, and
 * the block merges back whole; bad splits change nothing. */
static void test_split(void)
{
	struct page_pool p;

	unit_begin("page_alloc_split");
	pool_fresh(&p);
	page_pool_add_range(&p, 2 * MIB, 6 * MIB);
	uint64_t big = page_pool_alloc(&p, PAGE_ORDER_MAX);
	uint64_t small = page_pool_alloc(&p, 0);
	uint64_t before = p.free_frames;
	UNIT_CHECK(big && small);
	UNIT_CHECK(page_pool_split(&p, big + PAGE, PAGE_ORDER_MAX) == -EINVAL);
	UNIT_CHECK(page_pool_split(&p, big, 3) == -EINVAL);
	UNIT_CHECK(page_pool_split(&p, small, PAGE_ORDER_MAX) == -EINVAL);
	UNIT_CHECK(page_pool_split(&p, big, PAGE_ORDER_MAX) == 0);
	UNIT_CHECK(p.free_frames == before);
	UNIT_CHECK(page_pool_free(&p, big, PAGE_ORDER_MAX) == -EINVAL);  /* now pages */
	UNIT_CHECK(page_pool_free(&p, big + 7 * PAGE, 0) == 0);
	UNIT_CHECK(page_pool_free(&p, big + 7 * PAGE, 0) == -EINVAL);    /* double */
	UNIT_CHECK(p.free_frames == before + 1);
	for (uint64_t i = 511; i < 512; i--)
		if (i != 7 && page_pool_free(&p, big + i * PAGE, 0) != 0)
			unit_failf("page %llu of the split block", (unsigned long long)i);
	UNIT_CHECK(p.free_frames == before + 512);
	UNIT_CHECK(page_pool_free(&p, small, 0) == 0);
	UNIT_CHECK(p.nr_free_blocks[PAGE_ORDER_MAX] == 2);
	check_pool(&p);
	unit_end();
}

static void test_is_allocated(void)
{
	struct page_pool p;

	unit_begin("page_alloc_is_allocated");
	pool_fresh(&p);
	page_pool_add_range(&p, 2 * MIB, 4 * MIB);
	uint64_t b = page_pool_alloc(&p, 3);
	UNIT_CHECK(b != 0);
	for (uint64_t i = 0; i < 8; i++)
		UNIT_CHECK(page_pool_is_allocated(&p, b + i * PAGE + 123));
	UNIT_CHECK(!page_pool_is_allocated(&p, b + 8 * PAGE));
	UNIT_CHECK(!page_pool_is_allocated(&p, 1 * MIB));          /* reserved */
	UNIT_CHECK(!page_pool_is_allocated(&p, 64 * MIB));         /* past the pool */
	UNIT_CHECK(page_pool_free(&p, b, 3) == 0);
	UNIT_CHECK(!page_pool_is_allocated(&p, b));
	unit_end();
}

/*
 * Reserved holes between added ranges are never handed out, and neither
 * is frame 0 even when a range starts at address 0.
 */
static void test_reserved_never_handed_out(void)
{
	struct page_pool p;
	uint64_t n = 0, pa;

	unit_begin("page_alloc_reserved_never_handed_out");
	pool_fresh(&p);
	UNIT_CHECK(page_pool_add_range(&p, 0, 0x9f000) == 0x9e);     /* frame 0 out */
	UNIT_CHECK(page_pool_add_range(&p, 1 * MIB, 3 * MIB + 0x5000) == 0x205);
	UNIT_CHECK(page_pool_add_range(&p, 8 * MIB, 9 * MIB) == 0x100);
	for (unsigned k = PAGE_ORDER_MAX + 1; k-- > 0;) {
		while ((pa = page_pool_alloc(&p, k)) != 0) {
			uint64_t end = pa + (PAGE << k);
			bool inside = (pa >= PAGE && end <= 0x9f000) ||
				      (pa >= 1 * MIB && end <= 3 * MIB + 0x5000) ||
				      (pa >= 8 * MIB && end <= 9 * MIB);
			if (!inside)
				unit_failf("order %u block 0x%llx overlaps a reserved frame",
					   k, (unsigned long long)pa);
			n += 1ull << k;
		}
	}
	UNIT_CHECK(n == 0x9e + 0x205 + 0x100);
	check_pool(&p);
	unit_end();
}

/* Frame 0 on its own is never added; frame 1 is, and is what comes out. */
static void test_frame_zero(void)
{
	struct page_pool p;

	unit_begin("page_alloc_frame_zero");
	pool_fresh(&p);
	UNIT_CHECK(page_pool_add_range(&p, 0, PAGE) == 0);
	UNIT_CHECK(page_pool_alloc(&p, 0) == 0);
	UNIT_CHECK(page_pool_add_range(&p, 0, 2 * PAGE) == 1);
	UNIT_CHECK(page_pool_alloc(&p, 0) == PAGE);
	UNIT_CHECK(page_pool_alloc(&p, 0) == 0);
	unit_end();
}

/* Only whole pages inside [start, end) are added; end is clamped to the pool. */
static void test_add_unaligned_bounds(void)
{
	struct page_pool p;

	unit_begin("page_alloc_add_unaligned_bounds");
	pool_fresh(&p);
	UNIT_CHECK(page_pool_add_range(&p, 0x10001, 0x10fff) == 0);    /* inside one page */
	UNIT_CHECK(page_pool_add_range(&p, 0x20000, 0x20000) == 0);    /* empty */
	UNIT_CHECK(page_pool_add_range(&p, 0x30000, 0x20000) == 0);    /* inverted */
	UNIT_CHECK(page_pool_add_range(&p, 0x40001, 0x45fff) == 4);    /* 0x41..0x44 */
	UNIT_CHECK(!page_pool_is_allocated(&p, 0x40000));
	UNIT_CHECK(page_pool_add_range(&p, 15 * MIB, 64 * MIB) == 256); /* clamped */
	UNIT_CHECK(page_pool_add_range(&p, UINT64_MAX - 0xffe, UINT64_MAX) == 0);
	UNIT_CHECK(p.managed_frames == 260);
	check_pool(&p);
	/* Exactly frames 0x41..0x44 came from the unaligned range. */
	uint64_t lo = 0, pa;
	while ((pa = page_pool_alloc(&p, 0)) != 0)
		if (pa < 15 * MIB) {
			UNIT_CHECK(pa >= 0x41000 && pa <= 0x44000);
			lo++;
		}
	UNIT_CHECK(lo == 4);
	unit_end();
}

/*
 * Re-adding a range that overlaps managed frames adds only the frames not
 * yet managed: free frames are not listed twice, allocated frames stay
 * allocated, and reserved neighbours inside the same aligned block as a
 * managed frame are still added.
 */
static void test_add_overlapping(void)
{
	struct page_pool p;

	unit_begin("page_alloc_add_overlapping");
	pool_fresh(&p);
	UNIT_CHECK(page_pool_add_range(&p, 2 * MIB, 4 * MIB) == 512);
	UNIT_CHECK(page_pool_add_range(&p, 2 * MIB, 4 * MIB) == 0);
	uint64_t b = page_pool_alloc(&p, 0);
	UNIT_CHECK(page_pool_add_range(&p, 3 * MIB, 5 * MIB) == 256);
	UNIT_CHECK(page_pool_is_allocated(&p, b));
	UNIT_CHECK(p.managed_frames == 768);
	check_pool(&p);
	/* One managed frame at 0x5000: the rest of [0, 2 MiB) is still added. */
	UNIT_CHECK(page_pool_add_range(&p, 0x5000, 0x6000) == 1);
	UNIT_CHECK(page_pool_add_range(&p, 0, 2 * MIB) == 510);
	UNIT_CHECK(p.managed_frames == 768 + 511);
	check_pool(&p);
	UNIT_CHECK(page_pool_free(&p, b, 0) == 0);
	uint64_t n = 0;
	while (page_pool_alloc(&p, 0))
		n++;
	UNIT_CHECK(n == 768 + 511);
	unit_end();
}

/*
 * The shadow model of the randomized test: what each frame should be,
 * and the blocks currently handed out.
 */
enum { SH_RESERVED, SH_FREE, SH_USED };

struct shadow {
	uint8_t frame[NFRAMES];
	uint64_t live_pa[NFRAMES];
	unsigned live_order[NFRAMES];
	unsigned nr_live;
	uint64_t nr_free;
};

static void shadow_add(struct shadow *sh, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = (start + PAGE - 1) / PAGE; pfn < end / PAGE && pfn < NFRAMES; pfn++)
		if (pfn != 0 && sh->frame[pfn] == SH_RESERVED) {
			sh->frame[pfn] = SH_FREE;
			sh->nr_free++;
		}
}

/* Checks one allocation against the model and records it. */
static bool shadow_alloc(struct shadow *sh, uint64_t pa, unsigned order)
{
	uint64_t pfn = pa / PAGE, n = 1ull << order;

	if (pa == 0) {
		/* Refusing is right only when no aligned free run of n frames exists. */
		for (uint64_t s = 0; s + n <= NFRAMES; s += n) {
			uint64_t i = 0;
			while (i < n && sh->frame[s + i] == SH_FREE)
				i++;
			if (i == n) {
				unit_failf("order %u refused but pfn %llu is free", order,
					   (unsigned long long)s);
				return false;
			}
		}
		return true;
	}
	if (pa % (PAGE << order) || pfn + n > NFRAMES) {
		unit_failf("order %u block 0x%llx misaligned", order, (unsigned long long)pa);
		return false;
	}
	for (uint64_t i = 0; i < n; i++)
		if (sh->frame[pfn + i] != SH_FREE) {
			unit_failf("order %u block 0x%llx: frame %llu was not free", order,
				   (unsigned long long)pa, (unsigned long long)(pfn + i));
			return false;
		}
	for (uint64_t i = 0; i < n; i++)
		sh->frame[pfn + i] = SH_USED;
	sh->nr_free -= n;
	sh->live_pa[sh->nr_live] = pa;
	sh->live_order[sh->nr_live++] = order;
	return true;
}

static void shadow_free(struct shadow *sh, unsigned idx)
{
	uint64_t pfn = sh->live_pa[idx] / PAGE, n = 1ull << sh->live_order[idx];

	for (uint64_t i = 0; i < n; i++)
		sh->frame[pfn + i] = SH_FREE;
	sh->nr_free += n;
	sh->nr_live--;
	sh->live_pa[idx] = sh->live_pa[sh->nr_live];
	sh->live_order[idx] = sh->live_order[sh->nr_live];
}

/* Small orders are common in real use; large ones stress splitting. */
static unsigned random_order(uint64_t *rng)
{
	uint64_t r = test_rand_below(rng, 100);
	return r < 60 ? 0 : r < 80 ? (unsigned)test_rand_below(rng, 3) + 1 :
	       (unsigned)test_rand_below(rng, PAGE_ORDER_MAX + 1);
}

/* One random step: alloc, free, a bad free or a range add. */
static bool random_step(struct page_pool *p, struct shadow *sh, uint64_t *rng)
{
	uint64_t r = test_rand_below(rng, 100);

	if (r < 50) {
		unsigned order = random_order(rng);
		uint64_t pa = page_pool_alloc(p, order);
		if (!shadow_alloc(sh, pa, order))
			return false;
		if (pa)
			fill_block(pa, order);
	} else if (r < 92 && sh->nr_live) {
		unsigned i = (unsigned)test_rand_below(rng, sh->nr_live);
		uint64_t pa = sh->live_pa[i];
		unsigned order = sh->live_order[i];
		if (!block_intact(pa, order) || page_pool_free(p, pa, order) != 0) {
			unit_failf("block 0x%llx order %u: overwritten or not freed",
				   (unsigned long long)pa, order);
			return false;
		}
		shadow_free(sh, i);
	} else if (r < 98 && sh->nr_live) {
		unsigned i = (unsigned)test_rand_below(rng, sh->nr_live);
		unsigned order = sh->live_order[i];
		unsigned wrong = order == 0 ? 1 : order - 1;
		if (page_pool_free(p, sh->live_pa[i], wrong) != -EINVAL) {
			unit_failf("wrong-order free of 0x%llx accepted",
				   (unsigned long long)sh->live_pa[i]);
			return false;
		}
	} else {
		uint64_t start = test_rand_below(rng, NFRAMES * PAGE);
		uint64_t end = start + test_rand_below(rng, 64 * PAGE);
		uint64_t before = sh->nr_free;
		shadow_add(sh, start, end);
		if (page_pool_add_range(p, start, end) != sh->nr_free - before) {
			unit_failf("add_range(0x%llx, 0x%llx): wrong count",
				   (unsigned long long)start, (unsigned long long)end);
			return false;
		}
	}
	if (p->free_frames != sh->nr_free) {
		unit_failf("free_frames %llu, model %llu", (unsigned long long)p->free_frames,
			   (unsigned long long)sh->nr_free);
		return false;
	}
	return true;
}

static bool random_run(uint64_t seed, unsigned steps)
{
	static struct shadow sh;
	struct page_pool p;
	uint64_t rng = seed;

	memset(&sh, 0, sizeof(sh));
	pool_fresh(&p);
	/* Start with a few irregular ranges, as a firmware map would give. */
	for (int i = 0; i < 4; i++) {
		uint64_t start = test_rand_below(&rng, NFRAMES * PAGE);
		uint64_t end = start + test_rand_below(&rng, 6 * MIB);
		shadow_add(&sh, start, end);
		page_pool_add_range(&p, start, end);
	}
	for (unsigned s = 0; s < steps; s++) {
		if (!random_step(&p, &sh, &rng) || (s % 64 == 0 && !check_pool(&p))) {
			snprintf(unit_state.why + strlen(unit_state.why),
				 sizeof unit_state.why - strlen(unit_state.why),
				 " (seed %llu, step %u)", (unsigned long long)seed, s);
			return false;
		}
	}
	return check_pool(&p);
}

static void test_random_against_model(void)
{
	unit_begin("page_alloc_random_against_model");
	for (uint64_t seed = 1; seed <= 40; seed++)
		if (!random_run(seed, 3000)) {
			printf("# page_alloc random run failed with seed %llu\n",
			       (unsigned long long)seed);
			break;
		}
	unit_end();
}

int main(void)
{
	test_empty_pool();
	test_add_aligned();
	test_exhaustion_each_order();
	test_exhaustion_unaligned();
	test_fragmentation();
	test_bad_frees();
	test_split();
	test_is_allocated();
	test_reserved_never_handed_out();
	test_frame_zero();
	test_add_unaligned_bounds();
	test_add_overlapping();
	test_random_against_model();
	test_phys_fini();
	return unit_exit_code();
}
