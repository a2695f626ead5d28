/*
 * test_token_bucket.c - host tests of the rate limiter (core/token_bucket.c):
 * a full bucket at first, refill at the rate, the fraction of a token kept
 * across calls asked for often, the cap (a long quiet spell buys no more
 * than the burst, without overflow), time going backwards, and the long-run
 * bound a flooding user gets (burst + rate * seconds, and no less than the
 * rate). The console hypercall's numbers (dom_console.h) are used.
 */
#include "hv_test_util.h"
#include "../core/token_bucket.c"
#include "hv/dom_console.h"

#define RATE  DOM_CONSOLE_HC_RATE
#define BURST DOM_CONSOLE_HC_BURST
#define T0    5000000000ull      /* any start time */

static void test_full_at_first(void)
{
	struct token_bucket b;

	unit_begin("token_bucket_full_at_first");
	token_bucket_init(&b, RATE, BURST, T0);
	UNIT_CHECK(token_bucket_level(&b, T0) == BURST);
	UNIT_CHECK(token_bucket_take(&b, 100, T0) == 100);
	UNIT_CHECK(token_bucket_take(&b, BURST, T0) == BURST - 100);   /* what is left */
	UNIT_CHECK(token_bucket_take(&b, 1, T0) == 0);
	UNIT_CHECK(token_bucket_take(&b, 0, T0) == 0);
	unit_end();
}

static void test_refill_at_rate(void)
{
	struct token_bucket b;

	unit_begin("token_bucket_refills_at_rate");
	token_bucket_init(&b, RATE, BURST, T0);
	token_bucket_take(&b, BURST, T0);
	UNIT_CHECK(token_bucket_level(&b, T0 + NS_PER_S / 2) == RATE / 2);
	UNIT_CHECK(token_bucket_take(&b, BURST, T0 + NS_PER_S) == RATE);
	UNIT_CHECK(token_bucket_take(&b, BURST, T0 + NS_PER_S) == 0);
	/* Time going backwards (or standing still) adds nothing. */
	UNIT_CHECK(token_bucket_take(&b, BURST, T0) == 0);
	UNIT_CHECK(token_bucket_level(&b, T0 + NS_PER_S) == 0);
	unit_end();
}

/* Asked every microsecond, the fractions add up: about RATE a second. */
static void test_fractions_kept(void)
{
	struct token_bucket b;
	uint64_t got = 0;

	unit_begin("token_bucket_keeps_fractions");
	token_bucket_init(&b, RATE, BURST, T0);
	token_bucket_take(&b, BURST, T0);
	for (uint64_t t = 1; t <= 1000000; t++)
		got += token_bucket_take(&b, 1, T0 + t * 1000);
	if (got + 1 < RATE || got > RATE + 1)
		unit_failf("%llu tokens in 1 s asked for every us, want %u",
			   (unsigned long long)got, RATE);
	unit_end();
}

static void test_cap(void)
{
	struct token_bucket b;

	unit_begin("token_bucket_capped_at_burst");
	token_bucket_init(&b, RATE, BURST, T0);
	token_bucket_take(&b, BURST, T0);
	UNIT_CHECK(token_bucket_level(&b, T0 + 3600 * NS_PER_S) == BURST);
	/* Time spent full buys nothing: empty it, and one second later it
	 * holds one second's worth. */
	token_bucket_take(&b, BURST, T0 + 3600 * NS_PER_S);
	UNIT_CHECK(token_bucket_level(&b, T0 + 3601 * NS_PER_S) == RATE);
	/* The clock's far end: no overflow. */
	UNIT_CHECK(token_bucket_level(&b, UINT64_MAX) == BURST);
	UNIT_CHECK(token_bucket_take(&b, BURST + 1, UINT64_MAX) == BURST);
	unit_end();
}

/* A guest writing 4 KiB every millisecond for 10 s gets the burst plus
 * 10 s of the rate, and the bucket never holds more than the burst. */
static void test_flood_bound(void)
{
	struct token_bucket b;
	uint64_t got = 0, over = 0;

	unit_begin("token_bucket_flood_bounded");
	token_bucket_init(&b, RATE, BURST, T0);
	for (uint64_t ms = 0; ms < 10000; ms++) {
		uint64_t now = T0 + ms * 1000000;
		got += token_bucket_take(&b, 4096, now);
		over += b.tokens > BURST;
	}
	uint64_t most = BURST + 10ull * RATE, least = 10ull * RATE;
	if (got > most || got < least || over)
		unit_failf("%llu bytes in 10 s (want %llu..%llu), over the burst %llu times",
			   (unsigned long long)got, (unsigned long long)least,
			   (unsigned long long)most, (unsigned long long)over);
	unit_end();
}

int main(void)
{
	test_full_at_first();
	test_refill_at_rate();
	test_fractions_kept();
	test_cap();
	test_flood_bound();
	return unit_exit_code();
}
