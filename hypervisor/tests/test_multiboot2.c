/*
 * test_multiboot2.c - host tests of the Multiboot2 boot information parser
 * (hypervisor/core/multiboot2.c).
 *
 * A small builder writes boot information the way the specification lays
 * it out (Multiboot2 1.0, 3.6: u32 total_size, u32 reserved, then 8-byte
 * aligned tags ending with type 0, size 8). Every parse runs on a heap copy
 * of exactly `avail` bytes, so a read past what the parser was given is an
 * AddressSanitizer report, not a silent pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/multiboot2.c"

#define MB_BUF 16384

struct mb {
	_Alignas(8) uint8_t buf[MB_BUF];
	uint32_t len;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Starts a structure: the fixed part, total_size filled in by mb_finish. */
static void mb_start(struct mb *m)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->len = 8;
}

/*
 * Appends a tag with the given payload; `size` is what the tag's size field
 * says (normally 8 + len; tests lie with it), the next tag starts on the
 * next 8-byte boundary after the payload. Returns the tag's offset.
 */
static uint32_t mb_tag_sized(struct mb *m, uint32_t type, uint32_t size,
			     const void *payload, uint32_t len)
{
	uint32_t off = m->len;

	put32(m->buf + off, type);
	put32(m->buf + off + 4, size);
	if (len)
		memcpy(m->buf + off + 8, payload, len);
	m->len = (off + 8 + len + 7) & ~7u;
	return off;
}

static uint32_t mb_tag(struct mb *m, uint32_t type, const void *payload, uint32_t len)
{
	return mb_tag_sized(m, type, 8 + len, payload, len);
}

/* A string tag (command line, loader name), NUL included. */
static void mb_string(struct mb *m, uint32_t type, const char *s)
{
	mb_tag(m, type, s, (uint32_t)strlen(s) + 1);
}

static void mb_module(struct mb *m, uint32_t start, uint32_t end, const char *cmd)
{
	uint8_t p[1024];
	uint32_t n = (uint32_t)strlen(cmd) + 1;

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, cmd, n);
	mb_tag(m, TAG_MODULE, p, 8 + n);
}

struct mmap_entry {
	uint64_t base, len;
	uint32_t type;
};

/* A memory map tag with entries of entry_size bytes (24 in practice). */
static void mb_mmap(struct mb *m, uint32_t entry_size, const struct mmap_entry *e,
		    unsigned n)
{
	static uint8_t p[MB_BUF];

	memset(p, 0, sizeof(p));
	put32(p, entry_size);
	put32(p + 4, 0);                    /* entry_version */
	for (unsigned i = 0; i < n; i++) {
		uint8_t *q = p + 8 + i * entry_size;
		put64(q, e[i].base);
		put64(q + 8, e[i].len);
		put32(q + 16, e[i].type);
	}
	mb_tag(m, TAG_MMAP, p, 8 + n * entry_size);
}

/* An RSDP of the given revision (20 bytes for 0, 36 for 2), recognisable. */
static void make_rsdp(uint8_t *r, unsigned rev)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "MBTEST", 6);
	r[15] = (uint8_t)rev;
	put32(r + 16, 0x7fe0000);
	if (rev >= 2) {
		put32(r + 20, 36);
		put64(r + 24, 0x7fe1000);
	}
}

static void mb_finish_no_end(struct mb *m)
{
	put32(m->buf, m->len);
}

static void mb_finish(struct mb *m)
{
	mb_tag(m, TAG_END, NULL, 0);
	mb_finish_no_end(m);
}

/* Parses a heap copy of the first avail bytes; out is pre-filled with junk. */
static int parse_avail(const struct mb *m, size_t avail, struct boot_info *out,
		       const char **why)
{
	uint8_t *copy = malloc(avail ? avail : 1);
	int r;

	memcpy(copy, m->buf, avail);
	memset(out, 0xee, sizeof(*out));
	r = mb2_parse(copy, avail, out, why);
	free(copy);
	return r;
}

