/*
 * console_flood - a guest flooding the console hypercall, which the
 * hypervisor rate-limits per domain (MUXV_CONSOLE_BURST bytes at once,
 * then MUXV_CONSOLE_RATE a second; docs/guest-abi.md). vCPU 0 only.
 *
 * 1. Writes 4 KiB lines of dots as fast as it can until a call writes
 *    less than it asked (a short count or -EAGAIN): by then at least the
 *    burst (less what the runtime printed before) went through.
 * 2. Goes on for a second of the hypervisor's clock: every call returns
 *    its length, a short count or -EAGAIN, nothing else, and the bytes
 *    written in the whole flood stay within burst + rate * its duration.
 * 3. Stays quiet for 5 s (the bucket refills in 4 s); then a 4 KiB write
 *    goes through whole again (it also ends the line a cut left open), and
 *    the verdict can be printed.
 * Result: PASS console_flood, or FAIL console_flood: <first problem>.
 */
#include "rt/rt.h"
#include <muxvisor/control.h>        /* MUXV_EAGAIN */

#define NAME "console_flood"
#define CHUNK 4096
#define SLACK 2048             /* what the runtime may have printed before */

static char dots[CHUNK];

static uint64_t hc_now(void)
{
	return (uint64_t)rt_hc_time_ns();
}

/* Fills dots with lines of 255 dots and a newline. */
static void make_dots(void)
{
	for (unsigned int i = 0; i < CHUNK; i++)
		dots[i] = (i % 256 == 255) ? '\n' : '.';
}

/* One write; adds what went through to *total. Returns false (with why)
 * for a result the ABI does not allow. */
static bool flood_once(uint64_t *total, int64_t *last, char *why, size_t whylen)
{
	int64_t r = rt_hc_console_write(dots, CHUNK);

	*last = r;
	if (r == CHUNK || (r > 0 && r < CHUNK)) {
		*total += (uint64_t)r;
		return true;
	}
	if (r == -MUXV_EAGAIN)
		return true;
	rt_snprintf(why, whylen, "a console write returned %ld", r);
	return false;
}

static void flood(char *why, size_t whylen)
{
	uint64_t total = 0, before_cut, start = hc_now(), end;
	int64_t last = CHUNK;

	while (last == CHUNK && total < 4 * MUXV_CONSOLE_BURST)   /* no limit: stop */
		if (!flood_once(&total, &last, why, whylen))
			return;
	before_cut = total;
	end = hc_now() + 1000000000ull;
	while (hc_now() < end)
		if (!flood_once(&total, &last, why, whylen))
			return;
	uint64_t ms = (hc_now() - start) / 1000000 + 1;
	uint64_t most = MUXV_CONSOLE_BURST + MUXV_CONSOLE_RATE * ms / 1000 + CHUNK;

	if (before_cut + SLACK < MUXV_CONSOLE_BURST)
		rt_snprintf(why, whylen, "cut after %lu bytes, before the %u-byte burst",
			    before_cut, MUXV_CONSOLE_BURST);
	else if (total > most)
		rt_snprintf(why, whylen, "%lu bytes went through in %lu ms, at most %lu allowed",
			    total, ms, most);
}

static void console_flood_main(unsigned int cpu)
{
	char why[160] = "";
	int64_t r;

	if (cpu != 0)
		return;
	make_dots();
	rt_console_flush();
	flood(why, sizeof(why));
	rt_delay_ns(5000000000ull);
	r = rt_hc_console_write(dots, CHUNK);
	if (!why[0] && r != CHUNK)
		rt_snprintf(why, sizeof(why), "after 5 s quiet a 4 KiB write returned %ld", r);
	if (r != CHUNK)
		rt_printf("\n");       /* end the line a cut left open */
	if (why[0])
		rt_fail(NAME, "%s", why);
	else
		rt_pass(NAME);
}

const struct rt_test test_desc = { .name = NAME, .main = console_flood_main };
