/*
 * acpi_build.c - the fixed-layout ACPI tables of a guest: RSDP, XSDT, FADT,
 * MADT, MCFG (the DSDT's AML is in acpi_build_aml.c).
 *
 * Layout. One pass writes the tables in dependency order, each 16-byte
 * aligned: DSDT, FADT (points at the DSDT), MADT, MCFG, XSDT (points at
 * FADT, MADT, MCFG), RSDP (points at the XSDT). Every address a table holds
 * is therefore known when the table is written; nothing is patched later.
 * The sink (acpi_build_out.c) never writes past the buffer: on overflow it
 * only counts, and acpi_build_tables() then zeroes the buffer and returns
 * -ENOSPC with the size that was needed.
 *
 * Versions (ACPI 6.5). RSDP revision 2 with only the XSDT (RSDT address 0;
 * Linux uses the XSDT whenever the revision is 2 or more). FADT revision 6,
 * minor 5, 276 bytes. MADT revision 5 (6.3+: the Online Capable flag is
 * defined, and left clear because every vCPU is enabled). DSDT revision 2,
 * so AML integers are 64-bit. MCFG revision 1 (PCI Firmware 3.2, 4.1.2).
 *
 * Hardware-reduced ACPI (5.2.9, flag HW_REDUCED_ACPI; 4.1). There are no
 * PM1 event/control blocks, GPE blocks, PM timer, SCI or FACS (5.2.10 lets
 * a hardware-reduced FADT have no FACS). Linux then installs no legacy PIC
 * and skips the PIT/HPET timer setup (acpi_generic_reduced_hw_init), so the
 * guest needs no 8259, PIT or HPET. Power-off uses the sleep control and
 * status registers (4.8.3.7) named in the FADT; Linux registers its ACPI
 * power-off only when both exist and \_S5 is defined. Reboot uses the FADT
 * RESET_REG with RESET_REG_SUP set (4.8.3.6); "acpi" is the first method of
 * Linux's x86 reboot sequence. IAPC_BOOT_ARCH says: no 8042, no VGA, no
 * CMOS RTC (5.2.9.3), so Linux probes none of them; the wall clock comes
 * from kvmclock. FORCE_APIC_PHYSICAL_DESTINATION_MODE asks for physical
 * x2APIC destinations, which is also what Linux uses without interrupt
 * remapping.
 *
 * MADT (5.2.12). One Processor Local x2APIC structure (type 9, 5.2.12.12)
 * per vCPU, enabled, UID = vCPU index, and no Processor Local APIC (type 0)
 * structures, not even for IDs below 255: ACPI 6.5 keeps "IDs below 255
 * use type 0" only as a compatibility note for legacy OSes, and Linux
 * handles type 9 alone (it parses both kinds together and, in newer and
 * stable kernels, ignores type-9 entries below 255 only when type-0
 * entries are also present). Listing a CPU twice would register it twice
 * on kernels without that check. Linux accepts an ID of 255 or more only
 * if its x2APIC driver is already chosen when it reads the MADT: start
 * vCPUs with x2APIC enabled (IA32_APIC_BASE.EXTD), which check_x2apic()
 * notices before the tables are parsed; without interrupt remapping Linux
 * also needs KVM_FEATURE_MSI_EXT_DEST_ID to online IDs above 255. The local
 * APIC address field holds the architectural 0xFEE00000. Flags are 0: no
 * PCAT_COMPAT, there are no 8259s.
 *
 * Interrupts. Linux boots without an I/O APIC (its "virtual wire" mode with
 * MADT CPUs only), and MSI/MSI-X, which virtio-pci uses, need none. The
 * only wired interrupt is the UART's. Without an I/O APIC a hardware-
 * reduced platform has no interrupt line for it at all, so the DSDT's UART
 * has no interrupt and Linux's 8250 driver polls the port while it is open.
 * If cfg->ioapic is present, the MADT gets an I/O APIC structure (type 1,
 * 5.2.12.3) and the UART an interrupt at cfg->uart.gsi.
 */
#include "hv/acpi_build.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define LAPIC_ADDRESS     0xFEE00000u

