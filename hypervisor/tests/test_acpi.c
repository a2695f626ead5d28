/*
 * test_acpi.c - host tests of the ACPI table parser (hypervisor/core/acpi.c).
 *
 * Two sources of tables:
 *  - recorded: what QEMU's q35 machine (SeaBIOS) gives at 1, 4 and 8 CPUs,
 *    captured by data/acpi/capture.sh into data/acpi/q35-smpN/ (one file
 *    per table, index.txt maps physical addresses to files);
 *  - hand-made: a small builder writes RSDP, RSDT/XSDT, MADT, FADT, HPET
 *    and MCFG with correct checksums, which the tests then break.
 *
 * The parser reaches tables only through its map callback. Here it is
 * answered from a table set: a request is served when [pa, pa + len) lies
 * inside one table, else NULL ("not readable"), so a table truncated in
 * the set is a table whose end cannot be mapped. Every table is its own
 * heap block of exactly its length (ASan catches reads past it), and the
 * "window" variant copies each request into a fresh buffer, freeing the
 * previous one, as a map through one reusable virtual window would: a
 * pointer kept across map calls is then a use-after-free.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/acpi.c"

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

static void set_free(struct table_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->t[i].data);
	free(s->win);
	memset(s, 0, sizeof(*s));
}

static struct table *set_add(struct table_set *s, uint64_t pa, const void *data, uint32_t len)
{
	struct table *t = &s->t[s->n++];

	t->pa = pa;
	t->len = len;
	t->data = malloc(len ? len : 1);
	memcpy(t->data, data, len);
	return t;
}

static const void *set_map(uint64_t pa, size_t len, void *ctx)
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
static void set_clone(struct table_set *dst, const struct table_set *src)
{
	memset(dst, 0, sizeof(*dst));
	for (unsigned i = 0; i < src->n; i++)
		set_add(dst, src->t[i].pa, src->t[i].data, src->t[i].len);
}

/* Shortens a table as the map sees it: bytes from `keep` on are unreadable. */
static void set_truncate(struct table *t, uint32_t keep)
{
	uint8_t *d = malloc(keep ? keep : 1);

	memcpy(d, t->data, keep);
	free(t->data);
	t->data = d;
	t->len = keep;
}

/* Parses the set, starting from its first table (the RSDP by convention). */
static int parse_set(struct table_set *s, struct acpi_info *out, const char **why)
{
	memset(out, 0xee, sizeof(*out));
	return acpi_parse(s->t[0].data, s->t[0].len, set_map, s, out, why);
}

/* parse_set, then the set is freed: for sets built for one parse. */
static int parse_once(struct table_set *s, struct acpi_info *out)
{
	int r = parse_set(s, out, NULL);

	set_free(s);
	return r;
}

