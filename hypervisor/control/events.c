/*
 * events.c - the control interface's event ring (MUXV_CTL_EVENTS_READ):
 * one global ring of struct muxv_event records that domain life-cycle
 * changes append to (control_event) and dom0 reads by sequence number.
 *
 * Locking: events_lock (a leaf, interrupts off) protects the ring, so an
 * event can be posted with any other lock held.
 */
#include <stdarg.h>
#include "ctl.h"
#include "hv/control.h"
#include "hv/seq_ring.h"
#include "hv/spinlock.h"
#include "hv/time.h"
#include "hv/fmt.h"
#include "hv/lib.h"

#define EVENT_RECORDS 512

static struct muxv_event records[EVENT_RECORDS];
static struct seq_ring ring = {
	.slots = (uint8_t *)records, .elem = sizeof(struct muxv_event),
	.nr = EVENT_RECORDS, .base = 0, .head = 0,
};
static struct spinlock events_lock = SPINLOCK_INIT;

void control_event(uint32_t domid, uint32_t type, const char *fmt, ...)
{
	struct muxv_event ev;
	va_list ap;

	memset(&ev, 0, sizeof(ev));
	ev.time_ns = time_now_ns();
	ev.domid = domid;
	ev.type = type;
	va_start(ap, fmt);
	fmt_vsnprintf(ev.detail, sizeof(ev.detail), fmt, ap);
	va_end(ap);
	uint64_t f = spin_lock_irqsave(&events_lock);
	ev.seq = ring.head;
	seq_ring_push(&ring, &ev, 1);
	spin_unlock_irqrestore(&events_lock, f);
}

int ctl_events_read(struct ctl_call *k)
{
	struct muxv_events *e = &k->c.u.events;
	int err = ctl_check_events(&k->c, &k->err_field);

	if (err)
		return err;
	uint64_t f = spin_lock_irqsave(&events_lock);
	e->count = seq_ring_read(&ring, &e->seq, k->buf,
				 k->buf_len / sizeof(struct muxv_event), &e->lost);
	spin_unlock_irqrestore(&events_lock, f);
	k->out_len = e->count * sizeof(struct muxv_event);
	return 0;
}
