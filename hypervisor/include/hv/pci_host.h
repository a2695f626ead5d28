/*
 * pci_host.h - the guest's PCI host bridge: configuration mechanism #1 on
 * ports 0xCF8-0xCFF, one bus (bus 0), the bridge itself at 00:00.0 and up
 * to PCI_HOST_MAX_DEVICES attached functions (function 0 of device 1..31).
 * A pure device model (hv/vdev.h); the design is at the top of
 * devices/pci_host.c.
 */
#ifndef HV_PCI_HOST_H
#define HV_PCI_HOST_H

#include <stdint.h>
#include <stdbool.h>
#include "hv/vdev.h"

#define PCI_HOST_ADDR_PORT   0xCF8     /* CONFIG_ADDRESS, 32-bit accesses only */
#define PCI_HOST_DATA_PORT   0xCFC     /* CONFIG_DATA, 0xCFC-0xCFF, any size */
#define PCI_HOST_PORT_COUNT  8

/*
 * The bridge's identity. Muxvisor has no PCI-SIG vendor ID yet, so the
 * bridge uses 0x4D58 ("MX"), which the PCI ID database (pci.ids, Debian's
 * 2023 copy) assigns to no one, with device 0x0001. No OS driver binds to a
 * host bridge on x86 and Linux has no quirk for these IDs. Replace both
 * here when the company gets its own vendor ID.
 */
#define PCI_HOST_VENDOR_ID   0x4D58
#define PCI_HOST_DEVICE_ID   0x0001
#define PCI_HOST_REVISION    0x01

#define PCI_HOST_MAX_DEVICES 32        /* device numbers 0..31 of bus 0 */

/* Owned by the caller; all fields private to pci_host.c. */
struct pci_host {
	uint32_t addr;                 /* CONFIG_ADDRESS as latched */
	uint16_t bridge_command;       /* the bridge's command register */
	struct vdev_pci_fn fns[PCI_HOST_MAX_DEVICES];
	bool present[PCI_HOST_MAX_DEVICES];
};

/* Resets the bridge: no function attached but the bridge, address 0. */
void pci_host_init(struct pci_host *h);

/*
 * Attaches fn as function 0 of device dev (1..31) on bus 0. Returns 0,
 * -EINVAL for device 0 (the bridge), a device number above 31 or a fn
 * without callbacks, -EBUSY if the number is taken. fn is copied.
 */
int pci_host_attach(struct pci_host *h, unsigned dev, const struct vdev_pci_fn *fn);

/* The port range the owner registers: 0xCF8, 8 ports, dev = h. */
struct vdev_pio pci_host_pio(struct pci_host *h);

/* The port handlers themselves (what pci_host_pio() points at). */
uint32_t pci_host_in(void *h, uint16_t port, unsigned size);
void pci_host_out(void *h, uint16_t port, unsigned size, uint32_t val);

#endif