static bool info_zero(const struct acpi_info *a)
{
	static const struct acpi_info zero;
	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* ------------------------------------------------------------------ */
/* Recorded tables                                                     */

/* data/acpi/<dir>/<file>, found next to this source file. */
static void fixture_path(char *buf, size_t n, const char *dir, const char *file)
{
	const char *src = __FILE__;
	const char *slash = strrchr(src, '/');
	int dirlen = slash ? (int)(slash - src) : 1;

	snprintf(buf, n, "%.*s/data/acpi/%s/%s", dirlen, slash ? src : ".", dir, file);
}

static bool load_file(const char *path, uint8_t **data, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*data = malloc(n > 0 ? (size_t)n : 1);
	*len = (uint32_t)n;
	bool ok = n > 0 && fread(*data, 1, (size_t)n, f) == (size_t)n;
	fclose(f);
	return ok;
}

/* Loads a recorded set; the RSDP (the index's first line) becomes t[0]. */
static bool load_recorded(struct table_set *s, const char *dir)
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

/* What q35 with SeaBIOS gives (QEMU hw/i386/acpi-build.c, ich9 chipset). */
static void check_q35(const struct acpi_info *a, unsigned cpus)
{
	UNIT_CHECK(a->revision == 0);              /* SeaBIOS: RSDT only */
	UNIT_CHECK(a->nr_tables == 5);             /* FACP APIC HPET MCFG WAET */
	UNIT_CHECK(a->nr_cpus == cpus && a->nr_cpus_disabled == 0);
	for (unsigned i = 0; i < a->nr_cpus && i < ACPI_MAX_CPUS; i++)
		if (a->cpus[i].apic_id != i || a->cpus[i].uid != i || !a->cpus[i].enabled)
			unit_failf("cpu %u: APIC ID %u, UID %u", i, a->cpus[i].apic_id,
				   a->cpus[i].uid);
	UNIT_CHECK(a->lapic_address == 0xfee00000);
	UNIT_CHECK(a->pcat_compat);
	UNIT_CHECK(a->nr_ioapics == 1);
	UNIT_CHECK(a->ioapics[0].id == 0 && a->ioapics[0].address == 0xfec00000 &&
		   a->ioapics[0].gsi_base == 0);
	UNIT_CHECK(a->has_fadt);
	UNIT_CHECK(a->pm_timer_port == 0x608);     /* ICH9 PMBASE 0x600 + 8 */
	UNIT_CHECK(!a->pm_timer_32bit);
	UNIT_CHECK(a->has_hpet && a->hpet_address == 0xfed00000);
	UNIT_CHECK(a->has_mcfg && a->mcfg_base == 0xb0000000);
	UNIT_CHECK(a->mcfg_bus_start == 0 && a->mcfg_bus_end == 255);
}

static void test_recorded(const char *dir, unsigned cpus, bool window)
{
	static struct acpi_info a;
	struct table_set s;
	const char *why = "unset";
	char name[64];

	snprintf(name, sizeof(name), "acpi_recorded_%s%s", dir, window ? "_window" : "");
	unit_begin(name);
	if (load_recorded(&s, dir)) {
		s.window = window;
		UNIT_CHECK(parse_set(&s, &a, &why) == 0);
		UNIT_CHECK(why == NULL);
		check_q35(&a, cpus);
		/* ICH9: PM1a_CNT at PMBASE 0x600 + 4, reset through 0xCF9. */
		UNIT_CHECK(a.pm1a_cnt_port == 0x604 && a.pm1b_cnt_port == 0);
		UNIT_CHECK(a.reset_port == 0xcf9 && a.reset_value == 0x0f);
		UNIT_CHECK(a.dsdt_address != 0 && !a.has_s5);   /* DSDT not recorded */
	}
	set_free(&s);
	unit_end();
}

/* \_S5 in hand-made AML: the forms iasl and QEMU emit. */
static void test_find_s5(void)
{
	uint8_t dsdt[64];
	uint8_t a = 0xee, b = 0xee;
	/* Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero }) as QEMU. */
	const uint8_t qemu[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				 0x00, 0x00, 0x00, 0x00 };
	/* Name (_S5, Package () { 0x07, 0x05 }) with BytePrefix. */
	const uint8_t bytes[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02, 0x0a, 0x07,
				  0x0a, 0x05 };
	/* A method named _S5_ (not a package) and no name at all. */
	const uint8_t method[] = { 0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x00 };

	unit_begin("acpi_find_s5");
	memset(dsdt, 0, sizeof(dsdt));
	memcpy(dsdt + 36, qemu, sizeof(qemu));
	UNIT_CHECK(acpi_find_s5(dsdt, 36 + sizeof(qemu), &a, &b) == 0 && a == 0 && b == 0);
	memset(dsdt, 0, sizeof(dsdt));
	memcpy(dsdt + 36, bytes, sizeof(bytes));
	UNIT_CHECK(acpi_find_s5(dsdt, 36 + sizeof(bytes), &a, &b) == 0 && a == 7 && b == 5);
	/* Cut inside the package: no reading past the end. */
	UNIT_CHECK(acpi_find_s5(dsdt, 36 + 8, &a, &b) == -ENOENT);
	memset(dsdt, 0, sizeof(dsdt));
	memcpy(dsdt + 36, method, sizeof(method));
	UNIT_CHECK(acpi_find_s5(dsdt, 36 + sizeof(method), &a, &b) == -ENOENT);
	unit_end();
}

/*
 * Parses a recorded set in which table number i (signature sig) was
 * damaged: losing the RSDP, the RSDT or the MADT is an error with a reason
 * and a zeroed output; losing any other table only loses what it described.
 */
static void expect_damage_handled(struct table_set *s, unsigned i, const char *sig,
				  const char *how)
{
	static struct acpi_info a;
	const char *why = NULL;
	int r = parse_set(s, &a, &why);
	bool vital = i == 0 || !strcmp(sig, "RSDT") || !strcmp(sig, "APIC");

	if (vital && (r != -EINVAL || !why || !info_zero(&a)))
		unit_failf("%s %s: returned %d", sig, how, r);
	if (!vital && (r != 0 || (!strcmp(sig, "FACP") && a.has_fadt) ||
		       (!strcmp(sig, "HPET") && a.has_hpet) ||
		       (!strcmp(sig, "MCFG") && a.has_mcfg)))
		unit_failf("%s %s: returned %d (%s), or the table still used", sig, how, r,
			   why ? why : "-");
}

/*
 * Every recorded table cut short, one at a time, at several lengths.
 * Through the window map, so a header kept across a failed full mapping
 * is caught too.
 */
static void test_recorded_truncated(void)
{
	static const uint32_t keeps[] = { 0, 1, 8, 19, 35, 36, 44, 100 };
	struct table_set base, s;
	char sig[5] = { 0 }, how[32];

	unit_begin("acpi_recorded_truncated");
	if (load_recorded(&base, "q35-smp4")) {
		for (unsigned i = 0; i < base.n; i++) {
			memcpy(sig, base.t[i].data, 4);
			for (size_t k = 0; k < ARRAY_SIZE(keeps) && keeps[k] < base.t[i].len; k++) {
				set_clone(&s, &base);
				s.window = true;
				set_truncate(&s.t[i], keeps[k]);
				snprintf(how, sizeof(how), "cut to %u bytes", keeps[k]);
				expect_damage_handled(&s, i, sig, how);
				set_free(&s);
			}
		}
	}
	set_free(&base);
	unit_end();
}

/* A flipped byte in any recorded table (its last: past every field read)
 * breaks its checksum. */
static void test_recorded_bad_checksums(void)
{
	struct table_set base, s;
	char sig[5] = { 0 };

	unit_begin("acpi_recorded_bad_checksums");
	if (load_recorded(&base, "q35-smp8")) {
		for (unsigned i = 0; i < base.n; i++) {
			memcpy(sig, base.t[i].data, 4);
			set_clone(&s, &base);
			s.t[i].data[s.t[i].len - 1] ^= 0x40;
			expect_damage_handled(&s, i, sig, "with a bad checksum");
			set_free(&s);
		}
	}
	set_free(&base);
	unit_end();
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

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Sets the checksum byte at `at` so that the len bytes sum to zero. */
static void fix_checksum(uint8_t *t, uint32_t len, uint32_t at)
{
	t[at] = 0;
	t[at] = (uint8_t)(0x100 - acpi_checksum(t, len));
}

/* A table under construction: header, then body bytes appended. */
struct tb {
	uint8_t b[8192];
	uint32_t len;
};

static void tb_start(struct tb *t, const char *sig, uint8_t rev)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = rev;
	memcpy(t->b + 10, "MUXTST", 6);
	memcpy(t->b + 16, "HANDMADE", 8);
	t->len = T_HDR;
}

static void tb_bytes(struct tb *t, const void *p, uint32_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void tb_u32(struct tb *t, uint32_t v) { put32(t->b + t->len, v); t->len += 4; }
static void tb_u64(struct tb *t, uint64_t v) { put64(t->b + t->len, v); t->len += 8; }

/* Writes the length and checksum, and adds the table to the set at pa. */
static struct table *tb_add(struct tb *t, struct table_set *s, uint64_t pa)
{
	put32(t->b + 4, t->len);
	fix_checksum(t->b, t->len, 9);
	return set_add(s, pa, t->b, t->len);
}

/* RSDP revision 0 (20 bytes) or 2 (36 bytes), with both checksums right. */
static struct table *add_rsdp(struct table_set *s, unsigned rev, uint32_t rsdt, uint64_t xsdt)
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

static struct table *add_root(struct table_set *s, uint64_t pa, bool xsdt,
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
static void madt_lapic(struct tb *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { T_LAPIC, 8, uid, id };
	put32(e + 4, flags);
	tb_bytes(t, e, 8);
}

static void madt_x2apic(struct tb *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t e[16] = { T_X2APIC, 16 };
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	tb_bytes(t, e, 16);
}

static void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t e[12] = { T_IOAPIC, 12, id };
	put32(e + 4, addr);
	put32(e + 8, gsi);
	tb_bytes(t, e, 12);
}

static void madt_override(struct tb *t, uint64_t addr)
{
	uint8_t e[12] = { T_LAPIC_OVERRIDE, 12 };
	put64(e + 4, addr);
	tb_bytes(t, e, 12);
}

static void madt_start(struct tb *t, uint32_t lapic, uint32_t flags)
{
	tb_start(t, "APIC", 5);
	tb_u32(t, lapic);
	tb_u32(t, flags);
}

/* A FADT of the given length (116: ACPI 1.0; 276: ACPI 6). */
static void fadt_build(struct tb *t, uint32_t len, uint32_t pm_tmr, uint32_t flags,
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

static void hpet_build(struct tb *t, uint64_t addr)
{
	tb_start(t, "HPET", 1);
	tb_u32(t, 0x8086a201);                  /* event timer block ID */
	uint8_t gas[12] = { 0, 64, 0, 0 };      /* system memory */
	put64(gas + 4, addr);
	tb_bytes(t, gas, 12);
	uint8_t rest[4] = { 0 };                /* number, min tick, attrs */
	tb_bytes(t, rest, 4);
}

static void mcfg_entry(struct tb *t, uint64_t base, uint16_t seg, uint8_t b0, uint8_t b1)
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
static struct table *add_simple_madt(struct table_set *s, uint64_t pa, unsigned cpus)
{
	static struct tb t;

	madt_start(&t, 0xfee00000, 1);
	for (unsigned i = 0; i < cpus; i++)
		madt_lapic(&t, (uint8_t)i, (uint8_t)i, T_ENABLED);
	madt_ioapic(&t, 2, 0xfec00000, 0);
	return tb_add(&t, s, pa);
}

/* RSDP rev 0 -> RSDT -> the given tables (already in the set). */
static void add_rev0_root(struct table_set *s, const uint64_t *entries, unsigned n)
{
	add_rsdp(s, 0, PA_RSDT, 0);
	add_root(s, PA_RSDT, false, entries, n);
}

static void test_rev0_rsdt(void)
{
	static struct acpi_info a;
	struct table_set s = { 0 };
	const uint64_t list[] = { PA_MADT };

	unit_begin("acpi_rsdp_rev0_rsdt");
	add_rev0_root(&s, list, 1);
	add_simple_madt(&s, PA_MADT, 2);
	UNIT_CHECK(parse_set(&s, &a, NULL) == 0);
	UNIT_CHECK(a.revision == 0 && a.nr_tables == 1 && a.nr_cpus == 2);
	UNIT_CHECK(a.nr_ioapics == 1 && a.ioapics[0].id == 2);
	UNIT_CHECK(!a.has_fadt && !a.has_hpet && !a.has_mcfg && a.pm_timer_port == 0);
	set_free(&s);
	unit_end();
}

/*
 * A revision-2 RSDP whose RSDT lists a 1-CPU MADT and XSDT a 3-CPU one:
 * the CPU count tells which root the parser used.
 */
static void build_rev2(struct table_set *s)
{
	const uint64_t rsdt_list[] = { PA_MADT };
	const uint64_t xsdt_list[] = { PA_MADT2 };

	memset(s, 0, sizeof(*s));
	add_rsdp(s, 2, PA_RSDT, PA_XSDT);
	add_root(s, PA_RSDT, false, rsdt_list, 1);
	add_root(s, PA_XSDT, true, xsdt_list, 1);
	add_simple_madt(s, PA_MADT, 1);
	add_simple_madt(s, PA_MADT2, 3);
}

static unsigned cpus_of(struct table_set *s)
{
	static struct acpi_info a;
	int r = parse_set(s, &a, NULL);
	return r == 0 ? a.nr_cpus : 1000u + (unsigned)-r;
}

static void test_rev2_xsdt_preferred(void)
{
	struct table_set s;

	unit_begin("acpi_rsdp_rev2_xsdt_preferred");
	build_rev2(&s);
	UNIT_CHECK(cpus_of(&s) == 3);
	set_free(&s);

	/* Each way of breaking the XSDT falls back to the RSDT. */
	build_rev2(&s);
	s.t[2].data[20] ^= 1;                       /* XSDT checksum */
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);

	build_rev2(&s);
	memcpy(s.t[2].data, "XSDX", 4);
	fix_checksum(s.t[2].data, s.t[2].len, 9);   /* signature, valid checksum */
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);

	build_rev2(&s);
	set_truncate(&s.t[2], 40);                  /* XSDT end unreadable */
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);

	build_rev2(&s);
	put64(s.t[0].data + 24, 0);                 /* no XSDT address */
	fix_checksum(s.t[0].data, 36, 32);
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);

	build_rev2(&s);
	s.t[0].data[30] ^= 1;                       /* extended checksum wrong */
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);

	build_rev2(&s);
	s.t[0].len = 20;                            /* loader gave only 20 bytes */
	UNIT_CHECK(cpus_of(&s) == 1);
	set_free(&s);
	unit_end();
}

