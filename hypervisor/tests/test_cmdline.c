/*
 * test_cmdline.c - host tests of the command-line tokenizer, the number
 * parser and the hypervisor's options (hypervisor/core/cmdline.c), and a
 * check that docs/hypervisor-options.md and the parser agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/fmt.c"
#include "../core/log_format.c"
#include "../core/cmdline.c"

/* ------------------------------------------------------------------ */
/* Tokenizer                                                           */

/* Tokens of a line, rendered "key" or "key=[value]" and joined by '|'. */
static void tokens(const char *line, char *out, size_t size)
{
	struct cmdline_token t;
	size_t n = 0;

	out[0] = '\0';
	while (cmdline_next(&line, &t) && n < size) {
		if (t.value)
			n += (size_t)snprintf(out + n, size - n, "%s%.*s=[%.*s]", n ? "|" : "",
					      (int)t.key_len, t.key, (int)t.value_len, t.value);
		else
			n += (size_t)snprintf(out + n, size - n, "%s%.*s", n ? "|" : "",
					      (int)t.key_len, t.key);
	}
}

static void expect_tokens(const char *line, const char *want)
{
	char got[512];

	tokens(line, got, sizeof(got));
	if (strcmp(got, want) != 0)
		unit_failf("\"%s\": got %s, want %s", line, got, want);
}

static void test_tokenizer(void)
{
	unit_begin("cmdline_tokenizer");
	expect_tokens("", "");
	expect_tokens("   \t ", "");
	expect_tokens("a=1", "a=[1]");
	expect_tokens("  a=1  b\tc=xyz  ", "a=[1]|b|c=[xyz]");
	expect_tokens("k=\"two words\" next", "k=[two words]|next");
	expect_tokens("k=\"\" e=", "k=[]|e=[]");           /* empty values, not bare */
	expect_tokens("k=\"unterminated quote", "k=[unterminated quote]");
	expect_tokens("k=\"a\"b c", "k=[a]|b|c");
	expect_tokens("k=a=b", "k=[a=b]");                 /* only the first '=' splits */
	expect_tokens("=v", "=[v]");
	expect_tokens("x=\"tab\tin\"", "x=[tab\tin]");
	unit_end();
}

/* GRUB passes an argument that contains spaces with the quotes around the
 * whole word: `cmdline="a b"` in grub.cfg arrives as `"cmdline=a b"`. */
static void test_tokenizer_grub_quoting(void)
{
	unit_begin("cmdline_tokenizer_whole_word_quoted");
	expect_tokens("\"cmdline=console=ttyS0 quiet\" name=x",
		      "cmdline=[console=ttyS0 quiet]|name=[x]");
	expect_tokens("\"bare word\" k=v", "bare word|k=[v]");
	expect_tokens("\"k=unterminated", "k=[unterminated]");
	unit_end();
}

/* The tokenizer reports where each token is, for warnings. */
static void test_token_positions(void)
{
	const char *line = "  key=\"v w\" bare";
	const char *p = line;
	struct cmdline_token t;

	unit_begin("cmdline_token_positions");
	UNIT_CHECK(cmdline_next(&p, &t) && t.key == line + 2 && t.key_len == 3);
	UNIT_CHECK(t.value == line + 7 && t.value_len == 3);
	UNIT_CHECK(p == line + 11);
	UNIT_CHECK(cmdline_next(&p, &t) && t.key == line + 12 && t.value == NULL);
	UNIT_CHECK(!cmdline_next(&p, &t) && *p == '\0');
	UNIT_CHECK(!cmdline_next(&p, &t));                 /* stays at the end */
	unit_end();
}

