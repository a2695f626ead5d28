/*
 * acpi_build.h - the ACPI tables a guest finds instead of firmware
 * (platform/acpi_build.c, platform/acpi_build_aml.c).
 *
 * The hypervisor boots Linux without a BIOS, so it writes the tables a
 * firmware would have written: RSDP, XSDT, a hardware-reduced FADT, MADT
 * (one Processor Local x2APIC structure per vCPU), MCFG when the PCI host
 * bridge has an ECAM window, and a DSDT in AML describing the PCI root
 * bridge, the UART, motherboard resources, the vCPUs and \_S5. The
 * decisions behind each table are in the prose at the top of acpi_build.c.
 *
 * What the hypervisor must emulate to match these tables (ACPI 6.5, 4.8.3.6
 * and 4.8.3.7): an 8-bit sleep control register and an 8-bit sleep status
 * register, and an 8-bit reset register, all in I/O space at the ports the
 * configuration names. Linux powers off by writing
 * ACPI_BUILD_SLEEP_CTL_S5 to the sleep control port and reboots by writing
 * reset_value to the reset port.
 */
#ifndef HV_ACPI_BUILD_H
#define HV_ACPI_BUILD_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define ACPI_BUILD_DEFAULT_OEM_ID       "MUXVSR"
#define ACPI_BUILD_DEFAULT_OEM_TABLE_ID "MUXVISOR"

/* The DSDT names vCPU n "Cxxx" with three hex digits, so 4096 at most. */
#define ACPI_BUILD_MAX_VCPUS        4096

/* Suggested platform I/O ports (outside the PCI I/O window Linux assigns
 * BARs from, which starts at 0x1000, and away from legacy PC devices). */
#define ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT  0x0600
#define ACPI_BUILD_DEFAULT_SLEEP_STS_PORT  0x0601
#define ACPI_BUILD_DEFAULT_RESET_PORT      0x0602
#define ACPI_BUILD_DEFAULT_RESET_VALUE     0x01

/*
 * Sleep control register (ACPI 6.5, 4.8.3.7): bits 4:2 SLP_TYPx, bit 5
 * SLP_EN. The DSDT's \_S5 package gives SLP_TYP 5, so the guest writes
 * 0x34 to power off. The sleep status register's bit 7 is WAK_STS.
 */
#define ACPI_BUILD_SLP_TYP_S5          5
#define ACPI_BUILD_SLEEP_CTL_TYP_SHIFT 2
#define ACPI_BUILD_SLEEP_CTL_TYP_MASK  0x1c
#define ACPI_BUILD_SLEEP_CTL_SLP_EN    0x20
#define ACPI_BUILD_SLEEP_CTL_S5 \
	((ACPI_BUILD_SLP_TYP_S5 << ACPI_BUILD_SLEEP_CTL_TYP_SHIFT) | \
	 ACPI_BUILD_SLEEP_CTL_SLP_EN)
#define ACPI_BUILD_SLEEP_STS_WAK_STS   0x80

/* True when a byte written to the sleep control register asks for S5. */
static inline bool acpi_build_sleep_ctl_is_s5(uint8_t v)
{
	return (v & ACPI_BUILD_SLEEP_CTL_SLP_EN) &&
	       ((v & ACPI_BUILD_SLEEP_CTL_TYP_MASK) >> ACPI_BUILD_SLEEP_CTL_TYP_SHIFT) ==
		       ACPI_BUILD_SLP_TYP_S5;
}

/* The PCI host bridge: configuration mechanism #1 at 0xCF8/0xCFC always. */
struct acpi_build_pci {
	bool present;
	uint8_t bus_start, bus_end;    /* bus numbers decoded by the bridge */
	/*
	 * ECAM (MMCONFIG) window of segment 0, 0 for none. When set: an MCFG
	 * entry, the bridge becomes PNP0A08 (PCI Express) with _CID PNP0A03,
	 * and the window [ecam_base + bus_start MiB, ecam_base + (bus_end+1)
	 * MiB) is claimed by a PNP0C02 motherboard device. It must also be an
	 * E820 reserved range (Linux checks both). 1 MiB aligned.
	 */
	uint64_t ecam_base;
	/* BAR windows handed to the guest; not in the E820 map. The 32-bit
	 * one must end at or below 4 GiB; size 0 means none. */
	uint32_t mmio32_base, mmio32_size;
	uint64_t mmio64_base, mmio64_size;
};