static int parse(const struct mb *m, struct boot_info *out, const char **why)
{
	return parse_avail(m, m->len, out, why);
}

static bool all_zero(const struct boot_info *bi)
{
	static const struct boot_info zero;
	return memcmp(bi, &zero, sizeof(zero)) == 0;
}

/* A structure GRUB could have written, with every tag the parser reads. */
static void build_full(struct mb *m)
{
	const struct mmap_entry map[] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x7ee0000, 1 }, { 0x7fe0000, 0x20000, 3 },
		{ 0x8000000, 0, 1 },              /* empty: skipped */
		{ 0xfffc0000, 0x40000, 2 },
	};
	uint8_t rsdp[36];
	uint8_t basic_meminfo[8] = { 0 };

	mb_start(m);
	mb_string(m, TAG_CMDLINE, "loglevel=debug maxcpus=2");
	mb_string(m, TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
	mb_tag(m, 4, basic_meminfo, sizeof(basic_meminfo));    /* unknown: skipped */
	mb_module(m, 0x200000, 0x300000, "dom0 console=hvc0");
	mb_module(m, 0x300000, 0x300000, "");             /* empty module, no args */
	mb_mmap(m, 24, map, ARRAY_SIZE(map));
	make_rsdp(rsdp, 0);
	mb_tag(m, TAG_ACPI_OLD, rsdp, 20);
	mb_finish(m);
}

static void test_full(void)
{
	struct mb m;
	struct boot_info bi;
	const char *why = "unset";

	unit_begin("mb2_full_structure");
	build_full(&m);
	UNIT_CHECK(mb2_total_size(m.buf) == m.len);
	UNIT_CHECK(parse(&m, &bi, &why) == 0);
	UNIT_CHECK(why == NULL);
	UNIT_CHECK(strcmp(bi.cmdline, "loglevel=debug maxcpus=2") == 0);
	UNIT_CHECK(strcmp(bi.loader, "GRUB 2.06-13+deb12u1") == 0);
	UNIT_CHECK(bi.nr_modules == 2);
	UNIT_CHECK(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x300000);
	UNIT_CHECK(strcmp(bi.modules[0].cmdline, "dom0 console=hvc0") == 0);
	UNIT_CHECK(bi.modules[1].start == 0x300000 && bi.modules[1].cmdline[0] == '\0');
	UNIT_CHECK(bi.nr_mmap == 6);
	UNIT_CHECK(bi.mmap[0].base == 0 && bi.mmap[0].len == 0x9fc00 && bi.mmap[0].type == 1);
	UNIT_CHECK(bi.mmap[4].base == 0x7fe0000 && bi.mmap[4].type == 3);
	UNIT_CHECK(bi.mmap[5].base == 0xfffc0000 && bi.mmap[5].len == 0x40000);
	UNIT_CHECK(bi.rsdp_len == 20);
	UNIT_CHECK(memcmp(bi.rsdp, "RSD PTR ", 8) == 0 && bi.rsdp[15] == 0);
	/* A NULL why is allowed. */
	UNIT_CHECK(parse(&m, &bi, NULL) == 0);
	unit_end();
}

/* The smallest valid structure: the fixed part and the end tag. */
static void test_minimal(void)
{
	struct mb m;
	struct boot_info bi;

	unit_begin("mb2_minimal_structure");
	mb_start(&m);
	mb_finish(&m);
	UNIT_CHECK(m.len == 16);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0);
	UNIT_CHECK(all_zero(&bi));
	/* avail may exceed total_size: only total_size bytes are parsed. */
	UNIT_CHECK(parse_avail(&m, 64, &bi, NULL) == 0);
	unit_end();
}

