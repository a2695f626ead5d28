/*
 * acpi_test_tables.h - fixtures shared by the host tests of the ACPI table
 * parser (test_acpi_*.c; hypervisor/core/acpi.c, included before this).
 *
 * Table sets and the map callback: the parser reaches tables only through
 * its map callback. Here it is answered from a table set: a request is
 * served when [pa, pa + len) lies inside one table, else NULL ("not
 * readable"), so a table truncated in the set is a table whose end cannot
 * be mapped. Every table is its own heap block of exactly its length (ASan
 * catches reads past it), and the "window" variant copies each request
 * into a fresh buffer, freeing the previous one, as a map through one
 * reusable virtual window would: a pointer kept across map calls is then
 * a use-after-free.
 *
 * Two sources of tables:
 *  - recorded: what QEMU's q35 machine (SeaBIOS) gives at 1, 4 and 8 CPUs,
 *    captured by data/acpi/capture.sh into data/acpi/q35-smpN/ (one file
 *    per table, index.txt maps physical addresses to files);
 *  - hand-made: a small builder writes RSDP, RSDT/XSDT, MADT, FADT, HPET
 *    and MCFG with correct checksums, which the tests then break.
 *
 * Everything is static inline so that a test using only part of it builds
 * under -Werror.
 */
#ifndef ACPI_TEST_TABLES_H
#define ACPI_TEST_TABLES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"

/* ------------------------------------------------------------------ */
/* Table sets and the map callback                                     */

#define SET_MAX 80

struct table {
	uint64_t pa;
	uint8_t *data;
	uint32_t len;        /* readable bytes (may be less than the header says) */
};

struct table_set {
	struct table t[SET_MAX];
	unsigned n;
	bool window;         /* serve copies through one reused window */
	void *win;
};

static inline void set_free(struct table_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->t[i].data);
	free(s->win);
	memset(s, 0, sizeof(*s));
}

static inline struct table *set_add(struct table_set *s, uint64_t pa, const void *data, uint32_t len)
{
	struct table *t = &s->t[s->n++];

	t->pa = pa;
	t->len = len;
	t->data = malloc(len ? len : 1);
	memcpy(t->data, data, len);
	return t;
}

static inline const void *set_map(uint64_t pa, size_t len, void *ctx)
{
	struct table_set *s = ctx;

	for (unsigned i = 0; i < s->n; i++) {
		const struct table *t = &s->t[i];
		if (pa < t->pa || pa - t->pa > t->len || len > t->len - (pa - t->pa))
			continue;
		const uint8_t *p = t->data + (pa - t->pa);
		if (!s->window)
			return p;
		free(s->win);
		s->win = malloc(len ? len : 1);
		memcpy(s->win, p, len);
		return s->win;
	}
	return NULL;
}

/* A deep copy of src (tables and all) into dst. */
static inline void set_clone(struct table_set *dst, const struct table_set *src)
{
	memset(dst, 0, sizeof(*dst));
	for (unsigned i = 0; i < src->n; i++)
		set_add(dst, src->t[i].pa, src->t[i].data, src->t[i].len);
}

/* Shortens a table as the map sees it: bytes from `keep` on are unreadable. */
static inline void set_truncate(struct table *t, uint32_t keep)
{
	uint8_t *d = malloc(keep ? keep : 1);

	memcpy(d, t->data, keep);
	free(t->data);
	t->data = d;
	t->len = keep;
}

/* Parses the set, starting from its first table (the RSDP by convention). */
static inline int parse_set(struct table_set *s, struct acpi_info *out, const char **why)
{
	memset(out, 0xee, sizeof(*out));
	return acpi_parse(s->t[0].data, s->t[0].len, set_map, s, out, why);
}

/* parse_set, then the set is freed: for sets built for one parse. */
static inline int parse_once(struct table_set *s, struct acpi_info *out)
{
	int r = parse_set(s, out, NULL);

	set_free(s);
	return r;
}

