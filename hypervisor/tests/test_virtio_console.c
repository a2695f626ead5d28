/*
 * test_virtio_console.c - host unit tests of virtio-console
 * (devices/virtio_console.c) on the virtio-pci transport behind the PCI
 * host bridge: a driver-side bring-up like Linux's, transmitted bytes on
 * console_out, input into receive buffers (before and after the driver
 * posts them), MSI-X delivery, emergency writes, and hostile transmit
 * rings.
 */
#include "test_virtio_driver.h"
#include "../devices/pci_host.c"
#include "../devices/virtqueue.c"
#include "../devices/virtio_pci.c"
#include "../devices/virtio_pci_common.c"
#include "../devices/virtio_pci_msix.c"
#include "../devices/virtio_console.c"

#define DEVNUM   3
#define BAR_GPA  0xFEB00000ull
#define RX       VIRTIO_CONSOLE_RX_QUEUE
#define TX       VIRTIO_CONSOLE_TX_QUEUE
#define TXBUF    0x80000ull
#define RXBUF    0xA0000ull

static struct virtio_console con;
static struct pci_host host;
static struct vdrv drv;

static void attach(void)
{
	struct vdev_pci_fn fn;

	tg_reset();
	if (virtio_console_init(&con, &tg_env) != 0)
		unit_failf("virtio_console_init failed");
	virtio_pci_set_bar(&con.vp, BAR_GPA);
	pci_host_init(&host);
	fn = virtio_pci_fn(&con.vp);
	pci_host_attach(&host, DEVNUM, &fn);
}

static void bring_up(uint64_t want)
{
	vd_bring_up(&drv, &host, DEVNUM, virtio_pci_mmio(&con.vp), BAR_GPA, want, 2);
}

/* The guest sends text as one buffer on transmitq. */
static void guest_send(const char *text)
{
	size_t len = strlen(text);

	memcpy(tg_ptr(TXBUF), text, len);
	drv.q[TX].free_head = 0;
	tdrv_add(&drv.q[TX], TXBUF, (uint32_t)len, 1, 0);
	vd_kick(&drv, TX);
}

/* The guest posts n receive buffers of len bytes each (like fill_queue). */
static void guest_post_rx(unsigned n, uint32_t len)
{
	for (unsigned i = 0; i < n; i++)
		tdrv_add(&drv.q[RX], RXBUF + 0x1000ull * (drv.q[RX].free_head % 16), len, 0, 1);
	vd_kick(&drv, RX);
}

/* Everything the guest has received so far, appended to out. */
static size_t guest_recv(char *out, size_t cap)
{
	uint32_t id, len;
	size_t n = 0;

	while (tdrv_get_used(&drv.q[RX], &id, &len) == 1) {
		struct virtq_desc d;

		memcpy(&d, tg_ptr(drv.q[RX].desc + 16ull * id), sizeof(d));
		if (n + len > cap)
			return n;
		memcpy(out + n, tg_ptr(d.addr), len);
		n += len;
	}
	return n;
}

static void test_identity(void)
{
	unit_begin("virtio_console_identity");
	attach();
	drv.host = &host;
	drv.devnum = DEVNUM;
	UNIT_CHECK(vd_cfg_read(&drv, 0x00, 4) == 0x10431AF4u);
	UNIT_CHECK(vd_cfg_read(&drv, 0x08, 4) >> 8 == 0x078000);
	bring_up(~0ull);
	UNIT_CHECK(drv.features == (1ull << VIRTIO_CONSOLE_F_EMERG_WRITE |
				    1ull << VIRTQ_F_INDIRECT_DESC | 1ull << VIRTQ_F_EVENT_IDX |
				    1ull << VIRTIO_F_VERSION_1));
	UNIT_CHECK(drv.device_len == 12);
	UNIT_CHECK(vd_rd(&drv, drv.device + 4, 4) == 1);              /* max_nr_ports */
	UNIT_CHECK(vd_rd(&drv, drv.device + 0, 2) == 0 && vd_rd(&drv, drv.device + 2, 2) == 0);
	UNIT_CHECK(vd_rd(&drv, drv.common + VD_NUMQ, 2) == 2);
	UNIT_CHECK(drv.q[RX].size == VIRTIO_CONSOLE_QUEUE_SIZE);
	unit_end();
}

