/*
 * test_virtio_driver.h - the driver side of a virtio-pci function, done the
 * way Linux's virtio_pci_modern and PCI core do it, for the host tests:
 * configuration cycles through the PCI host bridge's ports, BAR sizing and
 * assignment, the capability walk, reset, feature negotiation, queue
 * set-up in fake guest RAM, MSI-X programming and DRIVER_OK. MMIO goes
 * through the model's own window (struct vdev_mmio) as the hypervisor's
 * router would, so an access outside the BAR as the model sees it fails.
 */
#ifndef TEST_VIRTIO_DRIVER_H
#define TEST_VIRTIO_DRIVER_H

#include "test_virtio_guest.h"
#include "hv/pci_host.h"
#include "hv/virtio_pci.h"

#define VD_MSI_ADDR   0xFEE00000ull
#define VD_MSI_DATA   0x40                     /* vector of MSI-X entry 0 */

struct vdrv {
	struct pci_host *host;
	unsigned devnum;
	const struct vdev_mmio *win;
	uint64_t bar;                              /* where the driver put the BAR */
	uint32_t common, notify, isr, device, device_len, notify_mult, notify_len;
	unsigned msix_cap, nvec;
	uint32_t msix_table, msix_pba;
	uint64_t features;                         /* negotiated */
	struct tdrv q[VIRTIO_PCI_MAX_QUEUES];
	uint16_t notify_off[VIRTIO_PCI_MAX_QUEUES];
	unsigned nq;
};

static inline uint32_t vd_cfg_read(struct vdrv *d, unsigned off, unsigned size)
{
	pci_host_out(d->host, 0xCF8, 4, 0x80000000u | d->devnum << 11 | (off & 0xFC));
	return pci_host_in(d->host, (uint16_t)(0xCFC + (off & 3)), size);
}

static inline void vd_cfg_write(struct vdrv *d, unsigned off, unsigned size, uint32_t val)
{
	pci_host_out(d->host, 0xCF8, 4, 0x80000000u | d->devnum << 11 | (off & 0xFC));
	pci_host_out(d->host, (uint16_t)(0xCFC + (off & 3)), size, val);
}

/* An MMIO access at BAR offset off, routed like the hypervisor would. */
static inline int vd_mmio(struct vdrv *d, uint64_t off, unsigned size, uint64_t *val, bool write)
{
	uint64_t gpa = d->bar + off;

	if (gpa < d->win->base || gpa - d->win->base >= d->win->size) {
		unit_failf("MMIO at 0x%llx is outside the model's window", (unsigned long long)gpa);
		return -14;
	}
	if (write)
		return d->win->write(d->win->dev, gpa - d->win->base, size, *val);
	return d->win->read(d->win->dev, gpa - d->win->base, size, val);
}

static inline uint64_t vd_rd(struct vdrv *d, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	if (vd_mmio(d, off, size, &v, false))
		unit_failf("MMIO read at +0x%llx size %u refused", (unsigned long long)off, size);
	return v;
}

static inline void vd_wr(struct vdrv *d, uint64_t off, unsigned size, uint64_t v)
{
	if (vd_mmio(d, off, size, &v, true))
		unit_failf("MMIO write at +0x%llx size %u refused", (unsigned long long)off, size);
}

/* Sizes BAR 0/1 as pci_read_bases() does; returns the size. */
static inline uint64_t vd_size_bar(struct vdrv *d)
{
	uint16_t cmd = (uint16_t)vd_cfg_read(d, 0x04, 2);
	uint32_t lo, hi, szlo, szhi;

	vd_cfg_write(d, 0x04, 2, cmd & ~0x0003u);
	lo = vd_cfg_read(d, 0x10, 4);
	vd_cfg_write(d, 0x10, 4, 0xFFFFFFFF);
	szlo = vd_cfg_read(d, 0x10, 4);
	vd_cfg_write(d, 0x10, 4, lo);
	hi = vd_cfg_read(d, 0x14, 4);
	vd_cfg_write(d, 0x14, 4, 0xFFFFFFFF);
	szhi = vd_cfg_read(d, 0x14, 4);
	vd_cfg_write(d, 0x14, 4, hi);
	vd_cfg_write(d, 0x04, 2, cmd);
	if ((szlo & 0xF) != 0x4)
		unit_failf("BAR 0 flags 0x%x, not 64-bit memory", szlo & 0xF);
	return ~((uint64_t)szhi << 32 | (szlo & ~0xFu)) + 1;
}

