/*
 * pci_conf.h - the host's PCI configuration space through mechanism #1
 * (ports 0xCF8/0xCFC; PCI Local Bus 3.0, 3.2.2.3.2). One lock for every
 * CPU: CONFIG_ADDRESS and CONFIG_DATA are a pair.
 */
#ifndef X86_PCI_CONF_H
#define X86_PCI_CONF_H

#include <stdint.h>

/* reg < 256, size 1, 2 or 4, naturally aligned. */
uint32_t pci_conf_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned reg, unsigned size);
void pci_conf_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned reg, unsigned size,
		    uint32_t val);

#endif
