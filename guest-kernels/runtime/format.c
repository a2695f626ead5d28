/*
 * format.c - the printf engine (rt/format.h). One pass over the format:
 * each conversion is turned into digits in a small buffer, then padded
 * into the sink.
 */
#include <stdint.h>
#include <stdbool.h>
#include "rt/format.h"
#include "rt/string.h"

struct spec {
	bool left, zero;
	unsigned int width;
	int length;          /* -2 hh, -1 h, 0 int, 1 long, 2 long long/size_t */
};

/* Writes s (len bytes) padded to spec->width; prefix ("-", "0x") goes
 * before zero padding and after space padding. */
static void emit_padded(rt_sink_fn sink, void *ctx, const struct spec *spec,
			const char *prefix, const char *s, size_t len)
{
	size_t plen = rt_strlen(prefix), pad = 0;

	if (spec->width > plen + len)
		pad = spec->width - plen - len;
	if (!spec->left && !spec->zero)
		for (; pad; pad--)
			sink(ctx, ' ');
	while (*prefix)
		sink(ctx, *prefix++);
	if (!spec->left && spec->zero)
		for (; pad; pad--)
			sink(ctx, '0');
	while (len--)
		sink(ctx, *s++);
	for (; pad; pad--)
		sink(ctx, ' ');
}

/* Digits of v in base (10 or 16) into the end of buf; returns the first. */
static char *to_digits(uint64_t v, unsigned int base, bool upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

static uint64_t take_unsigned(const struct spec *spec, va_list *ap)
{
	switch (spec->length) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t take_signed(const struct spec *spec, va_list *ap)
{
	switch (spec->length) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	default: return va_arg(*ap, long long);
	}
}

/* Parses flags, width and length at *fmt into spec; advances *fmt to the
 * conversion character. */
static void parse_spec(const char **fmt, struct spec *spec)
{
	const char *f = *fmt;

	*spec = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			spec->left = true;
		else if (*f == '0')
			spec->zero = true;
		else
			break;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		spec->width = spec->width * 10 + (unsigned int)(*f - '0');
	for (; *f == 'l' || *f == 'h' || *f == 'z'; f++) {
		if (*f == 'h')
			spec->length--;
		else
			spec->length += *f == 'z' ? 2 : 1;
	}
	if (spec->length > 2)
		spec->length = 2;
	*fmt = f;
}

/* Formats one conversion c with its argument from ap. */
static void convert(rt_sink_fn sink, void *ctx, char c, struct spec *spec,
		    va_list *ap)
{
	char buf[24], *end = buf + sizeof(buf), *p;
	const char *s;
	int64_t sv;

	switch (c) {
	case 'd':
	case 'i':
		sv = take_signed(spec, ap);
		p = to_digits(sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10, false, end);
		emit_padded(sink, ctx, spec, sv < 0 ? "-" : "", p, (size_t)(end - p));
		break;
	case 'u':
	case 'x':
	case 'X':
		p = to_digits(take_unsigned(spec, ap), c == 'u' ? 10 : 16,
			      c == 'X', end);
		emit_padded(sink, ctx, spec, "", p, (size_t)(end - p));
		break;
	case 'p':
		spec->width = 18;         /* "0x" and 16 digits */
		spec->zero = true;
		p = to_digits((uintptr_t)va_arg(*ap, void *), 16, false, end);
		emit_padded(sink, ctx, spec, "0x", p, (size_t)(end - p));
		break;
	case 'c':
		buf[0] = (char)va_arg(*ap, int);
		emit_padded(sink, ctx, spec, "", buf, 1);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		spec->zero = false;
		emit_padded(sink, ctx, spec, "", s, rt_strlen(s));
		break;
	default:               /* %% and anything unknown: print it as is */
		sink(ctx, c);
		break;
	}
}

void rt_vformat(rt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct spec spec;
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			sink(ctx, *fmt);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &spec);
		if (!*fmt)
			break;
		convert(sink, ctx, *fmt, &spec, &args);
	}
	va_end(args);
}

struct string_sink {
	char *buf;
	size_t size, len;
};

static void string_put(void *ctx, char c)
{
	struct string_sink *s = ctx;

	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct string_sink s = { buf, size, 0 };

	rt_vformat(string_put, &s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
