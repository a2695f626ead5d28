/*
 * json_out.c - see json_out.h.
 */
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

void jo_init(struct jo *j, size_t hint)
{
	memset(j, 0, sizeof *j);
	j->cap = hint < 64 ? 64 : hint;
	j->buf = malloc(j->cap);
	j->failed = j->buf == NULL;
}

/* Makes room for n more bytes and the final NUL; false once out of memory. */
static bool jo_grow(struct jo *j, size_t n)
{
	if (j->failed)
		return false;
	size_t cap = j->cap;
	while (j->len + n + 1 > cap)
		cap *= 2;
	char *nb = realloc(j->buf, cap);
	if (!nb) {
		j->failed = true;
		return false;
	}
	j->buf = nb;
	j->cap = cap;
	return true;
}

static inline void jo_put(struct jo *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap && !jo_grow(j, n))
		return;
	if (j->failed)
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static inline void jo_putc(struct jo *j, char c)
{
	if (j->len + 2 > j->cap && !jo_grow(j, 1))
		return;
	if (j->failed)
		return;
	j->buf[j->len++] = c;
}

/* The comma before a value or key that is not the first at its level. */
static void jo_sep(struct jo *j)
{
	if (j->need_comma)
		jo_putc(j, ',');
	j->need_comma = true;
}

void jo_begin_object(struct jo *j)
{
	jo_sep(j);
	jo_putc(j, '{');
	j->need_comma = false;
}

void jo_end_object(struct jo *j)
{
	jo_putc(j, '}');
	j->need_comma = true;
}

void jo_begin_array(struct jo *j)
{
	jo_sep(j);
	jo_putc(j, '[');
	j->need_comma = false;
}

void jo_end_array(struct jo *j)
{
	jo_putc(j, ']');
	j->need_comma = true;
}

/* The characters JSON strings must escape (RFC 8259, section 7), for strcspn. */
static const char jo_special[] = "\"\\\001\002\003\004\005\006\007\010\011\012\013\014"
	"\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037";

static void jo_quoted(struct jo *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	jo_putc(j, '"');
	const char *run = s;
	for (;;) {
		s += strcspn(s, jo_special);
		if (!*s)
			break;
		unsigned char c = (unsigned char)*s;
		jo_put(j, run, (size_t)(s - run));
		char esc[6] = { '\\', (char)c, 0, 0, 0, 0 };
		size_t n = 2;
		if (c < 0x20) {
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		jo_put(j, esc, n);
		run = ++s;
	}
	jo_put(j, run, (size_t)(s - run));
	jo_putc(j, '"');
}

void jo_key(struct jo *j, const char *key)
{
	jo_sep(j);
	jo_quoted(j, key);
	jo_putc(j, ':');
	j->need_comma = false;
}

/* Decimal digits of v, right-aligned ending at end; returns the first. */
static char *jo_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void jo_int(struct jo *j, int64_t v)
{
	char b[24];
	char *end = b + sizeof b;
	/* the magnitude as unsigned, so INT64_MIN needs no special case */
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char *p = jo_digits(end, mag);
	if (v < 0)
		*--p = '-';
	jo_sep(j);
	jo_put(j, p, (size_t)(end - p));
}

void jo_str(struct jo *j, const char *s)
{
	jo_sep(j);
	jo_quoted(j, s);
}

void jo_bool(struct jo *j, bool v)
{
	jo_sep(j);
	jo_put(j, v ? "true" : "false", v ? 4 : 5);
}

void jo_null(struct jo *j)
{
	jo_sep(j);
	jo_put(j, "null", 4);
}

/*
 * Civil date from days since 1970-01-01 in the proleptic Gregorian
 * calendar: counted in 400-year eras of 146097 days that start on March 1,
 * so the leap day is the last day of a year.
 */
void jo_format_time(int64_t unix_s, char out[21])
{
	int64_t days = unix_s >= 0 ? unix_s / 86400 : (unix_s - 86399) / 86400;
	int64_t secs = unix_s - days * 86400;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                                   /* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* 0..365 */
	int64_t mp = (5 * doy + 2) / 153;                                 /* March = 0 */
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	if (y < 0)
		y = 0;
	const unsigned parts[6] = { (unsigned)(y % 10000), (unsigned)m, (unsigned)d,
				    (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
				    (unsigned)(secs % 60) };
	static const char seps[6] = { '-', '-', 'T', ':', ':', 'Z' };
	char *o = out;
	for (int i = 0; i < 6; i++) {
		unsigned v = parts[i], width = i == 0 ? 4 : 2;
		for (unsigned k = width; k-- > 0; v /= 10)
			o[k] = (char)('0' + v % 10);
		o += width;
		*o++ = seps[i];
	}
	*o = '\0';
}

void jo_time(struct jo *j, int64_t unix_s)
{
	char b[21];
	jo_format_time(unix_s, b);
	jo_sep(j);
	jo_putc(j, '"');
	jo_put(j, b, 20);
	jo_putc(j, '"');
}

char *jo_finish(struct jo *j, size_t *len)
{
	if (j->failed) {
		free(j->buf);
		j->buf = NULL;
		return NULL;
	}
	j->buf[j->len] = '\0';
	if (len)
		*len = j->len;
	char *out = j->buf;
	j->buf = NULL;
	return out;
}
