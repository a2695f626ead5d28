/*
 * transport.c - the virtio-pci modern transport, driver side (virtio 1.2,
 * 3.1.1 initialisation, 4.1.4.3 common configuration). Every field is
 * accessed with its own width, as the device requires; the 64-bit queue
 * addresses in one access.
 */
#include "driver.h"

/* struct virtio_pci_common_cfg offsets (4.1.4.3) */
#define CC_DFSELECT    0x00
#define CC_DF          0x04
#define CC_GFSELECT    0x08
#define CC_GF          0x0c
#define CC_STATUS      0x14
#define CC_Q_SELECT    0x16
#define CC_Q_SIZE      0x18
#define CC_Q_ENABLE    0x1c
#define CC_Q_NOFF      0x1e
#define CC_Q_DESC      0x20
#define CC_Q_DRIVER    0x28
#define CC_Q_DEVICE    0x30

#define VIRTIO_F_VERSION_1 32

static void w8(struct vb *vb, unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(vb->common + off) = v;
}

static void w16(struct vb *vb, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(vb->common + off) = v;
}

static void w32(struct vb *vb, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(vb->common + off) = v;
}

static void w64(struct vb *vb, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(vb->common + off) = v;
}

static uint16_t r16(struct vb *vb, unsigned off)
{
	return *(volatile uint16_t *)(vb->common + off);
}

static uint32_t r32(struct vb *vb, unsigned off)
{
	return *(volatile uint32_t *)(vb->common + off);
}

uint8_t vb_status(struct vb *vb)
{
	return *(volatile uint8_t *)(vb->common + CC_STATUS);
}

uint32_t vb_num_pages(struct vb *vb)
{
	return *(volatile uint32_t *)(vb->devcfg + 0);
}

void vb_set_actual(struct vb *vb, uint32_t pages)
{
	*(volatile uint32_t *)(vb->devcfg + 4) = pages;
}

static uint64_t device_features(struct vb *vb)
{
	w32(vb, CC_DFSELECT, 0);
	uint64_t lo = r32(vb, CC_DF);
	w32(vb, CC_DFSELECT, 1);
	return lo | (uint64_t)r32(vb, CC_DF) << 32;
}

static bool setup_queue(struct vb *vb, unsigned i)
{
	struct vq *q = &vb->q[i];

	if (!vb->have_q[i] && !vq_alloc(q, i))
		return false;
	vb->have_q[i] = true;
	vq_clear(q);
	w16(vb, CC_Q_SELECT, (uint16_t)i);
	if (r16(vb, CC_Q_SIZE) < VQ_SIZE)
		return false;
	w16(vb, CC_Q_SIZE, VQ_SIZE);
	w64(vb, CC_Q_DESC, (uint64_t)(uintptr_t)q->desc);
	w64(vb, CC_Q_DRIVER, (uint64_t)(uintptr_t)q->avail);
	w64(vb, CC_Q_DEVICE, (uint64_t)(uintptr_t)q->used);
	q->notify = (volatile uint16_t *)(vb->notify_base +
					  (uint64_t)r16(vb, CC_Q_NOFF) * vb->notify_mult);
	w16(vb, CC_Q_ENABLE, 1);
	return r16(vb, CC_Q_ENABLE) == 1;
}

bool vb_start(struct vb *vb, uint64_t want, unsigned queue_mask)
{
	uint64_t feats = (want & device_features(vb)) | 1ull << VIRTIO_F_VERSION_1;

	w8(vb, CC_STATUS, 0);                  /* reset; synchronous here */
	if (vb_status(vb) != 0)
		return false;
	w8(vb, CC_STATUS, VS_ACKNOWLEDGE);
	w8(vb, CC_STATUS, VS_ACKNOWLEDGE | VS_DRIVER);
	w32(vb, CC_GFSELECT, 0);
	w32(vb, CC_GF, (uint32_t)feats);
	w32(vb, CC_GFSELECT, 1);
	w32(vb, CC_GF, (uint32_t)(feats >> 32));
	w8(vb, CC_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
	if (!(vb_status(vb) & VS_FEATURES_OK))
		return false;
	for (unsigned i = 0; i < VB_NR_QUEUES; i++)
		if ((queue_mask >> i & 1) && !setup_queue(vb, i))
			return false;
	w8(vb, CC_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
	return vb_status(vb) == (VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
}
