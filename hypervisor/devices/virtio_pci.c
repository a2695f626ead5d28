/*
 * virtio_pci.c - the virtio 1.x PCI transport, modern only (virtio 1.2,
 * 4.1 "Virtio Over PCI Bus"): the function's PCI configuration space.
 * The BAR's structures and the device status machine are in
 * virtio_pci_common.c, MSI-X in virtio_pci_msix.c.
 *
 * Identity (4.1.2). Vendor 0x1AF4, device 0x1040 + virtio device ID,
 * revision 1, so only a virtio 1.x driver binds (Linux's virtio_pci takes
 * 0x1040-0x107F as modern). The subsystem vendor and device repeat the
 * vendor and device IDs (4.1.2.1 leaves them free for non-transitional
 * devices and asks for a subsystem device of 0x40 or more, which
 * 0x1040 + n is). Class code from the device (console: 07 80 00).
 *
 * Configuration space (PCI Local Bus 3.0, 6.1-6.2, type 0 header):
 *
 *   0x00  vendor, device          RO
 *   0x04  command                 memory space, bus master and INTx
 *                                 disable are kept; I/O space reads 0
 *                                 (there is no I/O BAR)
 *   0x06  status                  capability list (bit 4), nothing else
 *   0x08  revision, class         RO
 *   0x0C  cache line, latency     kept (no effect); header type 0
 *   0x10  BAR 0 / 0x14 BAR 1      one 64-bit non-prefetchable memory BAR
 *                                 of VIRTIO_PCI_BAR_SIZE; size bits read
 *                                 0, so writing all ones and reading back
 *                                 gives ~(size - 1) | flags in BAR 0 and
 *                                 all ones in BAR 1 (the sizing protocol,
 *                                 6.2.5.1)
 *   0x18-0x27                     BARs 2-5 absent: read 0, writes dropped
 *   0x2C  subsystem IDs           RO
 *   0x30  expansion ROM           absent: 0
 *   0x34  capabilities pointer    0x40
 *   0x3C  interrupt line          kept; interrupt pin 0: no INTx (there is
 *                                 no I/O APIC to route it to)
 *   0x40  MSI-X (6.8.2)           12 bytes: table in BAR 0 at 0x4000, PBA
 *                                 at 0x5000, one vector per queue + 1
 *   0x4C  common cfg cap          VIRTIO_PCI_CAP_COMMON_CFG, BAR 0 + 0x0000
 *   0x5C  notify cap              VIRTIO_PCI_CAP_NOTIFY_CFG, BAR 0 + 0x3000,
 *                                 notify_off_multiplier 4
 *   0x70  ISR cap                 VIRTIO_PCI_CAP_ISR_CFG, BAR 0 + 0x1000
 *   0x80  device cfg cap          VIRTIO_PCI_CAP_DEVICE_CFG, BAR 0 + 0x2000
 *                                 (left out of the list when the device
 *                                 has no configuration)
 *   0x90  PCI cfg access cap      VIRTIO_PCI_CAP_PCI_CFG (4.1.4.9): bar,
 *                                 offset, length and data are writable; an
 *                                 access to the data bytes performs the
 *                                 access on the BAR, whether or not memory
 *                                 decoding is on
 *
 * Every read builds the whole 256-byte space from the state (one function,
 * build_space(), holds the layout, checked by _Static_assert), so every
 * size and offset reads consistently. A write is merged into its dword and
 * the dword's writable fields take the result.
 *
 * The BAR (owner's view). Firmware's role - giving the BAR an address - is
 * the owner's virtio_pci_set_bar(); the guest may move it at any time. The
 * window the owner must route (virtio_pci_mmio()) is the BAR's address
 * while memory decoding is on and empty while it is off, which is when
 * Linux sizes BARs; bar_generation counts changes of the window.
 *
 * Locking: none of its own; the owner serialises calls (hv/vdev.h).
 */
#include "virtio_pci_internal.h"
#include "hv/errno.h"
#include "hv/lib.h"

#define PCI_CAP_ID_MSIX            0x11
#define PCI_CAP_ID_VNDR            0x09
#define PCI_STATUS_CAP_LIST        0x0010
#define PCI_BAR_MEM_64             0x4      /* type 10b: 64-bit memory */

/* Virtio structure types (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG  1
#define VIRTIO_PCI_CAP_NOTIFY_CFG  2
#define VIRTIO_PCI_CAP_ISR_CFG     3
#define VIRTIO_PCI_CAP_DEVICE_CFG  4
#define VIRTIO_PCI_CAP_PCI_CFG     5

#define COMMON_CFG_LEN             0x3C     /* through queue_reset, 4.1.4.3 */