/* Generic Address Structure (5.2.3.2). */
struct gas {
	uint8_t space_id;        /* 1: system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;     /* 1: byte */
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct gas) == 12, "GAS is 12 bytes");

#define GAS_SYSTEM_IO   1
#define GAS_ACCESS_BYTE 1

/* Root System Description Pointer (5.2.5.3). */
struct rsdp {
	char signature[8];       /* "RSD PTR " */
	uint8_t checksum;        /* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;        /* 2: ACPI 2.0+ form */
	uint32_t rsdt_address;
	uint32_t length;         /* 36 */
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct rsdp) == 36, "RSDP is 36 bytes");
_Static_assert(offsetof(struct rsdp, length) == 20, "RSDP 1.0 part is 20 bytes");
_Static_assert(offsetof(struct rsdp, xsdt_address) == 24, "RSDP XsdtAddress");

/* Fixed ACPI Description Table body after the header (5.2.9, Table 5.9). */
struct fadt {
	struct acpi_build_sdt_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat;
	uint16_t flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct gas sleep_control_reg;
	struct gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));
_Static_assert(sizeof(struct fadt) == 276, "FADT revision 6 is 276 bytes");
_Static_assert(offsetof(struct fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct fadt, flags) == 112, "FADT Flags");
_Static_assert(offsetof(struct fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(offsetof(struct fadt, minor_version) == 131, "FADT Minor Version");
_Static_assert(offsetof(struct fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(offsetof(struct fadt, sleep_status_reg) == 256, "FADT SLEEP_STATUS_REG");
_Static_assert(offsetof(struct fadt, hypervisor_vendor_id) == 268, "FADT hypervisor id");

/* FADT Flags (Table 5.10) and IAPC_BOOT_ARCH (Table 5.11). */
#define FADT_WBINVD                 (1u << 0)
#define FADT_PROC_C1                (1u << 2)
#define FADT_PWR_BUTTON             (1u << 4)   /* no fixed power button */
#define FADT_SLP_BUTTON             (1u << 5)   /* no fixed sleep button */
#define FADT_RESET_REG_SUP          (1u << 10)
#define FADT_HEADLESS               (1u << 12)
#define FADT_FORCE_APIC_PHYS_DEST   (1u << 19)
#define FADT_HW_REDUCED_ACPI        (1u << 20)
#define BOOT_ARCH_NO_VGA            (1u << 2)
#define BOOT_ARCH_NO_CMOS_RTC       (1u << 5)

#define FADT_REVISION        6
#define FADT_MINOR_VERSION   5
/* Latencies above 100 and 1000 us mean "C2/C3 not supported" (5.2.9). */
#define FADT_NO_C2_LATENCY   101
#define FADT_NO_C3_LATENCY   1001

/* MADT (5.2.12): header, then interrupt controller structures. */
struct madt {
	struct acpi_build_sdt_header hdr;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct madt) == 44, "MADT fixed part is 44 bytes");

struct madt_ioapic {             /* type 1, 5.2.12.3 */
	uint8_t type, length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_ioapic) == 12, "I/O APIC structure is 12 bytes");

struct madt_x2apic {             /* type 9, 5.2.12.12 */
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic) == 16, "x2APIC structure is 16 bytes");
_Static_assert(offsetof(struct madt_x2apic, uid) == 12, "x2APIC UID");

#define MADT_REVISION        5
#define MADT_TYPE_IOAPIC     1
#define MADT_TYPE_X2APIC     9
#define MADT_LAPIC_ENABLED   (1u << 0)

/* MCFG (PCI Firmware Specification 3.2, 4.1.2). */
struct mcfg_entry {
	uint64_t base;           /* ECAM base of bus 0 of the segment */
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mcfg_entry) == 16, "MCFG allocation is 16 bytes");

#define SDT_HEADER_LEN       sizeof(struct acpi_build_sdt_header)

static uint64_t out_gpa(const struct acpi_build_out *o, size_t offset)
{
	return o->cfg->gpa + offset;
}

/* ---- the tables ---- */

