/*
 * test_acpi_build.c - host tests of the guest ACPI table builder.
 *
 * Two kinds of checks. Direct ones walk the tables from the RSDP as an OS
 * would (signatures, lengths, checksums, addresses, field values). The
 * independent ones hand every table to acpica-tools: `iasl -d`
 * disassembles each (its output must be free of errors and warnings and
 * show the expected fields), the data tables are compiled back by iasl and
 * must come out byte-identical (apart from checksum and compiler ID, which
 * iasl rewrites), and `acpiexec` loads FADT+DSDT+MADT into ACPICA's
 * namespace (the interpreter Linux uses) and evaluates \_S5, _CRS and
 * _UID. Files go to build/tests/acpi_build/<case>/. Without iasl or
 * acpiexec those cases print SKIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../platform/acpi_build.c"
#include "../platform/acpi_build_out.c"
#include "../platform/acpi_build_aml.c"
#include "unit.h"

/* A check whose failure message is the reason the checked code gave. */
#define UNIT_CHECK_WHY(ok, why) unit_check_at((ok) ? true : false, (why), __FILE__, __LINE__)

#define BUF_SIZE   (512 * 1024)
#define TABLES_GPA 0x100000ull
#define DIR_LEN    600
#define WHY_LEN    200    /* fits unit.h's message with file and line */

static char workdir[512];
static bool have_iasl, have_acpiexec;
static uint32_t ids[ACPI_BUILD_MAX_VCPUS + 1];

/* ---- configurations ---- */

static struct acpi_build_config base_config(uint32_t nr_vcpus)
{
	struct acpi_build_config cfg = {
		.gpa = TABLES_GPA, .oem_id = "MUXTST", .oem_table_id = "TESTTBL",
		.oem_revision = 7, .nr_vcpus = nr_vcpus, .x2apic_ids = ids,
		.pci = { .present = true, .bus_start = 0, .bus_end = 255,
			 .ecam_base = 0xB0000000, .mmio32_base = 0xC0000000,
			 .mmio32_size = 0x3EC00000, .mmio64_base = 0x8000000000ull,
			 .mmio64_size = 0x8000000000ull },
		.uart = { .present = true, .port = 0x3F8, .gsi = 4 },
		.sleep_ctl_port = ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT,
		.sleep_sts_port = ACPI_BUILD_DEFAULT_SLEEP_STS_PORT,
		.reset_port = ACPI_BUILD_DEFAULT_RESET_PORT,
		.reset_value = ACPI_BUILD_DEFAULT_RESET_VALUE,
	};
	return cfg;
}