/* A set of RSDP rev 0 -> RSDT -> the MADT the caller built. */
static void set_with_madt(struct table_set *s, struct tb *madt)
{
	const uint64_t list[] = { PA_MADT };

	memset(s, 0, sizeof(*s));
	add_rev0_root(s, list, 1);
	tb_add(madt, s, PA_MADT);
}

static int parse_with_madt(struct tb *madt, struct acpi_info *a)
{
	struct table_set s;

	set_with_madt(&s, madt);
	return parse_once(&s, a);
}

/*
 * xAPIC and x2APIC entries: a CPU listed by both is counted once,
 * x2APIC IDs above 255 are kept, disabled entries only counted.
 */
static void test_madt_xapic_x2apic(void)
{
	static struct acpi_info a;
	static struct tb t;

	unit_begin("acpi_madt_xapic_x2apic");
	madt_start(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, T_ENABLED);
	madt_lapic(&t, 1, 1, T_ENABLED);
	madt_lapic(&t, 6, 9, T_ENABLED);            /* UID 6, APIC ID 9 */
	madt_lapic(&t, 2, 4, 0);                    /* disabled */
	madt_lapic(&t, 3, 5, 2);                    /* online-capable, not enabled */
	madt_x2apic(&t, 1, T_ENABLED, 1);           /* duplicate of APIC ID 1 */
	madt_x2apic(&t, 300, T_ENABLED, 7);
	madt_x2apic(&t, 0x10000, T_ENABLED, 8);
	madt_x2apic(&t, 301, 0, 9);                 /* disabled */
	madt_lapic(&t, 0, 0, T_ENABLED);            /* exact duplicate */
	UNIT_CHECK(parse_with_madt(&t, &a) == 0);
	UNIT_CHECK(a.nr_cpus == 5 && a.nr_cpus_disabled == 3);
	UNIT_CHECK(a.cpus[0].apic_id == 0 && a.cpus[1].apic_id == 1);
	UNIT_CHECK(a.cpus[2].apic_id == 9 && a.cpus[2].uid == 6);
	UNIT_CHECK(a.cpus[3].apic_id == 300 && a.cpus[3].uid == 7);
	UNIT_CHECK(a.cpus[4].apic_id == 0x10000 && a.cpus[4].uid == 8);
	UNIT_CHECK(!a.pcat_compat);
	unit_end();
}

