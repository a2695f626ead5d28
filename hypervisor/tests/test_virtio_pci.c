/*
 * test_virtio_pci.c - host unit tests of the virtio-pci transport
 * (devices/virtio_pci*.c) with a mock device behind it: identity, BAR
 * sizing and the owner's window, the capabilities as Linux checks them,
 * feature negotiation and the status machine, queue set-up rules,
 * notifications, MSI-X masking and pending bits, the PCI configuration
 * access capability, and accesses of every odd size and offset.
 */
#include "test_virtio_driver.h"
#include "../devices/pci_host.c"
#include "../devices/virtqueue.c"
#include "../devices/virtio_pci.c"
#include "../devices/virtio_pci_common.c"
#include "../devices/virtio_pci_msix.c"

#define MOCK_ID      5
#define MOCK_QUEUES  3
#define MOCK_DEVNUM  4
#define BAR_GPA      0xC0000000ull

struct mock {
	struct virtio_pci vp;
	unsigned notifies[MOCK_QUEUES], driver_oks, resets;
	int notify_rc;
	bool echo;                     /* queue_notify completes one chain */
	uint8_t cfg[8];
};

static struct mock mock;
static struct pci_host host;
static struct vdrv drv;

static int mock_notify(struct virtio_pci *vp, unsigned q)
{
	struct mock *m = container_of(vp, struct mock, vp);
	struct virtq *vq = virtio_pci_queue(vp, q);
	struct virtq_chain c;

	m->notifies[q]++;
	if (m->notify_rc)
		return m->notify_rc;
	if (m->echo && vq && virtq_pop(vq, vp->env, &c) == 1) {
		virtq_push(vq, vp->env, &c, 0);
		virtio_pci_notify_queue(vp, q);
	}
	return 0;
}

static void mock_driver_ok(struct virtio_pci *vp)
{
	container_of(vp, struct mock, vp)->driver_oks++;
}

static void mock_reset(struct virtio_pci *vp)
{
	container_of(vp, struct mock, vp)->resets++;
}

static uint32_t mock_cfg_read(struct virtio_pci *vp, unsigned off, unsigned size)
{
	uint32_t v = 0;

	memcpy(&v, container_of(vp, struct mock, vp)->cfg + off, size);
	return v;
}

static void mock_cfg_write(struct virtio_pci *vp, unsigned off, unsigned size, uint32_t val)
{
	memcpy(container_of(vp, struct mock, vp)->cfg + off, &val, size);
}

static const struct virtio_pci_device mock_dev = {
	.device_id = MOCK_ID,
	.class_code = 0x00FF00,
	.features = 1ull << 0 | 1ull << 3,
	.num_queues = MOCK_QUEUES,
	.queue_max_size = 64,
	.config_size = sizeof(mock.cfg),
	.config_read = mock_cfg_read,
	.config_write = mock_cfg_write,
	.queue_notify = mock_notify,
	.driver_ok = mock_driver_ok,
	.reset = mock_reset,
};

/* A fresh mock attached at 00:04.0 with its BAR at BAR_GPA (firmware's
 * placement), memory decoding off as after reset. */
static void setup(void)
{
	struct vdev_pci_fn fn;

	tg_reset();
	memset(&mock, 0, sizeof(mock));
	if (virtio_pci_init(&mock.vp, &mock_dev, &tg_env) != 0)
		unit_failf("virtio_pci_init failed");
	virtio_pci_set_bar(&mock.vp, BAR_GPA);
	pci_host_init(&host);
	fn = virtio_pci_fn(&mock.vp);
	pci_host_attach(&host, MOCK_DEVNUM, &fn);
	memset(&drv, 0, sizeof(drv));
	drv.host = &host;
	drv.devnum = MOCK_DEVNUM;
	drv.win = virtio_pci_mmio(&mock.vp);
}

static void bring_up(void)
{
	setup();
	vd_bring_up(&drv, &host, MOCK_DEVNUM, virtio_pci_mmio(&mock.vp), BAR_GPA,
		    1ull << 0 | 1ull << VIRTQ_F_EVENT_IDX, MOCK_QUEUES);
}

