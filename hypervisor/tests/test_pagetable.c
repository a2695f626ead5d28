/*
 * test_pagetable.c - host tests of the 4-level page-table code
 * (hypervisor/arch/x86/pagetable.c).
 *
 * Tables live in a malloc'd arena standing in for physical memory
 * (hv_test_util.h); alloc_table hands out its pages, keeps count, can be
 * given a budget to make it fail, and free_table checks that each page it
 * gets back is a live table (no double or foreign frees). The physical
 * addresses being *mapped* are just numbers and are never touched.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv_test_util.h"
#include "../arch/x86/pagetable.c"

#define ARENA_PAGES 2048u
#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull

struct tables {
	uint8_t live[ARENA_PAGES];
	long budget;              /* allocations still allowed; < 0: unlimited */
	unsigned allocated, freed, bad_frees;
};

static struct tables tabs;

static uint64_t alloc_table(void *ctx)
{
	struct tables *t = ctx;

	if (t->budget == 0)
		return 0;
	for (uint64_t pg = 1; pg < ARENA_PAGES; pg++) {     /* page 0 means failure */
		if (t->live[pg])
			continue;
		t->live[pg] = 1;
		t->allocated++;
		if (t->budget > 0)
			t->budget--;
		memset(test_phys_to_virt(pg * K4), 0, K4);
		return pg * K4;
	}
	return 0;
}

static void free_table(void *ctx, uint64_t pa)
{
	struct tables *t = ctx;
	uint64_t pg = pa / K4;

	if (pa % K4 || pg == 0 || pg >= ARENA_PAGES || !t->live[pg]) {
		t->bad_frees++;
		return;
	}
	t->live[pg] = 0;
	t->freed++;
	/* Poison: a table still reachable after its free shows up as garbage. */
	memset(test_phys_to_virt(pa), 0xa5, K4);
}

static const struct pt_ops ops = {
	.alloc_table = alloc_table,
	.free_table = free_table,
	.to_virt = test_phys_to_virt,
	.ctx = &tabs,
};

/* A fresh arena and an empty root table; returns the root. */
static uint64_t fresh_root(void)
{
	test_phys_init(ARENA_PAGES * K4);
	memset(&tabs, 0, sizeof(tabs));
	tabs.budget = -1;
	return alloc_table(&tabs);
}

static unsigned live_tables(void)
{
	return tabs.allocated - tabs.freed;
}

/* The raw entry for va at level (4 = PML4 ... 1 = PT), or 0 if absent. */
static uint64_t entry_at(uint64_t root, uint64_t va, unsigned level)
{
	uint64_t t = root;

	for (unsigned l = 4; ; l--) {
		uint64_t e = ((uint64_t *)test_phys_to_virt(t))[index_at(va, l)];
		if (l == level)
			return e;
		if (!(e & PTE_P) || (e & PTE_PS))
			return 0;
		t = e & PTE_ADDR_MASK;
	}
}

/* Checks that va translates to pa with exactly the given leaf flags. */
static void expect_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t got_flags = 0;
	uint64_t got = pt_lookup(&ops, root, va, &got_flags);

	if (got != pa || got_flags != flags)
		unit_failf("va 0x%llx -> 0x%llx flags 0x%llx, want 0x%llx flags 0x%llx",
			   (unsigned long long)va, (unsigned long long)got,
			   (unsigned long long)got_flags, (unsigned long long)pa,
			   (unsigned long long)flags);
}

static void expect_unmapped(uint64_t root, uint64_t va)
{
	if (pt_lookup(&ops, root, va, NULL) != PT_NOT_MAPPED)
		unit_failf("va 0x%llx is mapped", (unsigned long long)va);
}