/* Walks the capability list as virtio_pci_find_capability() does. */
static inline void vd_find_caps(struct vdrv *d)
{
	unsigned pos = vd_cfg_read(d, 0x34, 1), guard = 0;

	if (!(vd_cfg_read(d, 0x06, 2) & 0x10))
		unit_failf("no capability list");
	for (; pos && guard < 48; pos = vd_cfg_read(d, pos + 1, 1), guard++) {
		unsigned id = vd_cfg_read(d, pos, 1);

		if (id == 0x11) {
			d->msix_cap = pos;
			d->nvec = (vd_cfg_read(d, pos + 2, 2) & 0x7FF) + 1;
			d->msix_table = vd_cfg_read(d, pos + 4, 4);
			d->msix_pba = vd_cfg_read(d, pos + 8, 4);
			continue;
		}
		if (id != 0x09 || vd_cfg_read(d, pos + 4, 1) != 0)
			continue;
		uint32_t off = vd_cfg_read(d, pos + 8, 4), len = vd_cfg_read(d, pos + 12, 4);
		switch (vd_cfg_read(d, pos + 3, 1)) {
		case 1: d->common = off; break;
		case 2: d->notify = off; d->notify_len = len;
			d->notify_mult = vd_cfg_read(d, pos + 16, 4); break;
		case 3: d->isr = off; break;
		case 4: d->device = off; d->device_len = len; break;
		default: break;
		}
	}
}

/* Common configuration offsets (4.1.4.3). */
#define VD_DFSEL 0x00
#define VD_DF    0x04
#define VD_GFSEL 0x08
#define VD_GF    0x0C
#define VD_MSIXC 0x10
#define VD_NUMQ  0x12
#define VD_STAT  0x14
#define VD_GEN   0x15
#define VD_QSEL  0x16
#define VD_QSIZE 0x18
#define VD_QMSIX 0x1A
#define VD_QEN   0x1C
#define VD_QNOFF 0x1E
#define VD_QDESC 0x20
#define VD_QDRV  0x28
#define VD_QDEV  0x30

static inline uint8_t vd_status(struct vdrv *d)
{
	return (uint8_t)vd_rd(d, d->common + VD_STAT, 1);
}

static inline void vd_add_status(struct vdrv *d, uint8_t bits)
{
	vd_wr(d, d->common + VD_STAT, 1, vd_status(d) | bits);
}

/* Programs MSI-X entry v to deliver vector VD_MSI_DATA + v to APIC 0. */
static inline void vd_msix_entry(struct vdrv *d, unsigned v, bool masked)
{
	uint64_t e = (d->msix_table & ~7u) + 16ull * v;

	vd_wr(d, e + 0, 4, VD_MSI_ADDR);
	vd_wr(d, e + 4, 4, 0);
	vd_wr(d, e + 8, 4, VD_MSI_DATA + v);
	vd_wr(d, e + 12, 4, masked ? 1 : 0);
}

/* Sets queue q up at gpa, with qsize entries (0: the device's maximum). */
static inline void vd_setup_queue(struct vdrv *d, unsigned q, uint64_t gpa, uint16_t qsize)
{
	uint16_t max;

	vd_wr(d, d->common + VD_QSEL, 2, q);
	max = (uint16_t)vd_rd(d, d->common + VD_QSIZE, 2);
	if (max == 0 || vd_rd(d, d->common + VD_QEN, 2))
		unit_failf("queue %u: size %u or already enabled", q, max);
	if (!qsize)
		qsize = max;
	tdrv_init(&d->q[q], gpa, qsize);
	d->q[q].rearm = true;
	vd_wr(d, d->common + VD_QSIZE, 2, qsize);
	vd_wr(d, d->common + VD_QDESC, 4, (uint32_t)d->q[q].desc);
	vd_wr(d, d->common + VD_QDESC + 4, 4, d->q[q].desc >> 32);
	vd_wr(d, d->common + VD_QDRV, 4, (uint32_t)d->q[q].avail);
	vd_wr(d, d->common + VD_QDRV + 4, 4, d->q[q].avail >> 32);
	vd_wr(d, d->common + VD_QDEV, 4, (uint32_t)d->q[q].used);
	vd_wr(d, d->common + VD_QDEV + 4, 4, d->q[q].used >> 32);
	vd_wr(d, d->common + VD_QMSIX, 2, q + 1);
	if (vd_rd(d, d->common + VD_QMSIX, 2) != q + 1)
		unit_failf("queue %u: vector not taken", q);
	d->notify_off[q] = (uint16_t)vd_rd(d, d->common + VD_QNOFF, 2);
}

