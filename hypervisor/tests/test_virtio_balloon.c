/*
 * test_virtio_balloon.c - host unit tests of the virtio balloon
 * (devices/virtio_balloon.c) on the virtio-pci transport: identity and
 * features, target and actual in the configuration, inflate and deflate
 * arrays handed to the owner in order, the statistics buffer protocol,
 * free page reporting ranges, buffers queued before DRIVER_OK, and hostile
 * drivers (odd arrays, oversized arrays, buffers outside RAM, owner
 * refusals, floods).
 */
#include "test_virtio_driver.h"
#include "../devices/pci_host.c"
#include "../devices/virtqueue.c"
#include "../devices/virtio_pci.c"
#include "../devices/virtio_pci_common.c"
#include "../devices/virtio_pci_msix.c"
#include "../devices/virtio_balloon.c"

#define DEVNUM   4
#define BAR_GPA  0xFEB00000ull
#define INFL     VIRTIO_BALLOON_INFLATE_QUEUE
#define DEFL     VIRTIO_BALLOON_DEFLATE_QUEUE
#define STATS    VIRTIO_BALLOON_STATS_QUEUE
#define REPORT   VIRTIO_BALLOON_REPORT_QUEUE
#define PFNBUF   0x80000ull
#define STATBUF  0x90000ull
#define ALL_FEATURES (1ull << VIRTIO_BALLOON_F_STATS_VQ | 1ull << VIRTIO_BALLOON_F_DEFLATE_ON_OOM | \
		      1ull << VIRTIO_BALLOON_F_REPORTING)

/* What the owner was told. */
struct owner {
	uint32_t inflated[8192], deflated[8192];
	unsigned ninfl, ndefl, calls;
	uint64_t rep_gpa[16], rep_len[16];
	unsigned nrep;
	unsigned nstats;
	uint32_t refuse_pfn;          /* inflate/deflate of it fails (0 = none) */
};

static struct owner own;
static struct virtio_balloon bal;
static struct pci_host host;
static struct vdrv drv;

static int record(uint32_t *list, unsigned *count, const uint32_t *pfns, unsigned n)
{
	own.calls++;
	if (n == 0 || n > VIRTIO_BALLOON_PFN_BATCH)
		unit_failf("batch of %u PFNs", n);
	for (unsigned i = 0; i < n; i++) {
		if (own.refuse_pfn && pfns[i] == own.refuse_pfn)
			return -EINVAL;
		if (*count < 8192)
			list[(*count)++] = pfns[i];
	}
	return 0;
}

static int own_inflate(void *ctx, const uint32_t *pfns, unsigned n)
{
	(void)ctx;
	return record(own.inflated, &own.ninfl, pfns, n);
}

static int own_deflate(void *ctx, const uint32_t *pfns, unsigned n)
{
	(void)ctx;
	return record(own.deflated, &own.ndefl, pfns, n);
}

static int own_report(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (own.nrep < 16) {
		own.rep_gpa[own.nrep] = gpa;
		own.rep_len[own.nrep] = len;
	}
	own.nrep++;
	return gpa == 0x1000 ? -EFAULT : 0;        /* the owner refuses this one */
}

static void own_stats(void *ctx, const struct virtio_balloon_stats *s)
{
	(void)ctx;
	(void)s;
	own.nstats++;
}

static const struct virtio_balloon_ops ops = {
	.ctx = &own, .inflate = own_inflate, .deflate = own_deflate,
	.report = own_report, .stats = own_stats,
};

static void attach(void)
{
	struct vdev_pci_fn fn;

	tg_reset();
	memset(&own, 0, sizeof(own));
	if (virtio_balloon_init(&bal, &tg_env, &ops) != 0)
		unit_failf("virtio_balloon_init failed");
	virtio_pci_set_bar(&bal.vp, BAR_GPA);
	pci_host_init(&host);
	fn = virtio_pci_fn(&bal.vp);
	pci_host_attach(&host, DEVNUM, &fn);
}

static void bring_up(void)
{
	vd_bring_up(&drv, &host, DEVNUM, virtio_pci_mmio(&bal.vp), BAR_GPA, ALL_FEATURES,
		    VIRTIO_BALLOON_NUM_QUEUES);
}