/* The ACPI 2.0 RSDP wins over the 1.0 copy, whichever comes first. */
static void test_rsdp_new_wins(void)
{
	uint8_t old[36], neu[36];
	struct boot_info bi;
	struct mb m;

	unit_begin("mb2_rsdp_new_wins");
	make_rsdp(old, 0);
	make_rsdp(neu, 2);
	for (int order = 0; order < 2; order++) {
		mb_start(&m);
		mb_tag(&m, order ? TAG_ACPI_NEW : TAG_ACPI_OLD, order ? neu : old,
		       order ? 36 : 20);
		mb_tag(&m, order ? TAG_ACPI_OLD : TAG_ACPI_NEW, order ? old : neu,
		       order ? 20 : 36);
		mb_finish(&m);
		UNIT_CHECK(parse(&m, &bi, NULL) == 0);
		UNIT_CHECK(bi.rsdp_len == 36 && bi.rsdp[15] == 2);
		UNIT_CHECK(memcmp(bi.rsdp, neu, 36) == 0);
	}
	unit_end();
}

/*
 * Entries larger than 24 bytes (a future entry version) are stepped over
 * by entry_size; a trailing partial entry is ignored.
 */
static void test_mmap_entry_size(void)
{
	const struct mmap_entry map[] = {
		{ 0x1000, 0x9e000, 1 }, { 0x100000, 0x1000000, 1 },
	};
	struct boot_info bi;
	struct mb m;

	unit_begin("mb2_mmap_entry_size");
	mb_start(&m);
	mb_mmap(&m, 40, map, 2);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0);
	UNIT_CHECK(bi.nr_mmap == 2 && bi.mmap[1].base == 0x100000 &&
		   bi.mmap[1].len == 0x1000000 && bi.mmap[1].type == 1);

	/* Tag size says one entry and 16 bytes: the partial one is not read. */
	mb_start(&m);
	uint8_t p[8 + 24 + 16] = { 0 };
	put32(p, 24);
	put64(p + 8, 0x1000);
	put64(p + 16, 0x2000);
	put32(p + 24, 1);
	put64(p + 32, 0x5000);
	mb_tag(&m, TAG_MMAP, p, sizeof(p));
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0);
	UNIT_CHECK(bi.nr_mmap == 1 && bi.mmap[0].base == 0x1000);
	unit_end();
}

/* The limits of boot_info: exactly full is fine, one more is -E2BIG. */
static void test_limits(void)
{
	static struct mmap_entry map[BOOT_MMAP_MAX + 1];
	static struct mb m;
	struct boot_info bi;
	const char *why;
	char s[BOOT_CMDLINE_MAX + 1];

	unit_begin("mb2_limits");
	for (unsigned i = 0; i <= BOOT_MMAP_MAX; i++)
		map[i] = (struct mmap_entry){ i * 0x10000ull, 0x1000, 1 };
	mb_start(&m);
	mb_mmap(&m, 24, map, BOOT_MMAP_MAX);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0 && bi.nr_mmap == BOOT_MMAP_MAX);
	mb_start(&m);
	mb_mmap(&m, 24, map, BOOT_MMAP_MAX + 1);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, &why) == -E2BIG && all_zero(&bi) && why);

	mb_start(&m);
	for (unsigned i = 0; i < BOOT_MODULES_MAX; i++)
		mb_module(&m, 0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, "m");
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0 && bi.nr_modules == BOOT_MODULES_MAX);
	m.len -= 8;                                   /* reopen before the end tag */
	mb_module(&m, 0x2000000, 0x2001000, "one too many");
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, &why) == -E2BIG && all_zero(&bi) && why);

	/* Strings: the longest that fits with its NUL, then one more byte. */
	memset(s, 'a', sizeof(s));
	s[BOOT_CMDLINE_MAX - 1] = '\0';
	mb_start(&m);
	mb_string(&m, TAG_CMDLINE, s);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, NULL) == 0 && strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
	s[BOOT_CMDLINE_MAX - 1] = 'a';
	s[BOOT_CMDLINE_MAX] = '\0';
	mb_start(&m);
	mb_string(&m, TAG_CMDLINE, s);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, &why) == -E2BIG && all_zero(&bi));

	s[sizeof(bi.loader)] = '\0';
	mb_start(&m);
	mb_string(&m, TAG_LOADER_NAME, s);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, &why) == -E2BIG && all_zero(&bi));

	s[sizeof(bi.loader)] = 'a';
	s[BOOT_MODCMD_MAX] = '\0';
	mb_start(&m);
	mb_module(&m, 0x1000, 0x2000, s);
	mb_finish(&m);
	UNIT_CHECK(parse(&m, &bi, &why) == -E2BIG && all_zero(&bi));
	unit_end();
}

