/*
 * test_npt.c - host tests of the nested page table builder (arch/x86/npt.c
 * over pagetable.c), with the real buddy allocator on a fake physical
 * memory arena standing in for the hypervisor's page pool
 * (test_page_pool.h).
 */
#include "hv_test_util.h"
#include "../core/page_alloc.c"
#include "../arch/x86/pagetable.c"
#include "../arch/x86/npt.c"

#define TEST_POOL_ARENA (64ull << 20)
#include "test_page_pool.h"

struct leaf_census {
	uint64_t large, small, not_owned, bad_flags;
	uint64_t last_va;
	bool ordered;
};

static void census(void *ctx, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	struct leaf_census *c = ctx;

	(void)pa;
	if (size == 0x200000)
		c->large++;
	else
		c->small++;
	if (!(flags & PTE_OWNED))
		c->not_owned++;
	if ((flags & (PTE_P | PTE_RW | PTE_US)) != (PTE_P | PTE_RW | PTE_US))
		c->bad_flags++;
	if (va < c->last_va)
		c->ordered = false;
	c->last_va = va;
}

static struct leaf_census count_leaves(struct npt *n)
{
	struct leaf_census c = { .ordered = true };
	struct pt_ops ops = ops_for(n);

	pt_for_each_leaf(&ops, n->root_pa, census, &c);
	return c;
}

static void test_aligned_ram_uses_large_pages(void)
{
	struct npt n;

	unit_begin("npt_aligned_ram_uses_2m_pages");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	UNIT_CHECK(npt_create(&n) == 0);
	UNIT_CHECK(npt_populate(&n, 0, 16ull << 20) == 0);
	struct leaf_census c = count_leaves(&n);
	UNIT_CHECK(c.large == 8 && c.small == 0);
	UNIT_CHECK(c.not_owned == 0 && c.bad_flags == 0 && c.ordered);
	UNIT_CHECK(n.owned_pages == (16ull << 20) >> 12);
	/* Memory is zeroed and each guest page has its own host page. */
	uint64_t prev = NPT_NONE;
	for (uint64_t gpa = 0; gpa < (16ull << 20); gpa += 4096) {
		uint64_t hpa = npt_translate(&n, gpa + 123);
		UNIT_CHECK(hpa != NPT_NONE && (hpa & 0xfff) == 123);
		UNIT_CHECK(hpa != prev);
		UNIT_CHECK(*(uint8_t *)phys_to_virt(hpa) == 0);
		prev = hpa;
	}
	UNIT_CHECK(npt_translate(&n, 16ull << 20) == NPT_NONE);
	UNIT_CHECK(npt_translate(&n, 0xfee00000) == NPT_NONE);
	uint64_t in_use = before - test_pool.free_frames;
	uint64_t freed = npt_destroy(&n);
	UNIT_CHECK(test_pool.free_frames == before);
	UNIT_CHECK(freed == in_use);
	UNIT_CHECK(n.owned_pages == 0 && n.table_pages == 0);
	unit_end();
}

static void test_unaligned_ram_uses_small_pages(void)
{
	struct npt n;

	unit_begin("npt_unaligned_range_uses_4k_pages");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	UNIT_CHECK(npt_create(&n) == 0);
	/* 4 KiB at 0x1000 .. 2 MiB boundary, then one 2 MiB page, then 12 KiB. */
	UNIT_CHECK(npt_populate(&n, 0x1000, 0x200000 - 0x1000 + 0x200000 + 0x3000) == 0);
	struct leaf_census c = count_leaves(&n);
	UNIT_CHECK(c.large == 1);
	UNIT_CHECK(c.small == 511 + 3);
	UNIT_CHECK(npt_translate(&n, 0) == NPT_NONE);
	UNIT_CHECK(npt_translate(&n, 0x1000) != NPT_NONE);
	UNIT_CHECK(npt_translate(&n, 0x403000) == NPT_NONE);
	npt_destroy(&n);
	UNIT_CHECK(test_pool.free_frames == before);
	unit_end();
}

static void test_misaligned_rejected(void)
{
	struct npt n;

	unit_begin("npt_misaligned_rejected");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	UNIT_CHECK(npt_create(&n) == 0);
	UNIT_CHECK(npt_populate(&n, 0x800, 0x1000) == -EINVAL);
	UNIT_CHECK(npt_populate(&n, 0, 0x1800) == -EINVAL);
	UNIT_CHECK(npt_populate(&n, UINT64_MAX - 0xfff, 0x2000) == -EINVAL);
	UNIT_CHECK(n.owned_pages == 0);
	npt_destroy(&n);
	UNIT_CHECK(test_pool.free_frames == before);
	unit_end();
}

