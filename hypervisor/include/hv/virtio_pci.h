/*
 * virtio_pci.h - the virtio 1.x PCI transport (virtio 1.2, 4.1 "Virtio
 * Over PCI Bus"), modern only, and the generic device interface under it.
 *
 * A device model (virtio_console.c now; balloon, block and network later)
 * embeds a struct virtio_pci, describes itself with a struct
 * virtio_pci_device (identity, features, queues, configuration space and
 * callbacks) and reaches its queues through virtio_pci_queue(). The owner
 * (the hypervisor) attaches the function to the PCI host bridge
 * (virtio_pci_fn()), routes the memory BAR (virtio_pci_mmio()) and never
 * looks inside. Design, state machine and layouts: the top of
 * devices/virtio_pci.c.
 */
#ifndef HV_VIRTIO_PCI_H
#define HV_VIRTIO_PCI_H

#include <stdint.h>
#include <stdbool.h>
#include "hv/vdev.h"
#include "hv/virtqueue.h"

/* PCI identity (4.1.2): vendor 0x1AF4, device 0x1040 + virtio device ID,
 * revision 1 (non-transitional); the subsystem IDs repeat vendor and device. */
#define VIRTIO_PCI_VENDOR_ID       0x1AF4
#define VIRTIO_PCI_DEVICE_ID_BASE  0x1040
#define VIRTIO_PCI_REVISION        1

#define VIRTIO_PCI_MAX_QUEUES      16
#define VIRTIO_PCI_MAX_VECTORS     (VIRTIO_PCI_MAX_QUEUES + 1)
#define VIRTIO_PCI_NO_VECTOR       0xFFFF
#define VIRTIO_PCI_MAX_CONFIG      0x1000  /* device configuration bytes */

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        1
#define VIRTIO_STATUS_DRIVER             2
#define VIRTIO_STATUS_DRIVER_OK          4
#define VIRTIO_STATUS_FEATURES_OK        8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED             128

/* Transport feature bits (6 "Reserved Feature Bits"). */
#define VIRTIO_F_VERSION_1         32

/* ISR status bits (4.1.4.5). */
#define VIRTIO_PCI_ISR_QUEUE       1
#define VIRTIO_PCI_ISR_CONFIG      2

/*
 * The memory BAR (BAR 0, with BAR 1 its upper half): 64-bit,
 * non-prefetchable (the ISR is read-to-clear), 32 KiB, one 4 KiB page per
 * structure.
 */
#define VIRTIO_PCI_BAR_SIZE        0x8000u
#define VIRTIO_PCI_COMMON_OFF      0x0000u
#define VIRTIO_PCI_ISR_OFF         0x1000u
#define VIRTIO_PCI_DEVICE_OFF      0x2000u
#define VIRTIO_PCI_NOTIFY_OFF      0x3000u
#define VIRTIO_PCI_MSIX_TABLE_OFF  0x4000u
#define VIRTIO_PCI_MSIX_PBA_OFF    0x5000u
#define VIRTIO_PCI_NOTIFY_MULT     4       /* queue q notifies at NOTIFY_OFF + 4q */

struct virtio_pci;

/* The generic device interface: what a virtio device model gives the
 * transport. Constant for the device's lifetime. */
struct virtio_pci_device {
	uint16_t device_id;            /* virtio device ID (5 "Device Types") */
	uint32_t class_code;           /* PCI class (base << 16 | sub << 8 | prog-if) */
	uint64_t features;             /* device feature bits offered; the
					* transport adds VERSION_1,
					* INDIRECT_DESC and EVENT_IDX */
	uint16_t num_queues;           /* 1..VIRTIO_PCI_MAX_QUEUES */
	uint16_t queue_max_size;       /* power of two, 1..VIRTQ_MAX_SIZE */
	uint16_t config_size;          /* device configuration bytes, 0..MAX_CONFIG */

	/* Device configuration (4.1.4.6): offset + size <= config_size,
	 * size 1, 2 or 4, offset aligned to size. */
	uint32_t (*config_read)(struct virtio_pci *vp, unsigned offset, unsigned size);
	void (*config_write)(struct virtio_pci *vp, unsigned offset, unsigned size, uint32_t val);
	/* The driver notified queue q, which is enabled, with DRIVER_OK set.
	 * Returns 0, or a negative errno for a guest error, on which the
	 * transport sets DEVICE_NEEDS_RESET. */
	int (*queue_notify)(struct virtio_pci *vp, unsigned q);
	/* The driver has just set DRIVER_OK; may be NULL. */
	void (*driver_ok)(struct virtio_pci *vp);
	/* The driver reset the device (status 0): forget per-driver state. */
	void (*reset)(struct virtio_pci *vp);
};