static void test_transmit(void)
{
	unit_begin("virtio_console_transmit");
	attach();
	bring_up(~0ull);
	guest_send("hello, world\n");
	UNIT_CHECK(tg_state.nout == 13 && memcmp(tg_state.out, "hello, world\n", 13) == 0);
	uint32_t id, len;
	UNIT_CHECK(tdrv_get_used(&drv.q[TX], &id, &len) == 1 && id == 0 && len == 0);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_addr[0] == VD_MSI_ADDR &&
		   tg_state.msi_data[0] == VD_MSI_DATA + 1 + TX);
	/* Several chains in one kick, one of them split over descriptors. */
	memcpy(tg_ptr(TXBUF), "abcdefgh", 8);
	drv.q[TX].free_head = 4;
	tdrv_add(&drv.q[TX], TXBUF, 4, 2, 0);
	tdrv_add(&drv.q[TX], TXBUF, 2, 1, 0);
	vd_kick(&drv, TX);
	UNIT_CHECK(tg_state.nout == 23 && memcmp(tg_state.out + 13, "abcdefghab", 10) == 0);
	/* A long buffer arrives whole, in order. */
	char big[3000];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('A' + i % 26);
	big[sizeof(big) - 1] = 0;
	tg_state.nout = 0;
	guest_send(big);
	UNIT_CHECK(tg_state.nout == sizeof(big) - 1 && memcmp(tg_state.out, big, sizeof(big) - 1) == 0);
	unit_end();
}

static void test_receive(void)
{
	char got[256];
	size_t n;

	unit_begin("virtio_console_receive");
	attach();
	bring_up(~0ull);
	/* No buffers yet: input waits. */
	UNIT_CHECK(virtio_console_input(&con, "ls\n", 3) == 3);
	UNIT_CHECK(guest_recv(got, sizeof(got)) == 0);
	guest_post_rx(4, 64);
	n = guest_recv(got, sizeof(got));
	UNIT_CHECK(n == 3 && memcmp(got, "ls\n", 3) == 0);
	UNIT_CHECK(tg_state.nmsi >= 1 && tg_state.msi_data[tg_state.nmsi - 1] == VD_MSI_DATA + 1 + RX);
	/* With buffers posted, input goes straight in. */
	UNIT_CHECK(virtio_console_input(&con, "pwd\n", 4) == 4);
	n = guest_recv(got, sizeof(got));
	UNIT_CHECK(n == 4 && memcmp(got, "pwd\n", 4) == 0);
	/* Input larger than a buffer spreads over several. */
	char line[150];
	memset(line, 'x', sizeof(line));
	UNIT_CHECK(virtio_console_input(&con, line, sizeof(line)) == sizeof(line));
	n = guest_recv(got, sizeof(got));
	UNIT_CHECK(n == 128 && con.in_len == 22);                    /* two buffers left */
	guest_post_rx(1, 64);
	n = guest_recv(got, sizeof(got));
	UNIT_CHECK(n == 22 && con.in_len == 0);
	unit_end();
}

/* Input typed before the driver exists, and more than the ring holds. */
static void test_input_before_driver(void)
{
	static char lots[VIRTIO_CONSOLE_INPUT_SIZE + 100];
	static char got[VIRTIO_CONSOLE_INPUT_SIZE + 100];
	size_t n = 0;

	unit_begin("virtio_console_input_before_driver");
	attach();
	for (size_t i = 0; i < sizeof(lots); i++)
		lots[i] = (char)(i * 7);
	UNIT_CHECK(virtio_console_input(&con, lots, sizeof(lots)) == VIRTIO_CONSOLE_INPUT_SIZE);
	UNIT_CHECK(virtio_console_input_room(&con) == 0);
	UNIT_CHECK(virtio_console_input(&con, lots, 1) == 0);
	bring_up(~0ull);
	for (int round = 0; round < 20 && n < VIRTIO_CONSOLE_INPUT_SIZE; round++) {
		guest_post_rx(8, 100);
		n += guest_recv(got + n, sizeof(got) - n);
		if (round == 2)                  /* the ring wraps while it drains */
			UNIT_CHECK(virtio_console_input(&con, lots + VIRTIO_CONSOLE_INPUT_SIZE, 100) == 100);
	}
	UNIT_CHECK(n == sizeof(lots) && memcmp(got, lots, n) == 0);
	UNIT_CHECK(virtio_console_input_room(&con) == VIRTIO_CONSOLE_INPUT_SIZE);
	unit_end();
}

static void test_emergency_write(void)
{
	unit_begin("virtio_console_emergency_write");
	attach();
	drv.host = &host;
	drv.devnum = DEVNUM;
	drv.win = virtio_pci_mmio(&con.vp);
	drv.bar = BAR_GPA;
	vd_cfg_write(&drv, 0x04, 2, 0x0002);
	vd_wr(&drv, VIRTIO_PCI_DEVICE_OFF + 8, 4, '!');            /* before any set-up */
	vd_wr(&drv, VIRTIO_PCI_DEVICE_OFF + 8, 4, 0x100 | '?');
	UNIT_CHECK(tg_state.nout == 2 && memcmp(tg_state.out, "!?", 2) == 0);
	vd_wr(&drv, VIRTIO_PCI_DEVICE_OFF + 4, 4, 9);               /* read-only */
	UNIT_CHECK(vd_rd(&drv, VIRTIO_PCI_DEVICE_OFF + 4, 4) == 1 && tg_state.nout == 2);
	unit_end();
}

