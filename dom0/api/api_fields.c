/*
 * api_fields.c - field tables (see api_fields.h). Units and meanings of the
 * plan fields: docs/plans.md.
 */
#include "api_fields.h"

#include "plan.h"
#include "records.h"

#define SZ(type, member) sizeof(((type *)0)->member)
#define PL(member) offsetof(struct plan, member)

/* Upper bounds keep every sum in admission far from overflow even with a
 * million servers: 256 vCPUs, 256 pCPUs' worth of reservation, 16 TiB. */
const struct jv_field api_plan_fields[] = {
	{ .name = "name", .type = JV_STR, .required = true, .min = 1, .max = 63, .off = PL(name),
	  .size = SZ(struct plan, name), .pattern = JV_HOSTNAME },
	{ .name = "description", .type = JV_STR, .min = 0, .max = 255, .off = PL(description),
	  .size = SZ(struct plan, description) },
	{ .name = "vcpus", .type = JV_INT, .required = true, .min = 1, .max = 256, .off = PL(vcpus),
	  .unit = "vCPUs" },
	{ .name = "cpu_weight", .type = JV_INT, .required = true, .min = 1, .max = 65535,
	  .off = PL(cpu_weight), .internal = true },
	{ .name = "cpu_reservation_pct", .type = JV_INT, .min = 0, .max = 25600,
	  .off = PL(cpu_reservation_pct), .unit = "percent of one pCPU" },
	{ .name = "cpu_cap_pct", .type = JV_INT, .min = 0, .max = 25600, .off = PL(cpu_cap_pct),
	  .unit = "percent of one pCPU" },
	{ .name = "cpu_burst_baseline_pct", .type = JV_INT, .min = 0, .max = 25600,
	  .off = PL(cpu_burst_baseline_pct), .unit = "percent of one pCPU" },
	{ .name = "mem_ceiling_mib", .type = JV_INT, .required = true, .min = 64, .max = 16777216,
	  .off = PL(mem_ceiling_mib), .unit = "MiB" },
	{ .name = "mem_floor_mib", .type = JV_INT, .min = 0, .max = 16777216,
	  .off = PL(mem_floor_mib), .unit = "MiB" },
	{ .name = "mem_weight", .type = JV_INT, .min = 1, .max = 65535, .off = PL(mem_weight),
	  .internal = true },
	{ .name = "disk_gib", .type = JV_INT, .required = true, .min = 1, .max = 65536,
	  .off = PL(disk_gib), .unit = "GiB" },
	{ .name = "disk_weight", .type = JV_INT, .min = 1, .max = 65535, .off = PL(disk_weight),
	  .internal = true },
	{ .name = "disk_bytes_per_s", .type = JV_INT, .min = 0, .max = 1LL << 40,
	  .off = PL(disk_bytes_per_s), .unit = "bytes/s" },
	{ .name = "disk_ops_per_s", .type = JV_INT, .min = 0, .max = 10000000,
	  .off = PL(disk_ops_per_s), .unit = "operations/s" },
	{ .name = "net_weight", .type = JV_INT, .min = 1, .max = 65535, .off = PL(net_weight),
	  .internal = true },
	{ .name = "net_mbit_per_s", .type = JV_INT, .min = 0, .max = 400000,
	  .off = PL(net_mbit_per_s), .unit = "Mbit/s" },
	{ .name = "price_cents_month", .type = JV_INT, .required = true, .min = 0,
	  .max = 1000000000, .off = PL(price_cents_month), .unit = "cents" },
	{ .name = "currency", .type = JV_STR, .min = 3, .max = 3, .off = PL(currency),
	  .size = SZ(struct plan, currency), .pattern = JV_UPPER },
	{ .name = "active", .type = JV_BOOL, .off = PL(active), .internal = true },
};
const size_t api_plan_fields_n = sizeof api_plan_fields / sizeof api_plan_fields[0];

const struct jv_field api_plan_terms_fields[] = {
	{ .name = "description", .type = JV_STR, .min = 0, .max = 255, .off = PL(description),
	  .size = SZ(struct plan, description) },
	{ .name = "price_cents_month", .type = JV_INT, .min = 0, .max = 1000000000,
	  .off = PL(price_cents_month), .unit = "cents" },
	{ .name = "currency", .type = JV_STR, .min = 3, .max = 3, .off = PL(currency),
	  .size = SZ(struct plan, currency), .pattern = JV_UPPER },
	{ .name = "active", .type = JV_BOOL, .off = PL(active) },
};
const size_t api_plan_terms_fields_n = sizeof api_plan_terms_fields / sizeof api_plan_terms_fields[0];