/* The 64-bit local APIC address override wins over the 32-bit field. */
static void test_madt_lapic_override(void)
{
	static struct acpi_info a;
	static struct tb t;

	unit_begin("acpi_madt_lapic_override");
	madt_start(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, T_ENABLED);
	madt_override(&t, 0x1fee00000ull);
	UNIT_CHECK(parse_with_madt(&t, &a) == 0);
	UNIT_CHECK(a.lapic_address == 0x1fee00000ull);
	unit_end();
}

/* More CPUs and IOAPICs than acpi_info holds: the rest are dropped, no overflow. */
static void test_madt_capacity(void)
{
	static struct acpi_info a;
	static struct tb t;

	unit_begin("acpi_madt_capacity");
	madt_start(&t, 0xfee00000, 1);
	for (uint32_t i = 0; i < ACPI_MAX_CPUS + 44; i++)
		madt_x2apic(&t, i, T_ENABLED, i);
	for (uint8_t i = 0; i < ACPI_MAX_IOAPICS + 4; i++)
		madt_ioapic(&t, i, 0xfec00000 + i * 0x1000u, i * 24u);
	UNIT_CHECK(parse_with_madt(&t, &a) == 0);
	UNIT_CHECK(a.nr_cpus == ACPI_MAX_CPUS);
	UNIT_CHECK(a.cpus[ACPI_MAX_CPUS - 1].apic_id == ACPI_MAX_CPUS - 1);
	UNIT_CHECK(a.nr_ioapics == ACPI_MAX_IOAPICS);
	UNIT_CHECK(a.ioapics[15].gsi_base == 15 * 24);
	unit_end();
}