/* The optional I/O APIC (see "Interrupts" in acpi_build.c). */
struct acpi_build_ioapic {
	bool present;
	uint8_t id;
	uint32_t address;              /* MMIO base, usually 0xFEC00000 */
	uint32_t gsi_base;
};

/* The 16550 UART. */
struct acpi_build_uart {
	bool present;
	uint16_t port;                 /* 0x3F8 for COM1 */
	uint32_t gsi;                  /* 4 for COM1; used only with an I/O APIC */
};

struct acpi_build_config {
	uint64_t gpa;                  /* guest-physical address of buf[0]; 16-aligned */
	/* Space-padded to 6 and 8 characters; NULL for the defaults below. */
	const char *oem_id;
	const char *oem_table_id;
	uint32_t oem_revision;

	uint32_t nr_vcpus;             /* 1..ACPI_BUILD_MAX_VCPUS */
	/* x2APIC ID of vCPU i, which is also its ACPI processor UID i; vCPU 0
	 * is the boot CPU. IDs distinct, none 0xFFFFFFFF. */
	const uint32_t *x2apic_ids;

	struct acpi_build_ioapic ioapic;
	struct acpi_build_pci pci;
	struct acpi_build_uart uart;

	/* Power management registers, all 8-bit, in I/O space; nonzero. */
	uint16_t sleep_ctl_port;
	uint16_t sleep_sts_port;
	uint16_t reset_port;
	uint8_t reset_value;
};

struct acpi_build_result {
	uint64_t rsdp_gpa;             /* for boot_params.acpi_rsdp_addr */
	size_t size;                   /* bytes used, or needed after -ENOSPC */
};

/*
 * Writes the guest's ACPI tables for cfg into buf[0..buf_size), which the
 * guest will see at cfg->gpa. Returns 0 and fills *res; -EINVAL for a bad
 * configuration; -ENOSPC when the tables do not fit, in which case buf is
 * left all zeroes (no RSDP signature, nothing a guest could mistake for
 * tables) and res->size says how many bytes are needed. res may be NULL.
 */
int acpi_build_tables(const struct acpi_build_config *cfg, void *buf, size_t buf_size,
		      struct acpi_build_result *res);

/* Sets *size to the bytes acpi_build_tables() needs for cfg; 0 or -EINVAL. */
int acpi_build_size(const struct acpi_build_config *cfg, size_t *size);

/*
 * Internal interface between acpi_build.c, acpi_build_out.c and
 * acpi_build_aml.c (and their unit test). Not for other callers.
 */

#define ACPI_BUILD_TABLE_ALIGN 16     /* every table and the RSDP */

/* System description table header (ACPI 6.5, 5.2.6). */
struct acpi_build_sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/*
 * A bounded byte sink. buf == NULL only counts. Writing past cap records
 * -ENOSPC and keeps counting, so pos ends at the size that was needed.
 */
struct acpi_build_out {
	uint8_t *buf;
	size_t cap;
	size_t pos;
	int err;                       /* 0, -ENOSPC or -EINVAL; first one sticks */
	const struct acpi_build_config *cfg;
};

/* Records err unless an earlier error is already recorded. */
void acpi_build_fail(struct acpi_build_out *o, int err);
void acpi_build_put(struct acpi_build_out *o, const void *src, size_t n);
void acpi_build_put_u8(struct acpi_build_out *o, uint8_t v);
void acpi_build_put_u16(struct acpi_build_out *o, uint16_t v);
void acpi_build_put_u32(struct acpi_build_out *o, uint32_t v);
void acpi_build_put_u64(struct acpi_build_out *o, uint64_t v);
/* Pads with zeroes to a multiple of align (at most ACPI_BUILD_TABLE_ALIGN). */
void acpi_build_align(struct acpi_build_out *o, size_t align);
/* The byte that makes len bytes (including it, as 0) sum to zero. */
uint8_t acpi_build_checksum(const void *data, size_t len);
/* Copies s into a field of n bytes, padding with spaces. */
void acpi_build_put_id(char *field, size_t n, const char *s);
/* Pointer to n written bytes at offset at, or NULL (counting, overflow). */
uint8_t *acpi_build_at(struct acpi_build_out *o, size_t at, size_t n);

/* Starts a table (a zeroed header) and returns its offset; table_end fills
 * the header in, length and checksum included. */
size_t acpi_build_table_begin(struct acpi_build_out *o);
void acpi_build_table_end(struct acpi_build_out *o, size_t start, const char sig[4],
			  uint8_t revision);

/* Writes the DSDT (acpi_build_aml.c). */
void acpi_build_dsdt(struct acpi_build_out *o);

#endif
