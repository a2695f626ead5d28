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
