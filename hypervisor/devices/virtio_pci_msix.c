/*
 * virtio_pci_msix.c - the MSI-X table and pending bit array of a
 * virtio-pci function (PCI Local Bus 3.0, 6.8.2 "MSI-X Capability and
 * Table Structure"; virtio 1.2, 4.1.4.3 and 4.1.5).
 *
 * The table has one entry per queue plus one for configuration changes
 * (Linux's virtio_pci asks for exactly that). Each entry is 16 bytes:
 * message address low/high, message data, vector control (bit 0: mask).
 * Software must access the table with aligned 32- or 64-bit accesses
 * (6.8.2); anything else is refused with -EINVAL. The PBA is read-only.
 *
 * Delivery. A vector is masked while the function is masked (Message
 * Control bit 14), the entry is masked (vector control bit 0) or bus
 * mastering is off (an MSI is a memory write the function may not issue
 * then). Firing a masked vector sets its pending bit instead of sending
 * (6.8.2.9); whenever something that can unmask changes - vector control,
 * Message Control, the command register - every pending vector that is now
 * unmasked is sent once and its bit cleared. Messages go to env->msi()
 * with the address and data exactly as programmed; the hypervisor turns
 * them into vLAPIC interrupts. With MSI-X disabled nothing is sent here
 * (the transport uses the ISR then).
 *
 * State after PCI reset: every entry zero with its mask bit set, nothing
 * pending (6.8.2.9: "the Mask bit ... after reset ... must be set").
 */
#include "virtio_pci_internal.h"
#include "hv/errno.h"

#define ENTRY_SIZE 16

_Static_assert(sizeof(struct virtio_pci_msix_entry) == ENTRY_SIZE, "MSI-X entry is 16 bytes");

unsigned virtio_pci_nr_vectors(const struct virtio_pci *vp)
{
	return vp->dev->num_queues + 1u;
}

static bool masked(const struct virtio_pci *vp, unsigned v)
{
	return (vp->msix_control & VP_MSIX_MASKALL) || (vp->msix[v].ctrl & VP_MSIX_CTRL_MASK) ||
	       !(vp->command & VP_CMD_MASTER);
}

static void send(struct virtio_pci *vp, unsigned v)
{
	const struct virtio_pci_msix_entry *e = &vp->msix[v];

	vp->env->msi(vp->env->ctx, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

void virtio_pci_msix_fire(struct virtio_pci *vp, unsigned vector)
{
	if (vector >= virtio_pci_nr_vectors(vp) || !(vp->msix_control & VP_MSIX_ENABLE))
		return;
	if (masked(vp, vector))
		vp->msix_pending |= 1u << vector;
	else
		send(vp, vector);
}

void virtio_pci_msix_retry(struct virtio_pci *vp)
{
	if (!(vp->msix_control & VP_MSIX_ENABLE))
		return;
	for (unsigned v = 0; v < virtio_pci_nr_vectors(vp); v++) {
		if ((vp->msix_pending & 1u << v) && !masked(vp, v)) {
			vp->msix_pending &= ~(1u << v);
			send(vp, v);
		}
	}
}

void virtio_pci_msix_reset(struct virtio_pci *vp)
{
	for (unsigned v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++) {
		vp->msix[v].addr_lo = vp->msix[v].addr_hi = vp->msix[v].data = 0;
		vp->msix[v].ctrl = VP_MSIX_CTRL_MASK;
	}
	vp->msix_pending = 0;
	vp->msix_control = 0;
}

/* The dword at byte off of the table, or of the entry past its end (0). */
static uint32_t *table_dword(struct virtio_pci *vp, unsigned off)
{
	unsigned v = off / ENTRY_SIZE;

	if (v >= virtio_pci_nr_vectors(vp))
		return NULL;
	switch (off % ENTRY_SIZE) {
	case 0:  return &vp->msix[v].addr_lo;
	case 4:  return &vp->msix[v].addr_hi;
	case 8:  return &vp->msix[v].data;
	default: return &vp->msix[v].ctrl;
	}
}

static bool table_access_ok(unsigned off, unsigned size)
{
	return (size == 4 || size == 8) && off % size == 0;
}

int virtio_pci_msix_table_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val)
{
	unsigned off = (unsigned)offset;
	uint32_t *lo, *hi;

	if (!table_access_ok(off, size))
		return -EINVAL;
	lo = table_dword(vp, off);
	hi = size == 8 ? table_dword(vp, off + 4) : NULL;
	*val = (lo ? *lo : 0) | (uint64_t)(hi ? *hi : 0) << 32;
	return 0;
}

static void write_table_dword(struct virtio_pci *vp, unsigned off, uint32_t val)
{
	uint32_t *d = table_dword(vp, off);

	if (!d)
		return;                        /* past the table: reserved */
	if (off % ENTRY_SIZE == 12) {
		*d = val & VP_MSIX_CTRL_MASK;  /* other bits reserved */
		virtio_pci_msix_retry(vp);
	} else {
		*d = val;
	}
}

int virtio_pci_msix_table_write(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned off = (unsigned)offset;

	if (!table_access_ok(off, size))
		return -EINVAL;
	write_table_dword(vp, off, (uint32_t)val);
	if (size == 8)
		write_table_dword(vp, off + 4, (uint32_t)(val >> 32));
	return 0;
}

int virtio_pci_msix_pba_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val)
{
	if (!table_access_ok((unsigned)offset, size))
		return -EINVAL;
	*val = offset == 0 ? vp->msix_pending : 0;
	return 0;
}
