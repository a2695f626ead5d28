/*
 * test_dom0_mem.c - host tests of dom0's RAM carving and E820 map
 * (hypervisor/core/dom0_mem.c): a QEMU-like map worked by hand, the
 * budgets the hypervisor keeps, splits at 4 GiB, and seeded random maps
 * checked page by page (dom0 and the pool never share a page, dom0 never
 * gets a page that is not usable or was not free).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/memmap.c"
#include "../core/dom0_mem.c"
#include "../platform/linux_boot.c"

#define U BOOT_MEM_USABLE
#define R BOOT_MEM_RESERVED
#define FREE_MAX 64

/* QEMU q35 with SeaBIOS and 2 GiB: low RAM, the EBDA and BIOS, RAM to
 * 2 GiB, the ECAM window and the BIOS flash. */
static const struct boot_mem_range q35_map[] = {
	{ 0x0, 0x9fc00, U }, { 0x9fc00, 0x400, R }, { 0xf0000, 0x10000, R },
	{ 0x100000, 0x7fee0000, U }, { 0x7ffe0000, 0x20000, R },
	{ 0xb0000000, 0x10000000, R }, { 0xfffc0000, 0x40000, R },
};

/* The free list the hypervisor computes for that map: image at 2 MiB,
 * modules at 3-40 MiB. */
static unsigned q35_free(struct phys_range *free)
{
	const struct phys_range res[] = {
		{ 0, 0x100000 }, { 0x200000, 0x300000 }, { 0x300000, 0x2800000 },
	};
	int n = memmap_free_ranges(q35_map, ARRAY_SIZE(q35_map), res, ARRAY_SIZE(res),
				   free, FREE_MAX);
	return n < 0 ? 0 : (unsigned)n;
}

static bool overlaps(const struct phys_range *a, unsigned na, uint64_t s, uint64_t e)
{
	for (unsigned i = 0; i < na; i++)
		if (s < a[i].end && a[i].start < e)
			return true;
	return false;
}

static void test_q35(void)
{
	struct phys_range free[FREE_MAX];
	struct dom0_mem_layout l;
	unsigned n = q35_free(free);
	uint64_t before = range_bytes(free, n, UINT64_MAX);

	unit_begin("dom0_mem_q35_512M");
	UNIT_CHECK(n == 2);
	UNIT_CHECK(dom0_mem_carve(q35_map, ARRAY_SIZE(q35_map), free, &n, FREE_MAX,
				  MiB(512), MiB(64), MiB(32), &l) == 0);
	UNIT_CHECK(l.bytes == MiB(512));
	/* Low RAM, then 1-2 MiB, then from the end of the modules up. */
	UNIT_CHECK(l.nr_ram == 3);
	UNIT_CHECK(l.ram[0].start == 0 && l.ram[0].end == 0x9f000);
	UNIT_CHECK(l.ram[1].start == 0x100000 && l.ram[1].end == 0x200000);
	UNIT_CHECK(l.ram[2].start == 0x2800000);
	UNIT_CHECK(l.bios_start == 0x9f000);
	/* The pool lost exactly what dom0 got above 1 MiB. */
	UNIT_CHECK(range_bytes(free, n, UINT64_MAX) == before - (MiB(512) - 0x9f000));
	for (unsigned i = 0; i < l.nr_ram; i++)
		UNIT_CHECK(!overlaps(free, n, l.ram[i].start, l.ram[i].end));
	UNIT_CHECK(dom0_mem_contains(&l, 0x1000, 0x10000));
	UNIT_CHECK(!dom0_mem_contains(&l, 0x9f000, 0xa0000));
	UNIT_CHECK(!dom0_mem_contains(&l, 0x200000, 0x201000));   /* the image */
	unit_end();
}

static void test_budget(void)
{
	struct phys_range free[FREE_MAX];
	struct dom0_mem_layout l;
	unsigned n = q35_free(free);
	uint64_t before = range_bytes(free, n, UINT64_MAX);

	unit_begin("dom0_mem_keeps_hypervisor_budget");
	/* Asking for more than the host has: dom0 gets all but 64 MiB. */
	UNIT_CHECK(dom0_mem_carve(q35_map, ARRAY_SIZE(q35_map), free, &n, FREE_MAX,
				  GiB(8), MiB(64), MiB(32), &l) == 0);
	UNIT_CHECK(range_bytes(free, n, UINT64_MAX) == MiB(64));
	UNIT_CHECK(l.bytes == before - MiB(64) + 0x9f000);
	unit_end();

	unit_begin("dom0_mem_nothing_to_spare");
	n = q35_free(free);
	UNIT_CHECK(dom0_mem_carve(q35_map, ARRAY_SIZE(q35_map), free, &n, FREE_MAX,
				  MiB(512), GiB(4), MiB(32), &l) == -ENOMEM);
	unit_end();
}

/* RAM on both sides of 4 GiB; the low budget runs out, so dom0 continues
 * above 4 GiB, splitting the free list. */
