/*
 * rt/format.h - printf-style formatting into any character sink.
 *
 * Conversions: %d %i %u %x %X %p %c %s %%; flags '-' (left-justify) and
 * '0' (zero-pad); a decimal width; length modifiers hh h l ll z.
 * %p prints 0x and 16 hex digits. No floating point (the guests are built
 * with -mgeneral-regs-only); print fixed-point figures as integers.
 */
#ifndef RT_FORMAT_H
#define RT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*rt_sink_fn)(void *ctx, char c);

void rt_vformat(rt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like C's snprintf: writes at most size - 1 characters and a NUL (when
 * size > 0); returns the length the whole output would have had. */
int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
