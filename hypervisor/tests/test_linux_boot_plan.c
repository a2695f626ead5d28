/*
 * test_linux_boot_plan.c - host tests of the E820 map builder and of guest
 * placement (platform/linux_boot_plan.c, linux_boot_ranges.c): where the
 * kernel, initrd, command line, ACPI tables and boot structures go for
 * every memory size, and what does not fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/linux_boot.c"
#include "../platform/linux_boot_plan.c"
#include "../platform/linux_boot_ranges.c"
#include "linux_boot_test_util.h"

/* ---- E820 ---- */

static bool e820_is(const struct linux_boot_e820_entry *got, int n,
		    const struct linux_boot_e820_entry *want, int m)
{
	if (n != m)
		return false;
	for (int i = 0; i < n; i++)
		if (got[i].addr != want[i].addr || got[i].size != want[i].size ||
		    got[i].type != want[i].type)
			return false;
	return true;
}

static void test_e820(void)
{
	struct linux_boot_e820_entry out[LINUX_BOOT_E820_MAX];
	const uint32_t RAM = LINUX_BOOT_E820_RAM, RES = LINUX_BOOT_E820_RESERVED;
	const uint32_t ACPI = LINUX_BOOT_E820_ACPI;

	unit_begin("linux_e820_merge");
	{	/* a reserved range carves RAM; unsorted input comes out sorted */
		const struct linux_boot_e820_entry map[] = {
			E(GiB(4), GiB(1), RAM), E(0, GiB(1), RAM), E(MiB(1), KiB(64), ACPI) };
		const struct linux_boot_e820_entry want[] = {
			E(0, MiB(1), RAM), E(MiB(1), KiB(64), ACPI),
			E(MiB(1) + KiB(64), GiB(1) - MiB(1) - KiB(64), RAM), E(GiB(4), GiB(1), RAM) };
		UNIT_CHECK(e820_is(out, linux_boot_e820(map, 3, out, 128), want, 4));
	}
	{	/* adjacent and overlapping RAM merges; same-type overlap merges */
		const struct linux_boot_e820_entry map[] = {
			E(0, 0x1000, RAM), E(0x1000, 0x1000, RAM), E(0x1800, 0x1000, RAM),
			E(0x10000, 0x100, RES), E(0x10080, 0x100, RES) };
		const struct linux_boot_e820_entry want[] = {
			E(0, 0x2800, RAM), E(0x10000, 0x180, RES) };
		UNIT_CHECK(e820_is(out, linux_boot_e820(map, 5, out, 128), want, 2));
	}
	{	/* a reserved range over a gap stays; a range at the top of memory */
		const struct linux_boot_e820_entry map[] = {
			E(0xFFFFFFFFFFFFF000ull, 0xFFF, RES), E(0, 0x1000, RAM) };
		UNIT_CHECK(linux_boot_e820(map, 2, out, 128) == 2 && out[1].size == 0xFFF);
	}
	unit_end();

	unit_begin("linux_e820_reject");
	const struct linux_boot_e820_entry conflict[] = { E(0, 0x2000, RES), E(0x1000, 0x2000, ACPI) };
	UNIT_CHECK(linux_boot_e820(conflict, 2, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry empty[] = { E(0, 0, RAM) };
	UNIT_CHECK(linux_boot_e820(empty, 1, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry wrap[] = { E(0xFFFFFFFFFFFFF000ull, 0x2000, RAM) };
	UNIT_CHECK(linux_boot_e820(wrap, 1, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry badtype[] = { E(0, 0x1000, 6) };
	UNIT_CHECK(linux_boot_e820(badtype, 1, out, 128) == -EINVAL);
	UNIT_CHECK(linux_boot_e820(NULL, 1, out, 128) == -EINVAL);
	struct linux_boot_e820_entry many[129];
	for (int i = 0; i < 129; i++)
		many[i] = (struct linux_boot_e820_entry)E((uint64_t)i * 0x2000, 0x1000, RAM);
	UNIT_CHECK(linux_boot_e820(many, 129, out, 128) == -E2BIG);
	UNIT_CHECK(linux_boot_e820(many, 128, out, 128) == 128);
	unit_end();
}

/* ---- placement ---- */

static void test_plan_sizes(void)
{
	static const uint64_t sizes[] = { MiB(64), MiB(128), MiB(512), GiB(1), GiB(3),
					  GiB(4), GiB(16) };
	struct linux_boot_image img;
	const char *why = NULL;
	char name[64];

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct linux_boot_plan_input in = { .mem_size = sizes[i], .hole_start = GiB(3),
						    .acpi_size = 5000, .initrd_size = MiB(5) + 123,
						    .cmdline_len = 100 };
		struct linux_boot_plan p;
		uint64_t low_top = MIN(sizes[i], GiB(3));
		uint64_t initrd_top = MIN(low_top, GiB(2));

		snprintf(name, sizeof(name), "linux_plan_%llu_mib", (unsigned long long)(sizes[i] >> 20));
		unit_begin(name);
		UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
		UNIT_CHECK(p.kernel_addr == SYN_PREF && p.kernel_end == SYN_PREF + SYN_INIT_SIZE);
		UNIT_CHECK(p.acpi_addr == MiB(1) && p.acpi_size == KiB(8));
		UNIT_CHECK(p.initrd_addr == ALIGN_DOWN(initrd_top - in.initrd_size, KiB(4)));
		UNIT_CHECK(p.initrd_addr + in.initrd_size - 1 <= img.initrd_addr_max);
		UNIT_CHECK(p.map_count == (sizes[i] > GiB(3) ? 4u : 3u));
		UNIT_CHECK(sizes[i] <= GiB(3) ||
			   (p.map[3].addr == GiB(4) && p.map[3].size == sizes[i] - GiB(3)));
		UNIT_CHECK(plan_consistent(&p, &img, &in));
		unit_end();
	}
}

/* dom0-style RAM: low memory, 1-2 MiB, then from 40 MiB (the hypervisor
 * image and modules in between). */
static void test_plan_ranges(void)
{
	const struct linux_boot_ram ram[] = {
		{ 0, 0x9f000 }, { MiB(1), MiB(2) }, { MiB(40), MiB(100) }, { MiB(120), MiB(130) },
	};
	struct linux_boot_plan_input in = { .acpi_size = 5000, .initrd_size = MiB(5),
					    .cmdline_len = 10 };
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = NULL;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	unit_begin("linux_plan_ranges");
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == 0);
	UNIT_CHECK(p.acpi_addr == MiB(1) && p.params_addr == 0x9000);
	UNIT_CHECK(p.kernel_addr == MiB(40) && p.kernel_end == MiB(40) + SYN_INIT_SIZE);
	/* The initrd as high as it fits: the top of the last range. */
	UNIT_CHECK(p.initrd_addr == MiB(125) && p.map_count == 0);
	/* A 12 MiB initrd only fits in the third range, above the kernel. */
	in.initrd_size = MiB(12);
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == 0);
	UNIT_CHECK(p.initrd_addr == MiB(88));
	/* At pref_address when that is RAM. */
	const struct linux_boot_ram flat[] = { { 0, 0x9f000 }, { MiB(1), MiB(64) } };
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, flat, 2, &p, &why) == 0);
	UNIT_CHECK(p.kernel_addr == SYN_PREF && p.initrd_addr == MiB(52));
	/* Too small, and no low RAM. */
	in.initrd_size = MiB(60);
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == -ENOSPC);
	in.initrd_size = 0;
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram + 1, 3, &p, &why) == -ENOSPC);
	unit_end();
}

static void test_plan_limits(void)
{
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = NULL;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = MiB(64), .hole_start = GiB(3),
					    .acpi_size = 4096, .initrd_size = 0, .cmdline_len = 10 };
	unit_begin("linux_plan_limits");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && p.initrd_addr == 0);
	in.mem_size = SYN_PREF + SYN_INIT_SIZE;           /* exactly enough */
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	in.mem_size -= KiB(4);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC && strstr(why, "init_size"));
	in.mem_size = MiB(64);
	in.initrd_size = MiB(64) - (SYN_PREF + SYN_INIT_SIZE) + KiB(4);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC && strstr(why, "initrd"));
	in.initrd_size = 0;
	in.acpi_size = MiB(15) + 1;                       /* ACPI runs into 16 MiB */
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && p.kernel_addr == MiB(18));
	img.relocatable = false;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC);
	img.relocatable = true;
	in.acpi_size = 4096;
	in.cmdline_len = 2048;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	in.cmdline_len = 10;
	in.hole_start = GiB(5);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	in.hole_start = GiB(3);
	in.acpi_size = 0;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	unit_end();
}

int main(void)
{
	test_e820();
	test_plan_sizes();
	test_plan_limits();
	test_plan_ranges();
	return unit_exit_code();
}
