/*
 * api_fields.h - the request fields of each resource: names, types, ranges,
 * who may see them. One table per body serves validation, JSON output, the
 * unit tests (test_json_valid.c walks every field) and docs/plans.md.
 */
#ifndef MUXD_API_FIELDS_H
#define MUXD_API_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_valid.h"

extern const struct jv_field api_plan_fields[];
extern const size_t api_plan_fields_n;
/* the commercial terms a plan in use may still change (PATCH) */
extern const struct jv_field api_plan_terms_fields[];
extern const size_t api_plan_terms_fields_n;
extern const struct jv_field api_customer_fields[];
extern const size_t api_customer_fields_n;
extern const struct jv_field api_token_fields[];
extern const size_t api_token_fields_n;
extern const struct jv_field api_image_fields[];
extern const size_t api_image_fields_n;

/* POST /v1/servers body */
struct api_server_body {
	int64_t customer_id;
	int64_t plan_id;
	int64_t image_id;
	char name[64];
	bool start;
};
extern const struct jv_field api_server_fields[];
extern const size_t api_server_fields_n;

/* POST /v1/servers/{id}/actions body */
struct api_action_body {
	char type[8];
	bool force;
	int64_t plan_id;
};
extern const struct jv_field api_action_fields[];
extern const size_t api_action_fields_n;

/* Largest id accepted in a body: 2^53, what a JSON number holds exactly. */
#define API_MAX_ID (1LL << 53)

#endif