/* IDs 0..199 dense, then sparse and above 255, as a big host might give. */
static void fill_ids(void)
{
	for (uint32_t i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = i < 200 ? i : 0x100 + 3 * i;
}

/* ---- reading tables back ---- */

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

struct tables {
	const uint8_t *rsdp, *xsdt, *fadt, *dsdt, *madt, *mcfg;
	unsigned nr_listed;
};

/* The table at gpa if it lies inside the used part of buf, else NULL. */
static const uint8_t *table_at(const uint8_t *buf, size_t used, uint64_t gpa, char *why)
{
	if (gpa < TABLES_GPA || gpa - TABLES_GPA + 36 > used) {
		sprintf(why, "address %#llx outside the tables", (unsigned long long)gpa);
		return NULL;
	}
	const uint8_t *t = buf + (gpa - TABLES_GPA);
	uint32_t len = rd32(t + 4);
	if (len < 36 || gpa - TABLES_GPA + len > used) {
		sprintf(why, "%.4s: bad length %u", t, len);
		return NULL;
	}
	if (sum8(t, len) != 0) {
		sprintf(why, "%.4s: bad checksum", t);
		return NULL;
	}
	if ((gpa & 15) != 0) {
		sprintf(why, "%.4s: not 16-byte aligned", t);
		return NULL;
	}
	return t;
}

/* Walks RSDP -> XSDT -> tables -> DSDT as an OS does; false with *why. */
static bool walk(const uint8_t *buf, const struct acpi_build_result *res,
		 struct tables *t, char *why)
{
	memset(t, 0, sizeof(*t));
	if (res->rsdp_gpa < TABLES_GPA || res->rsdp_gpa - TABLES_GPA + 36 > res->size)
		return sprintf(why, "RSDP outside the tables"), false;
	t->rsdp = buf + (res->rsdp_gpa - TABLES_GPA);
	if (memcmp(t->rsdp, "RSD PTR ", 8) || sum8(t->rsdp, 20) || sum8(t->rsdp, 36) ||
	    t->rsdp[15] != 2 || rd32(t->rsdp + 20) != 36 || rd32(t->rsdp + 16) != 0)
		return sprintf(why, "bad RSDP"), false;
	if (!(t->xsdt = table_at(buf, res->size, rd64(t->rsdp + 24), why)))
		return false;
	uint32_t xlen = rd32(t->xsdt + 4);
	if (memcmp(t->xsdt, "XSDT", 4) || (xlen - 36) % 8)
		return sprintf(why, "bad XSDT"), false;
	for (uint32_t off = 36; off < xlen; off += 8) {
		const uint8_t *e = table_at(buf, res->size, rd64(t->xsdt + off), why);
		if (!e)
			return false;
		t->nr_listed++;
		if (!memcmp(e, "FACP", 4))
			t->fadt = e;
		else if (!memcmp(e, "APIC", 4))
			t->madt = e;
		else if (!memcmp(e, "MCFG", 4))
			t->mcfg = e;
		else
			return sprintf(why, "unexpected table %.4s", e), false;
	}
	if (!t->fadt || !t->madt)
		return sprintf(why, "FADT or MADT missing"), false;
	if (rd32(t->fadt + 4) != 276 || t->fadt[8] != 6 || rd32(t->fadt + 40) != 0)
		return sprintf(why, "FADT length/revision/DSDT"), false;
	if (!(t->dsdt = table_at(buf, res->size, rd64(t->fadt + 140), why)))
		return false;
	if (memcmp(t->dsdt, "DSDT", 4) || t->dsdt[8] != 2)
		return sprintf(why, "bad DSDT header"), false;
	if (memcmp(t->fadt + 10, "MUXTST", 6) || memcmp(t->fadt + 16, "TESTTBL ", 8) ||
	    rd32(t->fadt + 24) != 7 || memcmp(t->rsdp + 9, "MUXTST", 6))
		return sprintf(why, "OEM fields"), false;
	return true;
}

/* Checks the MADT lists exactly cfg's vCPUs, enabled, UID = index. */
static bool madt_matches(const uint8_t *madt, const struct acpi_build_config *cfg, char *why)
{
	uint32_t len = rd32(madt + 4), n = 0, ioapics = 0;

	if (madt[8] != 5 || rd32(madt + 36) != 0xFEE00000u || rd32(madt + 40) != 0)
		return sprintf(why, "MADT header fields"), false;
	for (uint32_t off = 44; off < len; off += madt[off + 1]) {
		const uint8_t *e = madt + off;
		if (e[1] < 2 || off + e[1] > len)
			return sprintf(why, "MADT entry length"), false;
		if (e[0] == 1) {
			ioapics++;
			continue;
		}
		if (e[0] != 9 || e[1] != 16)
			return sprintf(why, "MADT entry type %u", e[0]), false;
		if (n >= cfg->nr_vcpus || rd32(e + 4) != cfg->x2apic_ids[n] ||
		    rd32(e + 8) != 1 || rd32(e + 12) != n)
			return sprintf(why, "x2APIC entry %u", n), false;
		n++;
	}
	if (n != cfg->nr_vcpus || ioapics != (cfg->ioapic.present ? 1u : 0u))
		return sprintf(why, "MADT has %u CPUs, %u I/O APICs", n, ioapics), false;
	return true;
}

static int build(const struct acpi_build_config *cfg, uint8_t *buf, struct acpi_build_result *res)
{
	memset(buf, 0xA5, BUF_SIZE);
	return acpi_build_tables(cfg, buf, BUF_SIZE, res);
}

/* ---- running acpica-tools ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	s[n] = '\0';
	fclose(f);
	return s;
}

static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(p, 1, n, f) == n;
	if (f)
		fclose(f);
	return ok;
}

static int run(const char *dir, const char *cmd)
{
	char line[2048];
	snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	return system(line);
}

static void case_dir(const char *name, char *dir, size_t n)
{
	char cmd[1024];
	snprintf(dir, n, "%s/%s", workdir, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot create %s\n", dir);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* First line of s that reports a problem, or NULL. iasl exits 0 even when
 * it warns, so its words are what tells. */
static const char *complaint(const char *s)
{
	static const char *words[] = { "rror", "arning", "nvalid", "ncorrect", "should be" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		const char *p = strstr(s, words[i]);
		if (p)
			return p;
	}
	return NULL;
}

/*
 * Disassembles table t (written as dir/<sig>.dat) with iasl -d; returns the
 * .dsl text (caller frees) or NULL with *why when iasl fails or complains.
 */
static char *disassemble(const char *dir, const uint8_t *t, char *why)
{
	char name[8], cmd[256], path[700];

	if (!t) {
		snprintf(why, WHY_LEN, "table not found");
		return NULL;
	}
	snprintf(name, sizeof(name), "%.4s", t);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	if (!write_file(path, t, rd32(t + 4)))
		return sprintf(why, "cannot write %s", path), NULL;
	snprintf(cmd, sizeof(cmd), "iasl -d %s.dat > %s.log 2>&1", name, name);
	int rc = run(dir, cmd);
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	char *log = slurp(path);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	char *dsl = slurp(path);
	const char *bad = log ? complaint(log) : "no log";
	if (!bad && dsl)
		bad = complaint(dsl);
	if (rc != 0 || !dsl || bad) {
		snprintf(why, WHY_LEN, "iasl -d %s: rc %d: %.120s", name, rc, bad ? bad : "no .dsl");
		free(dsl);
		dsl = NULL;
	}
	free(log);
	return dsl;
}

/* Compiles dir/<sig>.dsl back with iasl and compares it with t, except the
 * checksum (offset 9) and compiler ID/revision (28..35) iasl rewrites. */
static bool roundtrip(const char *dir, const uint8_t *t, char *why)
{
	char name[8], cmd[256], path[700];
	snprintf(name, sizeof(name), "%.4s", t);
	snprintf(cmd, sizeof(cmd), "iasl -p rt_%s %s.dsl > rt_%s.log 2>&1", name, name, name);
	int rc = run(dir, cmd);
	snprintf(path, sizeof(path), "%s/rt_%s.aml", dir, name);
	char *aml = slurp(path);
	uint32_t len = rd32(t + 4);
	bool ok = rc == 0 && aml && rd32((const uint8_t *)aml + 4) == len;
	if (!ok)
		snprintf(why, WHY_LEN, "%s: iasl round trip: rc %d, %s", name, rc,
			 aml ? "length differs" : "no output");
	for (uint32_t i = 0; ok && i < len; i++)
		if (i != 9 && (i < 28 || i > 35) && (uint8_t)aml[i] != t[i]) {
			snprintf(why, WHY_LEN, "%s: byte %u differs after iasl round trip", name, i);
			ok = false;
		}
	free(aml);
	return ok;
}

/* Checks that text holds every string of want; the first missing one is
 * the failure message. */
static void expect_all(const char *text, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		unit_check_at(text && strstr(text, want[i]), want[i], __FILE__, __LINE__);
}

/*
 * Opens a case that needs tool (iasl or acpiexec): without it prints SKIP
 * and returns false; otherwise starts the case, gives it a fresh dir and
 * builds and walks cfg's tables into *t.
 */
static bool tool_case(const char *name, const char *tool, const struct acpi_build_config *cfg,
		      uint8_t *buf, struct tables *t, char *dir, char *why)
{
	struct acpi_build_result res;

	if (!(strcmp(tool, "iasl") ? have_acpiexec : have_iasl)) {
		printf("SKIP %s: %s not installed (acpica-tools)\n", name, tool);
		return false;
	}
	unit_begin(name);
	case_dir(name, dir, DIR_LEN);
	UNIT_CHECK_WHY(build(cfg, buf, &res) == 0 && walk(buf, &res, t, why), why);
	return true;
}

/* ---- test cases ---- */

static void test_pkglen(void)
{
	uint8_t enc[4];

	unit_begin("aml_pkglen_encoding");
	UNIT_CHECK(pkglen_encode(0, enc) == 1 && enc[0] == 1);
	UNIT_CHECK(pkglen_encode(62, enc) == 1 && enc[0] == 63);
	/* 63 body bytes: 65 in two bytes, lead 0x41, then 0x04 */
	UNIT_CHECK(pkglen_encode(63, enc) == 2 && enc[0] == 0x41 && enc[1] == 0x04);
	UNIT_CHECK(pkglen_encode(4093, enc) == 2 && enc[0] == 0x4F && enc[1] == 0xFF);
	/* 4094 body bytes: 4097 = 0x1001 in three bytes: 0x81, 0x00, 0x01 */
	UNIT_CHECK(pkglen_encode(4094, enc) == 3 && enc[0] == 0x81 && enc[1] == 0x00 &&
		   enc[2] == 0x01);
	UNIT_CHECK(pkglen_encode((1u << 20) - 4, enc) == 3);
	UNIT_CHECK(pkglen_encode((1u << 20) - 3, enc) == 4 && enc[0] == 0xC1);
	UNIT_CHECK(pkglen_encode((1u << 28) - 5, enc) == 4);
	UNIT_CHECK(pkglen_encode((1u << 28) - 4, enc) == 0);
	unit_end();
}

/* Emits with f into a small buffer and compares with want. */
#define EMITS(stmt, ...) ({ \
	uint8_t b_[64]; const uint8_t w_[] = { __VA_ARGS__ }; \
	struct acpi_build_out o = { .buf = b_, .cap = sizeof(b_) }; \
	stmt; \
	!o.err && o.pos == sizeof(w_) && !memcmp(b_, w_, sizeof(w_)); })

