/*
 * test_format.c - host unit test of the guests' printf engine (format.c)
 * and command-line words (params.c): every result line the integration
 * tests parse goes through the first, every test parameter through the
 * second. Both modules are included so their static functions are in
 * reach; the few runtime functions they call are stubbed below.
 */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../format.c"
#include "../params.c"

static struct muxv_boot_info info;

const struct rt_test test_desc = { .name = "host", .main = NULL };

size_t rt_strlen(const char *s)
{
	return strlen(s);
}

int rt_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

const struct muxv_boot_info *rt_boot_info(void)
{
	return &info;
}

void rt_abort(const char *name, const char *fmt, ...)
{
	printf("FAIL %s: rt_abort(%s) called\n", name, fmt);
	exit(1);
}

/* True if formatting gives want (and its length). */
static bool formats(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) || n != (int)strlen(want)) {
		printf("# format \"%s\": got \"%s\" (%d), want \"%s\"\n", fmt, buf, n, want);
		return false;
	}
	return true;
}

static void test_conversions(void)
{
	unit_begin("rt_format_conversions");
	UNIT_CHECK(formats("PASS hello", "PASS %s", "hello"));
	UNIT_CHECK(formats("-42 42 2a 2A", "%d %u %x %X", -42, 42u, 42u, 42u));
	UNIT_CHECK(formats("18446744073709551615", "%lu", (unsigned long)-1));
	UNIT_CHECK(formats("-9223372036854775808", "%ld", (long)(1ul << 63)));
	UNIT_CHECK(formats("0x00000000001ac000", "%p", (void *)0x1ac000));
	UNIT_CHECK(formats("c 100% (null)", "%c 100%% %s", 'c', (char *)NULL));
	UNIT_CHECK(formats("255 65535", "%hhu %hu", 0x1ffu, 0x1ffffu));
	UNIT_CHECK(formats("7", "%zu", (size_t)7));
	unit_end();
}

static void test_padding(void)
{
	unit_begin("rt_format_padding");
	UNIT_CHECK(formats("0000beef", "%08x", 0xbeefu));
	UNIT_CHECK(formats("  -5|-5  |-005", "%4d|%-4d|%04d", -5, -5, -5));
	UNIT_CHECK(formats("ab   |  ab", "%-5s|%4s", "ab", "ab"));
	unit_end();
}

static void test_truncation(void)
{
	char buf[6];

	unit_begin("rt_format_truncation");
	UNIT_CHECK(rt_snprintf(buf, sizeof(buf), "%s", "truncated") == 9);
	UNIT_CHECK(strcmp(buf, "trunc") == 0);
	UNIT_CHECK(rt_snprintf(buf, 0, "x") == 1);
	unit_end();
}

static void test_params(void)
{
	char val[16];
	uint64_t v = 0;

	strcpy(info.cmdline, "duration_ms=5000  target=0xfee00000 bare mode=write "
			     "modex=no cycles=18446744073709551616");
	unit_begin("rt_params");
	UNIT_CHECK(rt_param_u64("duration_ms", 1) == 5000);
	UNIT_CHECK(rt_param_u64("target", 1) == 0xfee00000);
	UNIT_CHECK(rt_param_u64("absent", 77) == 77);
	UNIT_CHECK(rt_param("bare", val, sizeof(val)) && val[0] == '\0');
	UNIT_CHECK(rt_param("mode", val, sizeof(val)) && strcmp(val, "write") == 0);
	UNIT_CHECK(!rt_param("mod", val, sizeof(val)));
	UNIT_CHECK(rt_param("target", val, 5) && strcmp(val, "0xfe") == 0);
	UNIT_CHECK(rt_param("cycles", val, sizeof(val)));
	UNIT_CHECK(!rt_parse_u64("18446744073709551616", &v));
	UNIT_CHECK(rt_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	UNIT_CHECK(!rt_parse_u64("", &v) && !rt_parse_u64("0x", &v));
	UNIT_CHECK(!rt_parse_u64("12a", &v) && !rt_parse_u64("0xfg", &v));
	unit_end();
}

int main(void)
{
	test_conversions();
	test_padding();
	test_truncation();
	test_params();
	return unit_exit_code();
}
