/*
 * rt/console.h - printing through MUXV_HC_CONSOLE_WRITE.
 *
 * Output is buffered per vCPU and written one line per hypercall when the
 * line ends, so lines from different vCPUs never interleave inside a line
 * (the hypervisor prefixes each with "[d<id> <name>] "). A line longer
 * than RT_LINE_MAX - 1 characters is broken into several lines.
 *
 * Interrupt handlers should not print: they share the interrupted code's
 * line buffer. The exception reporter flushes the partial line first.
 */
#ifndef RT_CONSOLE_H
#define RT_CONSOLE_H

#include <stdarg.h>

#define RT_LINE_MAX 256

void rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_vprintf(const char *fmt, va_list ap);

/* Writes this vCPU's unfinished line, if any, as a line of its own. */
void rt_console_flush(void);

#endif
