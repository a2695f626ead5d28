/*
 * test_linux_boot_entry.c - host tests of what a Linux guest is entered
 * with (platform/linux_boot.c): the zero page (checked at zero-page.rst
 * offsets) and the fields it refuses, the boot page tables walked as the
 * CPU walks them, and the entry registers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/linux_boot.c"
#include "../platform/linux_boot_plan.c"
#include "../platform/linux_boot_ranges.c"
#include "linux_boot_test_util.h"

/* ---- zero page ---- */

static void test_params_synthetic(void)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = "";

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = GiB(1), .hole_start = GiB(3),
					    .acpi_size = 4096, .initrd_size = MiB(3), .cmdline_len = 42 };
	unit_begin("linux_params_synthetic");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	UNIT_CHECK_WHY(params_match(syn, SYN_LEN, &p, MiB(3), bp, &why), why);
	unit_end();
}

static void test_params_rejections(void)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_e820_entry map[] = { E(0, GiB(8), LINUX_BOOT_E820_RAM) };
	struct linux_boot_params_config cfg = {
		.map = map, .map_count = 1, .cmdline_addr = 0xA000, .cmdline_len = 10,
		.initrd_addr = GiB(5), .initrd_size = MiB(1), .kernel_addr = SYN_PREF,
	};
	const char *why = NULL;

	unit_begin("linux_params_placement_rules");
	make_synthetic(syn, 0x01);                         /* no XLF_CAN_BE_LOADED_ABOVE_4G */
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "initrd_addr_max"));
	make_synthetic(syn, 0x03);                         /* with it: ext_ fields used */
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0);
	UNIT_CHECK(r32(bp, 0x218) == 0x40000000 && r32(bp, 0x0C0) == 1 &&
		   r32(bp, 0x21C) == MiB(1) && r32(bp, 0x0C4) == 0);
	cfg.cmdline_addr = GiB(6);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0 &&
		   r32(bp, 0x228) == 0x80000000 && r32(bp, 0x0C8) == 1);
	make_synthetic(syn, 0x01);
	cfg.initrd_addr = MiB(100);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "4 GiB"));
	cfg.cmdline_addr = 0xA000;
	cfg.cmdline_len = 2048;
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "cmdline_size"));
	cfg.cmdline_len = 10;
	cfg.kernel_addr = SYN_PREF + KiB(4);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "aligned"));
	cfg.kernel_addr = SYN_PREF;
	cfg.map_count = 0;
	memset(bp, 0x5A, sizeof(bp));
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "memory map"));
	bool zero = true;
	for (size_t i = 0; i < sizeof(bp); i++)
		zero &= bp[i] == 0;
	UNIT_CHECK(zero);
	cfg.map_count = 1;
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0);
	unit_end();
}

/* ---- paging and registers ---- */

/* Walks the 4-level tables in buf (guest address gpa) like the CPU. */
static bool translate(const uint8_t *buf, uint64_t gpa, uint64_t va, uint64_t *pa)
{
	uint64_t cr3 = gpa + KiB(4);
	uint64_t pml4e = r64(buf, cr3 - gpa + 8 * ((va >> 39) & 511));
	if (!(pml4e & 1) || !(pml4e & 2))
		return false;
	uint64_t pdpte = r64(buf, (pml4e & ~0xFFFull) - gpa + 8 * ((va >> 30) & 511));
	if (!(pdpte & 1) || (pdpte & 0x80))
		return false;
	uint64_t pde = r64(buf, (pdpte & ~0xFFFull) - gpa + 8 * ((va >> 21) & 511));
	if (!(pde & 1) || !(pde & 0x80) || !(pde & 2))
		return false;
	*pa = (pde & ~0x1FFFFFull & 0x000FFFFFFFFFFFFFull) | (va & 0x1FFFFF);
	return true;
}

static void test_paging(void)
{
	size_t size = linux_boot_paging_size(GiB(4));
	uint8_t *buf = malloc(size);
	uint64_t pa = 0;
	bool ok = true;

	unit_begin("linux_boot_paging");
	UNIT_CHECK(size == 7 * KiB(4));
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1000, GiB(4)) == 0);
	const uint64_t probes[] = { 0, 0x1234567, MiB(16) + 0x200, GiB(3) + 0x1FFFFF, GiB(4) - 1 };
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		ok &= translate(buf, 0x1000, probes[i], &pa) && pa == probes[i];
	UNIT_CHECK(ok);
	UNIT_CHECK(!translate(buf, 0x1000, GiB(4), &pa));  /* not mapped */
	UNIT_CHECK(r64(buf, 0x00) == 0 && r64(buf, 0x08) == 0);
	UNIT_CHECK(r64(buf, 0x10) == 0x00AF9B000000FFFFull);   /* __BOOT_CS */
	UNIT_CHECK(r64(buf, 0x18) == 0x00CF93000000FFFFull);   /* __BOOT_DS */
	UNIT_CHECK(linux_boot_build_paging(buf, size - 1, 0x1000, GiB(4)) == -EINVAL);
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1800, GiB(4)) == -EINVAL);
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1000, 0) == -EINVAL);
	UNIT_CHECK(linux_boot_paging_size(GiB(512) + 1) == 516 * KiB(4));
	UNIT_CHECK(linux_boot_build_paging(buf, SIZE_MAX, 0, GiB(513)) == -EINVAL);
	free(buf);
	unit_end();
}

static void test_cpu_state(void)
{
	struct linux_boot_image img;
	struct linux_boot_plan p;
	struct linux_boot_cpu cpu;
	const char *why;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = GiB(1), .hole_start = GiB(3),
					    .acpi_size = 4096 };
	unit_begin("linux_cpu_state");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	linux_boot_cpu_state(&p, &cpu);
	UNIT_CHECK(cpu.rip == SYN_PREF + 0x200 && cpu.rsi == p.params_addr);
	UNIT_CHECK(cpu.rsp == p.stack_top && cpu.rflags == 0x2);
	UNIT_CHECK(cpu.cr0 == 0x80000031 && cpu.cr4 == 0x20 && cpu.efer == 0x500);
	UNIT_CHECK(cpu.cr3 == p.paging_addr + KiB(4) && cpu.gdtr_base == p.paging_addr);
	UNIT_CHECK(cpu.gdtr_limit == 31);
	UNIT_CHECK(cpu.cs.selector == 0x10 && cpu.cs.attrib == 0xA9B && cpu.cs.limit == 0xFFFFFFFF);
	UNIT_CHECK(cpu.ds.selector == 0x18 && cpu.ds.attrib == 0xC93 && cpu.ds.base == 0);
	unit_end();
}

int main(void)
{
	test_params_synthetic();
	test_params_rejections();
	test_paging();
	test_cpu_state();
	return unit_exit_code();
}