static struct gas io_register(uint16_t port)
{
	struct gas g = {
		.space_id = GAS_SYSTEM_IO, .bit_width = 8, .bit_offset = 0,
		.access_size = GAS_ACCESS_BYTE, .address = port,
	};
	return g;
}

/* FADT (5.2.9): hardware-reduced; see the prose at the top. */
static size_t build_fadt(struct acpi_build_out *o, size_t dsdt)
{
	const struct acpi_build_config *cfg = o->cfg;
	struct fadt f;

	memset(&f, 0, sizeof(f));
	f.x_dsdt = out_gpa(o, dsdt);       /* DSDT (32-bit) stays 0: X_DSDT is set */
	f.p_lvl2_lat = FADT_NO_C2_LATENCY;
	f.p_lvl3_lat = FADT_NO_C3_LATENCY;
	f.iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC;
	f.flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
		  FADT_RESET_REG_SUP | FADT_HEADLESS | FADT_FORCE_APIC_PHYS_DEST |
		  FADT_HW_REDUCED_ACPI;
	f.reset_reg = io_register(cfg->reset_port);
	f.reset_value = cfg->reset_value;
	f.minor_version = FADT_MINOR_VERSION;
	f.sleep_control_reg = io_register(cfg->sleep_ctl_port);
	f.sleep_status_reg = io_register(cfg->sleep_sts_port);
	memcpy(&f.hypervisor_vendor_id, "MUXVISOR", 8);

	size_t start = acpi_build_table_begin(o);
	acpi_build_put(o, (const uint8_t *)&f + SDT_HEADER_LEN, sizeof(f) - SDT_HEADER_LEN);
	acpi_build_table_end(o, start, "FACP", FADT_REVISION);
	return start;
}

static void put_x2apic(struct acpi_build_out *o, uint32_t id, uint32_t uid)
{
	struct madt_x2apic e = {
		.type = MADT_TYPE_X2APIC, .length = sizeof(e),
		.x2apic_id = id, .flags = MADT_LAPIC_ENABLED, .uid = uid,
	};
	acpi_build_put(o, &e, sizeof(e));
}

static void put_ioapic(struct acpi_build_out *o, const struct acpi_build_ioapic *io)
{
	struct madt_ioapic e = {
		.type = MADT_TYPE_IOAPIC, .length = sizeof(e), .ioapic_id = io->id,
		.address = io->address, .gsi_base = io->gsi_base,
	};
	acpi_build_put(o, &e, sizeof(e));
}

/* MADT (5.2.12): one enabled x2APIC structure per vCPU, UID = index. */
static size_t build_madt(struct acpi_build_out *o)
{
	const struct acpi_build_config *cfg = o->cfg;
	size_t start = acpi_build_table_begin(o);

	acpi_build_put_u32(o, LAPIC_ADDRESS);
	acpi_build_put_u32(o, 0);               /* flags: no PCAT_COMPAT */
	for (uint32_t i = 0; i < cfg->nr_vcpus; i++)
		put_x2apic(o, cfg->x2apic_ids[i], i);
	if (cfg->ioapic.present)
		put_ioapic(o, &cfg->ioapic);
	acpi_build_table_end(o, start, "APIC", MADT_REVISION);
	return start;
}

/* MCFG: one allocation for segment 0 (PCI Firmware 3.2, 4.1.2). */
static size_t build_mcfg(struct acpi_build_out *o)
{
	const struct acpi_build_pci *pci = &o->cfg->pci;
	struct mcfg_entry e = {
		.base = pci->ecam_base, .segment = 0,
		.bus_start = pci->bus_start, .bus_end = pci->bus_end,
	};
	size_t start = acpi_build_table_begin(o);

	acpi_build_put_u64(o, 0);               /* reserved */
	acpi_build_put(o, &e, sizeof(e));
	acpi_build_table_end(o, start, "MCFG", 1);
	return start;
}

/* XSDT (5.2.8): 64-bit addresses of the tables other than the DSDT. */
static size_t build_xsdt(struct acpi_build_out *o, const size_t *tables, size_t n)
{
	size_t start = acpi_build_table_begin(o);

	for (size_t i = 0; i < n; i++)
		acpi_build_put_u64(o, out_gpa(o, tables[i]));
	acpi_build_table_end(o, start, "XSDT", 1);
	return start;
}