static void test_identity(void)
{
	unit_begin("virtio_pci_identity");
	setup();
	UNIT_CHECK(vd_cfg_read(&drv, 0x00, 4) == ((0x1040u + MOCK_ID) << 16 | 0x1AF4));
	UNIT_CHECK(vd_cfg_read(&drv, 0x08, 1) == 1);                   /* revision */
	UNIT_CHECK(vd_cfg_read(&drv, 0x08, 4) == 0x00FF0001u);
	UNIT_CHECK(vd_cfg_read(&drv, 0x0E, 1) == 0);                   /* header type */
	UNIT_CHECK(vd_cfg_read(&drv, 0x2C, 2) == 0x1AF4);
	UNIT_CHECK(vd_cfg_read(&drv, 0x2E, 2) == 0x1040 + MOCK_ID);
	UNIT_CHECK(vd_cfg_read(&drv, 0x2E, 2) >= 0x40);                /* 4.1.2.1 */
	UNIT_CHECK(vd_cfg_read(&drv, 0x06, 2) == 0x0010);
	UNIT_CHECK(vd_cfg_read(&drv, 0x3D, 1) == 0);                   /* no INTx */
	UNIT_CHECK(vd_cfg_read(&drv, 0x04, 2) == 0);
	for (unsigned off = 0x18; off < 0x28; off += 4) {
		vd_cfg_write(&drv, off, 4, 0xFFFFFFFF);
		UNIT_CHECK(vd_cfg_read(&drv, off, 4) == 0);
	}
	vd_cfg_write(&drv, 0x30, 4, 0xFFFFFFFE);
	UNIT_CHECK(vd_cfg_read(&drv, 0x30, 4) == 0);                   /* no ROM */
	vd_cfg_write(&drv, 0x00, 4, 0);
	UNIT_CHECK(vd_cfg_read(&drv, 0x00, 2) == 0x1AF4);
	/* Writable header bytes keep their values. */
	vd_cfg_write(&drv, 0x0C, 1, 0x10);
	vd_cfg_write(&drv, 0x0D, 1, 0x40);
	vd_cfg_write(&drv, 0x3C, 1, 0x0B);
	UNIT_CHECK(vd_cfg_read(&drv, 0x0C, 2) == 0x4010 && vd_cfg_read(&drv, 0x3C, 1) == 0x0B);
	vd_cfg_write(&drv, 0x04, 2, 0xFFFF);
	UNIT_CHECK(vd_cfg_read(&drv, 0x04, 2) == 0x0406);
	unit_end();
}

static void test_bar_sizing_and_window(void)
{
	const struct vdev_mmio *w = virtio_pci_mmio(&mock.vp);
	uint32_t gen;

	unit_begin("virtio_pci_bar_sizing_and_window");
	setup();
	w = virtio_pci_mmio(&mock.vp);
	UNIT_CHECK(vd_cfg_read(&drv, 0x10, 4) == (uint32_t)BAR_GPA + 4);
	UNIT_CHECK(vd_cfg_read(&drv, 0x14, 4) == 0);
	UNIT_CHECK(w->size == 0);                                      /* decoding off */
	vd_cfg_write(&drv, 0x10, 4, 0xFFFFFFFF);
	UNIT_CHECK(vd_cfg_read(&drv, 0x10, 4) == (~(VIRTIO_PCI_BAR_SIZE - 1) | 4));
	vd_cfg_write(&drv, 0x14, 4, 0xFFFFFFFF);
	UNIT_CHECK(vd_cfg_read(&drv, 0x14, 4) == 0xFFFFFFFF);
	UNIT_CHECK(vd_size_bar(&drv) == VIRTIO_PCI_BAR_SIZE);
	/* Linux moves the BAR above 4 GiB, then turns decoding on. */
	vd_cfg_write(&drv, 0x10, 4, 0x00010004);
	vd_cfg_write(&drv, 0x14, 4, 0x8);
	gen = virtio_pci_bar_generation(&mock.vp);
	vd_cfg_write(&drv, 0x04, 2, 0x0002);
	UNIT_CHECK(w->base == 0x800010000ull && w->size == VIRTIO_PCI_BAR_SIZE);
	UNIT_CHECK(virtio_pci_bar_generation(&mock.vp) != gen);
	gen = virtio_pci_bar_generation(&mock.vp);
	vd_cfg_write(&drv, 0x04, 2, 0x0002);
	UNIT_CHECK(virtio_pci_bar_generation(&mock.vp) == gen);        /* no change */
	/* Byte writes merge into the BAR; size bits stay clear. */
	vd_cfg_write(&drv, 0x11, 1, 0xFF);
	UNIT_CHECK(vd_cfg_read(&drv, 0x10, 4) == 0x00018004u);
	vd_cfg_write(&drv, 0x13, 1, 0xAB);
	UNIT_CHECK(w->base == 0x8AB018000ull);
	UNIT_CHECK(virtio_pci_set_bar(&mock.vp, 0x1234) == -EINVAL);
	UNIT_CHECK(vd_cfg_read(&drv, 0x10, 4) == 0xAB018004u);
	unit_end();
}

