/*
 * malformed.c - boot 1: requests the device must refuse by stopping
 * (DEVICE_NEEDS_RESET) while the domain runs on: 6 bytes of PFNs, 4097
 * PFNs, an 11-byte statistics buffer, a PFN array at the first byte past
 * RAM, an available index 200 ahead in a ring of 128. After each: a
 * checkpoint, then a device reset, after which the device must work.
 */
#include "driver.h"

#define PAGE RT_PAGE_SIZE

/* After a malformed request on queue q: the device must have stopped
 * (NEEDS_RESET) without returning anything, and work after a reset. */
static void expect_stopped(struct vb *vb, const char *act, unsigned cp, unsigned q,
			   uint16_t used_before, const char *what)
{
	struct vq *vq = &vb->q[q];

	vq_kick(vq);
	rt_delay_ns(100000000);
	uint8_t st = vb_status(vb);
	bool returned = vq->used->idx != used_before;
	rt_printf("hostile_balloon: %s: %s on queue %u -> status 0x%x%s\n", act, what, q, st,
		  returned ? ", buffer returned" : "");
	vb_checkpoint(vb, cp, act);
	bool restarted = vb_start(vb, 1u << VB_F_STATS_VQ | 1u << VB_F_REPORTING, 0xf);
	hb_judge(act, (st & VS_NEEDS_RESET) && !returned && restarted,
	         !(st & VS_NEEDS_RESET) ? "the device did not stop" : returned ?
	         "the malformed buffer came back used" : "the device did not restart", vb);
}

/* A malformed buffer on queue q: len bytes at gpa, or in the PFN array if
 * gpa is 0. */
static void malformed(struct vb *vb, const char *act, unsigned cp, unsigned q,
		      uint64_t gpa, uint32_t len)
{
	struct vq *vq = &vb->q[q];
	uint16_t used_before = vq->used->idx;
	uint32_t *arr = hb_array();
	char what[48];

	/* Well-formed PFNs (P, in the balloon): only the length is wrong, and
	 * a device that used them anyway would count them as ignored. */
	for (unsigned i = 0; i < HB_ARRAY_PAGES * PAGE / 4; i++)
		arr[i] = (uint32_t)(hb_area() / PAGE) + i % 16;
	if (!gpa)
		gpa = (uintptr_t)arr;
	vq_post(vq, gpa, len, false);
	rt_snprintf(what, sizeof(what), "%u bytes at 0x%lx", len, gpa);
	expect_stopped(vb, act, cp, q, used_before, what);
}

/* The available index pushed past everything the ring can hold: a
 * driver claiming 200 new buffers in a ring of 128. */
static void ring_overrun(struct vb *vb, unsigned cp)
{
	struct vq *vq = &vb->q[VB_Q_INFLATE];
	uint16_t used_before = vq->used->idx;

	vq->avail->idx = (uint16_t)(vq->next_avail + 200);
	expect_stopped(vb, "ring_overrun", cp, VB_Q_INFLATE, used_before,
		       "available index 200 ahead");
}

void hb_malformed(struct vb *vb, unsigned first_cp)
{
	malformed(vb, "odd_length", first_cp, VB_Q_INFLATE, 0, 6);
	malformed(vb, "too_long", first_cp + 1, VB_Q_INFLATE, 0, (VB_MAX_PFNS_PER_BUF + 1) * 4);
	malformed(vb, "stats_partial", first_cp + 2, VB_Q_STATS, 0, 11);
	malformed(vb, "buffer_outside_ram", first_cp + 3, VB_Q_INFLATE,
		  rt_boot_info()->mem_bytes, 1024);
	ring_overrun(vb, first_cp + 4);
}
