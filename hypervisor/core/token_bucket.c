/*
 * token_bucket.c - a rate limiter (see hv/token_bucket.h).
 *
 * Refill: the time since last_ns buys elapsed * rate / 1e9 whole tokens;
 * last_ns moves on only by the time those tokens cost, so the fraction of
 * a token already earned is kept for the next call (a caller asking every
 * microsecond still gets `rate` a second). Once the time since last_ns
 * would fill the bucket, it is full and last_ns is now: time spent full
 * buys nothing. The products stay below 2^64: elapsed is below the time
 * to fill the bucket, so elapsed * rate < burst * 1e9 + rate.
 */
#include "hv/token_bucket.h"
#include "hv/lib.h"

#define NS_PER_S 1000000000ull

static void refill(struct token_bucket *b, uint64_t now_ns)
{
	if (now_ns <= b->last_ns)
		return;
	uint64_t elapsed = now_ns - b->last_ns;
	uint64_t missing = b->burst - b->tokens;
	uint64_t fill_ns = (missing * NS_PER_S + b->rate - 1) / b->rate;

	if (elapsed >= fill_ns) {
		b->tokens = b->burst;
		b->last_ns = now_ns;
		return;
	}
	uint64_t add = MIN(elapsed * b->rate / NS_PER_S, missing);
	b->tokens += add;
	b->last_ns += add * NS_PER_S / b->rate;
}

void token_bucket_init(struct token_bucket *b, uint64_t rate, uint64_t burst,
		       uint64_t now_ns)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst;
	b->last_ns = now_ns;
}

uint64_t token_bucket_take(struct token_bucket *b, uint64_t want, uint64_t now_ns)
{
	refill(b, now_ns);
	uint64_t got = MIN(want, b->tokens);
	b->tokens -= got;
	return got;
}

uint64_t token_bucket_level(struct token_bucket *b, uint64_t now_ns)
{
	refill(b, now_ns);
	return b->tokens;
}
