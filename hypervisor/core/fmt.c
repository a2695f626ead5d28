/*
 * fmt.c - printf-style formatting (see hv/fmt.h).
 *
 * Output goes through a small cursor that counts every character it would
 * write and stores only those that fit, which gives the C99 return value and
 * truncation for free.
 */
#include <stdint.h>
#include <stdbool.h>
#include "hv/fmt.h"
#include "hv/lib.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;     /* characters produced so far (may exceed size) */
};

struct fmt_spec {
	bool left;      /* '-' */
	bool zero;      /* '0' */
	bool plus;      /* '+' */
	bool space;     /* ' ' */
	bool alt;       /* '#' */
	int width;
	int precision;  /* -1: none */
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emits a string of length n, padded to the spec's width. */
static void out_padded(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s, int n)
{
	if (!sp->left)
		out_repeat(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_repeat(o, ' ', sp->width - n);
}

/*
 * Emits an integer: sign or prefix, precision zeros, digits, with width
 * padding by spaces or (flag '0', no precision) zeros after the prefix.
 */
static void out_number(struct fmt_out *o, const struct fmt_spec *sp,
		       uint64_t v, bool negative, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	const char *prefix = "";

	if (!(v == 0 && sp->precision == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (negative)
		prefix = "-";
	else if (sp->plus && base == 10)
		prefix = "+";
	else if (sp->space && base == 10)
		prefix = " ";
	else if (sp->alt && base == 16 && n > 0 && !(n == 1 && tmp[0] == '0'))
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && (n == 0 || tmp[n - 1] != '0') &&
		 sp->precision <= n)   /* precision zeros already lead with 0 */
		prefix = "0";

	int plen = (int)strlen(prefix);
	int zeros = sp->precision > n ? sp->precision - n : 0;
	int body = plen + zeros + n;
	int pad = sp->width > body ? sp->width - body : 0;

	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		out_repeat(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	out_repeat(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

/* Parses flags, width and precision at *pf; advances *pf past them. */
static void parse_spec(const char **pf, va_list *ap, struct fmt_spec *sp)
{
	const char *f = *pf;

	memset(sp, 0, sizeof(*sp));
	sp->precision = -1;
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			if (sp->precision < 0)
				sp->precision = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->precision = sp->precision * 10 + (*f++ - '0');
		}
	}
	*pf = f;
}

enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static enum fmt_len parse_length(const char **pf)
{
	const char *f = *pf;
	enum fmt_len len = LEN_INT;

	if (f[0] == 'h' && f[1] == 'h') { len = LEN_CHAR; f += 2; }
	else if (f[0] == 'h') { len = LEN_SHORT; f++; }
	else if (f[0] == 'l' && f[1] == 'l') { len = LEN_LLONG; f += 2; }
	else if (f[0] == 'l') { len = LEN_LONG; f++; }
	else if (f[0] == 'z' || f[0] == 'j' || f[0] == 't') { len = LEN_SIZE; f++; }
	*pf = f;
	return len;
}

static int64_t arg_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return va_arg(*ap, long);
	default: return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, unsigned long);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Formats one conversion whose spec and length were parsed; c is its letter. */
static bool format_one(struct fmt_out *o, struct fmt_spec *sp, enum fmt_len len,
		       char c, va_list *ap)
{
	switch (c) {
	case 'd': case 'i': {
		int64_t v = arg_signed(ap, len);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		out_number(o, sp, mag, v < 0, 10, false);
		return true;
	}
	case 'u':
		sp->plus = sp->space = false;   /* sign flags are for signed conversions */
		out_number(o, sp, arg_unsigned(ap, len), false, 10, false);
		return true;
	case 'x': out_number(o, sp, arg_unsigned(ap, len), false, 16, false); return true;
	case 'X': out_number(o, sp, arg_unsigned(ap, len), false, 16, true); return true;
	case 'o': out_number(o, sp, arg_unsigned(ap, len), false, 8, false); return true;
	case 'p': {
		/* Always "0x" and 16 digits, NULL too ('#' would drop 0x for 0). */
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);
		char s[18] = { '0', 'x' };
		for (int i = 17; i >= 2; i--, v >>= 4)
			s[i] = "0123456789abcdef"[v & 15];
		out_padded(o, sp, s, 18);
		return true;
	}
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		out_padded(o, sp, &ch, 1);
		return true;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		size_t n = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
		out_padded(o, sp, s, (int)n);
		return true;
	}
	case '%': out_char(o, '%'); return true;
	default: return false;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		const char *start = f++;
		struct fmt_spec sp;
		parse_spec(&f, &args, &sp);
		enum fmt_len len = parse_length(&f);
		if (!*f || !format_one(&o, &sp, len, *f, &args)) {
			/* Unknown or truncated conversion: copy it through. */
			for (const char *p = start; p <= f && *p; p++)
				out_char(&o, *p);
			if (!*f)
				break;
		}
	}
	va_end(args);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
