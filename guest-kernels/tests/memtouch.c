/*
 * memtouch - writes and verifies all of the guest's free RAM, on every
 * vCPU in parallel stripes, to catch RAM that is not really the domain's
 * own: two guest pages backed by one host page (the address-dependent
 * pattern differs), pages that lose writes, or RAM the NPT does not map.
 *
 * The range is [rt_free_start(), rt_free_end()): boot_info's free RAM
 * less the runtime's page tables at its bottom. Two passes, a pattern and
 * its complement (every bit is seen as 0 and as 1); in each, vCPU i
 * writes stripe i and, after a barrier, verifies stripe i + 1 (written by
 * another vCPU when there are several).
 *
 * Parameter rounds= (1): how many times to do both passes, 0 for until
 * stopped (a neighbour that keeps checking its memory while other domains
 * misbehave, ci/tests/hv_balloon_hostile.py). Each round's patterns differ
 * (the round number is mixed in), so a page that kept an older round's
 * contents is caught too. With rounds other than 1, vCPU 0 reports the
 * rounds completed as counter `rounds` after each.
 *
 * Result: PASS memtouch, or FAIL memtouch: first bad address 0x<gpa> ...
 */
#include "rt/rt.h"

#define NAME "memtouch"

struct bad {
	uint64_t addr, want, got;    /* addr 0: none */
};

static uint64_t range_lo, range_hi;
static struct bad first_bad[RT_MAX_CPUS];

static uint64_t round_no;           /* the round all vCPUs are in */

static uint64_t pattern(uint64_t addr, unsigned int pass)
{
	uint64_t v = (addr * 0x9e3779b97f4a7c15ull) ^ (addr << 17) ^ addr ^
		     (round_no * 0xd1b54a32d192ed03ull);

	return pass ? ~v : v;
}

/* Page-aligned bounds of stripe s of n. */
static void stripe(unsigned int s, unsigned int n, uint64_t *lo, uint64_t *hi)
{
	uint64_t pages = (range_hi - range_lo) / RT_PAGE_SIZE;

	*lo = range_lo + pages * s / n * RT_PAGE_SIZE;
	*hi = range_lo + pages * (s + 1) / n * RT_PAGE_SIZE;
}

static void fill(uint64_t lo, uint64_t hi, unsigned int pass)
{
	uint64_t a;

	for (a = lo; a < hi; a += 8)
		*(volatile uint64_t *)(uintptr_t)a = pattern(a, pass);
}

/* Records the first word in [lo, hi) that does not hold its pattern. */
static void verify(uint64_t lo, uint64_t hi, unsigned int pass, struct bad *bad)
{
	uint64_t a;

	for (a = lo; a < hi; a += 8) {
		uint64_t got = *(volatile uint64_t *)(uintptr_t)a;

		if (got != pattern(a, pass)) {
			if (!bad->addr || a < bad->addr)
				*bad = (struct bad){ a, pattern(a, pass), got };
			return;
		}
	}
}

static void run_pass(unsigned int cpu, unsigned int pass)
{
	unsigned int n = rt_nr_cpus();
	uint64_t lo, hi;

	stripe(cpu, n, &lo, &hi);
	fill(lo, hi, pass);
	rt_barrier_all();
	stripe((cpu + 1) % n, n, &lo, &hi);
	verify(lo, hi, pass, &first_bad[cpu]);
	rt_barrier_all();
}

/* vCPU 0: the lowest bad address any vCPU found, or PASS. */
static bool any_bad(void)
{
	for (unsigned int i = 0; i < rt_nr_cpus(); i++)
		if (first_bad[i].addr)
			return true;
	return false;
}

static void conclude(uint64_t start_tsc)
{
	struct bad worst = { 0, 0, 0 };
	unsigned int i;

	for (i = 0; i < rt_nr_cpus(); i++)
		if (first_bad[i].addr && (!worst.addr || first_bad[i].addr < worst.addr))
			worst = first_bad[i];
	if (worst.addr) {
		rt_fail(NAME, "first bad address 0x%lx: wrote 0x%lx, read 0x%lx",
			worst.addr, worst.want, worst.got);
		return;
	}
	rt_printf("memtouch: 0x%lx..0x%lx (%lu KiB) written and verified twice "
		  "per round, rounds=%lu, on %u vCPUs in %lu ms\n", range_lo, range_hi,
		  (range_hi - range_lo) >> 10, round_no, rt_nr_cpus(),
		  rt_tsc_to_ns(rt_rdtsc() - start_tsc) / RT_NS_PER_MS);
	rt_pass(NAME);
}

static void memtouch_main(unsigned int cpu)
{
	uint64_t start = rt_rdtsc();

	if (cpu == 0) {
		range_lo = rt_free_start();
		range_hi = rt_free_end();
		if (range_hi <= range_lo)
			rt_abort(NAME, "no free RAM to test (0x%lx..0x%lx)",
				 range_lo, range_hi);
		rt_printf("memtouch: testing 0x%lx..0x%lx on %u vCPUs\n",
			  range_lo, range_hi, rt_nr_cpus());
	}
	uint64_t rounds = rt_param_u64("rounds", 1);

	rt_barrier_all();
	/* Every vCPU sees round_no and first_bad the same after the barrier
	 * that ends a pass, so all leave the loop together. */
	while (!any_bad() && (rounds == 0 || round_no < rounds)) {
		run_pass(cpu, 0);
		run_pass(cpu, 1);
		if (cpu == 0 && rounds != 1 && !any_bad() &&
		    rt_hc_report_counter("rounds", round_no + 1) < 0)
			rt_error(NAME, "counter report refused");
		rt_barrier_all();
		if (cpu == 0)
			round_no++;
		rt_barrier_all();
	}
	if (cpu == 0)
		conclude(start);
}

const struct rt_test test_desc = { .name = NAME, .main = memtouch_main };