static void test_aml_terms(void)
{
	unit_begin("aml_names_integers_eisaid");
	UNIT_CHECK(EMITS(aml_name(&o, "_HID"), '_', 'H', 'I', 'D'));
	UNIT_CHECK(EMITS(aml_name(&o, "\\_SB_"), '\\', '_', 'S', 'B', '_'));
	UNIT_CHECK(EMITS(aml_name(&o, "\\_SB.PCI0"), '\\', 0x2E, '_', 'S', 'B', '_',
			 'P', 'C', 'I', '0'));
	UNIT_CHECK(EMITS(aml_name(&o, "A.B.C"), 0x2F, 3, 'A', '_', '_', '_', 'B', '_', '_',
			 '_', 'C', '_', '_', '_'));
	UNIT_CHECK(EMITS(aml_integer(&o, 0), 0x00));
	UNIT_CHECK(EMITS(aml_integer(&o, 1), 0x01));
	UNIT_CHECK(EMITS(aml_integer(&o, 0xFF), 0x0A, 0xFF));
	UNIT_CHECK(EMITS(aml_integer(&o, 0x100), 0x0B, 0x00, 0x01));
	UNIT_CHECK(EMITS(aml_integer(&o, 0x12345678), 0x0C, 0x78, 0x56, 0x34, 0x12));
	UNIT_CHECK(EMITS(aml_integer(&o, 0x100000000ull), 0x0E, 0, 0, 0, 0, 1, 0, 0, 0));
	/* EISAID("PNP0A03") is 0x030AD041 (the value every PC DSDT holds). */
	UNIT_CHECK(EMITS(aml_eisaid(&o, "PNP0A03"), 0x0C, 0x41, 0xD0, 0x0A, 0x03));
	UNIT_CHECK(EMITS(aml_string(&o, "AB"), 0x0D, 'A', 'B', 0));
	/* Bad names and IDs are our bugs: reported, not emitted silently. */
	struct acpi_build_out o = { .buf = NULL };
	aml_name(&o, "1ABC");
	UNIT_CHECK(o.err == -EINVAL);
	o.err = 0;
	aml_name(&o, "TOOLONG");
	UNIT_CHECK(o.err == -EINVAL);
	o.err = 0;
	aml_eisaid(&o, "pnp0a03");
	UNIT_CHECK(o.err == -EINVAL);
	unit_end();
}

