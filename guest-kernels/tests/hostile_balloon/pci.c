/*
 * pci.c - finding the virtio-balloon function on PCI bus 0 through
 * configuration mechanism #1 and locating its virtio structures (virtio
 * 1.2, 4.1.4: vendor capabilities naming a BAR, an offset and a length).
 */
#include "driver.h"

#define CFG_ADDR      0xcf8
#define CFG_DATA      0xcfc
#define PCI_COMMAND   0x04
#define PCI_CMD_MEM   (1u << 1)
#define PCI_CMD_MASTER (1u << 2)
#define PCI_STATUS_CAPS (1u << 4)
#define PCI_BAR0      0x10
#define PCI_CAP_PTR   0x34
#define CAP_VENDOR    0x09

/* virtio_pci_cap.cfg_type (4.1.4) */
#define CAP_COMMON    1
#define CAP_NOTIFY    2
#define CAP_DEVICE    4

static uint32_t cfg_read32(unsigned slot, unsigned reg)
{
	rt_outl(CFG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	return rt_inl(CFG_DATA);
}

static void cfg_write16(unsigned slot, unsigned reg, uint16_t v)
{
	rt_outl(CFG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	rt_outw(CFG_DATA + (reg & 2), v);
}

static uint8_t cfg_read8(unsigned slot, unsigned reg)
{
	return (uint8_t)(cfg_read32(slot, reg) >> (8 * (reg & 3)));
}

static bool find_slot(struct vb *vb)
{
	for (unsigned slot = 0; slot < 32; slot++) {
		uint32_t id = cfg_read32(slot, 0);
		if ((id & 0xffff) == VB_PCI_VENDOR && id >> 16 == VB_PCI_DEVICE) {
			vb->slot = slot;
			return true;
		}
	}
	return false;
}

/* Walks the capability list; fills the structure pointers. */
static bool find_caps(struct vb *vb)
{
	unsigned guard = 0;

	if (!((cfg_read32(vb->slot, PCI_COMMAND) >> 16) & PCI_STATUS_CAPS))
		return false;
	for (unsigned p = cfg_read8(vb->slot, PCI_CAP_PTR) & 0xfc; p && guard < 48;
	     p = cfg_read8(vb->slot, p + 1) & 0xfc, guard++) {
		if (cfg_read8(vb->slot, p) != CAP_VENDOR || cfg_read8(vb->slot, p + 4) != 0)
			continue;                  /* not virtio's, or not BAR 0 */
		uint32_t off = cfg_read32(vb->slot, p + 8);
		volatile uint8_t *at = (volatile uint8_t *)(uintptr_t)(vb->bar + off);
		switch (cfg_read8(vb->slot, p + 3)) {
		case CAP_COMMON:
			vb->common = at;
			break;
		case CAP_NOTIFY:
			vb->notify_base = at;
			vb->notify_mult = cfg_read32(vb->slot, p + 16);
			break;
		case CAP_DEVICE:
			vb->devcfg = at;
			break;
		default:
			break;
		}
	}
	return vb->common && vb->notify_base && vb->devcfg;
}

bool vb_probe(struct vb *vb)
{
	uint32_t lo, hi;

	memset(vb, 0, sizeof(*vb));
	if (!find_slot(vb)) {
		rt_error(NAME, "no virtio-balloon (%04x:%04x) on PCI bus 0: was the domain "
			 "started with the balloon word?", VB_PCI_VENDOR, VB_PCI_DEVICE);
		return false;
	}
	lo = cfg_read32(vb->slot, PCI_BAR0);
	hi = cfg_read32(vb->slot, PCI_BAR0 + 4);
	if ((lo & 0x7) != 0x4) {
		rt_error(NAME, "BAR 0 is not a 64-bit memory BAR (0x%x)", lo);
		return false;
	}
	vb->bar = (uint64_t)hi << 32 | (lo & ~0xfu);
	cfg_write16(vb->slot, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
	if (rt_map_identity(vb->bar, 0x8000, true)) {
		rt_error(NAME, "cannot map BAR 0 at 0x%lx", vb->bar);
		return false;
	}
	if (!find_caps(vb)) {
		rt_error(NAME, "missing virtio capabilities (common, notify, device)");
		return false;
	}
	rt_printf("hostile_balloon: virtio-balloon at 00:%02x.0, BAR 0 at 0x%lx, notify "
		  "multiplier %u\n", vb->slot, vb->bar, vb->notify_mult);
	return true;
}