/* The capabilities, checked the way vp_modern_probe() maps them. */
static void test_capabilities(void)
{
	unit_begin("virtio_pci_capabilities");
	setup();
	vd_find_caps(&drv);
	UNIT_CHECK(drv.msix_cap == 0x40 && drv.nvec == MOCK_QUEUES + 1);
	UNIT_CHECK(drv.msix_table == VIRTIO_PCI_MSIX_TABLE_OFF && drv.msix_pba == VIRTIO_PCI_MSIX_PBA_OFF);
	UNIT_CHECK(drv.common == VIRTIO_PCI_COMMON_OFF && drv.common % 4 == 0);
	UNIT_CHECK(drv.isr == VIRTIO_PCI_ISR_OFF);
	UNIT_CHECK(drv.notify == VIRTIO_PCI_NOTIFY_OFF && drv.notify_mult == 4);
	UNIT_CHECK(drv.notify_len >= 2 + (MOCK_QUEUES - 1) * 4);
	UNIT_CHECK(drv.device == VIRTIO_PCI_DEVICE_OFF && drv.device_len == 8);
	/* Lengths: common at least 56 bytes, all inside the BAR. */
	for (unsigned pos = 0x4C; pos; pos = vd_cfg_read(&drv, pos + 1, 1)) {
		uint32_t off = vd_cfg_read(&drv, pos + 8, 4), len = vd_cfg_read(&drv, pos + 12, 4);
		unsigned type = vd_cfg_read(&drv, pos + 3, 1);

		if (type == 1 && len < 56)
			unit_failf("common cfg length %u", len);
		if (type != 5 && (uint64_t)off + len > VIRTIO_PCI_BAR_SIZE)
			unit_failf("cap type %u outside the BAR", type);
		if (vd_cfg_read(&drv, pos + 2, 1) < 16)
			unit_failf("cap at 0x%x too short", pos);
	}
	/* Caps are read-only, except the PCI cfg window. */
	vd_cfg_write(&drv, 0x4C + 8, 4, 0x1234);
	UNIT_CHECK(vd_cfg_read(&drv, 0x4C + 8, 4) == 0);
	vd_cfg_write(&drv, 0x40, 4, 0);
	UNIT_CHECK(vd_cfg_read(&drv, 0x40, 1) == 0x11 && vd_cfg_read(&drv, 0x42, 2) == MOCK_QUEUES);
	unit_end();
}

/* A device with no configuration leaves the device cap out of the list. */
static void test_no_device_config(void)
{
	struct virtio_pci_device d = mock_dev;
	struct mock m;
	unsigned types = 0;

	unit_begin("virtio_pci_no_device_config");
	d.config_size = 0;
	UNIT_CHECK(virtio_pci_init(&m.vp, &d, &tg_env) == 0);
	for (unsigned pos = virtio_pci_cfg_read(&m.vp, 0x34, 1), n = 0; pos && n < 16;
	     pos = virtio_pci_cfg_read(&m.vp, pos + 1, 1), n++)
		if (virtio_pci_cfg_read(&m.vp, pos, 1) == 0x09)
			types |= 1u << virtio_pci_cfg_read(&m.vp, pos + 3, 1);
	UNIT_CHECK(types == (1u << 1 | 1u << 2 | 1u << 3 | 1u << 5));
	/* Bad descriptions are refused. */
	d = mock_dev;
	d.num_queues = 0;
	UNIT_CHECK(virtio_pci_init(&m.vp, &d, &tg_env) == -EINVAL);
	d = mock_dev;
	d.num_queues = VIRTIO_PCI_MAX_QUEUES + 1;
	UNIT_CHECK(virtio_pci_init(&m.vp, &d, &tg_env) == -EINVAL);
	d = mock_dev;
	d.queue_max_size = 48;
	UNIT_CHECK(virtio_pci_init(&m.vp, &d, &tg_env) == -EINVAL);
	d = mock_dev;
	d.queue_notify = NULL;
	UNIT_CHECK(virtio_pci_init(&m.vp, &d, &tg_env) == -EINVAL);
	unit_end();
}

static void test_bring_up(void)
{
	unit_begin("virtio_pci_bring_up");
	bring_up();
	UNIT_CHECK(vd_status(&drv) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK));
	UNIT_CHECK(drv.features == (1ull << 0 | 1ull << VIRTQ_F_EVENT_IDX | 1ull << VIRTIO_F_VERSION_1));
	UNIT_CHECK(virtio_pci_features(&mock.vp) == drv.features);
	UNIT_CHECK(mock.driver_oks == 1 && mock.resets >= 1);
	for (unsigned q = 0; q < MOCK_QUEUES; q++)
		UNIT_CHECK(virtio_pci_queue(&mock.vp, q) != NULL && drv.notify_off[q] == q);
	UNIT_CHECK(virtio_pci_queue(&mock.vp, MOCK_QUEUES) == NULL);
	UNIT_CHECK(mock.vp.queues[1].vq.event_idx && !mock.vp.queues[1].vq.indirect);
	unit_end();
}

