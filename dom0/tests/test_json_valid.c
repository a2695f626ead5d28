/*
 * test_json_valid.c - request validation, walking every field of every
 * request table: each required field missing, each field with the wrong
 * JSON type, each bounded field just outside and exactly at its bounds,
 * unknown members, and that a refused body changes nothing in the target.
 */
#include <stdio.h>
#include <string.h>
#include <json.h>

#include "unit.h"
#include "api_fields.h"
#include "plan.h"
#include "records.h"

struct table {
	const char *name;
	const struct jv_field *f;
	size_t n;
	size_t target_size;
	const char *valid;   /* a body that passes */
};

static const struct table tables[] = {
	{ "plan", api_plan_fields, 0, sizeof(struct plan),
	  "{\"name\":\"p\",\"description\":\"d\",\"vcpus\":2,\"cpu_weight\":10,"
	  "\"cpu_reservation_pct\":10,\"cpu_cap_pct\":100,\"cpu_burst_baseline_pct\":20,"
	  "\"mem_ceiling_mib\":1024,\"mem_floor_mib\":512,\"mem_weight\":5,\"disk_gib\":5,"
	  "\"disk_weight\":5,\"disk_bytes_per_s\":0,\"disk_ops_per_s\":0,\"net_weight\":5,"
	  "\"net_mbit_per_s\":10,\"price_cents_month\":100,\"currency\":\"EUR\",\"active\":true}" },
	{ "customer", api_customer_fields, 0, sizeof(struct customer),
	  "{\"name\":\"Acme\",\"email\":\"a@b.example\"}" },
	{ "token", api_token_fields, 0, sizeof(struct token), "{\"name\":\"ci\"}" },
	{ "image", api_image_fields, 0, sizeof(struct image),
	  "{\"name\":\"img\",\"os\":\"linux\",\"kind\":\"kernel\",\"path\":\"/k\",\"format\":\"raw\","
	  "\"initrd\":\"/i\",\"cmdline\":\"console=ttyS0\"}" },
	{ "server", api_server_fields, 0, sizeof(struct api_server_body),
	  "{\"customer_id\":1,\"plan_id\":1,\"image_id\":1,\"name\":\"web\",\"start\":true}" },
	{ "action", api_action_fields, 0, sizeof(struct api_action_body),
	  "{\"type\":\"resize\",\"force\":false,\"plan_id\":3}" },
};

static size_t table_len(const struct table *t)
{
	if (t->f == api_plan_fields) return api_plan_fields_n;
	if (t->f == api_customer_fields) return api_customer_fields_n;
	if (t->f == api_token_fields) return api_token_fields_n;
	if (t->f == api_image_fields) return api_image_fields_n;
	if (t->f == api_server_fields) return api_server_fields_n;
	return api_action_fields_n;
}

static char target[4096];

/* Decodes body against t; returns 0 or the error status, with *err filled. */
static unsigned run(const struct table *t, json_object *body, struct jv_error *err)
{
	memset(target, 0x5a, sizeof target);
	if (jv_decode(body, t->f, table_len(t), target, false, NULL, err) == 0)
		return 0;
	return err->status;
}

static json_object *valid_body(const struct table *t)
{
	return json_tokener_parse(t->valid);
}

static void test_valid(const struct table *t)
{
	char name[64];
	snprintf(name, sizeof name, "json_valid_%s_accepts_valid_body", t->name);
	unit_begin(name);
	struct jv_error err;
	json_object *b = valid_body(t);
	UNIT_CHECK(b && run(t, b, &err) == 0);
	json_object_put(b);
	unit_end();
}

/* A wrong-type value for a field of type `type`. */
static json_object *wrong_type(enum jv_type type)
{
	return type == JV_STR ? json_object_new_int(7) : json_object_new_string("7");
}

