/*
 * params.c - boot_info.cmdline words (rt/params.h).
 */
#include "rt/boot.h"
#include "rt/params.h"
#include "rt/result.h"
#include "rt/string.h"
#include "rt/test.h"

/* The word starting at p ends at the next space or the end of cmdline. */
static size_t word_len(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && p[n] && p[n] != ' ')
		n++;
	return n;
}

bool rt_param(const char *key, char *val, size_t size)
{
	const char *p = rt_boot_info()->cmdline;
	const char *end = p + sizeof(rt_boot_info()->cmdline);
	size_t klen = rt_strlen(key);

	while (p < end && *p) {
		size_t n = word_len(p, end);

		if (n >= klen && !memcmp(p, key, klen) &&
		    (n == klen || p[klen] == '=')) {
			const char *v = n == klen ? p + n : p + klen + 1;
			size_t vlen = (size_t)(p + n - v);

			if (vlen >= size)
				vlen = size - 1;
			memcpy(val, v, vlen);
			val[vlen] = '\0';
			return true;
		}
		p += n;
		while (p < end && *p == ' ')
			p++;
	}
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

bool rt_parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = digit_value(*s);

		if (d >= (int)base || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

uint64_t rt_param_u64(const char *key, uint64_t dflt)
{
	char val[64];
	uint64_t v;

	if (!rt_param(key, val, sizeof(val)))
		return dflt;
	if (!rt_parse_u64(val, &v))
		rt_abort(test_desc.name, "bad parameter %s=%s (want a number)",
			 key, val);
	return v;
}
