/*
 * steps.c - boot 1: what a driver may do wrong without losing its domain.
 * Each act is followed by a checkpoint (driver.h) at which the integration
 * test reads the hypervisor's figures; the guest judges what it can see
 * itself (buffers coming back, the device status) in PASS/FAIL lines
 * named hostile_balloon.<act>.
 *
 * Pages, as offsets (in pages) into the 16 MiB area (io.c):
 *   [0, want)   the legitimate inflate and deflate
 *   [0, 16)     P: inflated twice (duplicates), kept in the balloon
 *   100         Y: one PFN four times in one buffer
 *   [64, 72)    Z: deflated without ever being inflated
 *   [0, 32)     reported free twice: P is in the balloon, [16, 32) is not
 *   300         W: inflated after the flood
 * and the pages of its own inflate request (own_rings).
 * The malformed requests are in malformed.c.
 */
#include "driver.h"

#define PAGE          RT_PAGE_SIZE
#define OFF_Y         100
#define OFF_Z         64
#define OFF_W         300
#define PATTERN       0xa5a5a5a5u

static uint32_t pfn0;               /* the area's first PFN */

/* A well-behaved inflate of want pages and its deflate; the pages carry a
 * pattern before and must read zero afterwards (fresh pages). */
static void legit(struct vb *vb, uint32_t want)
{
	volatile uint32_t *first = (volatile uint32_t *)(uintptr_t)((uint64_t)pfn0 * PAGE);
	bool ok;

	if (want == 0 || want > HB_AREA_BYTES / PAGE)
		rt_abort(NAME, "first target asks for %u pages; want 1..%lu", want,
			 HB_AREA_BYTES / PAGE);
	for (uint32_t i = 0; i < want; i++)
		first[i * (PAGE / 4)] = PATTERN ^ i;
	ok = hb_pages(vb, VB_Q_INFLATE, pfn0, want);
	vb_set_actual(vb, want);
	rt_printf("hostile_balloon: inflated %u pages from PFN 0x%x\n", want, pfn0);
	if (vb_checkpoint(vb, 2, "inflated") != 0)
		rt_abort(NAME, "the second target must give num_pages 0");
	ok = ok && hb_pages(vb, VB_Q_DEFLATE, pfn0, want);
	vb_set_actual(vb, 0);
	uint32_t nonzero = 0;
	for (uint32_t i = 0; i < want; i++)
		nonzero += first[i * (PAGE / 4)] != 0;
	rt_printf("hostile_balloon: deflated them; %u of %u pages not zero\n", nonzero, want);
	hb_judge("legit", ok && nonzero == 0,
		 ok ? "deflated pages kept old contents" : "a buffer did not come back", vb);
}

/* P inflated, P again, and Y four times in one buffer. */
static void duplicates(struct vb *vb)
{
	uint32_t *arr = hb_array();
	struct vq *q = &vb->q[VB_Q_INFLATE];

	for (unsigned i = 0; i < 16; i++)
		arr[i] = arr[16 + i] = pfn0 + i;
	for (unsigned i = 0; i < 4; i++)
		arr[32 + i] = pfn0 + OFF_Y;
	bool ok = vq_post(q, (uintptr_t)arr, 64, false) &&
		  vq_post(q, (uintptr_t)(arr + 16), 64, false) &&
		  vq_post(q, (uintptr_t)(arr + 32), 16, false);
	vq_kick(q);
	ok = ok && vq_wait_used(q, 3, 10000);
	vb_set_actual(vb, 17);
	hb_judge("duplicates", ok && !(vb_status(vb) & VS_NEEDS_RESET),
	         "the buffers did not all come back", vb);
}

static void deflate_absent(struct vb *vb)
{
	bool ok = hb_pages(vb, VB_Q_DEFLATE, pfn0 + OFF_Z, 8);

	hb_judge("deflate_absent", ok && !(vb_status(vb) & VS_NEEDS_RESET),
	         "the buffer did not come back", vb);
}

/* A free page report of [0, 32), twice: P is ballooned, the rest
 * populated the first time and already dropped the second. */
static void report_ballooned(struct vb *vb)
{
	void *range = (void *)(uintptr_t)((uint64_t)pfn0 * PAGE);
	bool ok = hb_send(vb, VB_Q_REPORT, range, 32 * PAGE, true) &&
		  hb_send(vb, VB_Q_REPORT, range, 32 * PAGE, true);

	hb_judge("report_ballooned", ok && !(vb_status(vb) & VS_NEEDS_RESET),
	         "the buffer did not come back", vb);
}

/* Inflates the pages of its own request: the PFN array and the inflate
 * queue's descriptor table, available and used rings. The device reads
 * the array before it takes the pages; its used-ring write then lands in
 * a fresh page, and so does its next look at the available ring, which
 * now reads index 0: the ring is broken, the device stops (NEEDS_RESET).
 * The guest then reads all four pages: each must be a fresh zeroed page
 * (but for what the device wrote), never the old contents, which a vCPU
 * holding a stale nested TLB entry would still see in a page that went
 * back to the pool. The device is reset afterwards. */