/* Output queued before DRIVER_OK is sent when it is set; a reset keeps
 * input; bring-up again works. */
static void test_driver_ok_and_reset(void)
{
	char got[16];

	unit_begin("virtio_console_driver_ok_and_reset");
	attach();
	bring_up(~0ull);
	vd_wr(&drv, drv.common + VD_STAT, 1, 0);
	UNIT_CHECK(virtio_console_input(&con, "hi", 2) == 2);
	vd_bring_up(&drv, &host, DEVNUM, virtio_pci_mmio(&con.vp), BAR_GPA, ~0ull, 2);
	guest_post_rx(2, 16);
	UNIT_CHECK(guest_recv(got, sizeof(got)) == 2 && memcmp(got, "hi", 2) == 0);
	/* The guest queues output, then sets DRIVER_OK late. */
	vd_wr(&drv, drv.common + VD_STAT, 1, 0);
	drv.bar = BAR_GPA;
	vd_wr(&drv, drv.common + VD_STAT, 1, 0x03);
	vd_wr(&drv, drv.common + VD_GFSEL, 4, 1);
	vd_wr(&drv, drv.common + VD_GF, 4, 1);
	vd_add_status(&drv, VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		vd_setup_queue(&drv, q, 0x20000 + 0x10000ull * q, 16);
		vd_wr(&drv, drv.common + VD_QEN, 2, 1);
	}
	tg_state.nout = 0;
	guest_send("early");
	UNIT_CHECK(tg_state.nout == 0);
	vd_add_status(&drv, VIRTIO_STATUS_DRIVER_OK);
	UNIT_CHECK(tg_state.nout == 5 && memcmp(tg_state.out, "early", 5) == 0);
	unit_end();
}

static void test_hostile_transmit(void)
{
	unit_begin("virtio_console_hostile_transmit");
	/* A huge buffer: at most VIRTIO_CONSOLE_TX_MAX bytes are shown. */
	attach();
	bring_up(~0ull);
	tdrv_set_desc(&drv.q[TX], 0, 0, 0xFFFFFFFF, 0, 0);
	tdrv_offer(&drv.q[TX], 0);
	tg_state.nout_total = 0;
	vd_kick(&drv, TX);
	UNIT_CHECK(tg_state.nout_total == VIRTIO_CONSOLE_TX_MAX);
	UNIT_CHECK(!(vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	/* A buffer outside RAM: DEVICE_NEEDS_RESET and a config interrupt. */
	tdrv_set_desc(&drv.q[TX], 1, TG_RAM_SIZE + 4096, 16, 0, 0);
	tdrv_offer(&drv.q[TX], 1);
	tg_state.nmsi = 0;
	vd_kick(&drv, TX);
	UNIT_CHECK(vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_data[0] == VD_MSI_DATA);
	/* Input while the device needs a reset stays queued. */
	UNIT_CHECK(virtio_console_input(&con, "x", 1) == 1 && con.in_len == 1);
	/* A descriptor loop on transmitq: an error, quickly. */
	attach();
	bring_up(~0ull);
	tdrv_set_desc(&drv.q[TX], 0, TXBUF, 4, VIRTQ_DESC_F_NEXT, 1);
	tdrv_set_desc(&drv.q[TX], 1, TXBUF, 4, VIRTQ_DESC_F_NEXT, 0);
	tdrv_offer(&drv.q[TX], 0);
	tg_state.accesses = 0;
	vd_kick(&drv, TX);
	UNIT_CHECK(vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	UNIT_CHECK(tg_state.accesses < 1000 && tg_state.nout == 0);
	/* A receive chain with no writable part takes nothing. */
	attach();
	bring_up(~0ull);
	tdrv_add(&drv.q[RX], RXBUF, 64, 1, 0);
	vd_kick(&drv, RX);
	UNIT_CHECK(virtio_console_input(&con, "abc", 3) == 3);
	uint32_t id, len;
	UNIT_CHECK(tdrv_get_used(&drv.q[RX], &id, &len) == 1 && len == 0 && con.in_len == 3);
	/* A driver that re-offers the same chain forever is served at most a
	 * queue's worth per kick. */
	attach();
	bring_up(~0ull);
	memcpy(tg_ptr(TXBUF), "z", 1);
	tdrv_set_desc(&drv.q[TX], 0, TXBUF, 1, 0, 0);
	for (int i = 0; i < 128; i++)
		tdrv_offer(&drv.q[TX], 0);
	tg_state.nout = 0;
	vd_kick(&drv, TX);
	UNIT_CHECK(tg_state.nout == 128);
	unit_end();
}

int main(void)
{
	test_identity();
	test_transmit();
	test_receive();
	test_input_before_driver();
	test_emergency_write();
	test_driver_ok_and_reset();
	test_hostile_transmit();
	test_phys_fini();
	return unit_exit_code();
}
