/*
 * pci_host.c - PCI configuration mechanism #1 and the host bridge at
 * 00:00.0 (PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software Generation
 * of Configuration Transactions"; header layout: 6.1).
 *
 * CONFIG_ADDRESS (port 0xCF8) is a 32-bit register and only a 32-bit
 * access at 0xCF8 reaches it; narrower accesses to 0xCF8-0xCFB are
 * ordinary I/O that nothing decodes (reads all ones, writes dropped), which
 * is what Linux's type-1 probe relies on (it writes a byte to 0xCFB and
 * expects CONFIG_ADDRESS to keep its value). Its fields:
 *
 *   bit 31      enable: CONFIG_DATA accesses become configuration cycles
 *   bits 30:28  reserved, read as 0
 *   bits 27:24  register bits 11:8 (AMD's extension for extended config
 *               space, which Linux uses on AMD family 10h and later CPUs)
 *   bits 23:16  bus,  15:11 device,  10:8 function
 *   bits 7:2    register (dword),  1:0 read as 0
 *
 * CONFIG_DATA (0xCFC-0xCFF) accepts any size at any of its four ports: the
 * port's low two bits select the byte lanes of the addressed dword. An
 * access that is naturally aligned within the dword goes to the function
 * as one access; any other (a word at 0xCFD, a dword at 0xCFE) is split
 * into byte accesses, and lanes past 0xCFF read as 0xFF. A cycle that
 * decodes to nothing - enable clear, a bus other than 0, a function other
 * than 0, a device with nothing attached, a register at or above 256
 * (these functions are conventional PCI: no extended space) - reads all
 * ones (the master-abort value Linux takes for "no device") and a write to
 * it is dropped.
 *
 * The host bridge (class 06 00 00) has no BARs, no capabilities and no
 * interrupt; only its command register keeps what is written (bits 2:0),
 * so that an OS enabling it reads back what it set. Its IDs are in
 * hv/pci_host.h.
 *
 * Locking: none of its own (hv/vdev.h); the owner serialises calls.
 */
#include "hv/pci_host.h"
#include "hv/errno.h"
#include "hv/lib.h"

#define ADDR_ENABLE     0x80000000u
#define ADDR_EXT_REG    0x0F000000u
#define ADDR_BUS        0x00FF0000u
#define ADDR_DEV        0x0000F800u
#define ADDR_FN         0x00000700u
#define ADDR_REG        0x000000FCu
#define ADDR_WRITABLE   (ADDR_ENABLE | ADDR_EXT_REG | ADDR_BUS | ADDR_DEV | ADDR_FN | ADDR_REG)
#define ADDR_DEV_SHIFT  11

#define BRIDGE_CLASS    0x060000u      /* base 06 bridge, sub 00 host, prog-if 00 */
#define BRIDGE_CMD_MASK 0x0007u        /* I/O space, memory space, bus master */

/* The bridge's configuration dword at offset off (aligned to 4). */
static uint32_t bridge_dword(const struct pci_host *h, unsigned off)
{
	switch (off) {
	case 0x00:
		return (uint32_t)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID;
	case 0x04:
		return h->bridge_command;      /* status 0: no capability list */
	case 0x08:
		return BRIDGE_CLASS << 8 | PCI_HOST_REVISION;
	case 0x2C:
		return (uint32_t)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID;
	default:
		return 0;                      /* header type 0, no BARs, no ROM */
	}
}