static void own_rings(struct vb *vb)
{
	struct vq *q = &vb->q[VB_Q_INFLATE];
	uint32_t *arr = hb_array();
	uint16_t used_before = q->used->idx;

	arr[0] = (uint32_t)((uintptr_t)arr / PAGE);
	arr[1] = (uint32_t)((uintptr_t)q->desc / PAGE);
	arr[2] = (uint32_t)((uintptr_t)q->avail / PAGE);
	arr[3] = (uint32_t)((uintptr_t)q->used / PAGE);
	rt_printf("hostile_balloon: own_rings: inflating PFNs 0x%x 0x%x 0x%x 0x%x (PFN array, "
		  "descriptors, available ring, used ring)\n", arr[0], arr[1], arr[2], arr[3]);
	bool back = hb_send(vb, VB_Q_INFLATE, arr, 16, false);
	uint8_t st = vb_status(vb);
	uint32_t old = arr[0] | arr[1] | arr[2] | arr[3] | q->desc[0].len | q->avail->idx;
	uint16_t used = q->used->idx;
	rt_printf("hostile_balloon: own_rings: buffer %s, status 0x%x, used index %u -> %u, "
		  "old contents seen: 0x%x\n", back ? "returned" : "not returned", st, used_before,
		  used, old);
	bool restarted = vb_start(vb, 1u << VB_F_STATS_VQ | 1u << VB_F_REPORTING, 0xf);
	const char *why = !back ? "the buffer did not come back" :
			  !(st & VS_NEEDS_RESET) ? "the device went on with a zeroed ring" :
			  old ? "a ballooned page kept its contents" : "the device did not restart";
	hb_judge("own_rings", back && (st & VS_NEEDS_RESET) && old == 0 &&
		 used == (uint16_t)(used_before + 1) && restarted, why, vb);
}

/* Notifications of an empty queue, then rounds of a full queue of
 * duplicate PFNs (P sixteen times per buffer), then one page inflated. */
static void flood(struct vb *vb)
{
	uint64_t kicks = rt_param_u64("flood_kicks", 20000);
	uint64_t rounds = rt_param_u64("flood_rounds", 8);
	struct vq *q = &vb->q[VB_Q_INFLATE];
	uint32_t *arr = hb_array();
	bool ok = true;

	for (unsigned i = 0; i < 256; i++)
		arr[i] = pfn0 + i % 16;
	rt_printf("hostile_balloon: flood: %lu notifications, %lu rounds of %u buffers of "
		  "256 duplicate PFNs\n", kicks, rounds, VQ_SIZE);
	uint64_t t0 = rt_now_ns();
	for (uint64_t i = 0; i < kicks; i++)
		vq_kick(q);
	for (uint64_t r = 0; r < rounds && ok; r++) {
		for (unsigned i = 0; i < VQ_SIZE; i++)
			ok = ok && vq_post(q, (uintptr_t)arr, 256 * 4, false);
		vq_kick(q);
		ok = ok && vq_wait_used(q, VQ_SIZE, 60000);
	}
	rt_printf("hostile_balloon: flood done in %lu ms\n", (rt_now_ns() - t0) / 1000000);
	ok = ok && hb_pages(vb, VB_Q_INFLATE, pfn0 + OFF_W, 1);
	vb_set_actual(vb, 18);
	hb_judge("flood", ok && !(vb_status(vb) & VS_NEEDS_RESET),
	         "buffers did not come back, or the device stopped", vb);
}

void hb_boot_survivable(struct vb *vb)
{
	pfn0 = (uint32_t)(hb_area() / PAGE);
	if (!vb_start(vb, 1u << VB_F_STATS_VQ | 1u << VB_F_REPORTING, 0xf)) {
		rt_fail(NAME ".driver", "the device refused initialisation (status 0x%x)",
			vb_status(vb));
		return;
	}
	rt_pass(NAME ".driver");
	legit(vb, vb_checkpoint(vb, 1, "ready"));
	vb_checkpoint(vb, 3, "deflated");
	duplicates(vb);
	vb_checkpoint(vb, 4, "duplicates");
	deflate_absent(vb);
	vb_checkpoint(vb, 5, "deflate_absent");
	report_ballooned(vb);
	vb_checkpoint(vb, 6, "report_ballooned");
	hb_malformed(vb, 7);                 /* checkpoints 7-11 */
	own_rings(vb);
	vb_checkpoint(vb, 12, "own_rings");
	hb_tlb_race(vb);
	vb_checkpoint(vb, 13, "tlb_race");
	flood(vb);
	vb_checkpoint(vb, 14, "flood");
	rt_printf("hostile_balloon: rebooting with 18 pages in the balloon and 16 reported\n");
	rt_console_flush();
	int64_t rc = rt_hc_reboot();
	rt_error(NAME, "MUXV_HC_REBOOT returned %ld", rc);
}