/* Parses MADT + one FADT built by the caller; returns the result. */
static int parse_with_fadt(struct tb *fadt, struct acpi_info *a)
{
	struct table_set s = { 0 };
	const uint64_t list[] = { PA_FADT, PA_MADT };

	add_rev0_root(&s, list, 2);
	add_simple_madt(&s, PA_MADT, 1);
	tb_add(fadt, &s, PA_FADT);
	return parse_once(&s, a);
}

static void test_fadt_pm_timer(void)
{
	static struct acpi_info a;
	static struct tb f;

	unit_begin("acpi_fadt_pm_timer");
	/* ACPI 6 FADT: X_PM_TMR_BLK (I/O space) wins over PM_TMR_BLK. */
	fadt_build(&f, 276, 0x608, T_TMR_VAL_EXT, T_GAS_IO, 0xb008);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0);
	UNIT_CHECK(a.has_fadt && a.pm_timer_port == 0xb008 && a.pm_timer_32bit);
	UNIT_CHECK(a.fadt_flags == T_TMR_VAL_EXT);

	/* X_PM_TMR_BLK in memory space or zero: the legacy port stays. */
	fadt_build(&f, 276, 0x608, 0, 0, 0xfed80000);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0 && a.pm_timer_port == 0x608);
	UNIT_CHECK(!a.pm_timer_32bit);
	fadt_build(&f, 276, 0x408, 0, T_GAS_IO, 0);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0 && a.pm_timer_port == 0x408);

	/* An I/O "port" above 0xffff is not a port. */
	fadt_build(&f, 276, 0x408, 0, T_GAS_IO, 0x10000);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0 && a.pm_timer_port == 0x408);
	fadt_build(&f, 276, 0x12345, 0, 0, 0);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0 && a.pm_timer_port == 0);

	/* ACPI 1.0 FADT (116 bytes): no X_ fields to read. */
	fadt_build(&f, 116, 0x808, T_TMR_VAL_EXT, 0, 0);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0);
	UNIT_CHECK(a.has_fadt && a.pm_timer_port == 0x808 && a.pm_timer_32bit);

	/* A FADT too short for PM_TMR_BLK: present, but no timer. */
	fadt_build(&f, 60, 0, 0, 0, 0);
	UNIT_CHECK(parse_with_fadt(&f, &a) == 0);
	UNIT_CHECK(a.has_fadt && a.pm_timer_port == 0);
	unit_end();
}

