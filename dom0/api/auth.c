/*
 * auth.c - bearer tokens.
 *
 * The admin token comes from a file (--admin-token-file); only its hash is
 * kept in memory. Customer tokens are "mxc_" + 43 characters of base64url
 * (32 random bytes from libsodium), shown once at creation and stored as
 * their BLAKE2b-256 hash. A token this random needs no slow password hash:
 * guessing is hopeless, and a fast hash lets every request check it with
 * one indexed lookup. Hashes are compared in constant time.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "log.h"

#define TOKEN_PREFIX "mxc_"

void auth_hash(const char *token, uint8_t hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void auth_new_token(char *text, size_t n, uint8_t hash[32], char prefix[16])
{
	uint8_t raw[32];
	char b64[64];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(text, n, TOKEN_PREFIX "%s", b64);
	auth_hash(text, hash);
	snprintf(prefix, 16, "%.12s", text);
	sodium_memzero(raw, sizeof raw);
}

int auth_load_admin(struct muxd *m, char *err, size_t errlen)
{
	if (!m->cfg.admin_token_file[0]) {
		snprintf(err, errlen, "--admin-token-file is required");
		return -1;
	}
	FILE *f = fopen(m->cfg.admin_token_file, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", m->cfg.admin_token_file, strerror(errno));
		return -1;
	}
	char tok[512] = "";
	if (!fgets(tok, sizeof tok, f))
		tok[0] = '\0';
	fclose(f);
	tok[strcspn(tok, "\r\n")] = '\0';
	if (strlen(tok) < 16) {
		snprintf(err, errlen, "the admin token in %s must be at least 16 characters",
			 m->cfg.admin_token_file);
		return -1;
	}
	auth_hash(tok, m->admin_hash);
	sodium_memzero(tok, sizeof tok);
	return 0;
}

bool auth_request(struct api_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncmp(h, "Bearer ", 7) != 0 || !h[7]) {
		api_error(r, 401, "unauthorized", NULL,
			  "send `Authorization: Bearer <token>` (admin or customer token)");
		return false;
	}
	const char *tok = h + 7;
	uint8_t hash[32];
	auth_hash(tok, hash);
	if (sodium_memcmp(hash, r->m->admin_hash, 32) == 0) {
		r->who.admin = true;
		return true;
	}
	int64_t customer = 0;
	if (strncmp(tok, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) == 0 &&
	    store_token_lookup(r->db, hash, &customer) == 0) {
		r->who.customer_id = customer;
		return true;
	}
	api_error(r, 401, "unauthorized", NULL, "the token is not valid");
	return false;
}