/*
 * One malformed structure: the parse must fail with err, name the
 * problem, and leave the output zeroed.
 */
static void expect_reject(const char *what, const struct mb *m, size_t avail, int err)
{
	struct boot_info bi;
	const char *why = NULL;
	int r = parse_avail(m, avail, &bi, &why);

	if (r != err || !why || !all_zero(&bi))
		unit_failf("%s: returned %d (want %d), why %s, output %s", what, r, err,
			   why ? why : "NULL", all_zero(&bi) ? "zeroed" : "NOT zeroed");
}

static void test_reject_framing(void)
{
	struct mb m;

	unit_begin("mb2_reject_framing");
	build_full(&m);
	expect_reject("avail 0", &m, 0, -EINVAL);
	expect_reject("avail 15", &m, 15, -EINVAL);
	expect_reject("truncated by 8", &m, m.len - 8, -EINVAL);
	expect_reject("truncated by 1", &m, m.len - 1, -EINVAL);
	put32(m.buf, 8);
	expect_reject("total_size 8", &m, m.len, -EINVAL);
	put32(m.buf, 0);
	expect_reject("total_size 0", &m, m.len, -EINVAL);
	put32(m.buf, UINT32_MAX);
	expect_reject("total_size 4 GiB", &m, m.len, -EINVAL);

	/* total_size cutting the structure before its end tag. */
	build_full(&m);
	put32(m.buf, m.len - 8);
	expect_reject("total_size before the end tag", &m, m.len, -EINVAL);

	/* No end tag at all. */
	mb_start(&m);
	mb_string(&m, TAG_CMDLINE, "x");
	mb_finish_no_end(&m);
	expect_reject("missing end tag", &m, m.len, -EINVAL);

	/* Misaligned structure: the spec puts it on an 8-byte boundary. */
	{
		static _Alignas(8) uint8_t raw[64];
		struct boot_info bi;
		const char *why = NULL;
		mb_start(&m);
		mb_finish(&m);
		memcpy(raw + 4, m.buf, m.len);
		UNIT_CHECK(mb2_parse(raw + 4, m.len, &bi, &why) == -EINVAL && why);
		UNIT_CHECK(all_zero(&bi));
	}
	unit_end();
}

