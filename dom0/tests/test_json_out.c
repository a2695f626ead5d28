/*
 * test_json_out.c - the streaming JSON writer: structure and commas,
 * string escaping, integer edges, and the RFC 3339 date formatter against
 * the C library's gmtime_r over a wide range of instants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json.h>

#include "unit.h"
#include "json_out.h"

static void test_structure(void)
{
	unit_begin("json_out_structure_escaping_integers");
	struct jo j;
	jo_init(&j, 1);   /* forces growth */
	jo_begin_object(&j);
	jo_key(&j, "s");
	jo_str(&j, "a\"b\\c\n\001\x7f\xc3\xa9");
	jo_key(&j, "n");
	jo_begin_array(&j);
	jo_int(&j, INT64_MIN);
	jo_int(&j, INT64_MAX);
	jo_int(&j, 0);
	jo_int(&j, -7);
	jo_end_array(&j);
	jo_key(&j, "o");
	jo_begin_object(&j);
	jo_end_object(&j);
	jo_key(&j, "t");
	jo_bool(&j, true);
	jo_key(&j, "z");
	jo_null(&j);
	jo_key(&j, "when");
	jo_time(&j, 0);
	jo_end_object(&j);
	size_t len = 0;
	char *out = jo_finish(&j, &len);
	UNIT_CHECK(out && strlen(out) == len);
	json_object *parsed = out ? json_tokener_parse(out) : NULL;
	UNIT_CHECK(parsed != NULL);
	if (parsed) {
		UNIT_CHECK(strcmp(json_object_get_string(json_object_object_get(parsed, "s")),
				  "a\"b\\c\n\001\x7f\xc3\xa9") == 0);
		json_object *n = json_object_object_get(parsed, "n");
		UNIT_CHECK(json_object_get_int64(json_object_array_get_idx(n, 0)) == INT64_MIN);
		UNIT_CHECK(json_object_get_int64(json_object_array_get_idx(n, 1)) == INT64_MAX);
		UNIT_CHECK(json_object_get_int64(json_object_array_get_idx(n, 3)) == -7);
		UNIT_CHECK(strcmp(json_object_get_string(json_object_object_get(parsed, "when")),
				  "1970-01-01T00:00:00Z") == 0);
		json_object_put(parsed);
	}
	free(out);
	unit_end();
}

static void test_time(void)
{
	unit_begin("json_out_time_matches_gmtime");
	srand(3);
	for (int i = 0; i < 200000; i++) {
		/* 1970 .. 2999, with the edges of days, months and leap years */
		int64_t t = (int64_t)(((uint64_t)rand() << 16 ^ (uint64_t)rand()) % 32503680000ULL);
		if (i < 4)
			t = (int64_t[]){ 951782399, 951782400, 951868800, 4107542399 }[i];
		char mine[21], ref[32];
		struct tm tm;
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(ref, sizeof ref, "%Y-%m-%dT%H:%M:%SZ", &tm);
		jo_format_time(t, mine);
		if (!UNIT_CHECK(strcmp(mine, ref) == 0))
			break;
	}
	unit_end();
}

int main(void)
{
	test_structure();
	test_time();
	return unit_exit_code();
}
