/*
 * test_cli.c - host unit tests of muxctl's pure helpers: number and size
 * parsing, exit codes, JSON strings, top's interval and percentages. The
 * files are included so that static functions are reachable; nothing here
 * opens a device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../cli.c"
#include "../cmd_top.c"
#include "../cmd_balloon.c"

static void test_sizes(void)
{
	uint64_t b = 0;
	unit_begin("muxctl_cli_sizes");
	UNIT_CHECK(cli_size("512K", &b) && b == 512ull << 10);
	UNIT_CHECK(cli_size("16M", &b) && b == 16ull << 20);
	UNIT_CHECK(cli_size("2g", &b) && b == 2ull << 30);
	UNIT_CHECK(cli_size("64", &b) && b == 64ull << 20);   /* a bare number is MiB */
	b = 7;
	UNIT_CHECK(!cli_size("0", &b) && !cli_size("", &b) && !cli_size("-1M", &b));
	UNIT_CHECK(!cli_size("5Q", &b) && !cli_size("16MB", &b) && !cli_size(" 1M", &b));
	UNIT_CHECK(!cli_size("99999999999999999G", &b) && !cli_size("17179869184G", &b));
	UNIT_CHECK(b == 7);   /* a refused value leaves the output alone */
	unit_end();
}

static void test_numbers(void)
{
	uint32_t v = 0;
	uint64_t w = 0;
	unit_begin("muxctl_cli_numbers");
	UNIT_CHECK(cli_u32("65535", 1, 65535, &v) && v == 65535);
	UNIT_CHECK(!cli_u32("65536", 1, 65535, &v) && !cli_u32("0", 1, 65535, &v));
	UNIT_CHECK(cli_u32("0x10", 0, 100, &v) && v == 16);
	UNIT_CHECK(!cli_u32("-1", 0, UINT32_MAX, &v) && !cli_u32(" 1", 0, 9, &v));
	UNIT_CHECK(!cli_u32("1x", 0, 9, &v) && !cli_u32("", 0, 9, &v) && !cli_u32(NULL, 0, 9, &v));
	UNIT_CHECK(!cli_u32("4294967296", 0, UINT32_MAX, &v));
	UNIT_CHECK(cli_u64("18446744073709551615", &w) && w == UINT64_MAX);
	UNIT_CHECK(!cli_u64("18446744073709551616", &w));
	unit_end();
}

static void test_exit_codes(void)
{
	unit_begin("muxctl_cli_exit_codes");
	UNIT_CHECK(cli_exit_code(0) == EXIT_OK);
	UNIT_CHECK(cli_exit_code(-ESRCH) == EXIT_NOT_FOUND && cli_exit_code(-ENOENT) == EXIT_NOT_FOUND);
	UNIT_CHECK(cli_exit_code(-ENOSPC) == EXIT_REFUSED && cli_exit_code(-EINVAL) == EXIT_REFUSED);
	UNIT_CHECK(cli_exit_code(-ERANGE) == EXIT_REFUSED && cli_exit_code(-EBUSY) == EXIT_REFUSED);
	UNIT_CHECK(cli_exit_code(-EEXIST) == EXIT_REFUSED && cli_exit_code(-EPERM) == EXIT_REFUSED);
	UNIT_CHECK(cli_exit_code(-ENOSYS) == EXIT_NO_HYPERVISOR);
	UNIT_CHECK(cli_exit_code(-EPROTO) == EXIT_NO_HYPERVISOR);
	UNIT_CHECK(cli_exit_code(-EIO) == EXIT_OTHER && cli_exit_code(-EFAULT) == EXIT_OTHER);
	unit_end();
}

static void test_json_strings(void)
{
	char *buf = NULL;
	size_t len = 0;
	unit_begin("muxctl_cli_json_strings");
	FILE *f = open_memstream(&buf, &len);
	UNIT_CHECK(f != NULL);
	if (f) {
		cli_json_str(f, "a\"b\\c\n\x01\x7f" "d");
		fclose(f);
		UNIT_CHECK(strcmp(buf, "\"a\\\"b\\\\c\\u000a\\u0001\\u007fd\"") == 0);
	}
	free(buf);
	unit_end();
}

static void test_top_math(void)
{
	struct muxv_cpu_time old = { 1000, 2000, 3000 }, cur = { 501000, 252000, 3000 };
	uint32_t ms = 0;
	unit_begin("muxctl_top_percentages_and_interval");
	struct top_pct p = top_delta(&old, &cur, 1000000);
	UNIT_CHECK(p.run == 50.0 && p.steal == 25.0 && p.blocked == 0.0);
	/* no previous reading, no time passed, or counters that went back
	 * (a restarted domain): zeros, never a negative or huge number */
	p = top_delta(NULL, &cur, 1000000);
	UNIT_CHECK(p.run == 0.0 && p.steal == 0.0);
	p = top_delta(&old, &cur, 0);
	UNIT_CHECK(p.run == 0.0);
	p = top_delta(&cur, &old, 1000000);
	UNIT_CHECK(p.run == 0.0 && p.steal == 0.0 && p.blocked == 0.0);
	UNIT_CHECK(cli_pct(3, 0) == 0.0 && cli_pct(1, 4) == 25.0);
	UNIT_CHECK(top_interval("500ms", &ms) == 0 && ms == 500);
	UNIT_CHECK(top_interval("2", &ms) == 0 && ms == 2000);
	ms = 9;
	UNIT_CHECK(top_interval("50ms", &ms) == EXIT_USAGE && top_interval("0", &ms) == EXIT_USAGE);
	UNIT_CHECK(top_interval("ms", &ms) == EXIT_USAGE && top_interval("1.5", &ms) == EXIT_USAGE);
	UNIT_CHECK(ms == 9);
	unit_end();
}

int main(void)
{
	test_sizes();
	test_numbers();
	test_exit_codes();
	test_json_strings();
	test_top_math();
	return unit_exit_code();
}