static void test_tables_direct(uint32_t n, uint8_t *buf)
{
	char name[64], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(n);
	struct acpi_build_result res;
	struct tables t;
	size_t need = 0;

	snprintf(name, sizeof(name), "acpi_tables_%u_vcpus", n);
	unit_begin(name);
	UNIT_CHECK(build(&cfg, buf, &res) == 0);
	UNIT_CHECK(acpi_build_size(&cfg, &need) == 0 && need == res.size);
	UNIT_CHECK(res.rsdp_gpa + 36 == TABLES_GPA + res.size);
	UNIT_CHECK_WHY(walk(buf, &res, &t, why), why);
	UNIT_CHECK(t.nr_listed == 3 && t.mcfg);
	/* DSDT body: ScopeOp, then \_SB_'s PkgLength: 1 byte up to 63, 2 bytes
	 * up to 4095, 3 bytes beyond (bits 7:6 of the lead byte). */
	size_t sb_len = t.dsdt ? rd32(t.dsdt + 4) - 37 : 0;
	UNIT_CHECK(t.dsdt && t.dsdt[36] == 0x10 &&
		   (t.dsdt[37] >> 6) == (sb_len > 4093 ? 2 : sb_len > 62 ? 1 : 0));
	UNIT_CHECK_WHY(t.madt && madt_matches(t.madt, &cfg, why), why);
	unit_end();
}

