/*
 * json_valid.h - checking a JSON request body against a table of fields and
 * copying it into a C struct.
 *
 * Rules: the body is an object; every member must be a known field (a typo
 * is an error, not silently ignored); a required field must be present; an
 * integer field takes only JSON integers within [min, max]; a string field
 * takes only strings of min..max bytes without control characters and, if
 * `pattern` is set, only the characters it allows; `choices` limits a
 * string to a set of words. The first violation is reported with the
 * field's name: 400 for a wrong shape (unknown, missing, wrong type), 422
 * for a value out of range.
 */
#ifndef MUXD_JSON_VALID_H
#define MUXD_JSON_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json.h>

enum jv_type { JV_INT, JV_STR, JV_BOOL };

/* Which characters a string may hold (beyond the length rule). */
enum jv_pattern {
	JV_ANY,        /* any printable text */
	JV_HOSTNAME,   /* a-z 0-9 '-', starting with a letter or digit */
	JV_EMAIL,      /* one '@' with text on both sides, no spaces */
	JV_PATH,       /* an absolute file path */
	JV_UPPER,      /* A-Z (currency codes) */
};

struct jv_field {
	const char *name;
	enum jv_type type;
	bool required;
	int64_t min, max;           /* JV_INT: value range; JV_STR: length range */
	size_t off;                 /* where the value goes in the target struct */
	size_t size;                /* JV_STR: buffer size (max < size) */
	enum jv_pattern pattern;
	const char *const *choices; /* JV_STR: NULL-terminated allowed words, or NULL */
	bool internal;              /* provider-only: never shown to customers */
	const char *unit;           /* for docs and the tests */
};

struct jv_error {
	unsigned status;            /* 400 or 422 */
	const char *code;           /* unknown_field, missing_field, wrong_type, out_of_range, invalid_value */
	const char *field;
	char message[256];
};

/*
 * Checks obj against fields[0..n) and copies the values into out.
 * partial: fields may be absent (PATCH); then *present (if not NULL) gets
 * bit i set for each field i that was given. Returns 0 or -1 with *err set.
 * Integers go to int64_t, booleans to bool, strings to char[size].
 */
int jv_decode(json_object *obj, const struct jv_field *fields, size_t n, void *out,
	      bool partial, uint64_t *present, struct jv_error *err);

/* Adds every field (skipping internal ones unless internal) of in to obj. */
void jv_encode(json_object *obj, const struct jv_field *fields, size_t n, const void *in,
	       bool internal);

#endif
