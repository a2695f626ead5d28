/*
 * test_acpi_reject.c - host tests of the ACPI table parser
 * (hypervisor/core/acpi.c): broken hand-made tables (acpi_test_tables.h)
 * that must be rejected with -EINVAL, a reason and a zeroed output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/acpi.c"
#include "acpi_test_tables.h"

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

int main(void)
{
	test_reject_rsdp();
	test_reject_root();
	test_reject_madt_table();
	test_reject_madt_contents();
	return unit_exit_code();
}
