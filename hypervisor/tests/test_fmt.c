/*
 * test_fmt.c - host tests of the hypervisor's printf (hypervisor/core/fmt.c).
 *
 * The reference is the host C library: for a broad table of conversions
 * (flags, width, precision, length modifiers, extreme values) the output
 * and the return value of fmt_snprintf must equal snprintf's, at several
 * buffer sizes so truncation is compared too. What the hypervisor does on
 * purpose differently (%p, unknown conversions) is checked on its own.
 *
 * Formats go through variables: several of them are ones the compiler's
 * format checker rightly warns about, and that is exactly what is tested.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/fmt.c"

#define OUT_MAX 256

/* Output of both implementations for one format and buffer size. */
struct pair {
	char ours[OUT_MAX + 8];
	char libc[OUT_MAX + 8];
	int r_ours, r_libc;
};

/*
 * Compares the two outputs: return values, the size bytes each may write
 * (terminated within them), and nothing written past size (the '#' guard).
 */
static void compare(int line, const char *fmt, size_t size, const struct pair *p)
{
	size_t n = size ? strlen(p->libc) + 1 : 0;

	if (p->r_ours != p->r_libc || memcmp(p->ours, p->libc, n) != 0 ||
	    p->ours[size] != '#')
		unit_failf("line %d, \"%s\", size %zu: ours [%.*s] -> %d, libc [%.*s] -> %d",
			   line, fmt, size, (int)size, p->ours, p->r_ours,
			   (int)size, p->libc, p->r_libc);
}

/*
 * SAME(fmt, args...): fmt_snprintf and snprintf agree at buffer sizes 0,
 * 1, 5 and OUT_MAX. A macro only because C cannot forward "..." twice.
 */
#define SAME(f, ...) do {                                                     \
	static const size_t sizes_[] = { 0, 1, 5, OUT_MAX };                  \
	const char *fmt_ = (f);                                               \
	for (size_t i_ = 0; i_ < ARRAY_SIZE(sizes_); i_++) {                  \
		struct pair p_;                                               \
		memset(&p_, '#', sizeof(p_));                                 \
		p_.r_ours = fmt_snprintf(p_.ours, sizes_[i_], fmt_, __VA_ARGS__); \
		p_.r_libc = snprintf(p_.libc, sizes_[i_], fmt_, __VA_ARGS__); \
		compare(__LINE__, fmt_, sizes_[i_], &p_);                     \
	}                                                                     \
} while (0)

static void test_plain_text(void)
{
	unit_begin("fmt_plain_text_and_percent");
	SAME("%s", "");
	SAME("hello, world%s", "");
	SAME("100%% sure%s", "");
	SAME("%%%%%s%%", "x");
	SAME("%c%c%c", 'a', ' ', '~');
	SAME("[%5c|%-5c]", 'x', 'y');
	unit_end();
}

static void test_signed(void)
{
	unit_begin("fmt_signed_integers");
	const int vals[] = { 0, 1, -1, 42, -42, 9999, INT_MAX, INT_MIN };
	const char *fmts[] = {
		"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%+05d", "% 05d",
		"%.3d", "%8.3d", "%-8.3d|", "%08.3d", "%.0d", "%+.0d", "% .0d",
		"%-+8d|", "%- 8d|", "%+ d", "%012d", "%-012d|", "%1d", "%.12d",
	};
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++)
			SAME(fmts[f], vals[v]);
	unit_end();
}

static void test_unsigned_bases(void)
{
	unit_begin("fmt_unsigned_bases");
	const unsigned vals[] = { 0, 1, 7, 8, 255, 0xdeadbeef, UINT_MAX };
	const char *fmts[] = {
		"%u", "%x", "%X", "%o", "%#x", "%#X", "%#o", "%08x", "%#08x",
		"%-#8x|", "%.4x", "%#.4x", "%#.0x", "%.0x", "%#.0o", "%#.5o",
		"%#5o", "%#10.6X", "%+u", "% u", "%+x", "% o", "%010u",
	};
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++)
			SAME(fmts[f], vals[v]);
	unit_end();
}

/* Length modifiers read the right argument type and truncate the value. */
static void test_length_modifiers(void)
{
	unit_begin("fmt_length_modifiers");
	SAME("%hhd %hhd %hhd", 127, 128, -129);
	SAME("%hhu %hhx", 300, -1);
	SAME("%hd %hd %hu", 32767, 40000, -1);
	SAME("%ld %ld %lu %lx", LONG_MAX, LONG_MIN, ULONG_MAX, 0x123456789abcUL);
	SAME("%lld %lld %llu %llX", LLONG_MAX, LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL);
	SAME("%zd %zu %zx", (ssize_t)-5, SIZE_MAX, (size_t)4096);
	SAME("%jd %ju", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX);
	SAME("%td %tx", (ptrdiff_t)-123456789012, (ptrdiff_t)255);
	SAME("%#llo %020lld %-+21lld|", 01777ULL, (long long)INT64_MIN, (long long)INT64_MAX);
	/* Arguments after a wide one are still read from the right place. */
	SAME("%lld %d %lu %s", 1LL << 40, 7, 99UL, "end");
	unit_end();
}