static void test_tables_iasl(uint32_t n, uint8_t *buf)
{
	char name[64], dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(n);
	struct tables t;

	snprintf(name, sizeof(name), "acpi_iasl_%u_vcpus", n);
	if (!tool_case(name, "iasl", &cfg, buf, &t, dir, why))
		return;
	char *madt = disassemble(dir, t.madt, why);
	char *dsdt = disassemble(dir, t.dsdt, why);
	UNIT_CHECK_WHY(madt && dsdt, why);
	UNIT_CHECK(count(madt, "[Processor Local x2APIC]") == n);
	UNIT_CHECK(count(madt, "Processor Enabled : 1") == n);
	UNIT_CHECK(count(madt, "[Processor Local APIC]") == 0);
	UNIT_CHECK(count(dsdt, "Name (_HID, \"ACPI0007\"") == n);
	char last[64];
	snprintf(last, sizeof(last), "Device (C%03X)", n - 1);
	UNIT_CHECK(strstr(dsdt ? dsdt : "", last) != NULL);
	free(madt);
	free(dsdt);
	unit_end();
}

static void test_fadt_fields(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(2);
	struct acpi_build_result res;
	struct tables t;

	unit_begin("acpi_fadt_hw_reduced");
	UNIT_CHECK(build(&cfg, buf, &res) == 0 && walk(buf, &res, &t, why));
	const uint8_t *f = t.fadt ? t.fadt : buf;
	UNIT_CHECK(rd32(f + 112) & (1u << 20));                 /* HW_REDUCED_ACPI */
	UNIT_CHECK(rd32(f + 112) & (1u << 10));                 /* RESET_REG_SUP */
	UNIT_CHECK(f[116] == 1 && f[117] == 8 && rd64(f + 120) == 0x602 && f[128] == 1);
	UNIT_CHECK(f[244] == 1 && f[245] == 8 && rd64(f + 248) == 0x600);
	UNIT_CHECK(f[256] == 1 && f[257] == 8 && rd64(f + 260) == 0x601);
	UNIT_CHECK(rd32(f + 36) == 0 && rd64(f + 132) == 0);    /* no FACS */
	UNIT_CHECK(rd32(f + 76) == 0 && f[46] == 0 && f[47] == 0); /* no PM timer, SCI */
	UNIT_CHECK(f[131] == 5);
	unit_end();

	if (!tool_case("acpi_iasl_fadt", "iasl", &cfg, buf, &t, dir, why))
		return;
	char *dsl = disassemble(dir, t.fadt, why);
	UNIT_CHECK_WHY(dsl, why);
	static const char *const want[] = {
		"Hardware Reduced (V5) : 1",
		"Reset Register Supported (V2) : 1",
		"Use APIC Physical Destination Mode (V4) : 1",
		"CMOS RTC Not Present (V5) : 1",
		"8042 Present on ports 60/64 (V2) : 0",
		"Value to cause reset : 01",
		"FADT Minor Revision : 05",
		"Address : 0000000000000600",       /* sleep control */
		"Address : 0000000000000601",       /* sleep status */
		"DSDT Address : 0000000000100000",
	};
	expect_all(dsl, want, ARRAY_SIZE(want));
	free(dsl);
	unit_end();
}

