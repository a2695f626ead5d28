/*
 * acpi.h - what the hypervisor reads from the host's ACPI tables
 * (ACPI 6.4: 5.2.5 RSDP, 5.2.8 XSDT, 5.2.9 FADT, 5.2.12 MADT; HPET and
 * MCFG from their own specifications).
 *
 * The parser is pure: tables are reached through a map callback, so host
 * tests feed recorded and hand-made tables. Everything is copied into
 * struct acpi_info; nothing keeps pointers into firmware memory.
 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define ACPI_MAX_CPUS     256
#define ACPI_MAX_IOAPICS  16
#define ACPI_MAX_OVERRIDES 16

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid;            /* ACPI processor UID */
	bool enabled;            /* usable now (not just online-capable) */
};

struct acpi_ioapic {
	uint32_t id;
	uint32_t address;
	uint32_t gsi_base;
};

/* An ISA IRQ that reaches the IOAPICs on another global system interrupt
 * (MADT type 2). */
struct acpi_irq_override {
	uint8_t irq;
	uint32_t gsi;
	uint16_t flags;          /* MPS INTI flags: polarity, trigger */
};

struct acpi_info {
	uint8_t revision;                /* RSDP revision: 0 = ACPI 1.0 */
	uint64_t lapic_address;          /* from MADT (or its 64-bit override) */
	bool pcat_compat;                /* MADT: legacy 8259 PICs present */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned nr_cpus;                /* enabled CPUs only */
	unsigned nr_cpus_disabled;       /* listed but not enabled */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned nr_ioapics;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	unsigned nr_overrides;
	bool has_fadt;
	uint32_t pm_timer_port;          /* 0: none */
	bool pm_timer_32bit;
	uint32_t fadt_flags;
	uint16_t pm1a_cnt_port, pm1b_cnt_port;  /* 0: none */
	uint16_t reset_port;             /* FADT reset register in I/O space, 0: none */
	uint8_t reset_value;
	uint64_t dsdt_address;
	bool has_s5;                     /* the DSDT's \\_S5 package was found */
	uint8_t s5_slp_typ_a, s5_slp_typ_b;
	bool has_hpet;
	uint64_t hpet_address;
	bool has_mcfg;
	uint64_t mcfg_base;              /* PCI ECAM of segment 0 */
	uint8_t mcfg_bus_start, mcfg_bus_end;
	unsigned nr_tables;              /* tables listed in the XSDT/RSDT */
};

/*
 * Returns a readable view of len bytes at physical address pa, or NULL if
 * that memory cannot be read.
 */
typedef const void *(*acpi_map_fn)(uint64_t pa, size_t len, void *ctx);

/*
 * Parses the tables starting at the RSDP (a copy of rsdp_len bytes, 20 or
 * 36, as the boot loader gave it). Every table's signature, length and
 * checksum is checked before use; a table that fails is ignored, except
 * the RSDP, the XSDT/RSDT and the MADT, without which there is nothing to
 * run on (-EINVAL with *why). Returns 0 or a negative errno.
 */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out, const char **why);

/*
 * Finds the \\_S5 package in a DSDT (len bytes, header included) and its
 * first two values, SLP_TYPa and SLP_TYPb (ACPI 6.4, 7.4.2). Only the
 * usual constant form is understood: Name (_S5, Package () { a, b, ... }).
 * 0 or -ENOENT.
 */
int acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/* The global system interrupt of ISA IRQ irq (its override, or irq). */
uint32_t acpi_isa_irq_gsi(const struct acpi_info *info, uint8_t irq);

/* Checksum of len bytes: 0 when the table is intact. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
