/*
 * virtio_pci_common.c - the structures in the virtio-pci memory BAR and
 * the device status state machine (virtio 1.2, 2.1, 3.1, 4.1.4.3-4.1.4.6,
 * 4.1.5).
 *
 * BAR layout (hv/virtio_pci.h), one 4 KiB page each: common configuration,
 * ISR, device configuration, notifications, MSI-X table, MSI-X PBA; the
 * rest of the 32 KiB reads 0 and ignores writes.
 *
 * Access rules. The driver must use each common configuration field's own
 * width (4.1.3.1); the 64-bit queue addresses may be written as two 32-bit
 * halves or one 64-bit access. An access that overlaps a field without
 * being one of those - wrong size, odd offset - returns -EINVAL, which
 * stops the domain (hv/vdev.h: a device does not guess). Offsets past the
 * last field of a structure's page are reserved: read 0, writes ignored.
 * The ISR is read with any size at its offset 0. A notification is a 2- or
 * 4-byte write at NOTIFY_OFF + 4 * queue; its value is not used (without
 * VIRTIO_F_NOTIFICATION_DATA the driver writes the queue index, and the
 * address already names the queue).
 *
 * Device status (2.1, 3.1.1). status only gains bits: the driver may not
 * clear one (2.1.1) and writing 0 resets the device instead. Setting
 * FEATURES_OK succeeds only if the driver's features are a subset of the
 * offered ones and include VIRTIO_F_VERSION_1; otherwise the bit stays
 * clear, which is how the driver learns (3.1.1 step 6). Feature writes are
 * ignored once FEATURES_OK is set. Queues are used only while DRIVER_OK is
 * set and DEVICE_NEEDS_RESET is not: notifications that arrive earlier are
 * dropped, and the device's driver_ok() hook runs when DRIVER_OK is set.
 *
 * Queues (4.1.4.3). queue_size starts at the device's maximum; the driver
 * may write a smaller one. The address and size fields are frozen once the
 * queue is enabled; queue_enable only goes 0 -> 1 (writing 0 is a driver
 * error without VIRTIO_F_RING_RESET and is ignored). Enabling checks the
 * queue through virtq_init (size a power of two no larger than the
 * maximum, aligned areas); a queue that fails it, and any guest error the
 * device later reports, sets DEVICE_NEEDS_RESET and sends a configuration
 * change notification (2.1.2) - the device stays dead until the driver
 * resets it, and nothing else in the domain is affected.
 *
 * Vectors. config_msix_vector and queue_msix_vector read back
 * VIRTIO_PCI_NO_VECTOR when the driver names a vector past the MSI-X
 * table, which is how Linux learns a vector assignment failed.
 *
 * Interrupts (4.1.5.3, 4.1.5.4). With MSI-X enabled a notification sends
 * the queue's (or the configuration's) vector, if it has one, and leaves
 * the ISR alone. Without MSI-X the ISR bit is set but no interrupt is
 * sent: the function has no INTx pin (interrupt pin 0) because the
 * platform has no I/O APIC, so a driver that cannot use MSI-X gets no
 * interrupts. Linux's virtio_pci uses MSI-X whenever the capability is
 * there.
 *
 * Reset (4.1.4.3.1) is synchronous: a read of device_status right after
 * writing 0 returns 0. It clears negotiated features, the queues (size
 * back to the maximum, vectors to NO_VECTOR), the ISR and pending MSI-X
 * bits, and calls the device's reset(). The MSI-X table itself is PCI
 * state and survives.
 */
#include "virtio_pci_internal.h"
#include "hv/errno.h"
#include "hv/lib.h"

/* Common configuration structure (4.1.4.3). */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
	uint16_t queue_notify_data;
	uint16_t queue_reset;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 0x3C, "common cfg is 60 bytes");
_Static_assert(offsetof(struct virtio_pci_common_cfg, config_msix_vector) == 0x10, "msix_config");
_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 0x14, "device_status");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 0x16, "queue_select");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_off) == 0x1E, "queue_notify_off");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc) == 0x20, "queue_desc");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_driver) == 0x28, "queue_driver");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device) == 0x30, "queue_device");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_reset) == 0x3A, "queue_reset");

#define CC(field)  offsetof(struct virtio_pci_common_cfg, field)
#define PAGE       0x1000u

static uint64_t offered_features(const struct virtio_pci *vp)
{
	return vp->dev->features | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTQ_F_INDIRECT_DESC | 1ull << VIRTQ_F_EVENT_IDX;
}