static void test_map_4k(void)
{
	unit_begin("pt_map_4k");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x400000, 0x12345000, K4, PTE_RW, true) == 0);
	UNIT_CHECK(live_tables() == 4);            /* root, PDPT, PD, PT */
	expect_map(root, 0x400000, 0x12345000, PTE_P | PTE_RW);
	expect_map(root, 0x400abc, 0x12345abc, PTE_P | PTE_RW);
	expect_unmapped(root, 0x3ff000);
	expect_unmapped(root, 0x401000);
	expect_unmapped(root, 0x400000 + G1);
	/* Flags outside PTE_LEAF_FLAGS are not the caller's to set. */
	UNIT_CHECK(pt_map(&ops, root, 0x401000, 0x5000, K4,
			  PTE_NX | PTE_G | PTE_PCD | PTE_PS | PTE_A | PTE_D, false) == 0);
	expect_map(root, 0x401000, 0x5000, PTE_P | PTE_NX | PTE_G | PTE_PCD);
	/* The higher half works the same (index bits 39-47, sign-extended va). */
	UNIT_CHECK(pt_map(&ops, root, 0xffffffff80000000ull, 0x100000, 3 * K4, 0, false) == 0);
	expect_map(root, 0xffffffff80002000ull, 0x102000, PTE_P);
	UNIT_CHECK(live_tables() == 7);
	unit_end();
}

/* 2 MiB leaves exactly where va and pa are aligned and 2 MiB remain. */
static void test_large_leaves(void)
{
	uint64_t f;

	unit_begin("pt_map_2m_leaves");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x1ff000, 0x7ff000, 0x401000, PTE_RW, true) == 0);
	expect_map(root, 0x1ff000, 0x7ff000, PTE_P | PTE_RW);           /* 4 KiB head */
	expect_map(root, 0x200000, 0x800000, PTE_P | PTE_RW | PTE_PS);
	expect_map(root, 0x5fffff, 0xbfffff, PTE_P | PTE_RW | PTE_PS);
	expect_unmapped(root, 0x600000);
	UNIT_CHECK(live_tables() == 4);            /* one PT, for the head page */

	/* large = false: 4 KiB leaves even where 2 MiB would fit. */
	UNIT_CHECK(pt_map(&ops, root, 0x40000000, 0x40000000, M2, 0, false) == 0);
	UNIT_CHECK(pt_lookup(&ops, root, 0x40100000, &f) == 0x40100000 && !(f & PTE_PS));

	/* va aligned but pa not: 4 KiB leaves. */
	UNIT_CHECK(pt_map(&ops, root, 0x80000000, 0x1000, M2, 0, true) == 0);
	UNIT_CHECK(pt_lookup(&ops, root, 0x80000000, &f) == 0x1000 && !(f & PTE_PS));

	/* Less than 2 MiB left: 4 KiB leaves for the tail. */
	UNIT_CHECK(pt_map(&ops, root, 0xc0000000, 0xc0000000, M2 + K4, 0, true) == 0);
	UNIT_CHECK(pt_lookup(&ops, root, 0xc0000000, &f) == 0xc0000000 && (f & PTE_PS));
	UNIT_CHECK(pt_lookup(&ops, root, 0xc0200000, &f) == 0xc0200000 && !(f & PTE_PS));
	unit_end();
}

/*
 * Mapping a 4 KiB page inside a 2 MiB leaf splits the leaf into a table
 * that keeps the other 511 pages as they were (address and flags).
 */
static void test_split_on_map(void)
{
	const uint64_t fl = PTE_RW | PTE_NX | PTE_G;

	unit_begin("pt_split_large_on_map");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x600000, 0x10000000, M2, fl, true) == 0);
	unsigned before = live_tables();
	UNIT_CHECK(pt_map(&ops, root, 0x603000, 0x99000, K4, 0, true) == 0);
	UNIT_CHECK(live_tables() == before + 1);
	expect_map(root, 0x603000, 0x99000, PTE_P);
	for (uint64_t off = 0; off < M2; off += K4)
		if (off != 0x3000)
			expect_map(root, 0x600000 + off, 0x10000000 + off, PTE_P | fl);
	/* The PD entry now points to a table, with P|RW (leaf flags stay in leaves). */
	uint64_t pde = entry_at(root, 0x600000, 2);
	UNIT_CHECK((pde & PTE_P) && (pde & PTE_RW) && !(pde & PTE_PS) && !(pde & PTE_NX));
	unit_end();
}