static void test_dsdt_devices(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(4);
	struct tables t;

	if (!tool_case("acpi_iasl_dsdt_devices", "iasl", &cfg, buf, &t, dir, why))
		return;
	char *dsl = disassemble(dir, t.dsdt, why);
	UNIT_CHECK_WHY(dsl, why);
	static const char *const want[] = {
		"Name (_HID, EisaId (\"PNP0A08\")",
		"Name (_CID, EisaId (\"PNP0A03\")",
		"WordBusNumber (ResourceProducer",
		"0x00FF,             // Range Maximum",
		"0x0CF8,             // Range Maximum\n"
		"                    0x01,               // Alignment\n"
		"                    0x08,               // Length",
		"0x0CF7,             // Range Maximum",
		"0x0D00,             // Range Minimum",
		"0xFEBFFFFF,         // Range Maximum",
		"0x000000FFFFFFFFFF, // Range Maximum",
		"Name (_HID, EisaId (\"PNP0501\")",
		"0x03F8,             // Range Minimum",
		"Name (_HID, EisaId (\"PNP0C02\")",
		"QWordMemory (ResourceConsumer",
		"0x00000000B0000000, // Range Minimum",
		"0x0000000010000000, // Length",
		"Name (\\_S5, Package (0x04)",
	};
	expect_all(dsl, want, ARRAY_SIZE(want));
	UNIT_CHECK(dsl && !strstr(dsl, "Interrupt ("));   /* no I/O APIC: polled */
	free(dsl);
	unit_end();
}

static void test_no_ecam_with_ioapic(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(2);
	struct acpi_build_result res;
	struct tables t;

	cfg.pci.ecam_base = 0;
	cfg.pci.mmio64_size = 0;
	cfg.ioapic = (struct acpi_build_ioapic){ .present = true, .id = 2,
						 .address = 0xFEC00000, .gsi_base = 0 };
	unit_begin("acpi_no_ecam_ioapic_direct");
	UNIT_CHECK(build(&cfg, buf, &res) == 0 && walk(buf, &res, &t, why));
	UNIT_CHECK(t.nr_listed == 2 && !t.mcfg);
	UNIT_CHECK(t.madt && madt_matches(t.madt, &cfg, why));
	unit_end();

	if (!tool_case("acpi_iasl_no_ecam_ioapic", "iasl", &cfg, buf, &t, dir, why))
		return;
	char *dsdt = disassemble(dir, t.dsdt, why);
	char *madt = disassemble(dir, t.madt, why);
	UNIT_CHECK_WHY(dsdt && madt, why);
	const char *s = dsdt ? dsdt : "", *m = madt ? madt : "";
	UNIT_CHECK(strstr(s, "Name (_HID, EisaId (\"PNP0A03\")"));
	UNIT_CHECK(!strstr(s, "PNP0A08") && !strstr(s, "_CID"));
	UNIT_CHECK(!strstr(s, "QWordMemory"));
	UNIT_CHECK(strstr(s, "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )"));
	UNIT_CHECK(strstr(s, "0x00000004,"));
	UNIT_CHECK(strstr(m, "[I/O APIC]") && strstr(m, "Address : FEC00000"));
	free(dsdt);
	free(madt);
	unit_end();
}

/* Data tables must survive iasl -d then iasl unchanged. */
static void test_roundtrip(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(300);
	struct tables t;

	cfg.ioapic = (struct acpi_build_ioapic){ .present = true, .address = 0xFEC00000 };
	if (!tool_case("acpi_iasl_roundtrip", "iasl", &cfg, buf, &t, dir, why))
		return;
	const uint8_t *data[] = { t.fadt, t.madt, t.mcfg, t.xsdt };
	for (size_t i = 0; i < ARRAY_SIZE(data); i++) {
		char *dsl = disassemble(dir, data[i], why);
		UNIT_CHECK_WHY(dsl && roundtrip(dir, data[i], why), why);
		free(dsl);
	}
	unit_end();
}

