/*
 * test_acpi_build_tables.c - host tests of the guest ACPI table builder's
 * output (platform/acpi_build.c). Two kinds of checks. Direct ones walk
 * the tables from the RSDP as an OS would (signatures, lengths, checksums,
 * addresses, field values). The independent ones hand every table to
 * acpica-tools: `iasl -d` disassembles each (its output must be free of
 * errors and warnings and show the expected fields), the data tables are
 * compiled back by iasl and must come out byte-identical (apart from
 * checksum and compiler ID, which iasl rewrites), and `acpiexec` loads
 * FADT+DSDT+MADT into ACPICA's namespace (the interpreter Linux uses) and
 * evaluates \_S5, _CRS and _UID. Without iasl or acpiexec those cases
 * print SKIP (acpi_build_test_util.h).
 */
#include "../platform/acpi_build.c"
#include "../platform/acpi_build_out.c"
#include "../platform/acpi_build_aml.c"
#include "acpi_build_test_util.h"

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
	char *log = test_read_file(path, NULL);
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

int main(int argc, char **argv)
{
	static const uint32_t counts[] = { 1, 2, 4, 64, 255, 256, 300, ACPI_BUILD_MAX_VCPUS };
	uint8_t *buf = malloc(BUF_SIZE);

	(void)argc;
	acpi_build_test_init(argv[0]);
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
	free(buf);
	return unit_exit_code();
}
