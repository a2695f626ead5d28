// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - poll() on /dev/muxvisor: readable when the hypervisor has
 * event records (MUXV_CTL_EVENTS_READ) beyond the seq this file last read.
 *
 * The hypervisor has no way to interrupt dom0 for an event, so the module
 * looks: while at least one task waits in poll()/select()/epoll on the
 * device, a delayed work item reads the event ring every MUXV_EV_POLL_MS
 * and wakes the waiters when it finds records newer than the newest it knew
 * (muxv_ev_head). A new event is therefore seen within MUXV_EV_POLL_MS plus
 * the worker's scheduling delay (docs/control-abi.md); nobody waiting costs
 * nothing.
 *
 * Ordering: a waiter is on muxv_ev_wq (poll_wait) before it compares the
 * heads, and the worker re-arms itself while the queue has sleepers, so a
 * record that arrives after the comparison is found by a later pass.
 */
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "muxv.h"

#define MUXV_EV_POLL_MS 50
#define MUXV_EV_BUF     PAGE_SIZE    /* records read per hypercall */
#define MUXV_EV_PASSES  64           /* calls per tick at most */

/* One past the seq of the newest record anybody has seen. */
static atomic64_t muxv_ev_head = ATOMIC64_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(muxv_ev_wq);
static void muxv_ev_tick(struct work_struct *work);
static DECLARE_DELAYED_WORK(muxv_ev_work, muxv_ev_tick);

/* Raises the head to one past the last of count records in buf. */
static bool muxv_ev_advance(const void *buf, u32 count)
{
	const struct muxv_event *ev = buf;
	u64 seq, old;

	if (!count)
		return false;
	seq = ev[count - 1].seq + 1;
	old = atomic64_read(&muxv_ev_head);
	while (seq > old) {
		u64 prev = atomic64_cmpxchg(&muxv_ev_head, old, seq);

		if (prev == old)
			return true;
		old = prev;
	}
	return false;
}

/* Reads the ring from the head on; returns whether the head moved. */
static bool muxv_ev_refresh(void)
{
	struct muxv_ctl *ctl = muxv_ctl_alloc(MUXV_CTL_EVENTS_READ);
	void *buf = kmalloc(MUXV_EV_BUF, GFP_KERNEL);
	bool moved = false;
	int i;

	if (!ctl || !buf)
		goto out;
	for (i = 0; i < MUXV_EV_PASSES; i++) {
		ctl->hdr.buf = __pa(buf);
		ctl->hdr.buf_len = MUXV_EV_BUF;
		ctl->hdr.buf_dir = MUXV_BUF_OUT;
		ctl->u.events = (struct muxv_events){ .seq = atomic64_read(&muxv_ev_head) };
		if (muxv_hc_control(ctl) || !muxv_ev_advance(buf, ctl->u.events.count))
			break;
		moved = true;
	}
out:
	kfree(buf);
	kfree(ctl);
	return moved;
}

static void muxv_ev_tick(struct work_struct *work)
{
	if (muxv_ev_refresh())
		wake_up_interruptible_all(&muxv_ev_wq);
	if (wq_has_sleeper(&muxv_ev_wq))
		schedule_delayed_work(&muxv_ev_work, msecs_to_jiffies(MUXV_EV_POLL_MS));
}

__poll_t muxv_poll(struct file *file, poll_table *pt)
{
	struct muxv_file *f = file->private_data;

	poll_wait(file, &muxv_ev_wq, pt);
	if (atomic64_read(&muxv_ev_head) > atomic64_read(&f->ev_seen))
		return EPOLLIN | EPOLLRDNORM;
	/* No-op when a tick is already pending. */
	schedule_delayed_work(&muxv_ev_work, 0);
	return 0;
}

void muxv_events_read_by(struct muxv_file *f, const struct muxv_ctl *ctl, const void *buf)
{
	u64 seq = ctl->u.events.seq, old = atomic64_read(&f->ev_seen);

	/* The hypervisor filled at most buf_len bytes. */
	if ((u64)ctl->u.events.count * sizeof(struct muxv_event) <= ctl->hdr.buf_len)
		muxv_ev_advance(buf, ctl->u.events.count);
	if (seq > old)
		atomic64_set(&f->ev_seen, seq);
}

void muxv_events_exit(void)
{
	cancel_delayed_work_sync(&muxv_ev_work);
}