static void test_feature_negotiation(void)
{
	unit_begin("virtio_pci_feature_negotiation");
	setup();
	vd_cfg_write(&drv, 0x04, 2, 0x0006);
	vd_find_caps(&drv);
	drv.bar = BAR_GPA;
	vd_wr(&drv, VD_STAT, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vd_wr(&drv, VD_DFSEL, 4, 1);
	UNIT_CHECK(vd_rd(&drv, VD_DF, 4) == 1);                        /* VERSION_1 */
	vd_wr(&drv, VD_DFSEL, 4, 0);
	UNIT_CHECK(vd_rd(&drv, VD_DF, 4) == (1u << 0 | 1u << 3 | 1u << 28 | 1u << 29));
	vd_wr(&drv, VD_DFSEL, 4, 2);
	UNIT_CHECK(vd_rd(&drv, VD_DF, 4) == 0);
	/* Without VERSION_1: refused. */
	vd_wr(&drv, VD_GFSEL, 4, 0);
	vd_wr(&drv, VD_GF, 4, 1);
	vd_add_status(&drv, VIRTIO_STATUS_FEATURES_OK);
	UNIT_CHECK(!(vd_status(&drv) & VIRTIO_STATUS_FEATURES_OK));
	/* A feature not offered: refused. */
	vd_wr(&drv, VD_GFSEL, 4, 1);
	vd_wr(&drv, VD_GF, 4, 1);
	vd_wr(&drv, VD_GFSEL, 4, 0);
	vd_wr(&drv, VD_GF, 4, 1u << 1);
	vd_add_status(&drv, VIRTIO_STATUS_FEATURES_OK);
	UNIT_CHECK(!(vd_status(&drv) & VIRTIO_STATUS_FEATURES_OK));
	/* Acceptable: taken, and frozen afterwards. */
	vd_wr(&drv, VD_GF, 4, 1u << 3);
	UNIT_CHECK(vd_rd(&drv, VD_GF, 4) == 1u << 3);
	vd_add_status(&drv, VIRTIO_STATUS_FEATURES_OK);
	UNIT_CHECK(vd_status(&drv) & VIRTIO_STATUS_FEATURES_OK);
	vd_wr(&drv, VD_GF, 4, 1u << 0);
	UNIT_CHECK(vd_rd(&drv, VD_GF, 4) == 1u << 3);
	UNIT_CHECK(virtio_pci_features(&mock.vp) == (1ull << 3 | 1ull << 32));
	vd_wr(&drv, VD_GFSEL, 4, 7);
	UNIT_CHECK(vd_rd(&drv, VD_GF, 4) == 0);
	unit_end();
}

static void test_status_machine(void)
{
	unit_begin("virtio_pci_status_machine");
	bring_up();
	/* Bits cannot be cleared, and NEEDS_RESET is the device's. */
	vd_wr(&drv, VD_STAT, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	UNIT_CHECK(vd_status(&drv) == 0x0F);
	UNIT_CHECK(mock.driver_oks == 1);
	vd_add_status(&drv, VIRTIO_STATUS_FAILED);
	UNIT_CHECK(vd_status(&drv) == 0x8F);
	/* Reset: synchronous, everything back. */
	unsigned resets = mock.resets;
	vd_wr(&drv, VD_STAT, 1, 0);
	UNIT_CHECK(vd_status(&drv) == 0 && mock.resets == resets + 1);
	UNIT_CHECK(virtio_pci_features(&mock.vp) == 0);
	UNIT_CHECK(vd_rd(&drv, VD_MSIXC, 2) == VIRTIO_PCI_NO_VECTOR);
	vd_wr(&drv, VD_QSEL, 2, 1);
	UNIT_CHECK(vd_rd(&drv, VD_QEN, 2) == 0 && vd_rd(&drv, VD_QSIZE, 2) == 64);
	UNIT_CHECK(vd_rd(&drv, VD_QMSIX, 2) == VIRTIO_PCI_NO_VECTOR);
	UNIT_CHECK(vd_rd(&drv, VD_QDESC, 4) == 0);
	UNIT_CHECK(virtio_pci_queue(&mock.vp, 1) == NULL);
	/* The MSI-X table is PCI state and survives. */
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 8, 4) == VD_MSI_DATA);
	/* Bring-up again works. */
	vd_bring_up(&drv, &host, MOCK_DEVNUM, virtio_pci_mmio(&mock.vp), BAR_GPA, 1, MOCK_QUEUES);
	UNIT_CHECK(vd_status(&drv) == 0x0F && mock.driver_oks == 2);
	unit_end();
}