/* With no whole 2 MiB block free, RAM is built from 4 KiB pages. */
static void test_fragmented_pool_falls_back(void)
{
	struct npt n;
	static uint64_t held[TEST_POOL_ARENA >> 12];
	unsigned nheld = 0;

	unit_begin("npt_fragmented_pool_falls_back_to_4k");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	/* Take every page, give back every other one: no order >= 1 left. */
	uint64_t pa;
	while ((pa = page_pool_alloc(&test_pool, 0)))
		held[nheld++] = pa;
	for (unsigned i = 0; i < nheld; i += 2)
		page_pool_free(&test_pool, held[i], 0);
	UNIT_CHECK(npt_create(&n) == 0);
	UNIT_CHECK(npt_populate(&n, 0, 4ull << 20) == 0);
	struct leaf_census c = count_leaves(&n);
	UNIT_CHECK(c.large == 0 && c.small == 1024);
	npt_destroy(&n);
	for (unsigned i = 1; i < nheld; i += 2)
		page_pool_free(&test_pool, held[i], 0);
	UNIT_CHECK(test_pool.free_frames == before);
	unit_end();
}

/* Out of memory half-way: the error comes back, and destroy still frees
 * everything that was mapped. */
static void test_out_of_memory_then_destroy(void)
{
	struct npt n;

	unit_begin("npt_out_of_memory_then_destroy_frees_all");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	UNIT_CHECK(npt_create(&n) == 0);
	test_pool_fail_after(7);
	UNIT_CHECK(npt_populate(&n, 0, 32ull << 20) == -ENOMEM);
	test_pool_fail_never();
	UNIT_CHECK(n.owned_pages > 0 && n.owned_pages < (32ull << 20) >> 12);
	npt_destroy(&n);
	UNIT_CHECK(test_pool.free_frames == before);
	unit_end();
}

/* Two domains never share a host page. */
static void test_two_domains_disjoint(void)
{
	struct npt a, b;

	unit_begin("npt_two_domains_disjoint");
	test_pool_setup();
	UNIT_CHECK(npt_create(&a) == 0 && npt_create(&b) == 0);
	UNIT_CHECK(npt_populate(&a, 0, 8ull << 20) == 0);
	UNIT_CHECK(npt_populate(&b, 0, 8ull << 20) == 0);
	for (uint64_t g = 0; g < (8ull << 20); g += 4096) {
		uint64_t ha = npt_translate(&a, g);
		for (uint64_t h = 0; h < (8ull << 20); h += 0x200000)
			UNIT_CHECK(ha < npt_translate(&b, h) ||
				   ha >= npt_translate(&b, h) + 0x200000);
	}
	npt_destroy(&a);
	npt_destroy(&b);
	unit_end();
}

/* The balloon's single-page operations: a page inside a 2 MiB mapping
 * is taken out (the mapping split, its neighbours unchanged), freed,
 * mapped back fresh and zeroed; destroy then frees exactly the rest. */
static void test_balloon_unmap_map(void)
{
	struct npt n;
	uint64_t hpa, hpa2, next_before;

	unit_begin("npt_balloon_unmap_and_map_page");
	test_pool_setup();
	uint64_t before = test_pool.free_frames;
	UNIT_CHECK(npt_create(&n) == 0);
	UNIT_CHECK(npt_populate(&n, 0, 4ull << 20) == 0);
	UNIT_CHECK(count_leaves(&n).large == 2);
	next_before = npt_translate(&n, 0x202000);
	memset(phys_to_virt(npt_translate(&n, 0x201000)), 0xab, 4096);
	UNIT_CHECK(npt_unmap_page(&n, 0x201000, &hpa) == 0);
	UNIT_CHECK(npt_translate(&n, 0x201000) == NPT_NONE);
	UNIT_CHECK(npt_translate(&n, 0x202000) == next_before);
	UNIT_CHECK(n.owned_pages == 1023);
	struct leaf_census c = count_leaves(&n);
	UNIT_CHECK(c.large == 1 && c.small == 511 && c.not_owned == 0);
	UNIT_CHECK(npt_unmap_page(&n, 0x201000, &hpa2) == -ENOENT);
	UNIT_CHECK(npt_unmap_page(&n, 0x800000, &hpa2) == -ENOENT);
	uint64_t free_mid = test_pool.free_frames;
	page_free(hpa, 0);                       /* one page of the 2 MiB block */
	UNIT_CHECK(test_pool.free_frames == free_mid + 1);
	UNIT_CHECK(npt_map_page(&n, 0x201000) == 0);
	UNIT_CHECK(npt_map_page(&n, 0x201000) == -EEXIST);
	uint8_t *p = phys_to_virt(npt_translate(&n, 0x201000));
	UNIT_CHECK(p[0] == 0 && p[4095] == 0);
	UNIT_CHECK(n.owned_pages == 1024);
	/* A page of the other, still large, mapping; then an allocation
	 * failure for the split changes nothing. */
	test_pool_fail_after(0);
	UNIT_CHECK(npt_unmap_page(&n, 0x1ff000, &hpa2) == -ENOMEM);
	test_pool_fail_never();
	UNIT_CHECK(npt_translate(&n, 0x1ff000) != NPT_NONE && count_leaves(&n).large == 1);
	npt_destroy(&n);
	UNIT_CHECK(test_pool.free_frames == before);
	unit_end();
}

int main(void)
{
	test_balloon_unmap_map();
	test_aligned_ram_uses_large_pages();
	test_unaligned_ram_uses_small_pages();
	test_misaligned_rejected();
	test_fragmented_pool_falls_back();
	test_out_of_memory_then_destroy();
	test_two_domains_disjoint();
	test_phys_fini();
	return unit_exit_code();
}
