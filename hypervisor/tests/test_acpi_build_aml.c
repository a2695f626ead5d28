/*
 * test_acpi_build_aml.c - host tests of the guest ACPI table builder's AML
 * encoding (platform/acpi_build_aml.c): package lengths, names, integers,
 * EISA IDs and strings, and the S5 sleep-control value.
 */
#include "../platform/acpi_build.c"
#include "../platform/acpi_build_out.c"
#include "../platform/acpi_build_aml.c"
#include "acpi_build_test_util.h"

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

static void test_sleep_value(void)
{
	unit_begin("acpi_sleep_control_s5_value");
	UNIT_CHECK(ACPI_BUILD_SLEEP_CTL_S5 == 0x34);
	UNIT_CHECK(acpi_build_sleep_ctl_is_s5(0x34));
	UNIT_CHECK(!acpi_build_sleep_ctl_is_s5(0x14));    /* SLP_EN clear */
	UNIT_CHECK(!acpi_build_sleep_ctl_is_s5(0x2C));    /* SLP_TYP 3 */
	unit_end();
}

int main(int argc, char **argv)
{
	(void)argc;
	acpi_build_test_init(argv[0]);
	test_pkglen();
	test_aml_terms();
	test_sleep_value();
	return unit_exit_code();
}