static void test_hpet_and_mcfg(void)
{
	static struct acpi_info a;
	static struct tb h, m, shorth;
	struct table_set s = { 0 };
	const uint64_t list[] = { PA_MADT, PA_HPET, PA_MCFG };

	unit_begin("acpi_hpet_and_mcfg");
	add_rev0_root(&s, list, 3);
	add_simple_madt(&s, PA_MADT, 1);
	hpet_build(&h, 0xfed00000);
	tb_add(&h, &s, PA_HPET);
	tb_start(&m, "MCFG", 1);
	tb_u64(&m, 0);                              /* reserved */
	mcfg_entry(&m, 0xc0000000, 1, 0, 63);       /* segment 1: not ours */
	mcfg_entry(&m, 0xe0000000, 0, 0, 127);
	tb_add(&m, &s, PA_MCFG);
	UNIT_CHECK(parse_set(&s, &a, NULL) == 0);
	UNIT_CHECK(a.has_hpet && a.hpet_address == 0xfed00000);
	UNIT_CHECK(a.has_mcfg && a.mcfg_base == 0xe0000000);
	UNIT_CHECK(a.mcfg_bus_start == 0 && a.mcfg_bus_end == 127);
	set_free(&s);

	/* A HPET table too short for its address is ignored. */
	memset(&s, 0, sizeof(s));
	add_rev0_root(&s, list, 2);
	add_simple_madt(&s, PA_MADT, 1);
	tb_start(&shorth, "HPET", 1);
	tb_u32(&shorth, 0);
	tb_add(&shorth, &s, PA_HPET);
	UNIT_CHECK(parse_set(&s, &a, NULL) == 0 && !a.has_hpet);
	set_free(&s);
	unit_end();
}

