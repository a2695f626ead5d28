/*
 * test_log_format.c - host tests of the log line format and the level
 * names (hypervisor/core/log_format.c): exactly what the serial console
 * shows, "[cpuN] <tag>message\n", and how a line too long for its buffer
 * is cut. Each call gets a heap buffer of exactly its size, so a byte
 * written past the size is an ASan report.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/fmt.c"
#include "../core/log_format.c"

/* Formats one line into a fresh exact-size buffer; returns it (free it). */
static char *line_at(size_t size, size_t *len, enum log_level level, int cpu,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static char *line_at(size_t size, size_t *len, enum log_level level, int cpu,
		     const char *fmt, ...)
{
	char *buf = malloc(size ? size : 1);
	va_list ap;

	memset(buf, '#', size);
	va_start(ap, fmt);
	*len = log_format_line(buf, size, level, cpu, fmt, ap);
	va_end(ap);
	return buf;
}

/* Checks that a LOG_LINE_MAX line is exactly `want`. */
static void expect_line(const char *want, enum log_level level, int cpu,
			const char *msg)
{
	size_t len;
	char *buf = line_at(LOG_LINE_MAX, &len, level, cpu, "%s", msg);

	if (len != strlen(want) || strcmp(buf, want) != 0)
		unit_failf("got \"%s\" (%zu), want \"%s\"", buf, len, want);
	free(buf);
}

static void test_prefixes(void)
{
	unit_begin("log_line_prefixes");
	expect_line("[cpu0] ready\n", LOG_INFO, 0, "ready");
	expect_line("[cpu3] warning: TSC skew\n", LOG_WARN, 3, "TSC skew");
	expect_line("[cpu12] error: no MADT\n", LOG_ERROR, 12, "no MADT");
	expect_line("[cpu1] debug: x\n", LOG_DEBUG, 1, "x");
	expect_line("[boot] starting\n", LOG_INFO, -1, "starting");
	expect_line("[boot] warning: w\n", LOG_WARN, -7, "w");
	expect_line("[cpu2147483647] error: e\n", LOG_ERROR, 2147483647, "e");
	/* A level out of range is shown as an error, not an index past the table. */
	expect_line("[cpu0] error: odd\n", (enum log_level)9, 0, "odd");
	unit_end();
}

/* Exactly one newline at the end, whether or not the caller wrote one. */
static void test_newline(void)
{
	unit_begin("log_line_newline");
	expect_line("[cpu0] a\n", LOG_INFO, 0, "a\n");
	expect_line("[cpu0] a\n", LOG_INFO, 0, "a");
	expect_line("[cpu0] \n", LOG_INFO, 0, "");
	expect_line("[cpu0] two\nlines\n", LOG_INFO, 0, "two\nlines");
	unit_end();
}

/* The arguments reach the message through the va_list. */
static void test_arguments(void)
{
	size_t len;
	char *buf;

	unit_begin("log_line_arguments");
	buf = line_at(LOG_LINE_MAX, &len, LOG_INFO, 5, "%s: %d MiB free, %#lx", "mm",
		      250, 0x1000ul);
	UNIT_CHECK(strcmp(buf, "[cpu5] mm: 250 MiB free, 0x1000\n") == 0);
	UNIT_CHECK(len == strlen(buf));
	free(buf);
	unit_end();
}

/*
 * A message longer than the buffer: the line fills it exactly, ends with
 * "...\n" and a NUL, and the length returned is what was written.
 */
static void test_truncation(void)
{
	char msg[2000];

	unit_begin("log_line_truncation");
	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	const size_t sizes[] = { 21, 22, 30, 64, LOG_LINE_MAX };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t len;
		char *buf = line_at(sizes[i], &len, LOG_WARN, 7, "%s", msg);
		bool ok = len == sizes[i] - 1 && buf[len] == '\0' &&
			  strlen(buf) == len && memcmp(buf + len - 4, "...\n", 4) == 0 &&
			  strncmp(buf, "[cpu7] warning: mmm", MIN(len - 4, 19)) == 0;
		if (!ok)
			unit_failf("size %zu: got \"%s\" (%zu)", sizes[i], buf, len);
		free(buf);
	}
	unit_end();
}