/* ACPICA's own interpreter loads the namespace and evaluates objects. */
static void test_acpiexec(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "", path[700];
	struct acpi_build_config cfg = base_config(4);
	struct tables t;

	cfg.ioapic = (struct acpi_build_ioapic){ .present = true, .address = 0xFEC00000 };
	if (!tool_case("acpi_acpiexec_namespace", "acpiexec", &cfg, buf, &t, dir, why))
		return;
	const uint8_t *tabs[] = { t.fadt, t.dsdt, t.madt, t.mcfg };
	for (size_t i = 0; i < ARRAY_SIZE(tabs); i++) {
		snprintf(path, sizeof(path), "%s/%.4s.dat", dir, tabs[i] ? (const char *)tabs[i] : "none");
		UNIT_CHECK(tabs[i] && write_file(path, tabs[i], rd32(tabs[i] + 4)));
	}
	UNIT_CHECK(run(dir, "acpiexec -b 'evaluate \\_S5;resources \\_SB.PCI0;"
			    "resources \\_SB.COM1;resources \\_SB.MBRD;evaluate \\_SB.C003._UID;"
			    "evaluate \\_SB.PCI0._HID' FACP.dat DSDT.dat APIC.dat MCFG.dat "
			    "> acpiexec.log 2>&1") == 0);
	snprintf(path, sizeof(path), "%s/acpiexec.log", dir);
	char *log = slurp(path);
	static const char *const want[] = {
		"4 Elements:\n    [Integer] = 0000000000000005\n"
		"    [Integer] = 0000000000000005\n",                /* \_S5 */
		"Resource Type : Bus Number Range",
		"Address Minimum : 03F8",
		"Triggering : Edge",
		"Polarity : ActiveHigh",
		"Consumer/Producer : ResourceConsumer",
		"[Integer] = 0000000000000003",                       /* C003._UID */
		"[Integer] = 00000000080AD041",                       /* PNP0A08 */
	};
	expect_all(log, want, ARRAY_SIZE(want));
	UNIT_CHECK(count(log, "Consumer/Producer : ResourceProducer") == 5);
	UNIT_CHECK(log && !strstr(log, "ACPI Error") && !strstr(log, "ACPI Warning") &&
		   !strstr(log, "Firmware Warning") && !strstr(log, "Mismatch"));
	free(log);
	unit_end();
}

/* The checks above must be able to fail: feed them broken tables. */
static void test_checker_fails(uint8_t *buf)
{
	char dir[DIR_LEN], why[WHY_LEN] = "";
	struct acpi_build_config cfg = base_config(4);
	struct acpi_build_result res;
	struct tables t;

	unit_begin("acpi_checks_detect_corruption");
	UNIT_CHECK(build(&cfg, buf, &res) == 0 && walk(buf, &res, &t, why));
	uint8_t *madt = (uint8_t *)t.madt;
	madt[44 + 1] = 0x30;                              /* x2APIC length */
	madt[9] = (uint8_t)(madt[9] - 0x20);              /* checksum still right */
	UNIT_CHECK(!madt_matches(madt, &cfg, why));
	buf[res.rsdp_gpa - TABLES_GPA + 24] ^= 0x10;       /* XSDT address */
	UNIT_CHECK(!walk(buf, &res, &t, why));
	unit_end();

	if (!tool_case("acpi_iasl_detects_corruption", "iasl", &cfg, buf, &t, dir, why))
		return;
	uint8_t *dsdt = (uint8_t *)t.dsdt;
	dsdt[0x30] = 0x5B;                                /* garbage in a name */
	dsdt[0x31] = 0x99;
	char *dsl = disassemble(dir, dsdt, why);
	UNIT_CHECK(dsl == NULL);
	free(dsl);
	uint8_t *fadt = (uint8_t *)t.fadt;
	fadt[9] ^= 1;                                     /* checksum */
	dsl = disassemble(dir, fadt, why);
	UNIT_CHECK(dsl == NULL);
	free(dsl);
	unit_end();
}