/* After a reset and negotiation, sets queue q up with size and the
 * descriptor area at desc and enables it: whether that set
 * DEVICE_NEEDS_RESET. */
static bool enable_fails(unsigned q, uint16_t size, uint64_t desc)
{
	vd_wr(&drv, VD_STAT, 1, 0);
	vd_wr(&drv, VD_STAT, 1, 0x0B);
	vd_wr(&drv, VD_QSEL, 2, q);
	vd_wr(&drv, VD_QSIZE, 2, size);
	vd_wr(&drv, VD_QDESC, 4, desc);
	vd_wr(&drv, VD_QDRV, 4, 0x21000);
	vd_wr(&drv, VD_QDEV, 4, 0x22000);
	vd_wr(&drv, VD_QEN, 2, 1);
	return vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

static void test_queue_rules(void)
{
	unsigned msis;

	unit_begin("virtio_pci_queue_rules");
	bring_up();
	/* Out-of-range queue_select: queue_size 0, writes ignored. */
	vd_wr(&drv, VD_QSEL, 2, MOCK_QUEUES);
	UNIT_CHECK(vd_rd(&drv, VD_QSIZE, 2) == 0);
	vd_wr(&drv, VD_QEN, 2, 1);
	vd_wr(&drv, VD_QSEL, 2, 0xFFFF);
	UNIT_CHECK(vd_rd(&drv, VD_QSIZE, 2) == 0 && vd_rd(&drv, VD_QMSIX, 2) == VIRTIO_PCI_NO_VECTOR);
	/* Enabled queues are frozen; a vector past the table reads NO_VECTOR. */
	vd_wr(&drv, VD_QSEL, 2, 0);
	vd_wr(&drv, VD_QSIZE, 2, 8);
	vd_wr(&drv, VD_QDESC, 4, 0x5000);
	UNIT_CHECK(vd_rd(&drv, VD_QSIZE, 2) == 64 && vd_rd(&drv, VD_QDESC, 4) == drv.q[0].desc);
	vd_wr(&drv, VD_QEN, 2, 0);
	UNIT_CHECK(vd_rd(&drv, VD_QEN, 2) == 1);
	vd_wr(&drv, VD_QMSIX, 2, MOCK_QUEUES + 1);
	UNIT_CHECK(vd_rd(&drv, VD_QMSIX, 2) == VIRTIO_PCI_NO_VECTOR);
	vd_wr(&drv, VD_MSIXC, 2, 0x7FFF);
	UNIT_CHECK(vd_rd(&drv, VD_MSIXC, 2) == VIRTIO_PCI_NO_VECTOR);
	vd_wr(&drv, VD_MSIXC, 2, 0);
	/* 64-bit access to an address field. */
	vd_wr(&drv, VD_STAT, 1, 0);
	vd_wr(&drv, VD_QSEL, 2, 2);
	vd_wr(&drv, VD_QDEV, 8, 0x1122334455667700ull);
	UNIT_CHECK(vd_rd(&drv, VD_QDEV, 8) == 0x1122334455667700ull);
	UNIT_CHECK(vd_rd(&drv, VD_QDEV + 4, 4) == 0x11223344u);
	/* A queue size that is not a power of two: NEEDS_RESET on enable,
	 * and the queue never runs. */
	bring_up();
	UNIT_CHECK(enable_fails(0, 48, 0x20000));
	msis = tg_state.nmsi;
	vd_add_status(&drv, VIRTIO_STATUS_DRIVER_OK);
	UNIT_CHECK(virtio_pci_queue(&mock.vp, 0) == NULL && tg_state.nmsi == msis);
	/* Larger than the maximum, misaligned areas: the same. */
	UNIT_CHECK(enable_fails(1, 128, 0x20000));
	UNIT_CHECK(enable_fails(1, 64, 0x20008));
	UNIT_CHECK(!enable_fails(1, 64, 0x20000));
	unit_end();
}

static void test_notify_and_msix(void)
{
	unit_begin("virtio_pci_notify_and_msix");
	bring_up();
	mock.echo = true;
	tdrv_add(&drv.q[1], 0x60000, 16, 1, 0);
	vd_kick(&drv, 1);
	UNIT_CHECK(mock.notifies[1] == 1);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_addr[0] == VD_MSI_ADDR &&
		   tg_state.msi_data[0] == VD_MSI_DATA + 2);
	/* Mask entry 2: the next completion is held in the PBA. */
	vd_wr(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + 12, 4, 1);
	tdrv_add(&drv.q[1], 0x60000, 16, 1, 0);
	vd_kick(&drv, 1);
	UNIT_CHECK(tg_state.nmsi == 1);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_MSIX_PBA_OFF, 8) == 1u << 2);
	vd_wr(&drv, VIRTIO_PCI_MSIX_PBA_OFF, 8, 0);                   /* read-only */
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_MSIX_PBA_OFF, 4) == 1u << 2);
	/* The driver reprograms the entry while masked; unmask delivers the
	 * new message once. */
	vd_wr(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + 8, 4, 0x77);
	vd_wr(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + 4, 4, 0x1);
	vd_wr(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + 12, 4, 0);
	UNIT_CHECK(tg_state.nmsi == 2 && tg_state.msi_data[1] == 0x77 &&
		   tg_state.msi_addr[1] == (1ull << 32 | VD_MSI_ADDR));
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_MSIX_PBA_OFF, 4) == 0);
	vd_wr(&drv, VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + 12, 4, 0);
	UNIT_CHECK(tg_state.nmsi == 2);
	/* Function mask. */
	vd_cfg_write(&drv, drv.msix_cap + 2, 2, 0xC000);
	tdrv_add(&drv.q[2], 0x60000, 16, 1, 0);
	vd_kick(&drv, 2);
	UNIT_CHECK(tg_state.nmsi == 2 && vd_rd(&drv, VIRTIO_PCI_MSIX_PBA_OFF, 4) == 1u << 3);
	vd_cfg_write(&drv, drv.msix_cap + 2, 2, 0x8000);
	UNIT_CHECK(tg_state.nmsi == 3 && tg_state.msi_data[2] == VD_MSI_DATA + 3);
	/* Bus mastering off holds messages too. */
	vd_cfg_write(&drv, 0x04, 2, 0x0002);
	tdrv_add(&drv.q[0], 0x60000, 16, 1, 0);
	vd_kick(&drv, 0);
	UNIT_CHECK(tg_state.nmsi == 3);
	vd_cfg_write(&drv, 0x04, 2, 0x0006);
	UNIT_CHECK(tg_state.nmsi == 4 && tg_state.msi_data[3] == VD_MSI_DATA + 1);
	/* Configuration change: new generation, vector 0. */
	uint8_t gen = (uint8_t)vd_rd(&drv, VD_GEN, 1);
	virtio_pci_config_changed(&mock.vp);
	UNIT_CHECK((uint8_t)vd_rd(&drv, VD_GEN, 1) == (uint8_t)(gen + 1));
	UNIT_CHECK(tg_state.nmsi == 5 && tg_state.msi_data[4] == VD_MSI_DATA);
	/* A queue without a vector: no message. */
	vd_wr(&drv, VD_QSEL, 2, 0);
	vd_wr(&drv, VD_QMSIX, 2, VIRTIO_PCI_NO_VECTOR);
	tdrv_add(&drv.q[0], 0x60000, 16, 1, 0);
	vd_kick(&drv, 0);
	UNIT_CHECK(mock.notifies[0] == 2 && tg_state.nmsi == 5);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF, 1) == 0);
	unit_end();
}