static void test_key_is(void)
{
	struct cmdline_token t = { "loglevelx", 8, NULL, 0 };

	unit_begin("cmdline_key_is");
	UNIT_CHECK(cmdline_key_is(&t, "loglevel"));
	UNIT_CHECK(!cmdline_key_is(&t, "loglevelx"));
	UNIT_CHECK(!cmdline_key_is(&t, "log"));
	UNIT_CHECK(!cmdline_key_is(&t, ""));
	unit_end();
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

/* Parses the whole string; the output is left alone on errors. */
static int u64(const char *s, bool suffixes, uint64_t *v)
{
	*v = 0x5a5a;
	return cmdline_parse_u64(s, strlen(s), suffixes, v);
}

static void test_parse_u64(void)
{
	const struct { const char *s; bool suffixes; uint64_t want; } good[] = {
		{ "0", false, 0 }, { "7", false, 7 }, { "000123", false, 123 },
		{ "0x0", false, 0 }, { "0x1f", false, 31 }, { "0XfF", false, 255 },
		{ "18446744073709551615", false, UINT64_MAX },
		{ "0xffffffffffffffff", false, UINT64_MAX },
		{ "4K", true, 4096 }, { "4k", true, 4096 }, { "2M", true, 2ull << 20 },
		{ "3g", true, 3ull << 30 }, { "0x10M", true, 16ull << 20 },
		{ "0K", true, 0 }, { "12", true, 12 },
		{ "17179869183G", true, 17179869183ull << 30 },   /* largest that fits */
	};
	const struct { const char *s; bool suffixes; int err; } bad[] = {
		{ "", false, -EINVAL }, { "", true, -EINVAL }, { "K", true, -EINVAL },
		{ "0x", false, -EINVAL }, { "0xK", true, -EINVAL }, { "-1", false, -EINVAL },
		{ "+1", false, -EINVAL }, { " 1", false, -EINVAL }, { "1 ", false, -EINVAL },
		{ "12abc", false, -EINVAL }, { "0x1g", false, -EINVAL }, { "4K", false, -EINVAL },
		{ "1KK", true, -EINVAL }, { "1T", true, -EINVAL }, { "0b101", false, -EINVAL },
		{ "1.5", false, -EINVAL }, { "0x12x", false, -EINVAL },
		{ "18446744073709551616", false, -ERANGE },
		{ "99999999999999999999999", false, -ERANGE },
		{ "0x10000000000000000", false, -ERANGE },
		{ "17179869184G", true, -ERANGE }, { "18014398509481984K", true, -ERANGE },
	};
	uint64_t v;

	unit_begin("cmdline_parse_u64");
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (u64(good[i].s, good[i].suffixes, &v) != 0 || v != good[i].want)
			unit_failf("\"%s\": got %llu", good[i].s, (unsigned long long)v);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = u64(bad[i].s, bad[i].suffixes, &v);
		if (r != bad[i].err || v != 0x5a5a)
			unit_failf("\"%s\": returned %d (want %d), output %llu", bad[i].s, r,
				   bad[i].err, (unsigned long long)v);
	}
	/* Exactly len characters are read: a slice of a longer line. */
	UNIT_CHECK(cmdline_parse_u64("4096 rest", 4, false, &v) == 0 && v == 4096);
	UNIT_CHECK(cmdline_parse_u64("2Mx", 2, true, &v) == 0 && v == 2ull << 20);
	unit_end();
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

/* What warn() was told, for the checks. */
static struct {
	int calls;
	char why[64];
	char word[128];
} warned;

static void record_warn(const char *why, const char *word, size_t len)
{
	warned.calls++;
	snprintf(warned.why, sizeof(warned.why), "%s", why);
	snprintf(warned.word, sizeof(warned.word), "%.*s", (int)len, word);
}

static int options(const char *line, struct hv_options *opt)
{
	memset(&warned, 0, sizeof(warned));
	cmdline_default_options(opt);
	return cmdline_parse_options(line, opt, record_warn);
}

static bool is_default(const struct hv_options *opt)
{
	struct hv_options def;

	cmdline_default_options(&def);
	return memcmp(&def, opt, sizeof(def)) == 0;
}

static void test_defaults(void)
{
	struct hv_options opt;

	unit_begin("cmdline_options_defaults");
	memset(&opt, 0xff, sizeof(opt));
	cmdline_default_options(&opt);
	UNIT_CHECK(opt.loglevel == LOG_INFO && opt.maxcpus == 0);
	UNIT_CHECK(opt.debug_fault == DEBUG_FAULT_NONE && opt.debug_fault_cpu == 0);
	UNIT_CHECK(options("", &opt) == 0 && is_default(&opt) && warned.calls == 0);
	unit_end();
}

static void test_every_option(void)
{
	struct hv_options opt;

	unit_begin("cmdline_options_every_option");
	UNIT_CHECK(options("loglevel=debug maxcpus=4 debug_fault=gp debug_fault_cpu=3",
			   &opt) == 0 && warned.calls == 0);
	UNIT_CHECK(opt.loglevel == LOG_DEBUG && opt.maxcpus == 4);
	UNIT_CHECK(opt.debug_fault == DEBUG_FAULT_GP && opt.debug_fault_cpu == 3);
	UNIT_CHECK(options("loglevel=0", &opt) == 0 && opt.loglevel == LOG_ERROR);
	UNIT_CHECK(options("loglevel=\"warn\"", &opt) == 0 && opt.loglevel == LOG_WARN);
	UNIT_CHECK(options("maxcpus=1", &opt) == 0 && opt.maxcpus == 1);
	UNIT_CHECK(options("maxcpus=4096", &opt) == 0 && opt.maxcpus == 4096);
	UNIT_CHECK(options("debug_fault_cpu=4095", &opt) == 0 && opt.debug_fault_cpu == 4095);
	UNIT_CHECK(options("maxcpus=0x10", &opt) == 0 && opt.maxcpus == 16);
	UNIT_CHECK(options("sched_stats=500", &opt) == 0 && opt.sched_stats_ms == 500);
	UNIT_CHECK(options("sched_stats=3600001", &opt) == 1 && opt.sched_stats_ms == 0);
	UNIT_CHECK(options("dom0_mem=1G dom0_vcpus=3 dom0_crash=reboot", &opt) == 0 &&
		   opt.dom0_mem == (1ull << 30) && opt.dom0_vcpus == 3 && opt.dom0_crash_reboot);
	UNIT_CHECK(options("dom0_mem=768M", &opt) == 0 && opt.dom0_mem == (768ull << 20));
	UNIT_CHECK(options("dom0_mem=8M", &opt) == 1 && opt.dom0_mem == DOM0_MEM_DEFAULT);
	UNIT_CHECK(options("dom0_mem=16385K", &opt) == 1 && opt.dom0_mem == DOM0_MEM_DEFAULT);
	UNIT_CHECK(options("dom0_vcpus=0", &opt) == 1 && opt.dom0_vcpus == DOM0_VCPUS_DEFAULT);
	UNIT_CHECK(options("dom0_crash=explode", &opt) == 1 && !opt.dom0_crash_reboot);
	UNIT_CHECK(opt.boot_cpu == BOOT_CPU_AUTO);
	UNIT_CHECK(options("boot_cpu=housekeeping", &opt) == 0 &&
		   opt.boot_cpu == BOOT_CPU_HOUSEKEEPING);
	UNIT_CHECK(options("boot_cpu=guests", &opt) == 0 && opt.boot_cpu == BOOT_CPU_GUESTS);
	UNIT_CHECK(options("boot_cpu=auto", &opt) == 0 && opt.boot_cpu == BOOT_CPU_AUTO);
	UNIT_CHECK(options("boot_cpu=house", &opt) == 1 && opt.boot_cpu == BOOT_CPU_AUTO);
	UNIT_CHECK(options("boot_cpu", &opt) == 1 && opt.boot_cpu == BOOT_CPU_AUTO);
	for (int f = DEBUG_FAULT_NONE; f <= DEBUG_FAULT_STACK; f++) {
		char line[64];
		snprintf(line, sizeof(line), "debug_fault=%s", debug_fault_name(f));
		if (options(line, &opt) != 0 || (int)opt.debug_fault != f)
			unit_failf("%s not parsed", line);
	}
	/* Later words win. */
	UNIT_CHECK(options("maxcpus=2 loglevel=debug maxcpus=3 loglevel=error", &opt) == 0);
	UNIT_CHECK(opt.maxcpus == 3 && opt.loglevel == LOG_ERROR);
	unit_end();
}

/* One bad word: one warning naming it; the options as if it were absent. */
static void expect_warned(const char *line, const char *why, const char *word,
			  const char *same_as)
{
	struct hv_options opt, ref;

	options(same_as, &ref);
	int r = options(line, &opt);
	if (r != 1 || warned.calls != 1 || strcmp(warned.why, why) != 0 ||
	    strcmp(warned.word, word) != 0 || memcmp(&opt, &ref, sizeof(opt)) != 0)
		unit_failf("\"%s\": %d problems, warned \"%s\" about \"%s\"", line, r,
			   warned.why, warned.word);
}

static void test_bad_options(void)
{
	const char *bad = "bad value for option";

	unit_begin("cmdline_options_bad");
	expect_warned("quiet", "unknown option", "quiet", "");
	expect_warned("console=com1 maxcpus=2", "unknown option", "console=com1", "maxcpus=2");
	expect_warned("LOGLEVEL=debug", "unknown option", "LOGLEVEL=debug", "");
	expect_warned("loglevel=verbose", bad, "loglevel=verbose", "");
	expect_warned("loglevel", bad, "loglevel", "");
	expect_warned("loglevel=", bad, "loglevel=", "");
	expect_warned("maxcpus=0", bad, "maxcpus=0", "");
	expect_warned("maxcpus=4097", bad, "maxcpus=4097", "");
	expect_warned("maxcpus=many", bad, "maxcpus=many", "");
	expect_warned("maxcpus=99999999999999999999", bad, "maxcpus=99999999999999999999", "");
	expect_warned("maxcpus=4K", bad, "maxcpus=4K", "");
	expect_warned("maxcpus", bad, "maxcpus", "");
	expect_warned("debug_fault=oops", bad, "debug_fault=oops", "");
	expect_warned("debug_fault", bad, "debug_fault", "");
	expect_warned("debug_fault_cpu=4096", bad, "debug_fault_cpu=4096", "");
	expect_warned("debug_fault_cpu=-1", bad, "debug_fault_cpu=-1", "");
	/* The warning quotes the whole word, quotes included. */
	expect_warned("loglevel=\"very loud\" maxcpus=2", bad, "loglevel=\"very loud\"",
		      "maxcpus=2");
	/* A bad value changes nothing, not even back to the default. */
	expect_warned("maxcpus=2 maxcpus=0", bad, "maxcpus=0", "maxcpus=2");
	unit_end();
}

static void test_many_problems(void)
{
	struct hv_options opt;

	unit_begin("cmdline_options_many_problems");
	UNIT_CHECK(options("a b=1 maxcpus=x loglevel=debug c", &opt) == 4);
	UNIT_CHECK(warned.calls == 4 && strcmp(warned.word, "c") == 0);
	UNIT_CHECK(opt.loglevel == LOG_DEBUG && opt.maxcpus == 0);
	unit_end();
}

static void test_fault_names(void)
{
	unit_begin("cmdline_debug_fault_names");
	UNIT_CHECK(strcmp(debug_fault_name(DEBUG_FAULT_NONE), "none") == 0);
	UNIT_CHECK(strcmp(debug_fault_name(DEBUG_FAULT_STACK), "stack") == 0);
	UNIT_CHECK(strcmp(debug_fault_name((enum debug_fault)99), "?") == 0);
	UNIT_CHECK(strcmp(debug_fault_name((enum debug_fault)-1), "?") == 0);
	unit_end();
}

/* ------------------------------------------------------------------ */
/* docs/hypervisor-options.md                                          */

/* Keys the parser knows: the documented table must list exactly these. */
static const char *const known_keys[] = {
	"loglevel", "maxcpus", "debug_fault", "debug_fault_cpu", "sched_stats",
	"dom0_mem", "dom0_vcpus", "dom0_crash", "boot_cpu",
};

/* The n-th column (0-based) of a Markdown table row, without its pipes. */
static bool column(const char *row, int n, char *out, size_t size)
{
	const char *p = row;

	for (int i = 0; i <= n; i++) {
		p = strchr(p, '|');
		if (!p)
			return false;
		p++;
	}
	const char *end = strchr(p, '|');
	if (!end)
		return false;
	snprintf(out, size, "%.*s", (int)(end - p), p);
	return true;
}

/*
 * Every `word` of the values column is accepted for the key, a range
 * "a..b" is accepted at both ends and refused just outside them, and the
 * `default` parses to what cmdline_default_options() gives.
 */
static void check_doc_row(const char *key, const char *values, const char *def)
{
	struct hv_options opt;
	char line[160], word[64];
	unsigned long lo, hi;

	for (const char *p = strchr(values, '`'); p; p = strchr(p, '`')) {
		const char *q = strchr(p + 1, '`');
		if (!q)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)(q - p - 1), p + 1);
		snprintf(line, sizeof(line), "%s=%s", key, word);
		if (options(line, &opt) != 0)
			unit_failf("documented %s refused (%s)", line, warned.why);
		p = q + 1;
	}
	if (sscanf(values, " %lu..%lu", &lo, &hi) == 2) {
		const unsigned long in[] = { lo, hi }, out[] = { lo - 1, hi + 1 };
		for (int i = 0; i < 2; i++) {
			snprintf(line, sizeof(line), "%s=%lu", key, in[i]);
			if (options(line, &opt) != 0)
				unit_failf("documented %s refused", line);
			snprintf(line, sizeof(line), "%s=%lu", key, out[i]);
			if (out[i] + 1 != 0 && options(line, &opt) == 0)
				unit_failf("%s accepted, outside the documented range", line);
		}
	}
	if (sscanf(def, " `%63[^`]`", word) == 1) {
		snprintf(line, sizeof(line), "%s=%s", key, word);
		if (options(line, &opt) != 0 || !is_default(&opt))
			unit_failf("documented default %s is not the default", line);
	}
}