const struct jv_field api_customer_fields[] = {
	{ .name = "name", .type = JV_STR, .required = true, .min = 1, .max = 127,
	  .off = offsetof(struct customer, name), .size = SZ(struct customer, name) },
	{ .name = "email", .type = JV_STR, .required = true, .min = 3, .max = 255,
	  .off = offsetof(struct customer, email), .size = SZ(struct customer, email),
	  .pattern = JV_EMAIL },
};
const size_t api_customer_fields_n = sizeof api_customer_fields / sizeof api_customer_fields[0];

const struct jv_field api_token_fields[] = {
	{ .name = "name", .type = JV_STR, .required = true, .min = 1, .max = 63,
	  .off = offsetof(struct token, name), .size = SZ(struct token, name) },
};
const size_t api_token_fields_n = sizeof api_token_fields / sizeof api_token_fields[0];

static const char *const image_kinds[] = { "disk", "kernel", NULL };
static const char *const image_formats[] = { "raw", "qcow2", NULL };

const struct jv_field api_image_fields[] = {
	{ .name = "name", .type = JV_STR, .required = true, .min = 1, .max = 63,
	  .off = offsetof(struct image, name), .size = SZ(struct image, name),
	  .pattern = JV_HOSTNAME },
	{ .name = "os", .type = JV_STR, .min = 0, .max = 63, .off = offsetof(struct image, os),
	  .size = SZ(struct image, os) },
	{ .name = "kind", .type = JV_STR, .required = true, .min = 1, .max = 7,
	  .off = offsetof(struct image, kind), .size = SZ(struct image, kind),
	  .choices = image_kinds },
	{ .name = "path", .type = JV_STR, .required = true, .min = 2, .max = 511,
	  .off = offsetof(struct image, path), .size = SZ(struct image, path),
	  .pattern = JV_PATH, .internal = true },
	{ .name = "format", .type = JV_STR, .min = 1, .max = 7,
	  .off = offsetof(struct image, format), .size = SZ(struct image, format),
	  .choices = image_formats, .internal = true },
	{ .name = "initrd", .type = JV_STR, .min = 0, .max = 511,
	  .off = offsetof(struct image, initrd), .size = SZ(struct image, initrd),
	  .pattern = JV_PATH, .internal = true },
	{ .name = "cmdline", .type = JV_STR, .min = 0, .max = 511,
	  .off = offsetof(struct image, cmdline), .size = SZ(struct image, cmdline),
	  .internal = true },
};
const size_t api_image_fields_n = sizeof api_image_fields / sizeof api_image_fields[0];

const struct jv_field api_server_fields[] = {
	{ .name = "customer_id", .type = JV_INT, .min = 1, .max = API_MAX_ID,
	  .off = offsetof(struct api_server_body, customer_id) },
	{ .name = "plan_id", .type = JV_INT, .required = true, .min = 1, .max = API_MAX_ID,
	  .off = offsetof(struct api_server_body, plan_id) },
	{ .name = "image_id", .type = JV_INT, .required = true, .min = 1, .max = API_MAX_ID,
	  .off = offsetof(struct api_server_body, image_id) },
	{ .name = "name", .type = JV_STR, .required = true, .min = 1, .max = 63,
	  .off = offsetof(struct api_server_body, name), .size = SZ(struct api_server_body, name),
	  .pattern = JV_HOSTNAME },
	{ .name = "start", .type = JV_BOOL, .off = offsetof(struct api_server_body, start) },
};
const size_t api_server_fields_n = sizeof api_server_fields / sizeof api_server_fields[0];

static const char *const action_types[] = { "start", "stop", "reboot", "resize", NULL };

const struct jv_field api_action_fields[] = {
	{ .name = "type", .type = JV_STR, .required = true, .min = 1, .max = 7,
	  .off = offsetof(struct api_action_body, type), .size = SZ(struct api_action_body, type),
	  .choices = action_types },
	{ .name = "force", .type = JV_BOOL, .off = offsetof(struct api_action_body, force) },
	{ .name = "plan_id", .type = JV_INT, .min = 1, .max = API_MAX_ID,
	  .off = offsetof(struct api_action_body, plan_id) },
};
const size_t api_action_fields_n = sizeof api_action_fields / sizeof api_action_fields[0];