static void test_isr_without_msix(void)
{
	unit_begin("virtio_pci_isr_without_msix");
	bring_up();
	mock.echo = true;
	vd_cfg_write(&drv, drv.msix_cap + 2, 2, 0);                   /* MSI-X off */
	tdrv_add(&drv.q[1], 0x60000, 16, 1, 0);
	vd_kick(&drv, 1);
	UNIT_CHECK(tg_state.nmsi == 0);
	virtio_pci_config_changed(&mock.vp);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF, 1) == 3);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF, 1) == 0);          /* read to clear */
	virtio_pci_config_changed(&mock.vp);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF, 4) == 2);
	vd_wr(&drv, VIRTIO_PCI_ISR_OFF, 1, 0xFF);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF + 1, 1) == 0);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_ISR_OFF, 1) == 0);
	/* Enabling MSI-X later sends nothing stale. */
	vd_cfg_write(&drv, drv.msix_cap + 2, 2, 0x8000);
	UNIT_CHECK(tg_state.nmsi == 0);
	unit_end();
}

static void test_notify_rules(void)
{
	uint64_t v = 0;

	unit_begin("virtio_pci_notify_rules");
	setup();
	vd_cfg_write(&drv, 0x04, 2, 0x0006);
	vd_find_caps(&drv);
	drv.bar = BAR_GPA;
	/* Before DRIVER_OK nothing reaches the device. */
	vd_wr(&drv, VIRTIO_PCI_NOTIFY_OFF, 2, 0);
	UNIT_CHECK(mock.notifies[0] == 0);
	bring_up();
	vd_kick(&drv, 0);
	UNIT_CHECK(mock.notifies[0] == 1);
	vd_wr(&drv, VIRTIO_PCI_NOTIFY_OFF + 4 * MOCK_QUEUES, 2, 0);  /* no such queue */
	UNIT_CHECK(vd_mmio(&drv, VIRTIO_PCI_NOTIFY_OFF + 1, 2, &v, true) == -EINVAL);
	UNIT_CHECK(vd_mmio(&drv, VIRTIO_PCI_NOTIFY_OFF, 1, &v, true) == -EINVAL);
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_NOTIFY_OFF, 2) == 0);
	/* A device error: NEEDS_RESET, configuration interrupt, queues off. */
	mock.notify_rc = -EINVAL;
	vd_kick(&drv, 2);
	UNIT_CHECK(vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_data[0] == VD_MSI_DATA);
	vd_kick(&drv, 2);
	UNIT_CHECK(mock.notifies[2] == 1 && tg_state.nmsi == 1);
	/* A guest error found by the virtqueue does the same. */
	mock.notify_rc = 0;
	mock.echo = true;
	vd_wr(&drv, VD_STAT, 1, 0);
	vd_bring_up(&drv, &host, MOCK_DEVNUM, virtio_pci_mmio(&mock.vp), BAR_GPA, 0, MOCK_QUEUES);
	tg_put16(drv.q[1].avail + 2, 200);
	vd_kick(&drv, 1);
	virtio_pci_notify_queue(&mock.vp, 1);
	UNIT_CHECK(vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	unit_end();
}

