/*
 * test_acpi_tables.c - host tests of the ACPI table parser
 * (hypervisor/core/acpi.c) on hand-made tables (acpi_test_tables.h):
 * the checksum, RSDP revisions and root tables, and what it reads from
 * the MADT, FADT, HPET and MCFG.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/acpi.c"
#include "acpi_test_tables.h"

static void test_checksum(void)
{
	const uint8_t ok[4] = { 1, 2, 3, 250 };

	unit_begin("acpi_checksum");
	UNIT_CHECK(acpi_checksum(ok, 4) == 0);
	UNIT_CHECK(acpi_checksum(ok, 3) == 6);
	UNIT_CHECK(acpi_checksum(ok, 0) == 0);
	unit_end();
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

int main(void)
{
	test_checksum();
	test_rev0_rsdt();
	test_rev2_xsdt_preferred();
	test_madt_xapic_x2apic();
	test_madt_lapic_override();
	test_madt_capacity();
	test_fadt_pm_timer();
	test_hpet_and_mcfg();
	test_many_tables();
	return unit_exit_code();
}
