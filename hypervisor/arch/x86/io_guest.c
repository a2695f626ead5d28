/*
 * io_guest.c - port I/O of a guest. No port is emulated for test-kernel
 * domains yet (the UART, PCI configuration and ACPI ports come with the
 * Linux platform): reads return all ones, as a bus without a device does,
 * and writes are dropped.
 */
#include "x86/guest_emul.h"
#include "hv/vcpu.h"

uint32_t x86_io_in(struct vcpu *v, uint16_t port, unsigned size)
{
	(void)v;
	(void)port;
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void x86_io_out(struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	(void)v;
	(void)port;
	(void)size;
	(void)val;
}
