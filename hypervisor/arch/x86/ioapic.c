/*
 * ioapic.c - programming one redirection entry of the host's I/O APIC
 * (see x86/ioapic.h). The IOAPIC is reached through its index register
 * (offset 0x00) and data window (0x10); redirection entry n is registers
 * 0x10 + 2n (low: vector, delivery, trigger, mask) and 0x11 + 2n (high:
 * destination APIC ID in bits 31:24). Everything else stays masked as
 * firmware left it: the hypervisor takes no other device interrupt (dom0
 * will own the rest).
 */
#include "x86/ioapic.h"
#include "x86/paging.h"
#include "hv/acpi.h"
#include "hv/errno.h"

#define IOAPIC_VER       0x01
#define IOAPIC_REDIR(n)  (0x10 + 2 * (n))

static uint32_t ioapic_read(volatile uint32_t *regs, uint32_t reg)
{
	regs[0] = reg;
	return regs[4];
}

static void ioapic_write(volatile uint32_t *regs, uint32_t reg, uint32_t val)
{
	regs[0] = reg;
	regs[4] = val;
}

int ioapic_route(const struct acpi_info *acpi, uint32_t gsi, uint8_t vector,
		 uint32_t dest)
{
	for (unsigned i = 0; i < acpi->nr_ioapics; i++) {
		const struct acpi_ioapic *io = &acpi->ioapics[i];
		volatile uint32_t *regs = paging_map_mmio(io->address, 0x20);
		if (!regs)
			return -ENOMEM;
		uint32_t entries = ((ioapic_read(regs, IOAPIC_VER) >> 16) & 0xff) + 1;
		if (gsi < io->gsi_base || gsi - io->gsi_base >= entries)
			continue;
		uint32_t pin = gsi - io->gsi_base;
		ioapic_write(regs, IOAPIC_REDIR(pin) + 1, dest << 24);
		ioapic_write(regs, IOAPIC_REDIR(pin), vector);  /* fixed, physical, edge, high, unmasked */
		return 0;
	}
	return -ENODEV;
}