/* Type 0 configuration header (PCI Local Bus 3.0, 6.1). */
struct pci_header0 {
	uint16_t vendor, device;
	uint16_t command, status;
	uint8_t revision, prog_if, subclass, class_base;
	uint8_t cache_line, latency, header_type, bist;
	uint32_t bar[6];
	uint32_t cardbus_cis;
	uint16_t subsys_vendor, subsys_device;
	uint32_t rom;
	uint8_t cap_ptr, reserved[7];
	uint8_t int_line, int_pin, min_gnt, max_lat;
} __attribute__((packed));
_Static_assert(sizeof(struct pci_header0) == 64, "type 0 header is 64 bytes");
_Static_assert(offsetof(struct pci_header0, bar) == 0x10, "BAR 0 at 0x10");
_Static_assert(offsetof(struct pci_header0, subsys_vendor) == 0x2C, "subsystem at 0x2C");
_Static_assert(offsetof(struct pci_header0, cap_ptr) == 0x34, "capabilities at 0x34");
_Static_assert(offsetof(struct pci_header0, int_line) == 0x3C, "interrupt line at 0x3C");

/* MSI-X capability (6.8.2). */
struct pci_msix_cap {
	uint8_t cap_id, cap_next;
	uint16_t control;              /* 10:0 table size - 1, 14 mask, 15 enable */
	uint32_t table;                /* offset | BIR */
	uint32_t pba;                  /* offset | BIR */
} __attribute__((packed));
_Static_assert(sizeof(struct pci_msix_cap) == 12, "MSI-X capability is 12 bytes");

/* Virtio structure capability (4.1.4). */
struct virtio_pci_cap {
	uint8_t cap_vndr, cap_next, cap_len, cfg_type;
	uint8_t bar, id, padding[2];
	uint32_t offset, length;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio_pci_cap is 16 bytes");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8, "virtio_pci_cap.offset");

/* 4.1.4.4 */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "notify cap is 20 bytes");

/* 4.1.4.9 */
struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap;
	uint8_t pci_cfg_data[4];
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_cfg_cap) == 20, "PCI cfg cap is 20 bytes");

/* The whole configuration space of the function. */
struct vp_space {
	struct pci_header0 hdr;
	struct pci_msix_cap msix;
	struct virtio_pci_cap common;
	struct virtio_pci_notify_cap notify;
	struct virtio_pci_cap isr;
	struct virtio_pci_cap device;
	struct virtio_pci_cfg_cap pcicfg;
	uint8_t unused[0x100 - 0xA4];
} __attribute__((packed));
_Static_assert(sizeof(struct vp_space) == 256, "configuration space is 256 bytes");
_Static_assert(offsetof(struct vp_space, msix) == 0x40, "MSI-X at 0x40");
_Static_assert(offsetof(struct vp_space, common) == 0x4C, "common cap at 0x4C");
_Static_assert(offsetof(struct vp_space, notify) == 0x5C, "notify cap at 0x5C");
_Static_assert(offsetof(struct vp_space, isr) == 0x70, "ISR cap at 0x70");
_Static_assert(offsetof(struct vp_space, device) == 0x80, "device cap at 0x80");
_Static_assert(offsetof(struct vp_space, pcicfg) == 0x90, "PCI cfg cap at 0x90");
_Static_assert(VIRTIO_PCI_MAX_VECTORS <= 32, "the PBA is one 32-bit word");

#define OFF_PCICFG         offsetof(struct vp_space, pcicfg)
#define OFF_PCICFG_BAR     (OFF_PCICFG + offsetof(struct virtio_pci_cap, bar))
#define OFF_PCICFG_OFFSET  (OFF_PCICFG + offsetof(struct virtio_pci_cap, offset))
#define OFF_PCICFG_LENGTH  (OFF_PCICFG + offsetof(struct virtio_pci_cap, length))
#define OFF_PCICFG_DATA    (OFF_PCICFG + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data))

static void vendor_cap(struct virtio_pci_cap *c, uint8_t next, uint8_t len, uint8_t type,
		       uint32_t offset, uint32_t length)
{
	c->cap_vndr = PCI_CAP_ID_VNDR;
	c->cap_next = next;
	c->cap_len = len;
	c->cfg_type = type;
	c->bar = 0;
	c->offset = offset;
	c->length = length;
}