static inline bool info_zero(const struct acpi_info *a)
{
	static const struct acpi_info zero;
	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* ------------------------------------------------------------------ */
/* Recorded tables                                                     */

/* data/acpi/<dir>/<file>, found next to this source file. */
static inline void fixture_path(char *buf, size_t n, const char *dir, const char *file)
{
	const char *src = __FILE__;
	const char *slash = strrchr(src, '/');
	int dirlen = slash ? (int)(slash - src) : 1;

	snprintf(buf, n, "%.*s/data/acpi/%s/%s", dirlen, slash ? src : ".", dir, file);
}

/* A fixture file's bytes (caller frees): false if missing or empty. */
static inline bool load_file(const char *path, uint8_t **data, uint32_t *len)
{
	size_t n;

	*data = (uint8_t *)test_read_file(path, &n);
	*len = (uint32_t)n;
	return *data && n > 0;
}

/* Loads a recorded set; the RSDP (the index's first line) becomes t[0]. */
static inline bool load_recorded(struct table_set *s, const char *dir)
{
	char path[512], line[256], file[64];
	unsigned long long pa;
	FILE *idx;

	memset(s, 0, sizeof(*s));
	fixture_path(path, sizeof(path), dir, "index.txt");
	idx = fopen(path, "r");
	if (!idx) {
		unit_failf("cannot open %s (tests run from the repository root)", path);
		return false;
	}
	while (fgets(line, sizeof(line), idx)) {
		if (line[0] == '#' || sscanf(line, "%llx %63s", &pa, file) != 2)
			continue;
		uint8_t *data;
		uint32_t len;
		fixture_path(path, sizeof(path), dir, file);
		if (!load_file(path, &data, &len)) {
			unit_failf("cannot read %s", path);
			fclose(idx);
			return false;
		}
		set_add(s, pa, data, len);
		free(data);
	}
	fclose(idx);
	if (s->n < 2 || memcmp(s->t[0].data, "RSD PTR ", 8) != 0) {
		unit_failf("%s: no RSDP first in index.txt", dir);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Hand-made tables                                                    */

/*
 * Layouts from the specification, written out here rather than taken from
 * acpi.c, so that a wrong offset there is not mirrored by the builder.
 */
#define T_HDR            36       /* ACPI 6.4, 5.2.6: system description header */
#define T_LAPIC          0        /* 5.2.12: MADT structure types */
#define T_IOAPIC         1
#define T_LAPIC_OVERRIDE 5
#define T_X2APIC         9
#define T_ENABLED        1u       /* MADT LAPIC flags bit 0 */
#define T_FADT_PM_TMR    76       /* 5.2.9: PM_TMR_BLK */
#define T_FADT_FLAGS     112
#define T_FADT_X_PM_TMR  208      /* X_PM_TMR_BLK, a generic address */
#define T_TMR_VAL_EXT    (1u << 8)
#define T_GAS_IO         1

static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Sets the checksum byte at `at` so that the len bytes sum to zero. */
static inline void fix_checksum(uint8_t *t, uint32_t len, uint32_t at)
{
	t[at] = 0;
	t[at] = (uint8_t)(0x100 - acpi_checksum(t, len));
}

/* A table under construction: header, then body bytes appended. */
struct tb {
	uint8_t b[8192];
	uint32_t len;
};

static inline void tb_start(struct tb *t, const char *sig, uint8_t rev)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = rev;
	memcpy(t->b + 10, "MUXTST", 6);
	memcpy(t->b + 16, "HANDMADE", 8);
	t->len = T_HDR;
}

static inline void tb_bytes(struct tb *t, const void *p, uint32_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static inline void tb_u32(struct tb *t, uint32_t v) { put32(t->b + t->len, v); t->len += 4; }
static inline void tb_u64(struct tb *t, uint64_t v) { put64(t->b + t->len, v); t->len += 8; }

/* Writes the length and checksum, and adds the table to the set at pa. */
static inline struct table *tb_add(struct tb *t, struct table_set *s, uint64_t pa)
{
	put32(t->b + 4, t->len);
	fix_checksum(t->b, t->len, 9);
	return set_add(s, pa, t->b, t->len);
}

/* RSDP revision 0 (20 bytes) or 2 (36 bytes), with both checksums right. */
static inline struct table *add_rsdp(struct table_set *s, unsigned rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t r[36] = { 0 };
	uint32_t len = rev >= 2 ? 36 : 20;

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "MUXTST", 6);
	r[15] = (uint8_t)rev;
	put32(r + 16, rsdt);
	if (rev >= 2) {
		put32(r + 20, 36);
		put64(r + 24, xsdt);
	}
	fix_checksum(r, 20, 8);
	if (rev >= 2)
		fix_checksum(r, 36, 32);
	return set_add(s, 0xf5000, r, len);
}

static inline struct table *add_root(struct table_set *s, uint64_t pa, bool xsdt,
			      const uint64_t *entries, unsigned n)
{
	static struct tb t;

	tb_start(&t, xsdt ? "XSDT" : "RSDT", 1);
	for (unsigned i = 0; i < n; i++) {
		if (xsdt)
			tb_u64(&t, entries[i]);
		else
			tb_u32(&t, (uint32_t)entries[i]);
	}
	return tb_add(&t, s, pa);
}

/* MADT entries (ACPI 6.4, 5.2.12.2, .3, .8, .12). */
static inline void madt_lapic(struct tb *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { T_LAPIC, 8, uid, id };
	put32(e + 4, flags);
	tb_bytes(t, e, 8);
}

static inline void madt_x2apic(struct tb *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t e[16] = { T_X2APIC, 16 };
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	tb_bytes(t, e, 16);
}

static inline void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t e[12] = { T_IOAPIC, 12, id };
	put32(e + 4, addr);
	put32(e + 8, gsi);
	tb_bytes(t, e, 12);
}

static inline void madt_override(struct tb *t, uint64_t addr)
{
	uint8_t e[12] = { T_LAPIC_OVERRIDE, 12 };
	put64(e + 4, addr);
	tb_bytes(t, e, 12);
}

static inline void madt_start(struct tb *t, uint32_t lapic, uint32_t flags)
{
	tb_start(t, "APIC", 5);
	tb_u32(t, lapic);
	tb_u32(t, flags);
}

/* A FADT of the given length (116: ACPI 1.0; 276: ACPI 6). */
static inline void fadt_build(struct tb *t, uint32_t len, uint32_t pm_tmr, uint32_t flags,
		       uint8_t x_space, uint64_t x_addr)
{
	tb_start(t, "FACP", len > 116 ? 6 : 1);
	put32(t->b + T_FADT_PM_TMR, pm_tmr);
	put32(t->b + T_FADT_FLAGS, flags);
	if (len >= T_FADT_X_PM_TMR + 12) {
		t->b[T_FADT_X_PM_TMR] = x_space;
		t->b[T_FADT_X_PM_TMR + 1] = 32;      /* register bit width */
		t->b[T_FADT_X_PM_TMR + 3] = 3;       /* dword access */
		put64(t->b + T_FADT_X_PM_TMR + 4, x_addr);
	}
	t->len = len;
}

static inline void hpet_build(struct tb *t, uint64_t addr)
{
	tb_start(t, "HPET", 1);
	tb_u32(t, 0x8086a201);                  /* event timer block ID */
	uint8_t gas[12] = { 0, 64, 0, 0 };      /* system memory */
	put64(gas + 4, addr);
	tb_bytes(t, gas, 12);
	uint8_t rest[4] = { 0 };                /* number, min tick, attrs */
	tb_bytes(t, rest, 4);
}

static inline void mcfg_entry(struct tb *t, uint64_t base, uint16_t seg, uint8_t b0, uint8_t b1)
{
	uint8_t e[16] = { 0 };
	put64(e, base);
	put16(e + 8, seg);
	e[10] = b0;
	e[11] = b1;
	tb_bytes(t, e, 16);
}

/* Physical addresses of the hand-made tables. */
#define PA_RSDT  0x7fe0000ull
#define PA_XSDT  0x7fe0100ull
#define PA_MADT  0x7fe1000ull
#define PA_MADT2 0x7fe2000ull
#define PA_FADT  0x7fe3000ull
#define PA_HPET  0x7fe4000ull
#define PA_MCFG  0x7fe5000ull

/* A MADT with cpus enabled xAPIC CPUs (APIC IDs 0..cpus-1) and one IOAPIC. */
static inline struct table *add_simple_madt(struct table_set *s, uint64_t pa, unsigned cpus)
{
	static struct tb t;

	madt_start(&t, 0xfee00000, 1);
	for (unsigned i = 0; i < cpus; i++)
		madt_lapic(&t, (uint8_t)i, (uint8_t)i, T_ENABLED);
	madt_ioapic(&t, 2, 0xfec00000, 0);
	return tb_add(&t, s, pa);
}

/* RSDP rev 0 -> RSDT -> the given tables (already in the set). */
static inline void add_rev0_root(struct table_set *s, const uint64_t *entries, unsigned n)
{
	add_rsdp(s, 0, PA_RSDT, 0);
	add_root(s, PA_RSDT, false, entries, n);
}

/* A set of RSDP rev 0 -> RSDT -> the MADT the caller built. */
static inline void set_with_madt(struct table_set *s, struct tb *madt)
{
	const uint64_t list[] = { PA_MADT };

	memset(s, 0, sizeof(*s));
	add_rev0_root(s, list, 1);
	tb_add(madt, s, PA_MADT);
}

#endif