static void test_each_field(const struct table *t)
{
	char name[96];
	snprintf(name, sizeof name, "json_valid_%s_every_field_missing_wrong_type_range", t->name);
	unit_begin(name);
	struct jv_error err;
	for (size_t i = 0; i < table_len(t); i++) {
		const struct jv_field *f = &t->f[i];
		json_object *b = valid_body(t);
		json_object_object_del(b, f->name);
		unsigned st = run(t, b, &err);
		if (f->required)
			UNIT_CHECK(st == 400 && strcmp(err.code, "missing_field") == 0 &&
				   strcmp(err.field, f->name) == 0);
		else
			UNIT_CHECK(st == 0);
		json_object_object_add(b, f->name, wrong_type(f->type));
		st = run(t, b, &err);
		UNIT_CHECK(st == 400 && strcmp(err.code, "wrong_type") == 0 && strcmp(err.field, f->name) == 0);
		json_object_object_add(b, f->name, NULL);  /* JSON null is a wrong type too */
		UNIT_CHECK(run(t, b, &err) == 400 && strcmp(err.field, f->name) == 0);
		if (f->type == JV_INT) {
			json_object_object_add(b, f->name, json_object_new_int64(f->min - 1));
			UNIT_CHECK(run(t, b, &err) == 422 && strcmp(err.code, "out_of_range") == 0 &&
				   strcmp(err.field, f->name) == 0);
			json_object_object_add(b, f->name, json_object_new_int64(f->max + 1));
			UNIT_CHECK(run(t, b, &err) == 422 && strcmp(err.field, f->name) == 0);
			json_object_object_add(b, f->name, json_object_new_int64(f->max));
			UNIT_CHECK(run(t, b, &err) == 0);
			int64_t got;
			memcpy(&got, target + f->off, sizeof got);
			UNIT_CHECK(got == f->max);
			json_object_object_add(b, f->name, json_object_new_double(1.5));
			UNIT_CHECK(run(t, b, &err) == 400 && strcmp(err.code, "wrong_type") == 0);
		}
		if (f->type == JV_STR) {
			char long_s[1200];
			memset(long_s, 'a', sizeof long_s);
			long_s[f->max + 1] = '\0';
			json_object_object_add(b, f->name, json_object_new_string(long_s));
			UNIT_CHECK(run(t, b, &err) == 422 && strcmp(err.field, f->name) == 0);
			json_object_object_add(b, f->name, json_object_new_string("bad\001ctl"));
			UNIT_CHECK(run(t, b, &err) == 422 && strcmp(err.field, f->name) == 0);
		}
		json_object_put(b);
	}
	json_object *b = valid_body(t);
	json_object_object_add(b, "surprise", json_object_new_int(1));
	UNIT_CHECK(run(t, b, &err) == 400 && strcmp(err.code, "unknown_field") == 0 &&
		   strcmp(err.field, "surprise") == 0);
	json_object_put(b);
	unit_end();
}

static void test_patterns(void)
{
	unit_begin("json_valid_patterns_and_choices");
	struct jv_error err;
	const struct table *srv = &tables[4], *cus = &tables[1], *img = &tables[3];
	const char *bad_names[] = { "-web", "Web", "web_1", "web 1", "" };
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		json_object *b = valid_body(srv);
		json_object_object_add(b, "name", json_object_new_string(bad_names[i]));
		UNIT_CHECK(run(srv, b, &err) == 422 && strcmp(err.field, "name") == 0);
		json_object_put(b);
	}
	const char *bad_mail[] = { "a", "@b", "a@", "a@b@c", "a b@c" };
	for (size_t i = 0; i < sizeof bad_mail / sizeof bad_mail[0]; i++) {
		json_object *b = valid_body(cus);
		json_object_object_add(b, "email", json_object_new_string(bad_mail[i]));
		UNIT_CHECK(run(cus, b, &err) == 422 && strcmp(err.field, "email") == 0);
		json_object_put(b);
	}
	json_object *b = valid_body(img);
	json_object_object_add(b, "kind", json_object_new_string("cdrom"));
	UNIT_CHECK(run(img, b, &err) == 422 && strcmp(err.field, "kind") == 0);
	json_object_object_add(b, "kind", json_object_new_string("disk"));
	json_object_object_add(b, "path", json_object_new_string("relative"));
	UNIT_CHECK(run(img, b, &err) == 422 && strcmp(err.field, "path") == 0);
	json_object_put(b);
	b = json_tokener_parse("{\"name\":\"x\",\"email\":\"a@b\"}");
	uint64_t present = 0;
	struct customer cu;
	memset(&cu, 0, sizeof cu);
	json_object_object_del(b, "email");
	UNIT_CHECK(jv_decode(b, api_customer_fields, api_customer_fields_n, &cu, true, &present, &err) == 0);
	UNIT_CHECK(present == 1 && strcmp(cu.name, "x") == 0 && cu.email[0] == '\0');
	json_object_put(b);
	UNIT_CHECK(jv_decode(NULL, api_customer_fields, api_customer_fields_n, &cu, false, NULL, &err) != 0 &&
		   err.status == 400);
	unit_end();
}

static void test_encode_hides_internal(void)
{
	unit_begin("json_encode_hides_internal_fields");
	struct plan p;
	memset(&p, 0, sizeof p);
	strcpy(p.name, "x");
	p.cpu_weight = 77;
	json_object *pub = json_object_new_object(), *all = json_object_new_object();
	jv_encode(pub, api_plan_fields, api_plan_fields_n, &p, false);
	jv_encode(all, api_plan_fields, api_plan_fields_n, &p, true);
	UNIT_CHECK(!json_object_object_get_ex(pub, "cpu_weight", NULL));
	UNIT_CHECK(!json_object_object_get_ex(pub, "active", NULL));
	UNIT_CHECK(json_object_get_int(json_object_object_get(all, "cpu_weight")) == 77);
	UNIT_CHECK(json_object_object_get_ex(pub, "vcpus", NULL));
	json_object_put(pub);
	json_object_put(all);
	unit_end();
}

int main(void)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		test_valid(&tables[i]);
		test_each_field(&tables[i]);
	}
	test_patterns();
	test_encode_hides_internal();
	return unit_exit_code();
}
