/*
 * vdev.h - the interface between emulated devices and the rest of the
 * hypervisor.
 *
 * A device model is pure: it never touches hardware, never allocates and
 * never takes locks of its own. It reaches guest memory, raises interrupts
 * and writes console bytes only through the struct vdev_env its owner
 * gives it, so the same model runs in the hypervisor and in host unit
 * tests. The hypervisor routes guest accesses to it: port I/O by port
 * range, MMIO by guest-physical range (nested page faults on addresses the
 * domain has no RAM at, decoded and emulated by arch/x86/mmio_emul.c).
 *
 * Locking: the owner serialises every call into one device (one lock per
 * device instance in the hypervisor); callbacks may be called with that
 * lock held and must not call back into the same device.
 */
#ifndef HV_VDEV_H
#define HV_VDEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* What a device may do to its domain. */
struct vdev_env {
	void *ctx;
	/* Guest-physical memory; 0 or -EFAULT (not the guest's RAM). */
	int (*mem_read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*mem_write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	/* An MSI/MSI-X message: address and data as the guest programmed
	 * them (x86 format: Intel SDM vol. 3A, 10.11). */
	void (*msi)(void *ctx, uint64_t address, uint32_t data);
	/* Bytes for the domain's console (UART, virtio-console). */
	void (*console_out)(void *ctx, const char *buf, size_t len);
};

/* A range of I/O ports; size is 1, 2 or 4. in() returns the value (bytes
 * beyond size are ignored). */
struct vdev_pio {
	uint16_t base;
	uint16_t count;
	uint32_t (*in)(void *dev, uint16_t port, unsigned size);
	void (*out)(void *dev, uint16_t port, unsigned size, uint32_t val);
	void *dev;
};

/* A range of guest-physical MMIO; size is 1, 2, 4 or 8, offset is from
 * base. Returns 0, or a negative errno that stops the domain (a device
 * that cannot make sense of an access says so rather than guessing). */
struct vdev_mmio {
	uint64_t base;
	uint64_t size;
	int (*read)(void *dev, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(void *dev, uint64_t offset, unsigned size, uint64_t val);
	void *dev;
};

/* A PCI function's view to the host bridge (config mechanism #1). */
struct vdev_pci_fn {
	/* 256 bytes of configuration space; offset aligned to size. */
	uint32_t (*cfg_read)(void *dev, unsigned offset, unsigned size);
	void (*cfg_write)(void *dev, unsigned offset, unsigned size, uint32_t val);
	void *dev;
};

#endif
