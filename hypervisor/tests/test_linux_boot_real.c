/*
 * test_linux_boot_real.c - host tests of the Linux boot protocol code
 * (platform/linux_boot*.c) on a real kernel: parsed, placed for several
 * memory sizes, its zero page checked, and cut short.
 *
 * Usage: hv_linux_boot_real [bzImage]. Without an argument it uses
 * build/linux-guest/bzImage (made by guest-kernels/) and prints SKIP if it
 * is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/linux_boot.c"
#include "../platform/linux_boot_plan.c"
#include "../platform/linux_boot_ranges.c"
#include "linux_boot_test_util.h"

/* ---- the real kernel ---- */

static void test_real_image(const char *path)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_image img;
	size_t len = 0;
	const char *why = "";
	uint8_t *image = (uint8_t *)test_read_file(path, &len);

	if (!image) {
		printf("SKIP linux_real_bzimage: no %s (built by guest-kernels/)\n", path);
		printf("SKIP linux_real_bzimage_truncations: no %s\n", path);
		return;
	}
	unit_begin("linux_real_bzimage");
	UNIT_CHECK_WHY(linux_boot_parse(image, len, &img, &why) == 0, why);
	UNIT_CHECK(img.version >= 0x020C && (img.xloadflags & LINUX_BOOT_XLF_KERNEL_64));
	UNIT_CHECK(img.kernel_offset == (uint64_t)(image[0x1F1] + 1) * 512);
	UNIT_CHECK(img.kernel_offset + img.kernel_file_size <= len);
	UNIT_CHECK(img.kernel_mem_size >= img.kernel_file_size && img.relocatable);
	fprintf(stderr, "real bzImage: protocol %#x, kernel at file offset %#llx, %llu bytes, "
		"needs %llu bytes at %#llx, align %#x, cmdline_size %u\n", img.version,
		(unsigned long long)img.kernel_offset, (unsigned long long)img.kernel_file_size,
		(unsigned long long)img.kernel_mem_size, (unsigned long long)img.pref_address,
		img.kernel_alignment, img.cmdline_size);
	static const uint64_t sizes[] = { MiB(256), GiB(1), GiB(4), GiB(16) };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct linux_boot_plan p;
		struct linux_boot_plan_input in = { .mem_size = sizes[i], .hole_start = 0xB0000000,
						    .acpi_size = 3000, .initrd_size = MiB(2),
						    .cmdline_len = 42 };
		UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && plan_consistent(&p, &img, &in));
		UNIT_CHECK_WHY(params_match(image, len, &p, MiB(2), bp, &why), why);
	}
	/* 64 MiB cannot hold pref_address + init_size of a stock kernel */
	struct linux_boot_plan p;
	struct linux_boot_plan_input small = { .mem_size = MiB(64), .hole_start = GiB(3),
					       .acpi_size = 3000 };
	UNIT_CHECK(img.pref_address + img.kernel_mem_size <= MiB(64) ||
		   linux_boot_plan(&img, &small, &p, &why) == -ENOSPC);
	unit_end();

	unit_begin("linux_real_bzimage_truncations");
	bool ok = true;
	const size_t cuts[] = { 0, 0x1F0, 0x26B, 0x26C, 0x400, img.kernel_offset - 1,
				img.kernel_offset, img.kernel_offset + img.kernel_file_size - 1 };
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		uint8_t *copy = malloc(cuts[i] ? cuts[i] : 1);
		memcpy(copy, image, cuts[i]);
		why = NULL;
		ok &= linux_boot_parse(copy, cuts[i], &img, &why) == -EINVAL && why;
		free(copy);
	}
	UNIT_CHECK(ok);
	unit_end();
	free(image);
}

int main(int argc, char **argv)
{
	char path[1024];
	const char *slash = strrchr(argv[0], '/');

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (slash)
		snprintf(path, sizeof(path), "%.*s/../../linux-guest/bzImage",
			 (int)(slash - argv[0]), argv[0]);
	else
		snprintf(path, sizeof(path), "build/linux-guest/bzImage");

	test_real_image(path);
	return unit_exit_code();
}