static void test_documentation(void)
{
	char path[512], row[1024], key[64], values[512], def[128];
	const char *slash = strrchr(__FILE__, '/');
	unsigned found = 0;
	FILE *f;

	unit_begin("cmdline_options_documented");
	snprintf(path, sizeof(path), "%.*s/../../docs/hypervisor-options.md",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	f = fopen(path, "r");
	if (!f) {
		unit_failf("cannot open %s (tests run from the repository root)", path);
		unit_end();
		return;
	}
	while (fgets(row, sizeof(row), f)) {
		if (sscanf(row, "| `%63[a-z0-9_]=` |", key) != 1 ||
		    !column(row, 1, values, sizeof(values)) || !column(row, 2, def, sizeof(def)))
			continue;
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
			if (strcmp(known_keys[i], key) == 0) {
				known = true;
				found |= 1u << i;
			}
		if (!known)
			unit_failf("documented option %s= is not one the parser knows", key);
		check_doc_row(key, values, def);
	}
	fclose(f);
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
		if (!(found & (1u << i)))
			unit_failf("option %s= is not documented", known_keys[i]);
	unit_end();
}

int main(void)
{
	test_tokenizer();
	test_tokenizer_grub_quoting();
	test_token_positions();
	test_key_is();
	test_parse_u64();
	test_defaults();
	test_every_option();
	test_bad_options();
	test_many_problems();
	test_fault_names();
	test_documentation();
	return unit_exit_code();
}
