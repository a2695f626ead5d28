/*
 * test_linux_boot_parse.c - host tests of the bzImage parser
 * (platform/linux_boot.c) on bzImages fabricated here, which are then
 * truncated and corrupted field by field and at random: each must be
 * rejected with -EINVAL and a reason, never read out of bounds (the test
 * runs under ASan/UBSan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/linux_boot.c"
#include "../platform/linux_boot_plan.c"
#include "../platform/linux_boot_ranges.c"
#include "linux_boot_test_util.h"

/* ---- parsing ---- */

static void test_parse_synthetic(void)
{
	struct linux_boot_image img;
	const char *why = NULL;

	unit_begin("linux_parse_synthetic");
	make_synthetic(syn, 0x7F);
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0);
	UNIT_CHECK(img.version == 0x020F && img.kernel_offset == SYN_SETUP);
	UNIT_CHECK(img.kernel_file_size == SYN_KERNEL && img.kernel_mem_size == SYN_INIT_SIZE);
	UNIT_CHECK(img.pref_address == SYN_PREF && img.kernel_alignment == MiB(2) && img.relocatable);
	UNIT_CHECK(img.cmdline_size == 2047 && img.initrd_addr_max == 0x7FFFFFFF);
	/* setup_sects 0 means 4 (boot.rst note 1) */
	syn[0x1F1] = 0;
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0 && img.kernel_offset == SYN_SETUP);
	/* a kernel smaller in memory than in the file still gets its file size */
	make_synthetic(syn, 0x7F);
	w32(syn, 0x260, 4096);
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0 &&
		   img.kernel_mem_size == SYN_KERNEL);
	unit_end();
}

struct corruption {
	const char *name;
	size_t off;
	int width;               /* 1, 2, 4 or 8 bytes */
	uint64_t value;
	const char *reason;      /* a word the reason string must contain */
};

static const struct corruption corruptions[] = {
	{ "boot_flag", 0x1FE, 2, 0x55AA, "0xAA55" },
	{ "hdrs_magic", 0x202, 4, 0x53726449, "HdrS" },
	{ "old_protocol", 0x206, 2, 0x020B, "2.12" },
	{ "no_jump", 0x200, 1, 0xE9, "jump" },
	{ "short_header", 0x201, 1, 0x20, "jump" },
	{ "zimage", 0x211, 1, 0x00, "LOADED_HIGH" },
	{ "no_64bit_entry", 0x236, 2, 0x7E, "XLF_KERNEL_64" },
	{ "setup_past_eof", 0x1F1, 1, 200, "setup_sects" },
	{ "syssize_zero", 0x1F4, 4, 0, "syssize" },
	{ "syssize_past_eof", 0x1F4, 4, SYN_KERNEL / 16 + 64, "truncated" },
	{ "syssize_huge", 0x1F4, 4, 0xFFFFFFFF, "truncated" },
	{ "payload_outside", 0x248, 4, SYN_KERNEL - 0x10, "payload" },
	{ "payload_empty", 0x24C, 4, 0, "payload" },
	{ "payload_wraps", 0x24C, 4, 0xFFFFFFFF, "payload" },
	{ "alignment_not_pow2", 0x230, 4, 0x300000, "kernel_alignment" },
	{ "alignment_zero", 0x230, 4, 0, "kernel_alignment" },
	{ "pref_below_1mib", 0x258, 8, 0x8000, "pref_address" },
	{ "pref_unaligned", 0x258, 8, 0x1000100, "pref_address" },
	{ "pref_huge", 0x258, 8, 0xFFFFFFFFFFFFF000ull, "pref_address" },
	{ "init_size_zero", 0x260, 4, 0, "init_size" },
	{ "init_size_huge", 0x260, 4, 0xF0000000u, "init_size" },
	{ "cmdline_size_zero", 0x238, 4, 0, "cmdline_size" },
};

static void test_corruptions(void)
{
	struct linux_boot_image img;
	char name[80];

	for (size_t i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];
		const char *why = NULL;

		make_synthetic(syn, 0x7F);
		memcpy(syn + c->off, &c->value, (size_t)c->width);
		snprintf(name, sizeof(name), "linux_reject_%s", c->name);
		unit_begin(name);
		UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == -EINVAL);
		UNIT_CHECK(why && strstr(why, c->reason));
		unit_end();
	}
}

/* Next length to try: every one through the setup and around the end of
 * the kernel, every 61st in between. */
static size_t next_cut(size_t len)
{
	bool dense = len < SYN_SETUP + 1024 || len + 256 > SYN_SETUP + SYN_KERNEL;
	return len + (dense ? 1 : 61);
}

/* Lengths short of setup + kernel are rejected; longer ones are not. */
static void test_truncations(void)
{
	struct linux_boot_image img;
	bool ok = true;
	const char *why;

	unit_begin("linux_reject_truncations");
	make_synthetic(syn, 0x7F);
	for (size_t len = 0; len <= SYN_LEN; len = next_cut(len)) {
		uint8_t *copy = malloc(len ? len : 1);   /* exact size: ASan sees overreads */
		memcpy(copy, syn, len);
		why = NULL;
		int err = linux_boot_parse(copy, len, &img, &why);
		bool want_ok = len >= SYN_SETUP + SYN_KERNEL;
		ok &= want_ok ? err == 0 : (err == -EINVAL && why != NULL);
		free(copy);
	}
	UNIT_CHECK(ok);
	UNIT_CHECK(linux_boot_parse(NULL, 100, &img, &why) == -EINVAL);
	unit_end();
}

/* Random corruption of the header area: any answer is fine as long as it
 * is consistent and nothing is read outside the image. */
static void test_fuzz(void)
{
	struct linux_boot_image img;
	uint8_t buf[LINUX_BOOT_PARAMS_SIZE];
	bool ok = true;
	uint32_t seed = 12345;

	unit_begin("linux_fuzz_header");
	for (int iter = 0; iter < 20000; iter++) {
		const char *why = NULL;

		make_synthetic(syn, 0x7F);
		for (int k = 0; k < 1 + iter % 6; k++) {
			seed = seed * 1103515245u + 12345u;
			syn[0x1F1 + (seed >> 8) % 0x7B] = (uint8_t)(seed >> 20);
		}
		int err = linux_boot_parse(syn, SYN_LEN, &img, &why);
		if (err == 0)
			ok &= img.kernel_offset + img.kernel_file_size <= SYN_LEN &&
			      img.kernel_mem_size >= img.kernel_file_size;
		else
			ok &= err == -EINVAL && why != NULL;
		struct linux_boot_params_config cfg = { 0 };
		ok &= linux_boot_build_params(syn, SYN_LEN, &cfg, buf, &why) == -EINVAL;
	}
	UNIT_CHECK(ok);
	unit_end();
}

int main(void)
{
	test_parse_synthetic();
	test_corruptions();
	test_truncations();
	test_fuzz();
	return unit_exit_code();
}
