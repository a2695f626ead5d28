/*
 * vq.c - split virtqueues, driver side (virtio 1.2, 2.7), one descriptor
 * per chain and polled completion. The rings live in pages of their own
 * (descriptor table, available ring, used ring), which satisfies every
 * alignment rule (2.7.5-2.7.8).
 */
#include "driver.h"

static inline void wmb(void)
{
	__asm__ volatile("sfence" ::: "memory");
}

bool vq_alloc(struct vq *q, unsigned index)
{
	void *d = rt_page_alloc(), *a = rt_page_alloc(), *u = rt_page_alloc();

	if (!d || !a || !u)
		return false;
	q->index = index;
	q->size = VQ_SIZE;
	q->desc = d;
	q->avail = a;
	q->used = u;
	vq_clear(q);
	return true;
}

void vq_clear(struct vq *q)
{
	memset((void *)q->desc, 0, RT_PAGE_SIZE);
	memset((void *)q->avail, 0, RT_PAGE_SIZE);
	memset((void *)q->used, 0, RT_PAGE_SIZE);
	q->next_avail = 0;
	q->used_seen = 0;
}

bool vq_post(struct vq *q, uint64_t gpa, uint32_t len, bool device_writes)
{
	uint16_t slot = q->next_avail % q->size;

	if ((uint16_t)(q->next_avail - q->used_seen) >= q->size)
		return false;
	q->desc[slot].addr = gpa;
	q->desc[slot].len = len;
	q->desc[slot].flags = device_writes ? VQ_DESC_F_WRITE : 0;
	q->desc[slot].next = 0;
	q->avail->ring[slot] = slot;
	wmb();                                /* descriptor before the index (2.7.13) */
	q->avail->idx = ++q->next_avail;
	return true;
}

void vq_kick(struct vq *q)
{
	__asm__ volatile("mfence" ::: "memory");
	*q->notify = (uint16_t)q->index;
}

unsigned vq_pending_used(struct vq *q)
{
	return (uint16_t)(q->used->idx - q->used_seen);
}

bool vq_wait_used(struct vq *q, unsigned n, uint64_t timeout_ms)
{
	uint64_t end = rt_now_ns() + timeout_ms * 1000000ull;
	unsigned spins = 0;

	while (vq_pending_used(q) < n) {
		if (rt_now_ns() > end)
			return false;
		rt_relax(&spins);
	}
	q->used_seen = (uint16_t)(q->used_seen + n);
	return true;
}