/* A 2 MiB leaf mapped over a 4 KiB table replaces it and frees the table. */
static void test_large_replaces_table(void)
{
	unit_begin("pt_large_replaces_table");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x200000, 0x200000, 16 * K4, PTE_RW, true) == 0);
	UNIT_CHECK(live_tables() == 4);
	UNIT_CHECK(pt_map(&ops, root, 0x200000, 0x4000000, M2, 0, true) == 0);
	UNIT_CHECK(live_tables() == 3 && tabs.bad_frees == 0);
	expect_map(root, 0x205000, 0x4005000, PTE_P | PTE_PS);
	unit_end();
}

/*
 * US reaches every level above a US leaf (NPT needs it; APM vol. 2,
 * 15.25.5), including levels that existed before without it.
 */
static void test_us_propagation(void)
{
	unit_begin("pt_us_propagation");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x1000, 0x1000, K4, PTE_RW, false) == 0);
	UNIT_CHECK(!(entry_at(root, 0x1000, 4) & PTE_US));
	UNIT_CHECK(!(entry_at(root, 0x1000, 3) & PTE_US));
	UNIT_CHECK(!(entry_at(root, 0x1000, 2) & PTE_US));
	UNIT_CHECK(pt_map(&ops, root, 0x2000, 0x2000, K4, PTE_US, false) == 0);
	for (unsigned l = 4; l >= 2; l--) {
		uint64_t e = entry_at(root, 0x2000, l);
		if ((e & (PTE_P | PTE_RW | PTE_US)) != (PTE_P | PTE_RW | PTE_US))
			unit_failf("level %u entry 0x%llx lacks P|RW|US", l, (unsigned long long)e);
	}
	expect_map(root, 0x1000, 0x1000, PTE_P | PTE_RW);   /* the leaf itself unchanged */
	/* A fresh US path, and a 2 MiB US leaf. */
	UNIT_CHECK(pt_map(&ops, root, 0x8000000000ull, 0, M2, PTE_US, true) == 0);
	UNIT_CHECK((entry_at(root, 0x8000000000ull, 4) & PTE_US) &&
		   (entry_at(root, 0x8000000000ull, 3) & PTE_US));
	unit_end();
}

static void test_misaligned(void)
{
	unit_begin("pt_misaligned_rejected");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x1001, 0x1000, K4, 0, true) == -EINVAL);
	UNIT_CHECK(pt_map(&ops, root, 0x1000, 0x1800, K4, 0, true) == -EINVAL);
	UNIT_CHECK(pt_map(&ops, root, 0x1000, 0x1000, 0x800, 0, true) == -EINVAL);
	UNIT_CHECK(pt_unmap(&ops, root, 0x1010, K4) == -EINVAL);
	UNIT_CHECK(pt_unmap(&ops, root, 0x1000, 0x10) == -EINVAL);
	UNIT_CHECK(live_tables() == 1);            /* nothing was built */
	UNIT_CHECK(pt_map(&ops, root, 0x1000, 0x1000, 0, 0, true) == 0);   /* empty */
	UNIT_CHECK(live_tables() == 1);
	unit_end();
}

