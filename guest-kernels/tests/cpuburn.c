/*
 * cpuburn - a fixed unit of integer work in a loop on every vCPU, so that
 * the hypervisor's scheduler and accounting can be judged by how many
 * units each domain gets done.
 *
 * A unit is UNIT_ROUNDS rounds of a 64-bit mixing function from a fixed
 * seed; every unit must give the result the first one gave, so a world
 * switch that corrupts a register shows as a FAIL. Once per second of
 * guest (TSC) time vCPU 0 adds up the units of all vCPUs, reports the
 * total as the counter "units" (MUXV_HC_REPORT_COUNTER) and prints
 *   cpuburn: units=<total> units_per_s=<rate over the last second>
 *
 * Parameters: duration_ms=<n> (default 0: run until stopped from outside);
 * start_after_ms=<n> (default 0): every vCPU first sleeps (HLT, woken by
 * its TSC-deadline timer) that long, so a test can let a domain idle
 * before it works (burst credits accrue while it idles).
 * At the end: PASS cpuburn, or FAIL on a wrong unit result or a refused
 * counter report.
 */
#include "rt/rt.h"

#define NAME "cpuburn"
#define UNIT_ROUNDS 20000
#define REPORT_PERIOD_NS RT_NS_PER_S
#define VEC_WAKE 0x40

/* One vCPU's count on its own cache line: no false sharing between
 * vCPUs, which would make the work depend on the host's caches. */
struct cpu_units {
	volatile uint64_t units;
	char pad[56];
};

static struct cpu_units per_cpu[RT_MAX_CPUS] __attribute__((aligned(64)));
static volatile uint64_t seed_source = 0x9e3779b97f4a7c15ull;
static uint64_t reference;
static volatile bool stop;
static volatile bool broken;

/* One unit of work: a chain of mixing rounds (each depends on the last,
 * so no round can be skipped or reordered). */
static uint64_t unit(uint64_t x)
{
	unsigned int i;

	for (i = 0; i < UNIT_ROUNDS; i++) {
		x ^= x >> 31;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 27;
		x += i;
	}
	return x;
}

static uint64_t total_units(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < rt_nr_cpus(); i++)
		sum += per_cpu[i].units;
	return sum;
}

/* vCPU 0, once per period: the counter and the line. */
static void report(uint64_t *last_units, uint64_t *last_tsc)
{
	uint64_t now = rt_rdtsc(), units = total_units();
	uint64_t ns = rt_tsc_to_ns(now - *last_tsc);
	uint64_t rate = ns ? rt_muldiv64(units - *last_units, RT_NS_PER_S, ns) : 0;
	int64_t rc = rt_hc_report_counter("units", units);

	rt_printf("cpuburn: units=%lu units_per_s=%lu\n", units, rate);
	if (rc < 0 && !broken) {
		broken = true;
		rt_fail(NAME, "MUXV_HC_REPORT_COUNTER(units) returned %ld", rc);
	}
	*last_units = units;
	*last_tsc = now;
}

static void burn(unsigned int cpu, uint64_t seed)
{
	uint64_t got = unit(seed);

	if (got != reference && !broken) {
		broken = true;
		rt_fail(NAME, "vCPU %u: unit %lu gave 0x%lx, want 0x%lx", cpu,
			per_cpu[cpu].units, got, reference);
	}
	per_cpu[cpu].units++;
}

static void on_wake(unsigned int vector)
{
	(void)vector;
}

/* Sleeps until the TSC reads `until`: HLT, woken by the deadline timer. */
static void idle_until(uint64_t until)
{
	rt_apic_timer_deadline_mode(VEC_WAKE);
	while (rt_rdtsc() < until) {
		rt_apic_set_deadline(until);
		rt_safe_halt();
	}
	rt_apic_timer_stop();
}

static void cpuburn_main(unsigned int cpu)
{
	uint64_t start_after_ms = rt_param_u64("start_after_ms", 0);

	if (start_after_ms) {
		if (cpu == 0)
			rt_irq_register(VEC_WAKE, on_wake);
		rt_barrier_all();
		idle_until(rt_rdtsc() + rt_ns_to_tsc(start_after_ms * RT_NS_PER_MS));
	}

	uint64_t duration_ms = rt_param_u64("duration_ms", 0);
	uint64_t start = rt_rdtsc(), last_tsc = start, last_units = 0;
	uint64_t end = duration_ms ? start + rt_ns_to_tsc(duration_ms * RT_NS_PER_MS) : 0;
	uint64_t period = rt_ns_to_tsc(REPORT_PERIOD_NS);

	if (cpu == 0) {
		reference = unit(seed_source);
		rt_printf("cpuburn: %u vCPUs, unit = %u rounds, duration %lu ms%s\n",
			  rt_nr_cpus(), UNIT_ROUNDS, duration_ms,
			  duration_ms ? "" : " (until stopped)");
	}
	rt_barrier_all();
	while (!stop && !broken) {
		/* A fresh (volatile) read of the seed each time: the
		 * compiler must not hoist the pure unit() out of the loop. */
		burn(cpu, seed_source);
		if (cpu != 0)
			continue;
		if (rt_rdtsc() - last_tsc >= period)
			report(&last_units, &last_tsc);
		if (end && rt_rdtsc() >= end)
			stop = true;
	}
	rt_barrier_all();
	if (cpu == 0 && !broken) {
		rt_printf("cpuburn: total units=%lu in %lu ms\n", total_units(),
			  rt_tsc_to_ns(rt_rdtsc() - start) / RT_NS_PER_MS);
		rt_pass(NAME);
	}
}

const struct rt_test test_desc = { .name = NAME, .main = cpuburn_main };
