/*
 * fmt.h - printf-style formatting into a bounded buffer.
 *
 * Supported: %d %i %u %x %X %o %p %s %c %%, flags '-', '0', '+', ' ', '#',
 * width and precision (also '*'), length modifiers hh h l ll z j t.
 * No floating point. Unknown conversions are copied through literally so a
 * bad format string cannot read arguments it does not have.
 */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf (at most size bytes including the terminating NUL; buf is
 * always terminated when size > 0). Returns the length the full output would
 * have had, like C99 vsnprintf, so truncation is detectable.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