static void test_unmap(void)
{
	unit_begin("pt_unmap");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0x200000, 0x200000, 3 * M2, PTE_RW, true) == 0);
	UNIT_CHECK(pt_map(&ops, root, 0x10000, 0x10000, 4 * K4, PTE_RW, true) == 0);
	/* A whole 2 MiB leaf goes without a split. */
	unsigned before = live_tables();
	UNIT_CHECK(pt_unmap(&ops, root, 0x200000, M2) == 0);
	UNIT_CHECK(live_tables() == before);
	expect_unmapped(root, 0x200000);
	expect_unmapped(root, 0x3ff000);
	/* Part of a leaf: split, the rest stays. */
	UNIT_CHECK(pt_unmap(&ops, root, 0x401000, 2 * K4) == 0);
	UNIT_CHECK(live_tables() == before + 1);
	expect_map(root, 0x400000, 0x400000, PTE_P | PTE_RW);
	expect_unmapped(root, 0x401000);
	expect_unmapped(root, 0x402000);
	expect_map(root, 0x403000, 0x403000, PTE_P | PTE_RW);
	expect_map(root, 0x600000, 0x600000, PTE_P | PTE_RW | PTE_PS);
	/* 4 KiB pages, and ranges that were never mapped (no tables built). */
	UNIT_CHECK(pt_unmap(&ops, root, 0x11000, K4) == 0);
	expect_map(root, 0x10000, 0x10000, PTE_P | PTE_RW);
	expect_unmapped(root, 0x11000);
	before = live_tables();
	UNIT_CHECK(pt_unmap(&ops, root, 0x7f0000000000ull, 4 * M2) == 0);
	UNIT_CHECK(live_tables() == before);
	unit_end();
}

/*
 * Out of table memory: -ENOMEM, with the mappings made before the failure
 * still in place and a failed split leaving the 2 MiB leaf untouched.
 */
static void test_enomem(void)
{
	unit_begin("pt_enomem");
	uint64_t root = fresh_root();
	/* Two PTs needed (the range crosses a 2 MiB line); allow only PDPT+PD+PT. */
	tabs.budget = 3;
	UNIT_CHECK(pt_map(&ops, root, 0x1fe000, 0x1fe000, 4 * K4, PTE_RW, false) == -ENOMEM);
	expect_map(root, 0x1fe000, 0x1fe000, PTE_P | PTE_RW);
	expect_map(root, 0x1ff000, 0x1ff000, PTE_P | PTE_RW);
	expect_unmapped(root, 0x200000);

	tabs.budget = -1;
	UNIT_CHECK(pt_map(&ops, root, 0x400000, 0x400000, M2, PTE_RW, true) == 0);
	unsigned before = live_tables();
	tabs.budget = 0;
	UNIT_CHECK(pt_map(&ops, root, 0x401000, 0x9000, K4, 0, true) == -ENOMEM);
	UNIT_CHECK(pt_unmap(&ops, root, 0x401000, K4) == -ENOMEM);
	expect_map(root, 0x401000, 0x401000, PTE_P | PTE_RW | PTE_PS);
	UNIT_CHECK(live_tables() == before);
	/* A fresh top-level slot cannot even get its PDPT. */
	UNIT_CHECK(pt_map(&ops, root, 0x8000000000ull, 0, K4, 0, false) == -ENOMEM);
	expect_unmapped(root, 0x8000000000ull);
	unit_end();
}

/* pt_destroy gives back every table, the root included, each exactly once. */
static void test_destroy(void)
{
	unit_begin("pt_destroy_frees_every_table");
	uint64_t root = fresh_root();
	UNIT_CHECK(pt_map(&ops, root, 0, 0x200000, 3 * G1, PTE_RW, true) == 0);
	UNIT_CHECK(pt_map(&ops, root, 0xffffffff80000000ull, 0x200000, 5 * M2 + 7 * K4,
			  PTE_RW, true) == 0);
	UNIT_CHECK(pt_map(&ops, root, 0x8000000000ull, 0, 64 * K4, PTE_US, false) == 0);
	UNIT_CHECK(pt_unmap(&ops, root, 0x10000, K4) == 0);
	UNIT_CHECK(tabs.allocated > 10);
	pt_destroy(&ops, root);
	UNIT_CHECK(tabs.freed == tabs.allocated && tabs.bad_frees == 0);
	for (unsigned pg = 0; pg < ARENA_PAGES; pg++)
		UNIT_CHECK(!tabs.live[pg]);
	unit_end();
}

