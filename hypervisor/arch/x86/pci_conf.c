/*
 * pci_conf.c - configuration mechanism #1 on the host (see x86/pci_conf.h).
 * CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:11 device, 10:8 function,
 * 7:2 register; the data port's low two bits select the bytes.
 */
#include "x86/pci_conf.h"
#include "x86/io.h"
#include "hv/spinlock.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc

static struct spinlock conf_lock = SPINLOCK_INIT;

static uint32_t address(uint8_t bus, uint8_t dev, uint8_t fn, unsigned reg)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
	       (uint32_t)(fn & 7) << 8 | (reg & 0xfc);
}

uint32_t pci_conf_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned reg, unsigned size)
{
	uint64_t f = spin_lock_irqsave(&conf_lock);
	uint16_t port = (uint16_t)(CONFIG_DATA + (reg & 3));
	uint32_t v;

	outl(CONFIG_ADDRESS, address(bus, dev, fn, reg));
	v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&conf_lock, f);
	return v;
}

void pci_conf_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned reg, unsigned size,
		    uint32_t val)
{
	uint64_t f = spin_lock_irqsave(&conf_lock);
	uint16_t port = (uint16_t)(CONFIG_DATA + (reg & 3));

	outl(CONFIG_ADDRESS, address(bus, dev, fn, reg));
	if (size == 1)
		outb(port, (uint8_t)val);
	else if (size == 2)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
	spin_unlock_irqrestore(&conf_lock, f);
}
