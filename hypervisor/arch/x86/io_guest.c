/*
 * io_guest.c - port I/O of a guest: the domain's devices (domain/devices.c)
 * first; a port nobody emulates reads as all ones, as a bus without a
 * device does, and writes to it are dropped.
 */
#include "x86/guest_emul.h"
#include "hv/vcpu.h"
#include "hv/domain.h"

uint32_t x86_io_in(struct vcpu *v, uint16_t port, unsigned size)
{
	uint32_t val;

	if (domain_pio_in(v->dom, port, size, &val))
		return size == 4 ? val : val & ((1u << (8 * size)) - 1);
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void x86_io_out(struct vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
	domain_pio_out(v->dom, port, size, val);
}