/* The driver sends n PFNs starting at first (step apart) on queue q. */
static void send_pfns(unsigned q, uint32_t first, unsigned n, uint32_t step, bool kick)
{
	uint64_t at = PFNBUF + 0x4000ull * (drv.q[q].free_head % 4);

	for (unsigned i = 0; i < n; i++) {
		uint32_t pfn = first + i * step;

		memcpy(tg_ptr(at + 4ull * i), &pfn, 4);
	}
	tdrv_add(&drv.q[q], at, n * 4, 1, 0);
	if (kick)
		vd_kick(&drv, q);
}

/* The driver fills its stats buffer with tag t = value 1000 + t. */
static void offer_stats(unsigned nentries, bool kick)
{
	for (unsigned i = 0; i < nentries; i++) {
		uint16_t tag = (uint16_t)i;
		uint64_t val = 1000 + i;

		memcpy(tg_ptr(STATBUF + 10ull * i), &tag, 2);
		memcpy(tg_ptr(STATBUF + 10ull * i + 2), &val, 8);
	}
	drv.q[STATS].free_head = 0;
	tdrv_add(&drv.q[STATS], STATBUF, 10 * nentries, 1, 0);
	if (kick)
		vd_kick(&drv, STATS);
}

static bool needs_reset(void)
{
	return vd_status(&drv) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

static void test_identity(void)
{
	unit_begin("virtio_balloon_identity");
	attach();
	drv.host = &host;
	drv.devnum = DEVNUM;
	UNIT_CHECK(vd_cfg_read(&drv, 0x00, 4) == 0x10451AF4u);
	bring_up();
	UNIT_CHECK(drv.features == (ALL_FEATURES | 1ull << VIRTIO_F_VERSION_1));
	UNIT_CHECK(drv.device_len == 16);
	UNIT_CHECK(vd_rd(&drv, drv.common + VD_NUMQ, 2) == VIRTIO_BALLOON_NUM_QUEUES);
	/* Not offered: MUST_TELL_HOST, FREE_PAGE_HINT, PAGE_POISON. */
	vd_wr(&drv, drv.common + VD_DFSEL, 4, 0);
	UNIT_CHECK((vd_rd(&drv, drv.common + VD_DF, 4) & 0x19) == 0);
	unit_end();
}

static void test_target_and_actual(void)
{
	unit_begin("virtio_balloon_target_and_actual");
	attach();
	bring_up();
	tg_state.nmsi = 0;
	virtio_balloon_set_target(&bal, 12345);
	UNIT_CHECK(vd_rd(&drv, drv.device + 0, 4) == 12345);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_data[0] == VD_MSI_DATA);  /* config vector */
	virtio_balloon_set_target(&bal, 12345);                              /* no change */
	UNIT_CHECK(tg_state.nmsi == 1);
	vd_wr(&drv, drv.device + 4, 4, 777);                                 /* actual */
	UNIT_CHECK(bal.actual == 777 && vd_rd(&drv, drv.device + 4, 4) == 777);
	vd_wr(&drv, drv.device + 0, 4, 1);                                   /* read-only */
	vd_wr(&drv, drv.device + 12, 4, 0xaa);
	UNIT_CHECK(bal.num_pages == 12345 && vd_rd(&drv, drv.device + 12, 4) == 0);
	/* A reset forgets actual, keeps the target. */
	vd_wr(&drv, drv.common + VD_STAT, 1, 0);
	UNIT_CHECK(bal.actual == 0 && bal.num_pages == 12345);
	unit_end();
}

static void test_inflate_deflate(void)
{
	uint32_t id, len;

	unit_begin("virtio_balloon_inflate_deflate");
	attach();
	bring_up();
	send_pfns(INFL, 0x100, 256, 1, true);            /* Linux's largest array */
	UNIT_CHECK(own.ninfl == 256 && own.inflated[0] == 0x100 && own.inflated[255] == 0x1ff);
	UNIT_CHECK(own.calls == 4);                      /* batches of 64 */
	UNIT_CHECK(tdrv_get_used(&drv.q[INFL], &id, &len) == 1 && len == 0);
	UNIT_CHECK(bal.inflated == 256);
	send_pfns(DEFL, 0x100, 3, 2, true);
	UNIT_CHECK(own.ndefl == 3 && own.deflated[2] == 0x104 && bal.deflated == 3);
	UNIT_CHECK(tdrv_get_used(&drv.q[DEFL], &id, &len) == 1);
	/* Several chains per kick, odd sizes. */
	send_pfns(INFL, 0x1000, 65, 1, false);
	send_pfns(INFL, 0x2000, 1, 1, true);
	UNIT_CHECK(own.ninfl == 256 + 66 && own.inflated[256 + 65] == 0x2000);
	UNIT_CHECK(!needs_reset());
	/* An empty array is harmless. */
	tdrv_add(&drv.q[INFL], PFNBUF, 0, 1, 0);
	vd_kick(&drv, INFL);
	UNIT_CHECK(!needs_reset() && own.ninfl == 322);
	unit_end();
}

