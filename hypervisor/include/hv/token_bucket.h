/*
 * token_bucket.h - a rate limiter: a bucket holding at most `burst`
 * tokens, refilled at `rate` tokens a second. Taking n tokens grants what
 * the bucket holds, up to n, so a user can spend `burst` at once after a
 * quiet spell and `rate` a second for ever. Used for a domain's console
 * hypercall (one token a byte, dom_console.c).
 *
 * Pure: no lock and no clock of its own. The owner serialises the calls
 * and passes the time (ns, never going backwards; an earlier time adds
 * nothing). Invariant: tokens <= burst.
 */
#ifndef HV_TOKEN_BUCKET_H
#define HV_TOKEN_BUCKET_H

#include <stdint.h>

struct token_bucket {
	uint64_t rate;           /* tokens a second, > 0 */
	uint64_t burst;          /* most tokens held, < 2^32 */
	uint64_t tokens;
	uint64_t last_ns;        /* the time tokens counts up to */
};

/* A full bucket at time now_ns. */
void token_bucket_init(struct token_bucket *b, uint64_t rate, uint64_t burst,
		       uint64_t now_ns);
/* Takes up to want tokens at time now_ns; returns how many it took. */
uint64_t token_bucket_take(struct token_bucket *b, uint64_t want, uint64_t now_ns);
/* The tokens held at time now_ns (taking none). */
uint64_t token_bucket_level(struct token_bucket *b, uint64_t now_ns);

#endif
