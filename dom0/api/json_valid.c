/*
 * json_valid.c - see json_valid.h for the rules.
 */
#include "json_valid.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int jv_fail(struct jv_error *err, unsigned status, const char *code, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int jv_fail(struct jv_error *err, unsigned status, const char *code, const char *field,
		   const char *fmt, ...)
{
	va_list ap;
	err->status = status;
	err->code = code;
	err->field = field;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

static bool jv_char_ok(enum jv_pattern p, const char *s, size_t i)
{
	char ch = s[i];
	switch (p) {
	case JV_HOSTNAME:
		return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (ch == '-' && i > 0);
	case JV_UPPER:
		return ch >= 'A' && ch <= 'Z';
	case JV_EMAIL:
	case JV_PATH:
		return ch != ' ';
	default:
		return true;
	}
}

static const char *const jv_pattern_words[] = {
	[JV_ANY] = "text",
	[JV_HOSTNAME] = "lower-case letters, digits and '-', not starting with '-'",
	[JV_EMAIL] = "an e-mail address",
	[JV_PATH] = "an absolute path",
	[JV_UPPER] = "upper-case letters",
};

static int jv_string(const struct jv_field *f, json_object *v, char *dst, struct jv_error *err)
{
	if (!json_object_is_type(v, json_type_string))
		return jv_fail(err, 400, "wrong_type", f->name, "`%s` must be a string", f->name);
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return jv_fail(err, 422, "invalid_value", f->name, "`%s` must not contain NUL", f->name);
	if ((int64_t)len < f->min || (int64_t)len > f->max)
		return jv_fail(err, 422, "out_of_range", f->name,
			       "`%s` must be %lld to %lld characters long", f->name,
			       (long long)f->min, (long long)f->max);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || !jv_char_ok(f->pattern, s, i))
			return jv_fail(err, 422, "invalid_value", f->name, "`%s` must be %s",
				       f->name, jv_pattern_words[f->pattern]);
	if (f->pattern == JV_EMAIL) {
		const char *at = strchr(s, '@');
		if (!at || at == s || !at[1] || strchr(at + 1, '@'))
			return jv_fail(err, 422, "invalid_value", f->name, "`%s` must be an e-mail address",
				       f->name);
	}
	if (f->pattern == JV_PATH && len && s[0] != '/')
		return jv_fail(err, 422, "invalid_value", f->name, "`%s` must be an absolute path",
			       f->name);
	if (f->choices) {
		const char *const *c = f->choices;
		while (*c && strcmp(*c, s) != 0)
			c++;
		if (!*c)
			return jv_fail(err, 422, "invalid_value", f->name, "`%s` has no choice `%.40s`",
				       f->name, s);
	}
	memcpy(dst, s, len + 1);
	return 0;
}

static int jv_value(const struct jv_field *f, json_object *v, char *dst, struct jv_error *err)
{
	switch (f->type) {
	case JV_INT: {
		if (!json_object_is_type(v, json_type_int))
			return jv_fail(err, 400, "wrong_type", f->name, "`%s` must be an integer", f->name);
		int64_t x = json_object_get_int64(v);
		/* json-c clamps integers beyond int64 to its limits; the range below catches them */
		if (x < f->min || x > f->max)
			return jv_fail(err, 422, "out_of_range", f->name,
				       "`%s` must be between %lld and %lld%s%s", f->name,
				       (long long)f->min, (long long)f->max, f->unit ? " " : "",
				       f->unit ? f->unit : "");
		memcpy(dst, &x, sizeof x);
		return 0;
	}
	case JV_BOOL: {
		if (!json_object_is_type(v, json_type_boolean))
			return jv_fail(err, 400, "wrong_type", f->name, "`%s` must be true or false", f->name);
		bool b = json_object_get_boolean(v);
		memcpy(dst, &b, sizeof b);
		return 0;
	}
	case JV_STR:
		return jv_string(f, v, dst, err);
	}
	return -1;
}

int jv_decode(json_object *obj, const struct jv_field *fields, size_t n, void *out,
	      bool partial, uint64_t *present, struct jv_error *err)
{
	if (!obj || !json_object_is_type(obj, json_type_object))
		return jv_fail(err, 400, "invalid_body", NULL, "the body must be a JSON object");
	json_object_object_foreach(obj, key, val) {
		(void)val;
		size_t i = 0;
		while (i < n && strcmp(fields[i].name, key) != 0)
			i++;
		if (i == n)
			return jv_fail(err, 400, "unknown_field", key, "unknown field `%.64s`", key);
	}
	if (present)
		*present = 0;
	for (size_t i = 0; i < n; i++) {
		const struct jv_field *f = &fields[i];
		json_object *v = NULL;
		if (!json_object_object_get_ex(obj, f->name, &v)) {
			if (f->required && !partial)
				return jv_fail(err, 400, "missing_field", f->name, "`%s` is required",
					       f->name);
			continue;
		}
		if (jv_value(f, v, (char *)out + f->off, err))
			return -1;
		if (present)
			*present |= 1ULL << i;
	}
	return 0;
}

void jv_encode(json_object *obj, const struct jv_field *fields, size_t n, const void *in,
	       bool internal)
{
	for (size_t i = 0; i < n; i++) {
		const struct jv_field *f = &fields[i];
		const char *src = (const char *)in + f->off;
		if (f->internal && !internal)
			continue;
		json_object *v = NULL;
		if (f->type == JV_INT) {
			int64_t x;
			memcpy(&x, src, sizeof x);
			v = json_object_new_int64(x);
		} else if (f->type == JV_BOOL) {
			bool b;
			memcpy(&b, src, sizeof b);
			v = json_object_new_boolean(b);
		} else {
			v = json_object_new_string(src);
		}
		json_object_object_add(obj, f->name, v);
	}
}