static void test_strings(void)
{
	unit_begin("fmt_strings");
	const char *strs[] = { "", "a", "hello", "a somewhat longer string" };
	const char *fmts[] = {
		"%s", "%10s", "%-10s|", "%.3s", "%.0s", "%10.2s", "%-10.2s|", "%3s",
		"%.30s",
	};
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
		for (size_t s = 0; s < ARRAY_SIZE(strs); s++)
			SAME(fmts[f], strs[s]);
	/* NULL prints "(null)" like glibc (glibc's own NULL rules for short
	 * precisions are a glibc choice, not compared). */
	const char *volatile nul = NULL;        /* hidden from the format checker */
	SAME("%s|%10s|%-8s|", nul, nul, nul);
	/* Precision bounds the read: the string need not be terminated. */
	static const char unterminated[3] = { 'a', 'b', 'c' };
	SAME("%.3s|%.2s", unterminated, unterminated);
	unit_end();
}

/* Width and precision from arguments, negative ones included. */
static void test_star(void)
{
	unit_begin("fmt_star_width_precision");
	SAME("%*d|", 6, 42);
	SAME("%*d|", -6, 42);
	SAME("%-*d|", 6, 42);
	SAME("%.*d|", 4, 42);
	SAME("%.*d|", -1, 42);
	SAME("%*.*s|", 8, 3, "abcdef");
	SAME("%*.*s|", -8, 3, "abcdef");
	SAME("%.*s|", -3, "abcdef");
	SAME("%0*x|", 10, 0xbeef);
	unit_end();
}

/* Return value and truncation for outputs far longer than the buffer. */
static void test_truncation(void)
{
	static char big[1000];

	unit_begin("fmt_truncation");
	memset(big, 'x', sizeof(big) - 1);
	SAME("%s", big);
	SAME("%500d|%s", 1, "tail");
	SAME("abc%-300sdef", "mid");
	/* size 0 writes nothing at all, even through a NULL buffer. */
	UNIT_CHECK(fmt_snprintf(NULL, 0, "%d%s", 12345, "abc") == 8);
	unit_end();
}

/* Our own choices: %p is "0x" and 16 digits, NULL included. */
static void test_pointer(void)
{
	char buf[64];

	unit_begin("fmt_pointer");
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234) == 18);
	UNIT_CHECK(strcmp(buf, "0x0000000000001234") == 0);
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0xffffffff81000000ull);
	UNIT_CHECK(strcmp(buf, "0xffffffff81000000") == 0);
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), "%p", NULL) == 18);
	UNIT_CHECK(strcmp(buf, "0x0000000000000000") == 0);
	fmt_snprintf(buf, sizeof(buf), "[%-20p]", (void *)0xab);
	UNIT_CHECK(strcmp(buf, "[0x00000000000000ab  ]") == 0);
	fmt_snprintf(buf, sizeof(buf), "[%20p]", (void *)0xab);
	UNIT_CHECK(strcmp(buf, "[  0x00000000000000ab]") == 0);
	UNIT_CHECK(fmt_snprintf(buf, 5, "%p", (void *)0xab) == 18 && strcmp(buf, "0x00") == 0);
	unit_end();
}

/*
 * Unknown conversions are copied through as written and read no
 * argument, so a later conversion still gets its own (%n never writes).
 */
static void test_unknown_conversions(void)
{
	char buf[64];
	int n = 0;
	const char *f;

	unit_begin("fmt_unknown_conversions");
	f = "a%yb%d";
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), f, 5) == 5 && strcmp(buf, "a%yb5") == 0);
	f = "%-08.3q|%s";
	fmt_snprintf(buf, sizeof(buf), f, "ok");
	UNIT_CHECK(strcmp(buf, "%-08.3q|ok") == 0);
	f = "%n%d";
	fmt_snprintf(buf, sizeof(buf), f, 7, &n);
	UNIT_CHECK(strcmp(buf, "%n7") == 0 && n == 0);
	f = "%Lf";                        /* no floating point, no 'L' */
	fmt_snprintf(buf, sizeof(buf), f, 1);
	UNIT_CHECK(strcmp(buf, "%Lf") == 0);
	/* A format ending inside a conversion: copied, and the end respected. */
	f = "50%";
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), f) == 3 && strcmp(buf, "50%") == 0);
	f = "x%-5";
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), f) == 4 && strcmp(buf, "x%-5") == 0);
	f = "x%ll";
	UNIT_CHECK(fmt_snprintf(buf, sizeof(buf), f) == 4 && strcmp(buf, "x%ll") == 0);
	unit_end();
}

int main(void)
{
	test_plain_text();
	test_signed();
	test_unsigned_bases();
	test_length_modifiers();
	test_strings();
	test_star();
	test_truncation();
	test_pointer();
	test_unknown_conversions();
	return unit_exit_code();
}