/* The queue queue_select names, or NULL. */
static struct virtio_pci_queue *selected_queue(struct virtio_pci *vp)
{
	if (vp->queue_select >= vp->dev->num_queues)
		return NULL;
	return &vp->queues[vp->queue_select];
}

static uint16_t checked_vector(const struct virtio_pci *vp, uint64_t v)
{
	return v < virtio_pci_nr_vectors(vp) ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
}

/* Sends vector, or sets isr_bit when MSI-X is off (4.1.5.3, 4.1.5.4). */
static void signal(struct virtio_pci *vp, uint16_t vector, uint8_t isr_bit)
{
	if (!(vp->msix_control & VP_MSIX_ENABLE)) {
		vp->isr |= isr_bit;            /* no INTx pin: nothing to raise */
		return;
	}
	if (vector != VIRTIO_PCI_NO_VECTOR)
		virtio_pci_msix_fire(vp, vector);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	if (vp->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	vp->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (vp->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_pci_config_changed(vp);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
	vp->config_generation++;
	signal(vp, vp->config_vector, VIRTIO_PCI_ISR_CONFIG);
}

void virtio_pci_reset_device(struct virtio_pci *vp)
{
	vp->status = 0;
	vp->device_feature_select = 0;
	vp->driver_feature_select = 0;
	vp->driver_features = 0;
	vp->config_vector = VIRTIO_PCI_NO_VECTOR;
	vp->queue_select = 0;
	vp->isr = 0;
	vp->msix_pending = 0;
	for (unsigned q = 0; q < VIRTIO_PCI_MAX_QUEUES; q++) {
		memset(&vp->queues[q], 0, sizeof(vp->queues[q]));
		vp->queues[q].size = vp->dev->queue_max_size;
		vp->queues[q].msix_vector = VIRTIO_PCI_NO_VECTOR;
	}
	vp->dev->reset(vp);
}

static bool features_acceptable(const struct virtio_pci *vp)
{
	return !(vp->driver_features & ~offered_features(vp)) &&
	       (vp->driver_features & 1ull << VIRTIO_F_VERSION_1);
}

static void write_status(struct virtio_pci *vp, uint8_t val)
{
	uint8_t old = vp->status;

	if (val == 0) {
		virtio_pci_reset_device(vp);
		return;
	}
	val &= (uint8_t)~VIRTIO_STATUS_DEVICE_NEEDS_RESET;   /* the device's bit */
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_acceptable(vp))
		val &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	vp->status = old | val;
	if ((vp->status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
	    !(vp->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) && vp->dev->driver_ok)
		vp->dev->driver_ok(vp);
}

static void enable_queue(struct virtio_pci *vp, struct virtio_pci_queue *q)
{
	q->enabled = true;
	if (q->size > vp->dev->queue_max_size ||
	    virtq_init(&q->vq, q->size, q->desc, q->driver, q->device, vp->driver_features))
		virtio_pci_needs_reset(vp);
}

/* Reads a queue field; *val 0 when queue_select names no queue. */
static uint64_t queue_field(struct virtio_pci *vp, unsigned off)
{
	struct virtio_pci_queue *q = selected_queue(vp);

	if (!q)
		return off == CC(queue_msix_vector) ? VIRTIO_PCI_NO_VECTOR : 0;
	switch (off) {
	case CC(queue_size):        return q->size;
	case CC(queue_msix_vector): return q->msix_vector;
	case CC(queue_enable):      return q->enabled;
	case CC(queue_notify_off):  return vp->queue_select;
	case CC(queue_desc):        return q->desc;
	case CC(queue_driver):      return q->driver;
	case CC(queue_device):      return q->device;
	default:                    return 0;   /* notify_data, queue_reset */
	}
}

static uint64_t common_field(struct virtio_pci *vp, unsigned off)
{
	uint64_t offered = offered_features(vp);

	switch (off) {
	case CC(device_feature_select): return vp->device_feature_select;
	case CC(device_feature):
		return vp->device_feature_select < 2 ?
		       (uint32_t)(offered >> (32 * vp->device_feature_select)) : 0;
	case CC(driver_feature_select): return vp->driver_feature_select;
	case CC(driver_feature):
		return vp->driver_feature_select < 2 ?
		       (uint32_t)(vp->driver_features >> (32 * vp->driver_feature_select)) : 0;
	case CC(config_msix_vector):    return vp->config_vector;
	case CC(num_queues):            return vp->dev->num_queues;
	case CC(device_status):         return vp->status;
	case CC(config_generation):     return vp->config_generation;
	case CC(queue_select):          return vp->queue_select;
	default:                        return queue_field(vp, off);
	}
}

/* Sets 32 bits of a 64-bit field at bit shift (0 or 32), or all of it. */
static void set_part(uint64_t *field, unsigned size, unsigned shift, uint64_t val)
{
	if (size == 8)
		*field = val;
	else
		*field = (*field & ~(0xFFFFFFFFull << shift)) | (val & 0xFFFFFFFFull) << shift;
}

static void write_queue_field(struct virtio_pci *vp, unsigned off, unsigned size, uint64_t val)
{
	struct virtio_pci_queue *q = selected_queue(vp);
	unsigned field = off & ~7u, shift = 8 * (off & 7);

	if (!q)
		return;
	if (off == CC(queue_msix_vector)) {
		q->msix_vector = checked_vector(vp, val);
		return;
	}
	if (q->enabled)
		return;                        /* frozen; enable is one-way */
	if (off == CC(queue_size))
		q->size = (uint16_t)val;
	else if (off == CC(queue_enable) && val == 1)
		enable_queue(vp, q);
	else if (field == CC(queue_desc))
		set_part(&q->desc, size, shift, val);
	else if (field == CC(queue_driver))
		set_part(&q->driver, size, shift, val);
	else if (field == CC(queue_device))
		set_part(&q->device, size, shift, val);
}

static void write_features(struct virtio_pci *vp, uint64_t val)
{
	unsigned sel = vp->driver_feature_select;

	if (sel >= 2 || (vp->status & VIRTIO_STATUS_FEATURES_OK))
		return;
	set_part(&vp->driver_features, 4, 32 * sel, val);
}

static void common_write(struct virtio_pci *vp, unsigned off, unsigned size, uint64_t val)
{
	switch (off) {
	case CC(device_feature_select): vp->device_feature_select = (uint32_t)val; break;
	case CC(driver_feature_select): vp->driver_feature_select = (uint32_t)val; break;
	case CC(driver_feature):        write_features(vp, val); break;
	case CC(config_msix_vector):    vp->config_vector = checked_vector(vp, val); break;
	case CC(device_status):         write_status(vp, (uint8_t)val); break;
	case CC(queue_select):          vp->queue_select = (uint16_t)val; break;
	case CC(device_feature):
	case CC(num_queues):
	case CC(config_generation):
	case CC(queue_notify_off):
	case CC(queue_notify_data):
	case CC(queue_reset):           break;   /* read-only, or not offered */
	default:                        write_queue_field(vp, off, size, val); break;
	}
}

/* Whether off lies in one of the 64-bit queue address fields. */
static bool is_address(unsigned off)
{
	return off >= CC(queue_desc) && off < CC(queue_notify_data);
}

/* Whether (off, size) is exactly a field of the common configuration, or
 * a 32-bit half of a 64-bit one. */
static bool common_access_ok(unsigned off, unsigned size)
{
	if (is_address(off))
		return (size == 4 && off % 4 == 0) || (size == 8 && off % 8 == 0);
	if (off < CC(config_msix_vector))
		return size == 4 && off % 4 == 0;
	if (off == CC(device_status) || off == CC(config_generation))
		return size == 1;
	return size == 2 && off % 2 == 0;
}

static int common_read(struct virtio_pci *vp, unsigned off, unsigned size, uint64_t *val)
{
	if (off >= sizeof(struct virtio_pci_common_cfg)) {
		*val = 0;                      /* reserved */
		return 0;
	}
	if (!common_access_ok(off, size))
		return -EINVAL;
	if (!is_address(off)) {
		*val = common_field(vp, off);
		return 0;
	}
	*val = queue_field(vp, off & ~7u) >> (8 * (off & 7));
	if (size == 4)
		*val = (uint32_t)*val;
	return 0;
}

static int common_write_checked(struct virtio_pci *vp, unsigned off, unsigned size, uint64_t val)
{
	if (off >= sizeof(struct virtio_pci_common_cfg))
		return 0;
	if (!common_access_ok(off, size))
		return -EINVAL;
	common_write(vp, off, size, val);
	return 0;
}

/* Device configuration: passed to the device within config_size. */
static int device_cfg_access(struct virtio_pci *vp, unsigned off, unsigned size,
			     uint64_t *val, bool write)
{
	const struct virtio_pci_device *d = vp->dev;

	if (off >= d->config_size) {
		if (!write)
			*val = 0;
		return 0;
	}
	if (size > 4 || off % size || off + size > d->config_size)
		return -EINVAL;
	if (write)
		d->config_write(vp, off, size, (uint32_t)*val);
	else
		*val = d->config_read(vp, off, size);
	return 0;
}

/* A notification write for queue off / 4 (4.1.4.4, 4.1.5.2). */
static int notify_write(struct virtio_pci *vp, unsigned off, unsigned size)
{
	unsigned q = off / VIRTIO_PCI_NOTIFY_MULT;

	if (q >= vp->dev->num_queues)
		return 0;                      /* reserved */
	if (off % VIRTIO_PCI_NOTIFY_MULT || (size != 2 && size != 4))
		return -EINVAL;
	if (!virtio_pci_queue(vp, q))
		return 0;                      /* not yet, or no longer, running */
	if (vp->dev->queue_notify(vp, q) < 0)
		virtio_pci_needs_reset(vp);
	return 0;
}

/* Whether an access of size bytes at offset stays inside one page of the
 * BAR; *off is its offset in that page. */
static bool bar_access_ok(uint64_t offset, unsigned size, unsigned *off)
{
	*off = (unsigned)(offset % PAGE);
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       offset < VIRTIO_PCI_BAR_SIZE && *off + size <= PAGE;
}

int virtio_pci_bar_read(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t *val)
{
	unsigned off;

	*val = 0;
	if (!bar_access_ok(offset, size, &off))
		return -EINVAL;
	switch (offset - off) {
	case VIRTIO_PCI_COMMON_OFF:
		return common_read(vp, off, size, val);
	case VIRTIO_PCI_ISR_OFF:
		if (off == 0) {                /* read to clear (4.1.4.5) */
			*val = vp->isr;
			vp->isr = 0;
		}
		return 0;
	case VIRTIO_PCI_DEVICE_OFF:
		return device_cfg_access(vp, off, size, val, false);
	case VIRTIO_PCI_MSIX_TABLE_OFF:
		return virtio_pci_msix_table_read(vp, off, size, val);
	case VIRTIO_PCI_MSIX_PBA_OFF:
		return virtio_pci_msix_pba_read(vp, off, size, val);
	default:
		return 0;                      /* notify reads 0; the rest reserved */
	}
}

int virtio_pci_bar_write(struct virtio_pci *vp, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned off;

	if (!bar_access_ok(offset, size, &off))
		return -EINVAL;
	switch (offset - off) {
	case VIRTIO_PCI_COMMON_OFF:
		return common_write_checked(vp, off, size, val);
	case VIRTIO_PCI_DEVICE_OFF:
		return device_cfg_access(vp, off, size, &val, true);
	case VIRTIO_PCI_NOTIFY_OFF:
		return notify_write(vp, off, size);
	case VIRTIO_PCI_MSIX_TABLE_OFF:
		return virtio_pci_msix_table_write(vp, off, size, val);
	default:
		return 0;                      /* ISR, PBA: read-only; reserved */
	}
}

int virtio_pci_mmio_read(void *dev, uint64_t offset, unsigned size, uint64_t *val)
{
	return virtio_pci_bar_read(dev, offset, size, val);
}

int virtio_pci_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t val)
{
	return virtio_pci_bar_write(dev, offset, size, val);
}

struct virtq *virtio_pci_queue(struct virtio_pci *vp, unsigned q)
{
	if (q >= vp->dev->num_queues || !vp->queues[q].enabled)
		return NULL;
	if ((vp->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) !=
	    VIRTIO_STATUS_DRIVER_OK)
		return NULL;
	return &vp->queues[q].vq;
}

void virtio_pci_notify_queue(struct virtio_pci *vp, unsigned q)
{
	struct virtq *vq = virtio_pci_queue(vp, q);
	int rc;

	if (!vq)
		return;
	rc = virtq_should_notify(vq, vp->env);
	if (rc < 0)
		virtio_pci_needs_reset(vp);
	else if (rc)
		signal(vp, vp->queues[q].msix_vector, VIRTIO_PCI_ISR_QUEUE);
}

uint64_t virtio_pci_features(const struct virtio_pci *vp)
{
	return vp->driver_features;
}