static void test_stats(void)
{
	uint32_t id, len;

	unit_begin("virtio_balloon_stats");
	attach();
	bring_up();
	UNIT_CHECK(virtio_balloon_request_stats(&bal) == -EAGAIN);   /* nothing held */
	offer_stats(VIRTIO_BALLOON_S_NR, true);
	UNIT_CHECK(own.nstats == 1 && bal.stats.updates == 1 && bal.stats_held);
	UNIT_CHECK(bal.stats.valid == (1u << VIRTIO_BALLOON_S_NR) - 1);
	UNIT_CHECK(bal.stats.val[VIRTIO_BALLOON_S_MEMFREE] == 1004 &&
		   bal.stats.val[VIRTIO_BALLOON_S_AVAIL] == 1006);
	/* The buffer is held, not returned, until the owner asks. */
	UNIT_CHECK(tdrv_get_used(&drv.q[STATS], &id, &len) == 0);
	tg_state.nmsi = 0;
	UNIT_CHECK(virtio_balloon_request_stats(&bal) == 0);
	UNIT_CHECK(tdrv_get_used(&drv.q[STATS], &id, &len) == 1 && len == 0);
	UNIT_CHECK(tg_state.nmsi == 1 && tg_state.msi_data[0] == VD_MSI_DATA + 1 + STATS);
	UNIT_CHECK(virtio_balloon_request_stats(&bal) == -EAGAIN);   /* outstanding */
	/* Unknown tags are skipped; a short buffer updates what it has. */
	uint16_t tag = 77;
	uint64_t val = 5;
	memcpy(tg_ptr(STATBUF), &tag, 2);
	memcpy(tg_ptr(STATBUF + 2), &val, 8);
	drv.q[STATS].free_head = 0;
	tdrv_add(&drv.q[STATS], STATBUF, 10, 1, 0);
	vd_kick(&drv, STATS);
	UNIT_CHECK(own.nstats == 2 && bal.stats.updates == 2 && !needs_reset());
	UNIT_CHECK(bal.stats.val[VIRTIO_BALLOON_S_MEMFREE] == 1004);
	/* Not a whole number of entries: a guest error. */
	drv.q[STATS].free_head = 0;
	tdrv_add(&drv.q[STATS], STATBUF, 15, 1, 0);
	vd_kick(&drv, STATS);
	UNIT_CHECK(needs_reset() && !bal.stats_held);
	unit_end();
}

