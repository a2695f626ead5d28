/*
 * test_acpi_build_limits.c - host tests of the guest ACPI table builder
 * (platform/acpi_build.c) at its limits: a buffer too small (-ENOSPC,
 * nothing written past it) and configurations it must refuse (-EINVAL).
 */
#include "../platform/acpi_build.c"
#include "../platform/acpi_build_out.c"
#include "../platform/acpi_build_aml.c"
#include "acpi_build_test_util.h"

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

int main(int argc, char **argv)
{
	uint8_t *buf = malloc(BUF_SIZE);

	(void)argc;
	acpi_build_test_init(argv[0]);
	test_enospc(buf);
	test_einval(buf);
	free(buf);
	return unit_exit_code();
}