static void test_pci_cfg_capability(void)
{
	const unsigned cap = 0x90;

	unit_begin("virtio_pci_cfg_access_capability");
	bring_up();
	vd_cfg_write(&drv, 0x04, 2, 0x0004);       /* decoding off: the window still works */
	vd_cfg_write(&drv, cap + 4, 1, 0);
	vd_cfg_write(&drv, cap + 8, 4, VD_NUMQ);
	vd_cfg_write(&drv, cap + 12, 4, 2);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 2) == MOCK_QUEUES);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 8, 4) == VD_NUMQ && vd_cfg_read(&drv, cap + 12, 4) == 2);
	/* Write device_status 0 through it: the device resets. */
	vd_cfg_write(&drv, cap + 8, 4, VD_STAT);
	vd_cfg_write(&drv, cap + 12, 4, 1);
	vd_cfg_write(&drv, cap + 16, 1, 0);
	UNIT_CHECK(mock.vp.status == 0);
	/* Invalid windows do nothing. */
	vd_cfg_write(&drv, cap + 16, 4, 0xAABBCCDD);
	vd_cfg_write(&drv, cap + 12, 4, 3);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 4) == 0xAABBCCDD);
	vd_cfg_write(&drv, cap + 12, 4, 4);
	vd_cfg_write(&drv, cap + 8, 4, 2);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 4) == 0xAABBCCDD);
	vd_cfg_write(&drv, cap + 8, 4, VIRTIO_PCI_BAR_SIZE);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 4) == 0xAABBCCDD);
	vd_cfg_write(&drv, cap + 8, 4, 0);
	vd_cfg_write(&drv, cap + 4, 1, 1);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 4) == 0xAABBCCDD);
	/* A refused BAR access (byte read of a dword field) leaves data. */
	vd_cfg_write(&drv, cap + 4, 1, 0);
	vd_cfg_write(&drv, cap + 8, 4, 1);
	vd_cfg_write(&drv, cap + 12, 4, 1);
	UNIT_CHECK(vd_cfg_read(&drv, cap + 16, 4) == 0xAABBCCDD);
	unit_end();
}

