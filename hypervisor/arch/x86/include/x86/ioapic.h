/*
 * ioapic.h - routing one host interrupt line through the I/O APIC: the
 * serial console's receive interrupt (82093AA I/O APIC datasheet; the
 * register layout every PC IOAPIC keeps).
 */
#ifndef X86_IOAPIC_H
#define X86_IOAPIC_H

#include <stdint.h>

struct acpi_info;

/* Sends global system interrupt gsi (edge, active high) to vector on the
 * CPU with APIC ID dest. 0, or -ENODEV if no IOAPIC serves gsi. */
int ioapic_route(const struct acpi_info *acpi, uint32_t gsi, uint8_t vector,
		 uint32_t dest);

#endif