static void test_reject_tag_sizes(void)
{
	struct mb m;
	uint8_t junk[64] = { 0 };

	unit_begin("mb2_reject_tag_sizes");
	mb_start(&m);
	mb_tag_sized(&m, 21, 4, junk, 8);                 /* size below the header */
	mb_finish(&m);
	expect_reject("tag size 4", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_tag_sized(&m, 21, 0, junk, 8);
	mb_finish(&m);
	expect_reject("tag size 0", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_tag_sized(&m, 21, 0x1000, junk, 8);            /* past total_size */
	mb_finish(&m);
	expect_reject("tag running past the end", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_tag_sized(&m, TAG_END, 0x100, NULL, 0);        /* even the end tag */
	mb_finish_no_end(&m);
	expect_reject("end tag running past the end", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_tag_sized(&m, 21, UINT32_MAX, junk, 8);
	mb_finish(&m);
	expect_reject("tag size 4 GiB", &m, m.len, -EINVAL);
	unit_end();
}

static void test_reject_strings(void)
{
	struct mb m;
	uint8_t mod[24];

	unit_begin("mb2_reject_strings");
	mb_start(&m);
	mb_tag(&m, TAG_CMDLINE, "abc", 3);                /* no NUL in the tag */
	mb_finish(&m);
	expect_reject("unterminated command line", &m, m.len, -EINVAL);

	/* The NUL is there, but after the tag's declared end (in the padding). */
	mb_start(&m);
	mb_tag_sized(&m, TAG_LOADER_NAME, 8 + 4, "GRUB\0", 5);
	mb_finish(&m);
	expect_reject("unterminated loader name", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_tag(&m, TAG_CMDLINE, NULL, 0);                 /* empty tag: no NUL */
	mb_finish(&m);
	expect_reject("empty command line tag", &m, m.len, -EINVAL);

	mb_start(&m);
	put32(mod, 0x1000);
	put32(mod + 4, 0x2000);
	memcpy(mod + 8, "dom0 no-nul", 11);
	mb_tag(&m, TAG_MODULE, mod, 19);
	mb_finish(&m);
	expect_reject("unterminated module command line", &m, m.len, -EINVAL);
	unit_end();
}

static void test_reject_modules(void)
{
	struct mb m;
	uint8_t mod[8] = { 0 };

	unit_begin("mb2_reject_modules");
	mb_start(&m);
	mb_tag(&m, TAG_MODULE, mod, 8);                   /* no command line byte */
	mb_finish(&m);
	expect_reject("module tag too short", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_module(&m, 0x200000, 0x1ff000, "backwards");
	mb_finish(&m);
	expect_reject("module ending before it starts", &m, m.len, -EINVAL);
	unit_end();
}

static void test_reject_mmap(void)
{
	const struct mmap_entry wrap[] = { { 0xfffffffffffff000ull, 0x2000, 1 } };
	const struct mmap_entry one[] = { { 0x1000, 0x1000, 1 } };
	uint8_t p[8] = { 0 };
	struct mb m;

	unit_begin("mb2_reject_mmap");
	const uint32_t bad_sizes[] = { 0, 8, 16, 20, 28, 25 };
	for (size_t i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		mb_start(&m);
		mb_mmap(&m, 24, one, 1);
		put32(m.buf + 8 + 8, bad_sizes[i]);       /* the entry_size field */
		mb_finish(&m);
		expect_reject("bad entry size", &m, m.len, -EINVAL);
	}
	mb_start(&m);
	mb_tag(&m, TAG_MMAP, p, 0);                       /* no entry_size field */
	mb_finish(&m);
	expect_reject("memory map tag too short", &m, m.len, -EINVAL);

	mb_start(&m);
	mb_mmap(&m, 24, wrap, 1);
	mb_finish(&m);
	expect_reject("range wrapping around", &m, m.len, -EINVAL);
	unit_end();
}

/*
 * An entry size far larger than the tag (a multiple of 8, so it passes the
 * size check) must not send the entry loop outside the tag: no entry fits,
 * so there is nothing to read.
 */
static void test_mmap_huge_entry_size(void)
{
	const struct mmap_entry one[] = { { 0x1000, 0x1000, 1 } };
	const uint32_t sizes[] = { 0xfffffff8u, 0xfffffff0u, 0x80000000u, 0x1000u };
	struct boot_info bi;
	struct mb m;

	unit_begin("mb2_mmap_huge_entry_size");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (unsigned entries = 0; entries <= 1; entries++) {
			mb_start(&m);
			mb_mmap(&m, 24, one, entries);
			put32(m.buf + 8 + 8, sizes[i]);
			mb_finish(&m);
			int r = parse(&m, &bi, NULL);
			UNIT_CHECK(r == -EINVAL || (r == 0 && bi.nr_mmap == 0));
		}
	}
	unit_end();
}

/*
 * Fuzz: random mutations of a valid structure. Whatever the parser makes
 * of it, it must not read outside the copy it was given (ASan), must
 * return 0 or -EINVAL/-E2BIG, must leave a zeroed output on error and
 * consistent counts and terminated strings on success.
 */
static void mutate(uint8_t *b, uint32_t len, uint64_t *rng)
{
	static const uint32_t interesting[] = {
		0, 1, 7, 8, 15, 16, 17, 23, 24, 25, 0x7fffffff, 0x80000000,
		0xfffffff0, 0xfffffff8, 0xffffffff,
	};
	uint32_t off = (uint32_t)test_rand_below(rng, len);

	switch (test_rand_below(rng, 4)) {
	case 0:                                   /* flip a bit */
		b[off] ^= (uint8_t)(1u << test_rand_below(rng, 8));
		break;
	case 1:                                   /* random byte */
		b[off] = (uint8_t)test_rand(rng);
		break;
	case 2:                                   /* a size-like u32 on a field */
		off &= ~3u;
		if (off + 4 <= len)
			put32(b + off, interesting[test_rand_below(rng, ARRAY_SIZE(interesting))]);
		break;
	default:                                  /* drop the NULs of a string */
		for (uint32_t i = off; i < len && i < off + 32; i++)
			if (b[i] == 0)
				b[i] = 'z';
		break;
	}
}

static bool sane_output(const struct boot_info *bi, int r)
{
	if (r != 0)
		return (r == -EINVAL || r == -E2BIG) && all_zero(bi);
	if (bi->nr_mmap > BOOT_MMAP_MAX || bi->nr_modules > BOOT_MODULES_MAX ||
	    (bi->rsdp_len != 0 && bi->rsdp_len != 20 && bi->rsdp_len != 36))
		return false;
	if (!memchr(bi->cmdline, 0, sizeof(bi->cmdline)) ||
	    !memchr(bi->loader, 0, sizeof(bi->loader)))
		return false;
	for (unsigned i = 0; i < bi->nr_modules; i++)
		if (!memchr(bi->modules[i].cmdline, 0, BOOT_MODCMD_MAX) ||
		    bi->modules[i].end < bi->modules[i].start)
			return false;
	return true;
}

/*
 * A small structure whose tags are as short as they may be, an empty
 * memory map last, so that one mutated length sends a stray read past the
 * buffer rather than into the next tag.
 */
static void build_small(struct mb *m)
{
	mb_start(m);
	mb_module(m, 0x200000, 0x201000, "k");
	mb_string(m, TAG_CMDLINE, "a=b");
	mb_mmap(m, 24, NULL, 0);                 /* last: nothing behind it */
	mb_finish(m);
}

static void test_fuzz(void)
{
	static struct mb full, small;
	static struct boot_info bi;
	unsigned accepted = 0;

	unit_begin("mb2_fuzz_mutations");
	build_full(&full);
	build_small(&small);
	for (uint64_t seed = 1; seed <= 30000 && !unit_state.failed; seed++) {
		const struct mb *base = seed % 2 ? &full : &small;
		uint64_t rng = seed;
		uint32_t avail = base->len;
		uint8_t *copy = malloc(base->len);
		memcpy(copy, base->buf, base->len);
		unsigned n = 1 + (unsigned)test_rand_below(&rng, 4);
		for (unsigned i = 0; i < n; i++)
			mutate(copy, base->len, &rng);
		if (test_rand_below(&rng, 8) == 0)
			avail = (uint32_t)test_rand_below(&rng, base->len + 1);
		memset(&bi, 0xee, sizeof(bi));
		int r = mb2_parse(copy, avail, &bi, NULL);
		if (!sane_output(&bi, r))
			unit_failf("seed %llu: returned %d with inconsistent output",
				   (unsigned long long)seed, r);
		accepted += r == 0;
		free(copy);
	}
	/* Both outcomes must occur, or the mutations test nothing. */
	if (accepted == 0 || accepted == 30000)
		unit_failf("%u of 30000 mutations accepted", accepted);
	unit_end();
}

int main(void)
{
	test_full();
	test_minimal();
	test_rsdp_new_wins();
	test_mmap_entry_size();
	test_limits();
	test_reject_framing();
	test_reject_tag_sizes();
	test_reject_strings();
	test_reject_modules();
	test_reject_mmap();
	test_mmap_huge_entry_size();
	test_fuzz();
	return unit_exit_code();
}