/* Per-queue state of the common configuration (4.1.4.3). */
struct virtio_pci_queue {
	uint16_t size;                 /* queue_size: the maximum until the driver writes it */
	uint16_t msix_vector;
	bool enabled;
	uint64_t desc, driver, device;
	struct virtq vq;               /* valid while enabled */
};

/* An MSI-X table entry (PCI Local Bus 3.0, 6.8.2.6-6.8.2.9). */
struct virtio_pci_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

/* The transport's state; embedded in the device model, which the owner
 * allocates. Fields private to devices/virtio_pci*.c. */
struct virtio_pci {
	const struct virtio_pci_device *dev;
	const struct vdev_env *env;

	/* PCI configuration space */
	uint16_t command;
	uint8_t cache_line, latency, int_line;
	uint64_t bar;                  /* BAR 0/1 as written, size bits clear */
	uint16_t msix_control;         /* enable and function-mask bits */
	uint8_t cfgcap_bar;            /* VIRTIO_PCI_CAP_PCI_CFG window */
	uint32_t cfgcap_offset, cfgcap_length;
	uint8_t cfgcap_data[4];

	/* Common configuration */
	uint32_t device_feature_select, driver_feature_select;
	uint64_t driver_features;
	uint16_t config_vector;
	uint8_t status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint8_t isr;
	struct virtio_pci_queue queues[VIRTIO_PCI_MAX_QUEUES];

	/* MSI-X */
	struct virtio_pci_msix_entry msix[VIRTIO_PCI_MAX_VECTORS];
	uint32_t msix_pending;         /* the PBA */

	/* What the owner routes (see virtio_pci_mmio()) */
	struct vdev_mmio mmio;
	uint32_t bar_generation;
};

/*
 * Owner side.
 */

/*
 * Sets vp up for dev in the state of a function after PCI reset: device
 * status 0, memory decoding off, BAR at 0, MSI-X disabled with every
 * vector masked. Returns 0, or -EINVAL if dev's description is out of
 * range (queues, queue size, config size, missing callbacks).
 */
int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_device *dev,
		    const struct vdev_env *env);

/* Places the BAR at base (VIRTIO_PCI_BAR_SIZE aligned), as firmware
 * would; memory decoding stays as it is. -EINVAL if misaligned. */
int virtio_pci_set_bar(struct virtio_pci *vp, uint64_t base);

/* The function for pci_host_attach(). */
struct vdev_pci_fn virtio_pci_fn(struct virtio_pci *vp);

/*
 * The memory window to route: base is the BAR's current address and size
 * VIRTIO_PCI_BAR_SIZE while the guest has memory decoding on (command bit
 * 1), size 0 while it is off (as during Linux's BAR sizing). The pointer
 * stays valid and the contents follow every change; bar_generation (see
 * virtio_pci_bar_generation()) counts the changes, so an owner that keeps
 * a copy re-reads it when the number moves.
 */
const struct vdev_mmio *virtio_pci_mmio(const struct virtio_pci *vp);
uint32_t virtio_pci_bar_generation(const struct virtio_pci *vp);

/* The BAR handlers themselves (what virtio_pci_mmio() points at). */
int virtio_pci_mmio_read(void *vp, uint64_t offset, unsigned size, uint64_t *val);
int virtio_pci_mmio_write(void *vp, uint64_t offset, unsigned size, uint64_t val);

/* The PCI configuration handlers (what virtio_pci_fn() points at). */
uint32_t virtio_pci_cfg_read(void *vp, unsigned offset, unsigned size);
void virtio_pci_cfg_write(void *vp, unsigned offset, unsigned size, uint32_t val);

/*
 * Device side.
 */

/* Queue q when the device may use it (enabled, DRIVER_OK, no
 * DEVICE_NEEDS_RESET), else NULL. */
struct virtq *virtio_pci_queue(struct virtio_pci *vp, unsigned q);

/* After pushing used buffers on queue q: notifies the driver if it wants
 * (MSI-X vector of the queue, or the ISR bit without MSI-X). */
void virtio_pci_notify_queue(struct virtio_pci *vp, unsigned q);

/* The device configuration changed: new generation, notification. */
void virtio_pci_config_changed(struct virtio_pci *vp);

/* A guest error made the device unusable until reset (2.1.2): sets
 * DEVICE_NEEDS_RESET and notifies the driver of a configuration change. */
void virtio_pci_needs_reset(struct virtio_pci *vp);

/* The negotiated features (valid once FEATURES_OK is set). */
uint64_t virtio_pci_features(const struct virtio_pci *vp);

#endif