/* Writes the capability list: MSI-X, common, notify, ISR, [device], PCI cfg. */
static void build_caps(const struct virtio_pci *vp, struct vp_space *s)
{
	const struct virtio_pci_device *d = vp->dev;
	uint8_t after_isr = d->config_size ? offsetof(struct vp_space, device) : OFF_PCICFG;

	s->msix.cap_id = PCI_CAP_ID_MSIX;
	s->msix.cap_next = offsetof(struct vp_space, common);
	s->msix.control = (uint16_t)(vp->msix_control | (virtio_pci_nr_vectors(vp) - 1));
	s->msix.table = VIRTIO_PCI_MSIX_TABLE_OFF;      /* BIR 0 */
	s->msix.pba = VIRTIO_PCI_MSIX_PBA_OFF;
	vendor_cap(&s->common, offsetof(struct vp_space, notify), sizeof(s->common),
		   VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF, COMMON_CFG_LEN);
	vendor_cap(&s->notify.cap, offsetof(struct vp_space, isr), sizeof(s->notify),
		   VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF,
		   (uint32_t)d->num_queues * VIRTIO_PCI_NOTIFY_MULT);
	s->notify.notify_off_multiplier = VIRTIO_PCI_NOTIFY_MULT;
	vendor_cap(&s->isr, after_isr, sizeof(s->isr), VIRTIO_PCI_CAP_ISR_CFG,
		   VIRTIO_PCI_ISR_OFF, 1);
	if (d->config_size)
		vendor_cap(&s->device, OFF_PCICFG, sizeof(s->device), VIRTIO_PCI_CAP_DEVICE_CFG,
			   VIRTIO_PCI_DEVICE_OFF, d->config_size);
	vendor_cap(&s->pcicfg.cap, 0, sizeof(s->pcicfg), VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	s->pcicfg.cap.bar = vp->cfgcap_bar;
	s->pcicfg.cap.offset = vp->cfgcap_offset;
	s->pcicfg.cap.length = vp->cfgcap_length;
	memcpy(s->pcicfg.pci_cfg_data, vp->cfgcap_data, 4);
}

/* The configuration space as the guest would read it now. */
static void build_space(const struct virtio_pci *vp, struct vp_space *s)
{
	const struct virtio_pci_device *d = vp->dev;
	uint16_t device_id = (uint16_t)(VIRTIO_PCI_DEVICE_ID_BASE + d->device_id);

	memset(s, 0, sizeof(*s));
	s->hdr.vendor = VIRTIO_PCI_VENDOR_ID;
	s->hdr.device = device_id;
	s->hdr.command = vp->command;
	s->hdr.status = PCI_STATUS_CAP_LIST;
	s->hdr.revision = VIRTIO_PCI_REVISION;
	s->hdr.prog_if = (uint8_t)d->class_code;
	s->hdr.subclass = (uint8_t)(d->class_code >> 8);
	s->hdr.class_base = (uint8_t)(d->class_code >> 16);
	s->hdr.cache_line = vp->cache_line;
	s->hdr.latency = vp->latency;
	s->hdr.bar[0] = (uint32_t)vp->bar | PCI_BAR_MEM_64;
	s->hdr.bar[1] = (uint32_t)(vp->bar >> 32);
	s->hdr.subsys_vendor = VIRTIO_PCI_VENDOR_ID;
	s->hdr.subsys_device = device_id;
	s->hdr.cap_ptr = offsetof(struct vp_space, msix);
	s->hdr.int_line = vp->int_line;
	build_caps(vp, s);
}

/* Keeps the owner's window in step with the BAR and memory decoding. */
static void update_window(struct virtio_pci *vp)
{
	uint64_t size = (vp->command & VP_CMD_MEMORY) ? VIRTIO_PCI_BAR_SIZE : 0;

	if (vp->mmio.base != vp->bar || vp->mmio.size != size) {
		vp->mmio.base = vp->bar;
		vp->mmio.size = size;
		vp->bar_generation++;
	}
}

/* Whether the PCI cfg capability's window names a valid BAR access. */
static bool cfgcap_valid(const struct virtio_pci *vp)
{
	uint32_t len = vp->cfgcap_length;

	return vp->cfgcap_bar == 0 && (len == 1 || len == 2 || len == 4) &&
	       vp->cfgcap_offset % len == 0 &&
	       (uint64_t)vp->cfgcap_offset + len <= VIRTIO_PCI_BAR_SIZE;
}

/* A read touching pci_cfg_data: read the BAR into it first (4.1.4.9.1). */
static void cfgcap_load(struct virtio_pci *vp)
{
	uint64_t v;

	if (cfgcap_valid(vp) &&
	    virtio_pci_bar_read(vp, vp->cfgcap_offset, vp->cfgcap_length, &v) == 0)
		for (uint32_t i = 0; i < vp->cfgcap_length; i++)
			vp->cfgcap_data[i] = (uint8_t)(v >> (8 * i));
}

/* A write to pci_cfg_data: the BAR takes the first length bytes. */
static void cfgcap_store(struct virtio_pci *vp)
{
	uint64_t v = 0;

	if (!cfgcap_valid(vp))
		return;
	for (uint32_t i = 0; i < vp->cfgcap_length; i++)
		v |= (uint64_t)vp->cfgcap_data[i] << (8 * i);
	virtio_pci_bar_write(vp, vp->cfgcap_offset, vp->cfgcap_length, v);
}

static bool touches(unsigned offset, unsigned size, unsigned field, unsigned len)
{
	return offset < field + len && field < offset + size;
}

uint32_t virtio_pci_cfg_read(void *dev, unsigned offset, unsigned size)
{
	struct virtio_pci *vp = dev;
	struct vp_space s;
	uint32_t v = 0;

	if ((size != 1 && size != 2 && size != 4) || offset % size || offset + size > 256)
		return 0xFFFFFFFFu;
	if (touches(offset, size, OFF_PCICFG_DATA, 4))
		cfgcap_load(vp);
	build_space(vp, &s);
	memcpy(&v, (const uint8_t *)&s + offset, size);
	return v;
}

/* The writable fields of the dword at off take val where mask is set. */
static void write_dword(struct virtio_pci *vp, unsigned off, uint32_t val, uint32_t mask)
{
	switch (off) {
	case 0x04:
		if (mask & 0xFFFF) {
			vp->command = val & (VP_CMD_MEMORY | VP_CMD_MASTER | VP_CMD_INTX_OFF);
			update_window(vp);
			virtio_pci_msix_retry(vp);
		}
		break;
	case 0x0C:
		vp->cache_line = (uint8_t)val;
		vp->latency = (uint8_t)(val >> 8);
		break;
	case 0x10:
		vp->bar = (vp->bar & ~0xFFFFFFFFull) | (val & ~(VIRTIO_PCI_BAR_SIZE - 1));
		update_window(vp);
		break;
	case 0x14:
		vp->bar = (uint64_t)val << 32 | (uint32_t)vp->bar;
		update_window(vp);
		break;
	case 0x3C:
		vp->int_line = (uint8_t)val;
		break;
	case offsetof(struct vp_space, msix):
		if (mask & 0xFFFF0000u) {
			vp->msix_control = (uint16_t)(val >> 16) & (VP_MSIX_ENABLE | VP_MSIX_MASKALL);
			virtio_pci_msix_retry(vp);
		}
		break;
	case OFF_PCICFG_BAR:
		vp->cfgcap_bar = (uint8_t)val;
		break;
	case OFF_PCICFG_OFFSET:
		vp->cfgcap_offset = val;
		break;
	case OFF_PCICFG_LENGTH:
		vp->cfgcap_length = val;
		break;
	case OFF_PCICFG_DATA:
		memcpy(vp->cfgcap_data, &val, 4);
		cfgcap_store(vp);
		break;
	default:
		break;                         /* read-only */
	}
}

void virtio_pci_cfg_write(void *dev, unsigned offset, unsigned size, uint32_t val)
{
	struct virtio_pci *vp = dev;
	unsigned dw = offset & ~3u, shift = 8 * (offset & 3);
	uint32_t mask, old;
	struct vp_space s;

	if ((size != 1 && size != 2 && size != 4) || offset % size || offset + size > 256)
		return;
	mask = (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1) << shift;
	build_space(vp, &s);
	memcpy(&old, (const uint8_t *)&s + dw, 4);
	write_dword(vp, dw, (old & ~mask) | ((val << shift) & mask), mask);
}

int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_device *dev,
		    const struct vdev_env *env)
{
	uint16_t qmax = dev->queue_max_size;

	if (dev->num_queues == 0 || dev->num_queues > VIRTIO_PCI_MAX_QUEUES ||
	    qmax == 0 || (qmax & (qmax - 1)) || qmax > VIRTQ_MAX_SIZE ||
	    dev->config_size > VIRTIO_PCI_MAX_CONFIG || !dev->queue_notify || !dev->reset ||
	    (dev->config_size && (!dev->config_read || !dev->config_write)))
		return -EINVAL;
	memset(vp, 0, sizeof(*vp));
	vp->dev = dev;
	vp->env = env;
	vp->mmio.read = virtio_pci_mmio_read;
	vp->mmio.write = virtio_pci_mmio_write;
	vp->mmio.dev = vp;
	virtio_pci_msix_reset(vp);
	virtio_pci_reset_device(vp);
	return 0;
}

int virtio_pci_set_bar(struct virtio_pci *vp, uint64_t base)
{
	if (!IS_ALIGNED(base, VIRTIO_PCI_BAR_SIZE))
		return -EINVAL;
	vp->bar = base;
	update_window(vp);
	return 0;
}

struct vdev_pci_fn virtio_pci_fn(struct virtio_pci *vp)
{
	struct vdev_pci_fn fn = { virtio_pci_cfg_read, virtio_pci_cfg_write, vp };

	return fn;
}

const struct vdev_mmio *virtio_pci_mmio(const struct virtio_pci *vp)
{
	return &vp->mmio;
}

uint32_t virtio_pci_bar_generation(const struct virtio_pci *vp)
{
	return vp->bar_generation;
}
