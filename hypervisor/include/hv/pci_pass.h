/*
 * pci_pass.h - one physical PCI function passed through to dom0: its
 * configuration space filtered, its BARs followed, its MSI and MSI-X
 * shadowed (design at the top of devices/pci_pass.c). Pure: the hardware
 * is reached only through struct pci_pass_ops, so host tests drive it
 * with a fake function.
 */
#ifndef HV_PCI_PASS_H
#define HV_PCI_PASS_H

#include <stdint.h>
#include <stdbool.h>

#define PCI_PASS_BARS      6
#define PCI_PASS_MSIX_MAX  64      /* table entries shadowed (and shown) */

struct pci_pass_bar {
	uint64_t addr;                 /* as programmed now (hardware) */
	uint64_t size;                 /* 0: no BAR here (or upper half) */
	bool io, mem64;
};

#define PCI_PASS_CMD_IO    0x0001
#define PCI_PASS_CMD_MEM   0x0002
#define PCI_PASS_DECODE    (PCI_PASS_CMD_IO | PCI_PASS_CMD_MEM)

/* An MSI-X table entry (PCI Local Bus 3.0, 6.8.2.6-9), as dom0 wrote it. */
struct pci_pass_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;   /* ctrl bit 0: masked */
};

struct pci_pass_fn;

struct pci_pass_ops {
	uint32_t (*hw_read)(void *ctx, unsigned reg, unsigned size);
	void (*hw_write)(void *ctx, unsigned reg, unsigned size, uint32_t val);
	/* May the hardware decode BAR b at b->addr (not over the
	 * hypervisor's memory, ports or interrupt controllers)? */
	bool (*bar_allowed)(void *ctx, const struct pci_pass_fn *f, const struct pci_pass_bar *b);
	/* The hardware's decoding or BAR addresses changed: mappings follow. */
	void (*bars_changed)(void *ctx, struct pci_pass_fn *f);
	/* MSI (entry -1) or MSI-X table entry `entry` changed in the shadow. */
	void (*msi_changed)(void *ctx, struct pci_pass_fn *f, int entry);
};

struct pci_pass_fn {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code;           /* base << 16 | sub << 8 | prog-if */
	uint8_t header_type;           /* bit 7 (multi-function) cleared */
	bool read_only;                /* bridges: dom0's writes are dropped */
	struct pci_pass_bar bar[PCI_PASS_BARS];
	/* dom0's view of the BAR registers and of the command register's
	 * decode bits (PCI_PASS_DECODE); the hardware follows them lazily
	 * (see pci_pass.c). Writable bits of each BAR register. */
	uint32_t bar_reg[PCI_PASS_BARS];
	uint32_t bar_wmask[PCI_PASS_BARS];
	uint16_t cmd_decode;
	/* MSI: capability offset (0 none), 64-bit address capable, and the
	 * shadow of its address and data registers (cap + 4 .. cap + 0xF). */
	uint8_t msi_cap;
	bool msi_64;
	uint8_t msi_shadow[12];
	/* MSI-X: capability offset (0 none), table and PBA location. */
	uint8_t msix_cap;
	uint16_t msix_nr;              /* entries shown: min(hardware, MAX) */
	uint8_t msix_bar;
	uint32_t msix_offset;
	struct pci_pass_msix_entry msix[PCI_PASS_MSIX_MAX];
	const struct pci_pass_ops *ops;
	void *ctx;
};

/*
 * Reads the function's header through ops, sizes its BARs (decoding off
 * meanwhile, then restored) and finds its MSI and MSI-X capabilities.
 * Returns 0, or -ENODEV when no function answers (vendor 0xFFFF).
 */
int pci_pass_probe(struct pci_pass_fn *f, uint8_t bus, uint8_t dev, uint8_t fn,
		   const struct pci_pass_ops *ops, void *ctx);

/* dom0's configuration accesses (reg < 256, size 1/2/4, aligned). */
uint32_t pci_pass_cfg_read(struct pci_pass_fn *f, unsigned reg, unsigned size);
void pci_pass_cfg_write(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t val);

/* True if the hardware's memory decoding is on (command register bit 1). */
bool pci_pass_mem_enabled(struct pci_pass_fn *f);
/* True if MSI is enabled in hardware (its control register bit 0). */
bool pci_pass_msi_enabled(struct pci_pass_fn *f);
/* The MSI address and data dom0 programmed (shadow). */
void pci_pass_msi_message(const struct pci_pass_fn *f, uint64_t *addr, uint32_t *data);
/* Where MSI's address and data registers are, for the hardware writes. */
unsigned pci_pass_msi_data_reg(const struct pci_pass_fn *f);

/*
 * dom0's accesses to the MSI-X table (offset from the table's start,
 * size 4 or 8, aligned). Outside the shown entries: reads 0, writes
 * dropped. 0, or -EINVAL for another size or alignment.
 */
int pci_pass_msix_read(struct pci_pass_fn *f, uint64_t off, unsigned size, uint64_t *val);
int pci_pass_msix_write(struct pci_pass_fn *f, uint64_t off, unsigned size, uint64_t val);

#endif