static void test_odd_accesses(void)
{
	uint64_t v;
	const struct vdev_mmio *w;

	unit_begin("virtio_pci_odd_accesses");
	bring_up();
	w = virtio_pci_mmio(&mock.vp);
	/* Wrong widths on common fields are refused. */
	UNIT_CHECK(w->read(w->dev, VD_STAT, 2, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, VD_DF, 2, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, VD_DF + 1, 1, &v) == -EINVAL);
	UNIT_CHECK(w->write(w->dev, VD_QSEL, 4, 0) == -EINVAL);
	UNIT_CHECK(w->write(w->dev, VD_QDESC + 2, 2, 0) == -EINVAL);
	UNIT_CHECK(w->write(w->dev, VD_QDESC + 4, 8, 0) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, 0, 3, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, 0xFFF, 2, &v) == -EINVAL);            /* crosses a page */
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_BAR_SIZE, 4, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, ~0ull, 1, &v) == -EINVAL);
	/* Reserved offsets read 0 and ignore writes. */
	UNIT_CHECK(w->read(w->dev, 0x3C, 4, &v) == 0 && v == 0);
	UNIT_CHECK(w->write(w->dev, 0x800, 1, 0xFF) == 0);
	UNIT_CHECK(w->read(w->dev, 0x7FF8, 8, &v) == 0 && v == 0);
	/* Device configuration: within config_size only, naturally aligned. */
	UNIT_CHECK(w->write(w->dev, VIRTIO_PCI_DEVICE_OFF + 4, 4, 0x01020304) == 0);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_DEVICE_OFF + 6, 2, &v) == 0 && v == 0x0102);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_DEVICE_OFF + 6, 4, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_DEVICE_OFF + 1, 2, &v) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_DEVICE_OFF + 8, 4, &v) == 0 && v == 0);
	/* MSI-X table: dword or qword only; past the table reserved. */
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF, 2, &v) == -EINVAL);
	UNIT_CHECK(w->write(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF + 2, 4, 0) == -EINVAL);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF, 8, &v) == 0 && v == VD_MSI_ADDR);
	UNIT_CHECK(w->write(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF + 16 * 4, 4, 5) == 0);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF + 16 * 4, 4, &v) == 0 && v == 0);
	UNIT_CHECK(w->write(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF + 12, 4, 0xFFFFFFFE) == 0);
	UNIT_CHECK(w->read(w->dev, VIRTIO_PCI_MSIX_TABLE_OFF + 12, 4, &v) == 0 && v == 0);
	/* Configuration space: every offset and size reads back the same
	 * bytes as dword reads, and bad ones read all ones. */
	for (unsigned off = 0; off < 256; off++) {
		for (unsigned size = 1; size <= 4; size *= 2) {
			uint32_t got = virtio_pci_cfg_read(&mock.vp, off, size), want = 0;

			if (off % size || off >= 0x90) {
				continue;
			}
			for (unsigned i = 0; i < size; i++)
				want |= (virtio_pci_cfg_read(&mock.vp, (off + i) & ~3u, 4) >>
					 (8 * ((off + i) & 3)) & 0xFF) << (8 * i);
			if (got != want)
				unit_failf("cfg 0x%x/%u: 0x%x vs 0x%x", off, size, got, want);
		}
	}
	UNIT_CHECK(virtio_pci_cfg_read(&mock.vp, 1, 2) == 0xFFFFFFFFu);
	UNIT_CHECK(virtio_pci_cfg_read(&mock.vp, 0xFE, 4) == 0xFFFFFFFFu);
	UNIT_CHECK(virtio_pci_cfg_read(&mock.vp, 0, 3) == 0xFFFFFFFFu);
	unit_end();
}

/* Random accesses of every kind: no crash, no hang, no ASan report. */
static void test_random_accesses(void)
{
	uint64_t seed = 7;

	unit_begin("virtio_pci_random_accesses");
	bring_up();
	mock.echo = true;
	for (int i = 0; i < 200000 && !unit_state.failed; i++) {
		uint64_t r = test_rand(&seed), v = test_rand(&seed);
		unsigned size = 1u << (r & 3);
		uint64_t off = (r >> 8) % (VIRTIO_PCI_BAR_SIZE + 64);

		tg_state.accesses = 0;
		if (r & 16)
			mock.vp.mmio.read(&mock.vp, off, size, &v);
		else if ((r & 0x60) == 0x60)
			virtio_pci_cfg_write(&mock.vp, (unsigned)(r >> 40) % 256, size > 4 ? 4 : size,
					     (uint32_t)v);
		else
			mock.vp.mmio.write(&mock.vp, off % 0x6000, size, v);
		if ((r >> 20) % 1000 == 0)
			vd_bring_up(&drv, &host, MOCK_DEVNUM, virtio_pci_mmio(&mock.vp), BAR_GPA, ~0ull,
				    MOCK_QUEUES);
	}
	unit_end();
}

int main(void)
{
	test_identity();
	test_bar_sizing_and_window();
	test_capabilities();
	test_no_device_config();
	test_bring_up();
	test_feature_negotiation();
	test_status_machine();
	test_queue_rules();
	test_notify_and_msix();
	test_isr_without_msix();
	test_notify_rules();
	test_pci_cfg_capability();
	test_odd_accesses();
	test_random_accesses();
	test_phys_fini();
	return unit_exit_code();
}