/* RSDP (5.2.5.3): revision 2, XSDT only, both checksums. */
static size_t build_rsdp(struct acpi_build_out *o, size_t xsdt)
{
	const struct acpi_build_config *cfg = o->cfg;
	struct rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	acpi_build_put_id(r.oem_id, sizeof(r.oem_id),
			  cfg->oem_id ? cfg->oem_id : ACPI_BUILD_DEFAULT_OEM_ID);
	r.revision = 2;
	r.length = sizeof(r);
	r.xsdt_address = out_gpa(o, xsdt);
	r.checksum = acpi_build_checksum(&r, offsetof(struct rsdp, length));
	r.extended_checksum = acpi_build_checksum(&r, sizeof(r));

	acpi_build_align(o, ACPI_BUILD_TABLE_ALIGN);
	size_t start = o->pos;
	acpi_build_put(o, &r, sizeof(r));
	return start;
}

/* ---- configuration checks and the entry points ---- */

static bool ids_valid(const struct acpi_build_config *cfg)
{
	for (uint32_t i = 0; i < cfg->nr_vcpus; i++) {
		if (cfg->x2apic_ids[i] == 0xFFFFFFFFu)
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (cfg->x2apic_ids[j] == cfg->x2apic_ids[i])
				return false;
	}
	return true;
}

static bool pci_valid(const struct acpi_build_pci *pci)
{
	if (!pci->present)
		return true;
	if (pci->bus_end < pci->bus_start)
		return false;
	if (pci->ecam_base && !IS_ALIGNED(pci->ecam_base, MiB(1)))
		return false;
	if ((uint64_t)pci->mmio32_base + pci->mmio32_size > GiB(4))
		return false;
	return pci->mmio64_base + pci->mmio64_size >= pci->mmio64_base;
}

static int config_check(const struct acpi_build_config *cfg)
{
	if (!cfg || !IS_ALIGNED(cfg->gpa, ACPI_BUILD_TABLE_ALIGN))
		return -EINVAL;
	if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > ACPI_BUILD_MAX_VCPUS || !cfg->x2apic_ids)
		return -EINVAL;
	if (!cfg->sleep_ctl_port || !cfg->sleep_sts_port || !cfg->reset_port)
		return -EINVAL;
	if (!ids_valid(cfg) || !pci_valid(&cfg->pci))
		return -EINVAL;
	return 0;
}

/* Writes every table through o; returns the RSDP's offset. */
static size_t build_all(struct acpi_build_out *o)
{
	size_t listed[3];
	size_t n = 0;

	size_t dsdt = acpi_build_table_begin(o);
	acpi_build_dsdt(o);
	acpi_build_table_end(o, dsdt, "DSDT", 2);

	listed[n++] = build_fadt(o, dsdt);
	listed[n++] = build_madt(o);
	if (o->cfg->pci.present && o->cfg->pci.ecam_base)
		listed[n++] = build_mcfg(o);
	size_t xsdt = build_xsdt(o, listed, n);
	return build_rsdp(o, xsdt);
}

int acpi_build_tables(const struct acpi_build_config *cfg, void *buf, size_t buf_size,
		      struct acpi_build_result *res)
{
	struct acpi_build_out o = { .buf = buf, .cap = buf_size, .cfg = cfg };
	int err = config_check(cfg);

	if (err)
		return err;
	if (!buf)
		return -EINVAL;
	size_t rsdp = build_all(&o);
	if (res) {
		res->rsdp_gpa = cfg->gpa + rsdp;
		res->size = o.pos;
	}
	if (o.err) {
		memset(buf, 0, buf_size);
		return o.err;
	}
	return 0;
}

int acpi_build_size(const struct acpi_build_config *cfg, size_t *size)
{
	struct acpi_build_out o = { .buf = NULL, .cfg = cfg };
	int err = config_check(cfg);

	if (err)
		return err;
	build_all(&o);
	if (o.err)
		return o.err;
	*size = o.pos;
	return 0;
}