/*
 * The whole bring-up of the function at devnum: enumerate, size and place
 * the BAR at bar, find the capabilities, reset, negotiate want (VERSION_1
 * added), set up nq queues at 64 KiB steps from 0x20000, program MSI-X
 * (vector 0: configuration, vector q + 1: queue q) and set DRIVER_OK.
 */
static inline void vd_bring_up(struct vdrv *d, struct pci_host *host, unsigned devnum,
			const struct vdev_mmio *win, uint64_t bar, uint64_t want, unsigned nq)
{
	uint64_t offered;

	memset(d, 0, sizeof(*d));
	d->host = host;
	d->devnum = devnum;
	d->win = win;
	d->nq = nq;
	if (vd_cfg_read(d, 0x00, 2) != 0x1AF4)
		unit_failf("vendor 0x%x", vd_cfg_read(d, 0x00, 2));
	if (vd_size_bar(d) != VIRTIO_PCI_BAR_SIZE)
		unit_failf("BAR size 0x%llx", (unsigned long long)vd_size_bar(d));
	vd_cfg_write(d, 0x10, 4, (uint32_t)bar | 0x4);
	vd_cfg_write(d, 0x14, 4, (uint32_t)(bar >> 32));
	d->bar = bar;
	vd_cfg_write(d, 0x04, 2, 0x0006);          /* memory space, bus master */
	vd_find_caps(d);
	vd_wr(d, d->common + VD_STAT, 1, 0);       /* reset */
	if (vd_status(d) != 0)
		unit_failf("reset did not complete");
	vd_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	vd_add_status(d, VIRTIO_STATUS_DRIVER);
	vd_wr(d, d->common + VD_DFSEL, 4, 0);
	offered = vd_rd(d, d->common + VD_DF, 4);
	vd_wr(d, d->common + VD_DFSEL, 4, 1);
	offered |= vd_rd(d, d->common + VD_DF, 4) << 32;
	d->features = offered & (want | 1ull << VIRTIO_F_VERSION_1);
	vd_wr(d, d->common + VD_GFSEL, 4, 0);
	vd_wr(d, d->common + VD_GF, 4, (uint32_t)d->features);
	vd_wr(d, d->common + VD_GFSEL, 4, 1);
	vd_wr(d, d->common + VD_GF, 4, d->features >> 32);
	vd_add_status(d, VIRTIO_STATUS_FEATURES_OK);
	if (!(vd_status(d) & VIRTIO_STATUS_FEATURES_OK))
		unit_failf("FEATURES_OK refused");
	/* MSI-X as the PCI core enables it: function masked, entries set. */
	vd_cfg_write(d, d->msix_cap + 2, 2, 0xC000);
	for (unsigned v = 0; v < d->nvec; v++)
		vd_msix_entry(d, v, false);
	vd_cfg_write(d, d->msix_cap + 2, 2, 0x8000);
	vd_wr(d, d->common + VD_MSIXC, 2, 0);
	if (vd_rd(d, d->common + VD_MSIXC, 2) != 0)
		unit_failf("config vector not taken");
	if (vd_rd(d, d->common + VD_NUMQ, 2) < nq)
		unit_failf("num_queues %llu", (unsigned long long)vd_rd(d, d->common + VD_NUMQ, 2));
	for (unsigned q = 0; q < nq; q++)
		vd_setup_queue(d, q, 0x20000 + 0x10000ull * q, 0);
	for (unsigned q = 0; q < nq; q++) {
		vd_wr(d, d->common + VD_QSEL, 2, q);
		vd_wr(d, d->common + VD_QEN, 2, 1);
	}
	vd_add_status(d, VIRTIO_STATUS_DRIVER_OK);
}

static inline void vd_kick(struct vdrv *d, unsigned q)
{
	vd_wr(d, d->notify + (uint64_t)d->notify_off[q] * d->notify_mult, 2, q);
}

#endif
