/*
 * dom_console.c - domain console lines on the serial console (see
 * hv/dom_console.h). Each source (a vCPU, a device) builds its own line,
 * so two sources writing at once never mix within a line.
 */
#include "hv/dom_console.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/log.h"
#include "hv/time.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

int dom_console_init(struct domain *d)
{
	uint64_t pa = page_alloc_zeroed(DOM_CONSOLE_RING_ORDER);

	if (!pa)
		return -ENOMEM;
	d->console_pa = pa;
	d->console_lock = (struct spinlock)SPINLOCK_INIT;
	seq_ring_init(&d->console, phys_to_virt(pa), 1, DOM_CONSOLE_RING_SIZE, 0);
	token_bucket_init(&d->console_rate, DOM_CONSOLE_HC_RATE, DOM_CONSOLE_HC_BURST,
			  time_now_ns());
	d->console_dropped = 0;
	d->console_limited = false;
	return 0;
}

void dom_console_free(struct domain *d)
{
	if (d->console_pa)
		page_free(d->console_pa, DOM_CONSOLE_RING_ORDER);
	d->console_pa = 0;
}

/* Keeps the bytes for dom0 (a domain being built has no ring yet). */
static void ring_push(struct domain *d, const char *buf, size_t n)
{
	if (!d->console_pa)
		return;
	uint64_t f = spin_lock_irqsave(&d->console_lock);
	seq_ring_push(&d->console, buf, n);
	spin_unlock_irqrestore(&d->console_lock, f);
}

uint32_t dom_console_read(struct domain *d, uint64_t *seq, void *buf, uint32_t max,
			  uint64_t *lost)
{
	uint64_t f = spin_lock_irqsave(&d->console_lock);
	uint32_t n = seq_ring_read(&d->console, seq, buf, max, lost);

	spin_unlock_irqrestore(&d->console_lock, f);
	return n;
}

static void print_line(struct domain *d, const struct dom_console_line *l)
{
	log_raw("[d%u %s] %.*s\n", d->id, d->cfg.name, (int)l->len, l->buf);
}

static void flush_line(struct domain *d, struct dom_console_line *l)
{
	print_line(d, l);
	l->len = 0;
	l->shown = 0;
}

void dom_console_feed(struct domain *d, struct dom_console_line *l,
		      const char *buf, size_t n)
{
	ring_push(d, buf, n);
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\n') {
			flush_line(d, l);
			continue;
		}
		if (c == '\r')
			continue;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			c = '?';
		l->last_ns = time_now_ns();
		l->buf[l->len++] = c;
		if (l->len == DOM_CONSOLE_LINE_MAX)
			flush_line(d, l);
	}
}

void dom_console_flush_stale(struct domain *d, struct dom_console_line *l)
{
	if (l->len > l->shown && time_now_ns() - l->last_ns >= DOM_CONSOLE_PARTIAL_NS) {
		print_line(d, l);
		l->shown = l->len;
	}
}

void dom_console_write(struct vcpu *v, const char *buf, size_t n)
{
	dom_console_feed(v->dom, &v->console, buf, n);
}

size_t dom_console_hc_admit(struct domain *d, size_t want)
{
	uint64_t now = time_now_ns();
	uint64_t f = spin_lock_irqsave(&d->console_lock);

	/* Quiet long enough to fill the bucket: a new flood is logged again
	 * (so at most one line every BURST / RATE seconds). */
	if (token_bucket_level(&d->console_rate, now) == DOM_CONSOLE_HC_BURST)
		d->console_limited = false;
	size_t n = (size_t)token_bucket_take(&d->console_rate, want, now);
	bool first = n < want && !d->console_limited;
	if (n < want) {
		d->console_limited = true;
		d->console_dropped += want - n;
	}
	uint64_t dropped = d->console_dropped;
	spin_unlock_irqrestore(&d->console_lock, f);
	if (first)
		log_warn("domain d%u '%s': console hypercall above %u bytes/s: dropping the "
			 "excess (%lu bytes so far)", d->id, d->cfg.name, DOM_CONSOLE_HC_RATE,
			 dropped);
	return n;
}