static void test_split_at_4g(void)
{
	const struct boot_mem_range map[] = {
		{ 0, 0x9f000, U }, { 0x100000, GiB(3) - 0x100000, U },
		{ GiB(4), GiB(4), U },
	};
	struct phys_range free[FREE_MAX] = {
		{ 0x100000, GiB(3) }, { GiB(4), GiB(8) },
	};
	unsigned n = 2;
	struct dom0_mem_layout l;

	unit_begin("dom0_mem_low_budget_then_above_4g");
	UNIT_CHECK(dom0_mem_carve(map, ARRAY_SIZE(map), free, &n, FREE_MAX, GiB(5),
				  MiB(64), GiB(1), &l) == 0);
	UNIT_CHECK(l.bytes == GiB(5));
	UNIT_CHECK(range_bytes(free, n, GiB(4)) == GiB(1));
	UNIT_CHECK(l.nr_ram == 3 && l.ram[2].start == GiB(4));
	unit_end();
}

static void test_e820(void)
{
	struct phys_range free[FREE_MAX];
	struct dom0_mem_layout l;
	struct linux_boot_e820_entry raw[64], e820[64];
	unsigned n = q35_free(free);

	unit_begin("dom0_mem_e820");
	UNIT_CHECK(dom0_mem_carve(q35_map, ARRAY_SIZE(q35_map), free, &n, FREE_MAX,
				  MiB(512), MiB(64), MiB(32), &l) == 0);
	int nr = dom0_mem_e820(q35_map, ARRAY_SIZE(q35_map), &l, 0x100000, 0x2000, raw, 64);
	UNIT_CHECK(nr > 0);
	int ne = linux_boot_e820(raw, (size_t)nr, e820, 64);
	UNIT_CHECK(ne > 0);
	uint64_t ram = 0;
	for (int i = 0; i < ne; i++) {
		const struct linux_boot_e820_entry *e = &e820[i];
		if (e->type == LINUX_BOOT_E820_RAM) {
			ram += e->size;
			UNIT_CHECK(dom0_mem_contains(&l, e->addr, e->addr + e->size));
		}
		/* Pool RAM is in no entry at all. */
		UNIT_CHECK(!overlaps(free, n, e->addr, e->addr + e->size));
	}
	UNIT_CHECK(ram == MiB(512) - 0x2000);
	/* The ECAM window, the BIOS area and dom0's ACPI tables are there. */
	bool ecam = false, bios = false, acpi = false;
	for (int i = 0; i < ne; i++) {
		ecam |= e820[i].addr == 0xb0000000 && e820[i].type == LINUX_BOOT_E820_RESERVED;
		bios |= e820[i].addr == 0x9f000 && e820[i].size == 0x61000 &&
			e820[i].type == LINUX_BOOT_E820_RESERVED;
		acpi |= e820[i].addr == 0x100000 && e820[i].type == LINUX_BOOT_E820_ACPI;
	}
	UNIT_CHECK(ecam && bios && acpi);
	UNIT_CHECK(dom0_mem_e820(q35_map, ARRAY_SIZE(q35_map), &l, 0x100000, 0x2000, raw, 3) ==
		   -E2BIG);
	unit_end();
}

/* Random maps: page-level invariants. */
static void test_random(void)
{
	unit_begin("dom0_mem_random_maps");
	srand(7);
	for (int round = 0; round < 300; round++) {
		struct boot_mem_range map[12];
		unsigned nm = 0;
		uint64_t at = 0;
		for (; nm < ARRAY_SIZE(map); nm++) {
			uint64_t len = ((uint64_t)(rand() % 4096) + 1) * 0x1000 * (rand() % 3 ? 64 : 1);
			map[nm] = (struct boot_mem_range){ at + (uint64_t)(rand() % 3) * 0x800,
							   len, rand() % 4 ? U : R };
			at = map[nm].base + len + (uint64_t)(rand() % 5) * 0x1000;
		}
		struct phys_range res[2] = { { 0, 0x100000 },
					     { 0x200000, 0x200000 + (uint64_t)(rand() % 64) * 0x10000 } };
		struct phys_range free[FREE_MAX], free0[FREE_MAX];
		int r = memmap_free_ranges(map, nm, res, 2, free, FREE_MAX);
		if (r <= 0)
			continue;
		unsigned n = (unsigned)r, n0 = n;
		memcpy(free0, free, sizeof(free));
		struct dom0_mem_layout l;
		uint64_t want = ((uint64_t)(rand() % 2048) + 1) * 0x10000;
		int err = dom0_mem_carve(map, nm, free, &n, FREE_MAX, want, MiB(1), 0, &l);
		if (err == -ENOMEM)
			continue;
		UNIT_CHECK(err == 0);
		UNIT_CHECK(range_bytes(free, n, UINT64_MAX) >= MiB(1) ||
			   range_bytes(free0, n0, UINT64_MAX) < MiB(1));
		for (unsigned i = 0; i < l.nr_ram; i++) {
			for (uint64_t p = l.ram[i].start; p < l.ram[i].end; p += 0x1000) {
				/* Not in the pool, and either low usable RAM or was free. */
				UNIT_CHECK(!overlaps(free, n, p, p + 0x1000));
				UNIT_CHECK(p < DOM0_LOW_END || overlaps(free0, n0, p, p + 0x1000));
			}
		}
		for (unsigned i = 0; i < n; i++) {
			for (unsigned j = i + 1; j < n; j++)
				UNIT_CHECK(free[i].end <= free[j].start);
			UNIT_CHECK(overlaps(free0, n0, free[i].start, free[i].end));
		}
		if (unit_state.failed)
			break;
	}
	unit_end();
}

int main(void)
{
	test_q35();
	test_budget();
	test_split_at_4g();
	test_e820();
	test_random();
	return unit_exit_code();
}