/*
 * Random map/unmap sequences over a few 2 MiB regions straddling a 1 GiB
 * line, checked page by page against a flat model of va -> (pa, flags).
 */
#define MODEL_BASE  (G1 - 4 * M2)
#define MODEL_PAGES (8 * 512)

struct model_page {
	uint64_t pa;           /* PT_NOT_MAPPED if unmapped */
	uint64_t flags;
};

static struct model_page model[MODEL_PAGES];

static bool model_matches(uint64_t root)
{
	for (unsigned i = 0; i < MODEL_PAGES; i++) {
		uint64_t va = MODEL_BASE + i * K4, f = 0;
		uint64_t pa = pt_lookup(&ops, root, va, &f);
		f &= ~PTE_PS;
		if (pa != model[i].pa || (pa != PT_NOT_MAPPED && f != model[i].flags)) {
			unit_failf("va 0x%llx -> 0x%llx/0x%llx, model 0x%llx/0x%llx",
				   (unsigned long long)va, (unsigned long long)pa,
				   (unsigned long long)f, (unsigned long long)model[i].pa,
				   (unsigned long long)model[i].flags);
			return false;
		}
	}
	return true;
}

static void random_op(uint64_t root, uint64_t *rng)
{
	static const uint64_t flag_sets[] = { 0, PTE_RW, PTE_RW | PTE_NX, PTE_US | PTE_RW, PTE_G };
	/* Whole 2 MiB blocks half of the time, so large leaves appear. */
	bool block = test_rand_below(rng, 2);
	uint64_t first = block ? test_rand_below(rng, 8) * 512 : test_rand_below(rng, MODEL_PAGES);
	uint64_t n = block ? 512 * (1 + test_rand_below(rng, 2)) : 1 + test_rand_below(rng, 40);
	if (first + n > MODEL_PAGES)
		n = MODEL_PAGES - first;
	uint64_t va = MODEL_BASE + first * K4;

	if (test_rand_below(rng, 4) == 0) {
		pt_unmap(&ops, root, va, n * K4);
		for (uint64_t i = first; i < first + n; i++)
			model[i].pa = PT_NOT_MAPPED;
		return;
	}
	uint64_t pa = (block ? 0x40000000 : 0x1000) + test_rand_below(rng, 4096) * M2;
	uint64_t fl = flag_sets[test_rand_below(rng, ARRAY_SIZE(flag_sets))];
	pt_map(&ops, root, va, pa, n * K4, fl, test_rand_below(rng, 3) != 0);
	for (uint64_t i = 0; i < n; i++)
		model[first + i] = (struct model_page){ pa + i * K4, PTE_P | fl };
}

static void test_random_against_model(void)
{
	unit_begin("pt_random_against_model");
	for (uint64_t seed = 1; seed <= 25 && !unit_state.failed; seed++) {
		uint64_t rng = seed;
		uint64_t root = fresh_root();
		for (unsigned i = 0; i < MODEL_PAGES; i++)
			model[i].pa = PT_NOT_MAPPED;
		for (unsigned step = 0; step < 60 && !unit_state.failed; step++) {
			random_op(root, &rng);
			if (!model_matches(root))
				snprintf(unit_state.why + strlen(unit_state.why),
					 sizeof(unit_state.why) - strlen(unit_state.why),
					 " (seed %llu, step %u)", (unsigned long long)seed, step);
		}
		pt_destroy(&ops, root);
		if (tabs.freed != tabs.allocated || tabs.bad_frees)
			unit_failf("seed %llu: %u tables allocated, %u freed, %u bad frees",
				   (unsigned long long)seed, tabs.allocated, tabs.freed,
				   tabs.bad_frees);
	}
	unit_end();
}

int main(void)
{
	test_map_4k();
	test_large_leaves();
	test_split_on_map();
	test_large_replaces_table();
	test_us_propagation();
	test_misaligned();
	test_unmap();
	test_enomem();
	test_destroy();
	test_random_against_model();
	test_phys_fini();
	return unit_exit_code();
}
