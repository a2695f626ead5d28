/*
 * test_page_pool.h - the hypervisor's page allocator (hv/page_alloc.h,
 * hv/mm.h: phys_to_virt, page_alloc, page_free, ...) for host unit tests
 * of modules that take pages from it (nested page tables, the balloon):
 * the real buddy allocator (core/page_alloc.c, included before this) over
 * the fake physical arena of hv_test_util.h.
 *
 * The includer defines TEST_POOL_ARENA (bytes of fake physical memory)
 * first. test_pool_setup() gives every case a fresh arena and pool (the
 * first MiB left out, as on a PC); test_pool.free_frames is what the pool
 * holds. test_pool_fail_after(n) lets n more allocations succeed and fails
 * every one after that, until test_pool_fail_never(), for the out-of-memory
 * paths. A page freed or split that the pool did not hand out fails the
 * current case.
 */
#ifndef TEST_PAGE_POOL_H
#define TEST_PAGE_POOL_H

#include "hv_test_util.h"

#ifndef TEST_POOL_ARENA
#error "define TEST_POOL_ARENA before including test_page_pool.h"
#endif

static struct page_pool test_pool;
static uint8_t test_pool_frame_state[TEST_POOL_ARENA >> 12];
static bool test_pool_failing;          /* test_pool_fail_after() armed */
static unsigned test_pool_allocs_left;  /* before allocations fail */

static inline void test_pool_setup(void)
{
	test_phys_init(TEST_POOL_ARENA);
	page_pool_init(&test_pool, TEST_POOL_ARENA >> 12, test_pool_frame_state,
		       test_phys_to_virt);
	page_pool_add_range(&test_pool, 0x100000, TEST_POOL_ARENA);
	test_pool_failing = false;
}

static inline void test_pool_fail_after(unsigned n)
{
	test_pool_failing = true;
	test_pool_allocs_left = n;
}

static inline void test_pool_fail_never(void)
{
	test_pool_failing = false;
}

void *phys_to_virt(uint64_t pa)
{
	return test_phys_to_virt(pa);
}

uint64_t page_alloc(unsigned order)
{
	if (test_pool_failing) {
		if (test_pool_allocs_left == 0)
			return 0;
		test_pool_allocs_left--;
	}
	return page_pool_alloc(&test_pool, order);
}

uint64_t page_alloc_zeroed(unsigned order)
{
	uint64_t pa = page_alloc(order);

	if (pa)
		memset(phys_to_virt(pa), 0, 4096ull << order);
	return pa;
}

void page_free(uint64_t pa, unsigned order)
{
	if (page_pool_free(&test_pool, pa, order))
		unit_failf("page_free(%#llx, %u) of a block not allocated",
			   (unsigned long long)pa, order);
}

void page_split(uint64_t pa, unsigned order)
{
	if (page_pool_split(&test_pool, pa, order))
		unit_failf("page_split(%#llx, %u) of a block not allocated",
			   (unsigned long long)pa, order);
}

uint64_t page_free_count(void)
{
	return test_pool.free_frames;
}

#endif
