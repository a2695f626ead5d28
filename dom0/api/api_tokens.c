/*
 * api_tokens.c - /v1/customers/{id}/tokens. The admin manages any
 * customer's tokens; a customer manages its own. A new token's text is in
 * the creation response only; afterwards only its prefix is shown.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "api_fields.h"

/* Each customer may hold at most this many tokens. */
#define API_MAX_TOKENS 100

/* May the caller manage the tokens of the customer in the path (and does it exist)? */
static bool tokens_scope(struct api_req *r)
{
	struct customer cu;
	int rc = (!r->who.admin && r->who.customer_id != r->ids[0]) ? -ENOENT
		 : store_customer_get(r->db, r->ids[0], &cu);
	if (rc)
		api_store_error(r, rc, "customer");
	return rc == 0;
}

void api_tokens_list(struct api_req *r)
{
	if (!tokens_scope(r))
		return;
	struct token *v = NULL;
	size_t n = 0;
	int rc = store_token_list(r->db, r->ids[0], &v, &n);
	if (rc) {
		api_store_error(r, rc, "tokens");
		return;
	}
	json_object *items = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_token_json(&v[i]));
	r->json = json_object_new_object();
	json_object_object_add(r->json, "items", items);
	json_object_object_add(r->json, "next_cursor", NULL);
	r->status = 200;
	free(v);
}

void api_tokens_create(struct api_req *r)
{
	struct token t;
	memset(&t, 0, sizeof t);
	if (!api_body(r) || !tokens_scope(r) ||
	    !api_decode(r, api_token_fields, api_token_fields_n, &t, false))
		return;
	struct token *have = NULL;
	size_t n = 0;
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_token_list(r->db, r->ids[0], &have, &n);
	free(have);
	if (!rc && n >= API_MAX_TOKENS) {
		api_error(r, 409, "too_many_tokens", NULL, "a customer may hold %d tokens; delete one",
			  API_MAX_TOKENS);
		return;
	}
	char text[80];
	uint8_t hash[32];
	t.customer_id = r->ids[0];
	auth_new_token(text, sizeof text, hash, t.prefix);
	if (!rc)
		rc = store_token_insert(r->db, &t, hash);
	rc = api_finish_change(r, rc, t.customer_id, "token.create", "token", t.id);
	if (rc) {
		api_store_error(r, rc, "token");
		return;
	}
	r->json = api_token_json(&t);
	json_object_object_add(r->json, "token", json_object_new_string(text));
	sodium_memzero(text, sizeof text);
	r->status = 201;
}

void api_tokens_delete(struct api_req *r)
{
	if (!tokens_scope(r))
		return;
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_token_delete(r->db, r->ids[0], r->ids[1]);
	rc = api_finish_change(r, rc, r->ids[0], "token.delete", "token", r->ids[1]);
	if (rc == -ENOENT) {
		api_error(r, 404, "not_found", NULL, "customer %lld has no token %lld",
			  (long long)r->ids[0], (long long)r->ids[1]);
		return;
	}
	if (rc) {
		api_store_error(r, rc, "token");
		return;
	}
	r->status = 204;
}