static uint32_t bridge_cfg_read(void *dev, unsigned offset, unsigned size)
{
	uint32_t v = bridge_dword(dev, offset & ~3u) >> (8 * (offset & 3));

	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void bridge_cfg_write(void *dev, unsigned offset, unsigned size, uint32_t val)
{
	struct pci_host *h = dev;

	/* Only the low byte of the command register holds anything. */
	if (offset == 0x04 && size <= 4)
		h->bridge_command = val & BRIDGE_CMD_MASK;
}

void pci_host_init(struct pci_host *h)
{
	memset(h, 0, sizeof(*h));
	h->fns[0].cfg_read = bridge_cfg_read;
	h->fns[0].cfg_write = bridge_cfg_write;
	h->fns[0].dev = h;
	h->present[0] = true;
}

int pci_host_attach(struct pci_host *h, unsigned dev, const struct vdev_pci_fn *fn)
{
	if (dev == 0 || dev >= PCI_HOST_MAX_DEVICES || !fn || !fn->cfg_read || !fn->cfg_write)
		return -EINVAL;
	if (h->present[dev])
		return -EBUSY;
	h->fns[dev] = *fn;
	h->present[dev] = true;
	return 0;
}

/* The function CONFIG_ADDRESS selects, or NULL when the cycle decodes to
 * nothing; *reg is the dword-aligned register. */
static const struct vdev_pci_fn *selected(const struct pci_host *h, unsigned *reg)
{
	uint32_t a = h->addr;
	unsigned dev = (a & ADDR_DEV) >> ADDR_DEV_SHIFT;

	if (!(a & ADDR_ENABLE) || (a & (ADDR_EXT_REG | ADDR_BUS | ADDR_FN)))
		return NULL;
	if (!h->present[dev])
		return NULL;
	*reg = a & ADDR_REG;
	return &h->fns[dev];
}

/* Byte lane of CONFIG_DATA a port is, 0..3. */
static unsigned data_lane(uint16_t port)
{
	return (unsigned)(port - PCI_HOST_DATA_PORT);
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t data_read(const struct pci_host *h, unsigned lane, unsigned size)
{
	const struct vdev_pci_fn *fn;
	unsigned reg;
	uint32_t v = 0;

	fn = selected(h, &reg);
	if (!fn)
		return 0xFFFFFFFFu;
	if (lane % size == 0 && lane + size <= 4)
		return fn->cfg_read(fn->dev, reg + lane, size);
	for (unsigned i = 0; i < size; i++) {
		uint32_t b = lane + i < 4 ? fn->cfg_read(fn->dev, reg + lane + i, 1) & 0xFF : 0xFF;
		v |= b << (8 * i);
	}
	return v;
}

static void data_write(const struct pci_host *h, unsigned lane, unsigned size, uint32_t val)
{
	const struct vdev_pci_fn *fn;
	unsigned reg;

	fn = selected(h, &reg);
	if (!fn)
		return;
	if (lane % size == 0 && lane + size <= 4) {
		fn->cfg_write(fn->dev, reg + lane, size, val);
		return;
	}
	for (unsigned i = 0; i < size && lane + i < 4; i++)
		fn->cfg_write(fn->dev, reg + lane + i, 1, (val >> (8 * i)) & 0xFF);
}

uint32_t pci_host_in(void *dev, uint16_t port, unsigned size)
{
	struct pci_host *h = dev;

	if (!valid_size(size))
		return 0xFFFFFFFFu;
	if (port == PCI_HOST_ADDR_PORT && size == 4)
		return h->addr;
	if (port >= PCI_HOST_DATA_PORT && port < PCI_HOST_DATA_PORT + 4)
		return data_read(h, data_lane(port), size);
	return 0xFFFFFFFFu;
}

void pci_host_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct pci_host *h = dev;

	if (!valid_size(size))
		return;
	if (port == PCI_HOST_ADDR_PORT && size == 4)
		h->addr = val & ADDR_WRITABLE;
	else if (port >= PCI_HOST_DATA_PORT && port < PCI_HOST_DATA_PORT + 4)
		data_write(h, data_lane(port), size, val);
}

struct vdev_pio pci_host_pio(struct pci_host *h)
{
	struct vdev_pio p = {
		.base = PCI_HOST_ADDR_PORT,
		.count = PCI_HOST_PORT_COUNT,
		.in = pci_host_in,
		.out = pci_host_out,
		.dev = h,
	};

	return p;
}