/*
 * The boundary: a message that just fits is kept whole, one character
 * more is cut. The room for a message is size - prefix - "...\n" - NUL.
 */
static void test_truncation_boundary(void)
{
	const size_t size = 64, prefix = strlen("[cpu0] ");
	char msg[128];
	size_t len;
	char *buf;

	unit_begin("log_line_truncation_boundary");
	size_t room = size - prefix - 5;
	memset(msg, 'x', room);
	msg[room] = '\0';
	buf = line_at(size, &len, LOG_INFO, 0, "%s", msg);
	UNIT_CHECK(len == prefix + room + 1 && buf[len - 1] == '\n');
	UNIT_CHECK(strstr(buf, "...") == NULL);
	free(buf);

	msg[room] = 'x';
	msg[room + 1] = '\0';
	buf = line_at(size, &len, LOG_INFO, 0, "%s", msg);
	UNIT_CHECK(len == size - 1 && strcmp(buf + len - 4, "...\n") == 0);
	free(buf);

	/* A message whose own newline is what does not fit. */
	msg[room] = '\n';
	buf = line_at(size, &len, LOG_INFO, 0, "%s", msg);
	UNIT_CHECK(len == size - 1 && buf[len - 1] == '\n');
	free(buf);
	unit_end();
}

/*
 * Small buffers: below the documented minimum nothing is written; at and
 * above it, even a prefix longer than the buffer ("[cpu2147483647]
 * warning: " is 25 characters) must stay inside it.
 */
static void test_small_buffers(void)
{
	unit_begin("log_line_small_buffers");
	for (size_t size = 0; size <= 40; size++) {
		size_t len;
		char *buf = line_at(size, &len, LOG_WARN, 2147483647, "%s", "message");
		if (size < 21) {
			if (len != 0)
				unit_failf("size %zu: returned %zu", size, len);
		} else if (len >= size || buf[len] != '\0' || buf[len - 1] != '\n') {
			unit_failf("size %zu: returned %zu", size, len);
		}
		free(buf);
	}
	unit_end();
}

static int parse_level(const char *s, size_t len, enum log_level *out)
{
	*out = (enum log_level)77;
	return log_level_parse(s, len, out);
}

static void test_level_parse(void)
{
	const struct { const char *s; enum log_level want; } good[] = {
		{ "error", LOG_ERROR }, { "warn", LOG_WARN }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG }, { "0", LOG_ERROR }, { "1", LOG_WARN },
		{ "2", LOG_INFO }, { "3", LOG_DEBUG },
	};
	const char *bad[] = {
		"", "4", "9", "-1", "00", "warning", "inf", "informational", "INFO",
		"Debug", "err", " info", "info ",
	};
	enum log_level lv;

	unit_begin("log_level_parse");
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (parse_level(good[i].s, strlen(good[i].s), &lv) != 0 || lv != good[i].want)
			unit_failf("\"%s\" not parsed as %d", good[i].s, good[i].want);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (parse_level(bad[i], strlen(bad[i]), &lv) != -EINVAL || lv != 77)
			unit_failf("\"%s\" accepted or output changed", bad[i]);
	/* The name is a (pointer, length) slice of a longer command line. */
	UNIT_CHECK(parse_level("debug maxcpus=2", 5, &lv) == 0 && lv == LOG_DEBUG);
	UNIT_CHECK(parse_level("warn", 3, &lv) == -EINVAL);
	UNIT_CHECK(parse_level("3x", 1, &lv) == 0 && lv == LOG_DEBUG);
	unit_end();
}

int main(void)
{
	test_prefixes();
	test_newline();
	test_arguments();
	test_truncation();
	test_truncation_boundary();
	test_small_buffers();
	test_level_parse();
	return unit_exit_code();
}
