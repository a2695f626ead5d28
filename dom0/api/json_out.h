/*
 * json_out.h - a streaming JSON writer for the hot paths (server objects
 * and lists of them): text is appended to one growing buffer, with no
 * object tree and no per-member allocation. json-c builds everything else.
 *
 * The caller keeps the structure right (begin/end pair up, a key before
 * each member value); the writer inserts the commas and escapes strings
 * (RFC 8259, section 7). On allocation failure the writer stops growing and
 * jo_finish() returns NULL.
 */
#ifndef MUXD_JSON_OUT_H
#define MUXD_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jo {
	char *buf;
	size_t len, cap;
	bool failed;
	bool need_comma;   /* a value was written at this level */
};

void jo_init(struct jo *j, size_t hint);
void jo_begin_object(struct jo *j);
void jo_end_object(struct jo *j);
void jo_begin_array(struct jo *j);
void jo_end_array(struct jo *j);
/* "key": (the next call writes its value) */
void jo_key(struct jo *j, const char *key);
void jo_int(struct jo *j, int64_t v);
void jo_str(struct jo *j, const char *s);
void jo_bool(struct jo *j, bool v);
void jo_null(struct jo *j);
/* Unix seconds as an RFC 3339 UTC string, "2026-11-24T01:20:00Z". */
void jo_time(struct jo *j, int64_t unix_s);
/* The NUL-terminated text (malloc'd, the caller frees), or NULL if out of memory. */
char *jo_finish(struct jo *j, size_t *len);

/* Formats unix_s as RFC 3339 UTC into out[21]. Pure; no time zone lookup. */
void jo_format_time(int64_t unix_s, char out[21]);

#endif