/* Only the first 64 entries of a long root table are followed. */
static void test_many_tables(void)
{
	static struct acpi_info a;
	static uint64_t list[100];
	struct table_set s = { 0 };

	unit_begin("acpi_many_tables");
	for (unsigned i = 0; i < 100; i++)
		list[i] = 0x9000000 + i * 0x1000;   /* unmapped: skipped */
	list[10] = PA_MADT;
	add_rev0_root(&s, list, 100);
	add_simple_madt(&s, PA_MADT, 2);
	UNIT_CHECK(parse_set(&s, &a, NULL) == 0);
	UNIT_CHECK(a.nr_tables == 64 && a.nr_cpus == 2);
	set_free(&s);
	unit_end();
}

/* One broken input: -EINVAL, a reason, and a zeroed output. */
static void expect_reject(const char *what, struct table_set *s)
{
	static struct acpi_info a;
	const char *why = NULL;
	int r = parse_set(s, &a, &why);

	if (r != -EINVAL || !why || !info_zero(&a))
		unit_failf("%s: returned %d, why %s, output %s", what, r,
			   why ? why : "NULL", info_zero(&a) ? "zeroed" : "NOT zeroed");
	set_free(s);
}

/* A valid rev-0 set with one MADT (2 CPUs): the base of the rejections. */
static void build_valid(struct table_set *s)
{
	const uint64_t list[] = { PA_MADT };

	memset(s, 0, sizeof(*s));
	add_rev0_root(s, list, 1);
	add_simple_madt(s, PA_MADT, 2);
}

static void test_reject_rsdp(void)
{
	struct table_set s;

	unit_begin("acpi_reject_rsdp");
	build_valid(&s);
	memcpy(s.t[0].data, "RSD PTX ", 8);
	fix_checksum(s.t[0].data, 20, 8);
	expect_reject("bad RSDP signature", &s);

	build_valid(&s);
	s.t[0].data[8] ^= 0x10;
	expect_reject("bad RSDP checksum", &s);

	build_valid(&s);
	s.t[0].len = 19;
	expect_reject("RSDP of 19 bytes", &s);

	build_valid(&s);
	put32(s.t[0].data + 16, 0x12340000);        /* RSDT address unmapped */
	fix_checksum(s.t[0].data, 20, 8);
	expect_reject("RSDT not mapped", &s);
	unit_end();
}

static void test_reject_root(void)
{
	struct table_set s;

	unit_begin("acpi_reject_root");
	build_valid(&s);
	s.t[1].data[s.t[1].len - 1] ^= 1;
	expect_reject("bad RSDT checksum", &s);

	build_valid(&s);
	memcpy(s.t[1].data, "XSDT", 4);             /* right checksum, wrong signature */
	fix_checksum(s.t[1].data, s.t[1].len, 9);
	expect_reject("RSDT with the wrong signature", &s);

	build_valid(&s);
	set_truncate(&s.t[1], 36);
	expect_reject("truncated RSDT", &s);

	const uint32_t lengths[] = { 0, 35, TABLE_MAX_LEN + 1, 0xffffffffu };
	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		build_valid(&s);
		put32(s.t[1].data + 4, lengths[i]);
		fix_checksum(s.t[1].data, s.t[1].len, 9);
		expect_reject("absurd RSDT length", &s);
	}
	unit_end();
}

/* Broken MADT tables: each counts as no MADT at all. */
static void test_reject_madt_table(void)
{
	static struct tb f;
	struct table_set s;
	const uint64_t only_fadt[] = { PA_FADT };

	unit_begin("acpi_reject_madt_table");
	build_valid(&s);
	s.t[2].data[40] ^= 1;
	expect_reject("bad MADT checksum", &s);

	build_valid(&s);
	set_truncate(&s.t[2], s.t[2].len - 1);
	expect_reject("MADT cut by one byte", &s);

	build_valid(&s);
	put32(s.t[2].data + 4, 0x7fffffff);
	fix_checksum(s.t[2].data, s.t[2].len, 9);
	expect_reject("absurd MADT length", &s);

	memset(&s, 0, sizeof(s));
	add_rev0_root(&s, only_fadt, 1);
	fadt_build(&f, 276, 0x608, 0, 0, 0);
	tb_add(&f, &s, PA_FADT);
	expect_reject("no MADT (only a FADT listed)", &s);

	memset(&s, 0, sizeof(s));
	add_rev0_root(&s, NULL, 0);
	expect_reject("empty RSDT", &s);
	unit_end();
}

