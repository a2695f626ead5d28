/*
 * console.c - per-vCPU line buffers over the console hypercall
 * (rt/console.h). Each vCPU only ever touches its own buffer, so no lock.
 */
#include <stddef.h>
#include "rt/console.h"
#include "rt/cpu.h"
#include "rt/format.h"
#include "rt/hypercall.h"

struct line {
	char buf[RT_LINE_MAX];
	size_t len;
};

static struct line lines[RT_MAX_CPUS];

/* Writes the buffered line (ending it with a newline if it has none). */
static void line_write(struct line *l)
{
	if (!l->len)
		return;
	if (l->buf[l->len - 1] != '\n')
		l->buf[l->len++] = '\n';
	rt_hc_console_write(l->buf, l->len);
	l->len = 0;
}

static void line_put(void *ctx, char c)
{
	struct line *l = ctx;

	l->buf[l->len++] = c;
	if (c == '\n' || l->len == RT_LINE_MAX - 1)
		line_write(l);
}

void rt_vprintf(const char *fmt, va_list ap)
{
	rt_vformat(line_put, &lines[rt_cpu_index()], fmt, ap);
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
}

void rt_console_flush(void)
{
	line_write(&lines[rt_cpu_index()]);
}
