/*
 * dom_console.c - domain console lines on the serial console (see
 * hv/dom_console.h). Each vCPU builds its own line, so two vCPUs writing
 * at once never mix within a line.
 */
#include "hv/dom_console.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/log.h"

static void flush_line(struct vcpu *v)
{
	log_raw("[d%u %s] %.*s\n", v->dom->id, v->dom->cfg.name, (int)v->line_len, v->line);
	v->line_len = 0;
}

void dom_console_write(struct vcpu *v, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\n') {
			flush_line(v);
			continue;
		}
		if (c == '\r')
			continue;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			c = '?';
		v->line[v->line_len++] = c;
		if (v->line_len == VCPU_LINE_MAX)
			flush_line(v);
	}
}