/* Intact MADTs whose contents cannot be used. */
static void test_reject_madt_contents(void)
{
	static struct tb t;
	struct table_set s;

	unit_begin("acpi_reject_madt_contents");
	/* Entry lengths 0 and 1 would loop or underflow; 9 and 200 run past the end. */
	const uint8_t bad_len[] = { 0, 1, 9, 200 };
	for (size_t i = 0; i < ARRAY_SIZE(bad_len); i++) {
		madt_start(&t, 0xfee00000, 1);
		madt_lapic(&t, 0, 0, T_ENABLED);
		uint8_t e[8] = { T_LAPIC, bad_len[i], 1, 1, 1 };
		tb_bytes(&t, e, 8);
		set_with_madt(&s, &t);
		expect_reject("MADT entry with a bad length", &s);
	}

	/* The header alone, without the 8 bytes of the MADT's own fields. */
	tb_start(&t, "APIC", 5);
	tb_u32(&t, 0xfee00000);
	set_with_madt(&s, &t);
	expect_reject("MADT too short", &s);

	madt_start(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 0);
	madt_x2apic(&t, 1, 0, 1);
	set_with_madt(&s, &t);
	expect_reject("MADT without an enabled CPU", &s);
	unit_end();
}

/*
 * Fuzz: random bytes of the recorded 4-CPU tables changed, with the
 * checksum repaired half of the time so the damage reaches the field
 * parsers. No crash (ASan/UBSan), a result of 0 or -EINVAL, zeroed
 * output on error, counts within bounds on success.
 */
static void test_fuzz(void)
{
	static struct acpi_info a;
	struct table_set base, s;
	unsigned accepted = 0, runs = 4000;

	unit_begin("acpi_fuzz_recorded");
	if (!load_recorded(&base, "q35-smp4")) {
		unit_end();
		return;
	}
	for (uint64_t seed = 1; seed <= runs && !unit_state.failed; seed++) {
		uint64_t rng = seed;
		set_clone(&s, &base);
		s.window = seed % 3 == 0;
		unsigned n = 1 + (unsigned)test_rand_below(&rng, 4);
		for (unsigned i = 0; i < n; i++) {
			struct table *t = &s.t[test_rand_below(&rng, s.n)];
			t->data[test_rand_below(&rng, t->len)] = (uint8_t)test_rand(&rng);
			if (test_rand_below(&rng, 2) && t != &s.t[0] && t->len >= T_HDR)
				fix_checksum(t->data, t->len, 9);
		}
		int r = parse_set(&s, &a, NULL);
		bool ok = r == 0 ? a.nr_cpus >= 1 && a.nr_cpus <= ACPI_MAX_CPUS &&
				   a.nr_ioapics <= ACPI_MAX_IOAPICS
				 : r == -EINVAL && info_zero(&a);
		if (!ok)
			unit_failf("seed %llu: returned %d with inconsistent output",
				   (unsigned long long)seed, r);
		accepted += r == 0;
		set_free(&s);
	}
	if (!unit_state.failed && (accepted == 0 || accepted == runs))
		unit_failf("%u of %u mutations accepted", accepted, runs);
	set_free(&base);
	unit_end();
}

static void test_checksum(void)
{
	const uint8_t ok[4] = { 1, 2, 3, 250 };

	unit_begin("acpi_checksum");
	UNIT_CHECK(acpi_checksum(ok, 4) == 0);
	UNIT_CHECK(acpi_checksum(ok, 3) == 6);
	UNIT_CHECK(acpi_checksum(ok, 0) == 0);
	unit_end();
}

int main(void)
{
	test_checksum();
	test_find_s5();
	test_recorded("q35-smp1", 1, false);
	test_recorded("q35-smp4", 4, false);
	test_recorded("q35-smp8", 8, false);
	test_recorded("q35-smp8", 8, true);
	test_recorded_truncated();
	test_recorded_bad_checksums();
	test_rev0_rsdt();
	test_rev2_xsdt_preferred();
	test_madt_xapic_x2apic();
	test_madt_lapic_override();
	test_madt_capacity();
	test_fadt_pm_timer();
	test_hpet_and_mcfg();
	test_many_tables();
	test_reject_rsdp();
	test_reject_root();
	test_reject_madt_table();
	test_reject_madt_contents();
	test_fuzz();
	return unit_exit_code();
}