static void test_enospc(uint8_t *buf)
{
	struct acpi_build_config cfg = base_config(64);
	struct acpi_build_result res, res2;
	size_t need = 0;
	bool zero = true;

	unit_begin("acpi_enospc");
	UNIT_CHECK(acpi_build_size(&cfg, &need) == 0 && need > 0);
	memset(buf, 0xA5, BUF_SIZE);
	UNIT_CHECK(acpi_build_tables(&cfg, buf, need - 1, &res) == -ENOSPC);
	UNIT_CHECK(res.size == need);
	for (size_t i = 0; i < need - 1; i++)
		zero &= buf[i] == 0;
	UNIT_CHECK(zero);
	UNIT_CHECK(buf[need - 1] == 0xA5);                /* nothing past the buffer */
	UNIT_CHECK(acpi_build_tables(&cfg, buf, 100, &res2) == -ENOSPC && res2.size == need);
	UNIT_CHECK(acpi_build_tables(&cfg, buf, need, &res) == 0 && res.size == need);
	unit_end();
}

static void test_einval(uint8_t *buf)
{
	struct acpi_build_config cfg;
	size_t need;

	unit_begin("acpi_einval");
	cfg = base_config(0);
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(ACPI_BUILD_MAX_VCPUS + 1);
	UNIT_CHECK(acpi_build_size(&cfg, &need) == -EINVAL);
	cfg = base_config(4);
	cfg.gpa += 8;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(4);
	cfg.x2apic_ids = NULL;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	uint32_t dup[3] = { 0, 5, 5 }, bad[2] = { 0, 0xFFFFFFFFu };
	cfg = base_config(3);
	cfg.x2apic_ids = dup;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	cfg.x2apic_ids = bad;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	cfg.pci.bus_start = 5;
	cfg.pci.bus_end = 4;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	cfg.pci.ecam_base = 0xB0080000;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	cfg.pci.mmio32_base = 0xF0000000;
	cfg.pci.mmio32_size = 0x20000000;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	cfg.reset_port = 0;
	UNIT_CHECK(acpi_build_tables(&cfg, buf, BUF_SIZE, NULL) == -EINVAL);
	cfg = base_config(2);
	UNIT_CHECK(acpi_build_tables(&cfg, NULL, BUF_SIZE, NULL) == -EINVAL);
	UNIT_CHECK(acpi_build_tables(NULL, buf, BUF_SIZE, NULL) == -EINVAL);
	unit_end();
}

static void test_sleep_value(void)
{
	unit_begin("acpi_sleep_control_s5_value");
	UNIT_CHECK(ACPI_BUILD_SLEEP_CTL_S5 == 0x34);
	UNIT_CHECK(acpi_build_sleep_ctl_is_s5(0x34));
	UNIT_CHECK(!acpi_build_sleep_ctl_is_s5(0x14));    /* SLP_EN clear */
	UNIT_CHECK(!acpi_build_sleep_ctl_is_s5(0x2C));    /* SLP_TYP 3 */
	unit_end();
}

static void set_workdir(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	int n = slash ? (int)(slash - argv0) : 1;
	snprintf(workdir, sizeof(workdir), "%.*s/../acpi_build", n, slash ? argv0 : ".");
}

int main(int argc, char **argv)
{
	static const uint32_t counts[] = { 1, 2, 4, 64, 255, 256, 300, ACPI_BUILD_MAX_VCPUS };
	uint8_t *buf = malloc(BUF_SIZE);

	(void)argc;
	set_workdir(argv[0]);
	fill_ids();
	have_iasl = system("command -v iasl > /dev/null 2>&1") == 0;
	have_acpiexec = system("command -v acpiexec > /dev/null 2>&1") == 0;

	test_pkglen();
	test_aml_terms();
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		test_tables_direct(counts[i], buf);
		/* iasl needs ~10 s for 4096 devices; 300 already makes the
		 * \_SB scope longer than a 2-byte PkgLength can say. */
		if (counts[i] <= 300)
			test_tables_iasl(counts[i], buf);
	}
	test_fadt_fields(buf);
	test_dsdt_devices(buf);
	test_no_ecam_with_ioapic(buf);
	test_roundtrip(buf);
	test_acpiexec(buf);
	test_checker_fails(buf);
	test_enospc(buf);
	test_einval(buf);
	test_sleep_value();
	free(buf);
	return unit_exit_code();
}