static void test_report(void)
{
	uint32_t id, len;

	unit_begin("virtio_balloon_free_page_report");
	attach();
	bring_up();
	/* Two device-writable ranges in one chain, as Linux's scatterlist. */
	tdrv_set_desc(&drv.q[REPORT], 0, 0x200000, 0x200000, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	tdrv_set_desc(&drv.q[REPORT], 1, 0x600000, 0x400000, VIRTQ_DESC_F_WRITE, 0);
	tdrv_offer(&drv.q[REPORT], 0);
	vd_kick(&drv, REPORT);
	UNIT_CHECK(own.nrep == 2 && own.rep_gpa[0] == 0x200000 && own.rep_len[0] == 0x200000 &&
		   own.rep_gpa[1] == 0x600000 && own.rep_len[1] == 0x400000);
	UNIT_CHECK(tdrv_get_used(&drv.q[REPORT], &id, &len) == 1 && id == 0);
	UNIT_CHECK(bal.reported_bytes == 0x600000 && !needs_reset());
	/* The owner refuses a range: the device needs a reset. */
	tdrv_set_desc(&drv.q[REPORT], 2, 0x1000, 0x1000, VIRTQ_DESC_F_WRITE, 0);
	tdrv_offer(&drv.q[REPORT], 2);
	vd_kick(&drv, REPORT);
	UNIT_CHECK(needs_reset() && own.nrep == 3);
	unit_end();
}

/* Linux offers its stats buffer and may inflate before DRIVER_OK. */
static void test_before_driver_ok(void)
{
	unit_begin("virtio_balloon_queues_before_driver_ok");
	attach();
	drv.host = &host;
	drv.devnum = DEVNUM;
	bring_up();
	/* Start again without DRIVER_OK, queue work, then set it. */
	vd_wr(&drv, drv.common + VD_STAT, 1, 0);
	vd_add_status(&drv, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vd_wr(&drv, drv.common + VD_GFSEL, 4, 0);
	vd_wr(&drv, drv.common + VD_GF, 4, (uint32_t)ALL_FEATURES);
	vd_wr(&drv, drv.common + VD_GFSEL, 4, 1);
	vd_wr(&drv, drv.common + VD_GF, 4, 1);
	vd_add_status(&drv, VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < VIRTIO_BALLOON_NUM_QUEUES; q++) {
		vd_setup_queue(&drv, q, 0x20000 + 0x10000ull * q, 16);
		vd_wr(&drv, drv.common + VD_QEN, 2, 1);
	}
	offer_stats(6, true);
	send_pfns(INFL, 0x300, 10, 1, true);
	UNIT_CHECK(own.nstats == 0 && own.ninfl == 0);
	vd_add_status(&drv, VIRTIO_STATUS_DRIVER_OK);
	UNIT_CHECK(own.nstats == 1 && own.ninfl == 10 && bal.stats_held);
	unit_end();
}

static void test_hostile(void)
{
	unit_begin("virtio_balloon_hostile_driver");
	/* A PFN array that is not whole PFNs. */
	attach();
	bring_up();
	tdrv_add(&drv.q[INFL], PFNBUF, 6, 1, 0);
	vd_kick(&drv, INFL);
	UNIT_CHECK(needs_reset() && own.ninfl == 0);
	/* More PFNs than any driver sends in one buffer. */
	attach();
	bring_up();
	tdrv_add(&drv.q[INFL], PFNBUF, 4 * (VIRTIO_BALLOON_MAX_PFNS_PER_BUF + 1), 1, 0);
	vd_kick(&drv, INFL);
	UNIT_CHECK(needs_reset() && own.ninfl == 0);
	/* An array outside guest RAM. */
	attach();
	bring_up();
	tdrv_set_desc(&drv.q[DEFL], 0, TG_RAM_SIZE - 8, 64, 0, 0);
	tdrv_offer(&drv.q[DEFL], 0);
	vd_kick(&drv, DEFL);
	UNIT_CHECK(needs_reset());
	/* The owner refuses a PFN (not the guest's): stop at once, and later
	 * kicks do nothing until a reset. */
	attach();
	bring_up();
	own.refuse_pfn = 0x105;
	send_pfns(INFL, 0x100, 10, 1, true);
	UNIT_CHECK(needs_reset() && own.ninfl == 5);
	send_pfns(INFL, 0x200, 10, 1, true);
	UNIT_CHECK(own.ninfl == 5);
	memset(tg_ptr(0x20000), 0, 0x40000);        /* fresh rings, as a driver allocates */
	vd_bring_up(&drv, &host, DEVNUM, virtio_pci_mmio(&bal.vp), BAR_GPA, ALL_FEATURES,
		    VIRTIO_BALLOON_NUM_QUEUES);
	send_pfns(INFL, 0x200, 10, 1, true);
	UNIT_CHECK(!needs_reset() && own.ninfl == 15);
	/* A flood: the same chain offered more times than the queue holds is
	 * served at most a queue's worth per kick. */
	attach();
	bring_up();
	uint32_t pfn = 0x42;
	memcpy(tg_ptr(PFNBUF), &pfn, 4);
	tdrv_set_desc(&drv.q[INFL], 0, PFNBUF, 4, 0, 0);
	for (int i = 0; i < 3 * VIRTIO_BALLOON_QUEUE_SIZE; i++)
		tdrv_offer(&drv.q[INFL], 0);
	vd_kick(&drv, INFL);
	UNIT_CHECK(own.ninfl <= VIRTIO_BALLOON_QUEUE_SIZE);
	unit_end();
}

int main(void)
{
	test_identity();
	test_target_and_actual();
	test_inflate_deflate();
	test_stats();
	test_report();
	test_before_driver_ok();
	test_hostile();
	test_phys_fini();
	return unit_exit_code();
}
