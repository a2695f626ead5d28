/*
 * acpi_build_test_util.h - fixtures shared by the host tests of the guest
 * ACPI table builder (test_acpi_build_*.c; platform/acpi_build*.c,
 * included before this): a base configuration, a walk of the tables from
 * the RSDP as an OS does, and acpica-tools (iasl, acpiexec) run on them.
 *
 * Files go to build/tests/acpi_build/<case>/. Without iasl or acpiexec the
 * cases that need them print SKIP (tool_case). Everything is static inline
 * so that a test using only part of it builds under -Werror.
 */
#ifndef ACPI_BUILD_TEST_UTIL_H
#define ACPI_BUILD_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "hv_test_util.h"

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

static inline struct acpi_build_config base_config(uint32_t nr_vcpus)
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
static inline void fill_ids(void)
{
	for (uint32_t i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = i < 200 ? i : 0x100 + 3 * i;
}

/* ---- reading tables back ---- */

static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static inline uint8_t sum8(const uint8_t *p, size_t n)
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
static inline const uint8_t *table_at(const uint8_t *buf, size_t used, uint64_t gpa, char *why)
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
static inline bool walk(const uint8_t *buf, const struct acpi_build_result *res,
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
static inline bool madt_matches(const uint8_t *madt, const struct acpi_build_config *cfg, char *why)
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

static inline int build(const struct acpi_build_config *cfg, uint8_t *buf, struct acpi_build_result *res)
{
	memset(buf, 0xA5, BUF_SIZE);
	return acpi_build_tables(cfg, buf, BUF_SIZE, res);
}

/* ---- running acpica-tools ---- */

static inline bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(p, 1, n, f) == n;
	if (f)
		fclose(f);
	return ok;
}

static inline int run(const char *dir, const char *cmd)
{
	char line[2048];
	snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	return system(line);
}

static inline void case_dir(const char *name, char *dir, size_t n)
{
	char cmd[2 * DIR_LEN + 32];      /* two quoted dirs */
	snprintf(dir, n, "%s/%s", workdir, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot create %s\n", dir);
}

static inline size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* First line of s that reports a problem, or NULL. iasl exits 0 even when
 * it warns, so its words are what tells. */
static inline const char *complaint(const char *s)
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
static inline char *disassemble(const char *dir, const uint8_t *t, char *why)
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
	char *log = test_read_file(path, NULL);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	char *dsl = test_read_file(path, NULL);
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
static inline bool roundtrip(const char *dir, const uint8_t *t, char *why)
{
	char name[8], cmd[256], path[700];
	snprintf(name, sizeof(name), "%.4s", t);
	snprintf(cmd, sizeof(cmd), "iasl -p rt_%s %s.dsl > rt_%s.log 2>&1", name, name, name);
	int rc = run(dir, cmd);
	snprintf(path, sizeof(path), "%s/rt_%s.aml", dir, name);
	char *aml = test_read_file(path, NULL);
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
static inline void expect_all(const char *text, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		unit_check_at(text && strstr(text, want[i]), want[i], __FILE__, __LINE__);
}

/*
 * Opens a case that needs tool (iasl or acpiexec): without it prints SKIP
 * and returns false; otherwise starts the case, gives it a fresh dir and
 * builds and walks cfg's tables into *t.
 */
static inline bool tool_case(const char *name, const char *tool, const struct acpi_build_config *cfg,
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

static inline void set_workdir(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	int n = slash ? (int)(slash - argv0) : 1;
	snprintf(workdir, sizeof(workdir), "%.*s/../acpi_build", n, slash ? argv0 : ".");
}

/* Sets up what the helpers need: the work directory next to the test
 * binary (argv0), the vCPU IDs, and which acpica-tools are installed. */
static inline void acpi_build_test_init(const char *argv0)
{
	set_workdir(argv0);
	fill_ids();
	have_iasl = system("command -v iasl > /dev/null 2>&1") == 0;
	have_acpiexec = system("command -v acpiexec > /dev/null 2>&1") == 0;
}

#endif
