/*
 * virtio_pci_internal.h - what the parts of the virtio-pci transport
 * (virtio_pci.c: PCI configuration space; virtio_pci_common.c: the BAR's
 * structures and the device status machine; virtio_pci_msix.c: MSI-X)
 * share. Not for other callers.
 */
#ifndef HV_VIRTIO_PCI_INTERNAL_H
#define HV_VIRTIO_PCI_INTERNAL_H

#include "hv/virtio_pci.h"

/* Command register bits (PCI Local Bus 3.0, 6.2.2). */
#define VP_CMD_MEMORY      0x0002
#define VP_CMD_MASTER      0x0004
#define VP_CMD_INTX_OFF    0x0400

/* MSI-X Message Control (6.8.2.3) and vector control (6.8.2.9). */
#define VP_MSIX_ENABLE     0x8000
#define VP_MSIX_MASKALL    0x4000
#define VP_MSIX_CTRL_MASK  0x0001

/* Accesses of size bytes at offset into the BAR, as the guest made them
 * (MMIO) or through the PCI configuration access capability. 0, or
 * -EINVAL for an access the structure does not allow. */
int virtio_pci_bar_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val);
int virtio_pci_bar_write(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t val);

/* The MSI-X table and PBA pages (offset within the page). */
int virtio_pci_msix_table_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val);
int virtio_pci_msix_table_write(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t val);
int virtio_pci_msix_pba_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val);

/* Vectors in the MSI-X table: one per queue plus the configuration one. */
unsigned virtio_pci_nr_vectors(const struct virtio_pci *vp);

/* Sends vector's message, or sets its pending bit while it is masked
 * (function mask, vector mask, or bus mastering off). */
void virtio_pci_msix_fire(struct virtio_pci *vp, unsigned vector);

/* Sends every pending vector that is no longer masked. Called after any
 * change that can unmask: vector control, Message Control, command. */
void virtio_pci_msix_retry(struct virtio_pci *vp);

/* Puts every MSI-X vector in its reset state: masked, zero, not pending. */
void virtio_pci_msix_reset(struct virtio_pci *vp);

/* Resets the virtio device (device_status 0): 4.1.4.3.1. */
void virtio_pci_reset_device(struct virtio_pci *vp);

#endif
