/*
 * test_acpi_recorded.c - host tests of the ACPI table parser
 * (hypervisor/core/acpi.c) on the tables QEMU's q35 machine gives
 * (data/acpi/q35-smpN/, see acpi_test_tables.h): parsed whole, through
 * the window map, cut short, with bad checksums, and fuzzed; and \_S5 in
 * hand-made AML.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"
#include "../core/acpi.c"
#include "acpi_test_tables.h"

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

int main(void)
{
	test_find_s5();
	test_recorded("q35-smp1", 1, false);
	test_recorded("q35-smp4", 4, false);
	test_recorded("q35-smp8", 8, false);
	test_recorded("q35-smp8", 8, true);
	test_recorded_truncated();
	test_recorded_bad_checksums();
	test_fuzz();
	return unit_exit_code();
}
