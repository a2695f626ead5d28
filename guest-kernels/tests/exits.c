/*
 * exits - how fast the hypervisor handles the common exits: loops of
 * CPUID, a hypercall (MUXV_HC_VERSION), HLT woken by a self-IPI, and an
 * I/O port read, each for phase_ms=<n> (default 500) of guest time on
 * vCPU 0 (run it with one vCPU: others only wait).
 *
 * Each rate is reported as a counter (cpuid_per_s, hypercall_per_s,
 * hlt_per_s, io_per_s) and on one line:
 *   exits: cpuid_per_s=<n> hypercall_per_s=<n> hlt_per_s=<n> io_per_s=<n>
 * Rates are never judged. FAIL if a hypercall returns another version, a
 * HLT is not woken by its self-IPI (a TSC-deadline watchdog ends the wait
 * 1 s after the phase), or the port (io_port=<n>, default 0x1e0, unused
 * on a PC) does not read as all-ones, the documented answer.
 */
#include "rt/rt.h"

#define NAME "exits"
#define VEC_SELF 0x60
#define VEC_WATCHDOG 0x61
#define CHECK_EVERY 64             /* iterations between clock readings */

struct phase {
	const char *counter;
	uint64_t (*run)(uint64_t end_tsc);   /* returns iterations done */
	uint64_t rate;
};

static const char *problem;
static uint16_t io_port;
static volatile uint64_t self_ipis;
static volatile bool watchdog_fired;

static void on_self_ipi(unsigned int vector)
{
	(void)vector;
	self_ipis++;
}

static void on_watchdog(unsigned int vector)
{
	(void)vector;
	watchdog_fired = true;
}

static uint64_t run_cpuid(uint64_t end)
{
	uint64_t n = 0;

	do {
		for (unsigned int i = 0; i < CHECK_EVERY; i++)
			(void)rt_cpuid(0, 0);
		n += CHECK_EVERY;
	} while (rt_rdtsc() < end);
	return n;
}

static uint64_t run_hypercall(uint64_t end)
{
	uint64_t n = 0;

	do {
		for (unsigned int i = 0; i < CHECK_EVERY; i++)
			if (rt_hc_version() != MUXV_HC_ABI_VERSION && !problem)
				problem = "MUXV_HC_VERSION returned another version";
		n += CHECK_EVERY;
	} while (rt_rdtsc() < end);
	return n;
}

/* Self-IPI with interrupts off, then STI;HLT: the pending IPI must wake
 * the HLT at once. The watchdog deadline catches one that never comes. */
static uint64_t run_hlt(uint64_t end)
{
	bool watchdog = rt_apic_has_tsc_deadline();
	uint64_t n = 0;

	if (watchdog) {
		rt_apic_timer_deadline_mode(VEC_WATCHDOG);
		rt_apic_set_deadline(end + rt_ns_to_tsc(RT_NS_PER_S));
	}
	do {
		uint64_t before = self_ipis;

		rt_apic_self_ipi(VEC_SELF);
		rt_safe_halt();
		if (self_ipis != before + 1) {
			problem = watchdog_fired ? "a HLT was not woken by its self-IPI" :
						   "a self-IPI was delivered twice or not at all";
			break;
		}
		n++;
	} while (rt_rdtsc() < end);
	if (watchdog)
		rt_apic_set_deadline(0);
	return n;
}

static uint64_t run_io(uint64_t end)
{
	uint64_t n = 0;

	do {
		for (unsigned int i = 0; i < CHECK_EVERY; i++)
			if (rt_inb(io_port) != 0xff && !problem)
				problem = "the unused port did not read as 0xff";
		n += CHECK_EVERY;
	} while (rt_rdtsc() < end);
	return n;
}

static void run_phase(struct phase *p, uint64_t phase_ns)
{
	uint64_t t0 = rt_rdtsc(), n, ns;

	n = p->run(t0 + rt_ns_to_tsc(phase_ns));
	ns = rt_tsc_to_ns(rt_rdtsc() - t0);
	p->rate = ns ? rt_muldiv64(n, RT_NS_PER_S, ns) : 0;
	if (rt_hc_report_counter(p->counter, p->rate) < 0 && !problem)
		problem = "MUXV_HC_REPORT_COUNTER refused a counter";
}

static void exits_main(unsigned int cpu)
{
	struct phase phases[] = {
		{ "cpuid_per_s", run_cpuid, 0 },
		{ "hypercall_per_s", run_hypercall, 0 },
		{ "hlt_per_s", run_hlt, 0 },
		{ "io_per_s", run_io, 0 },
	};
	uint64_t phase_ns = rt_param_u64("phase_ms", 500) * RT_NS_PER_MS;
	uint64_t port = rt_param_u64("io_port", 0x1e0);
	unsigned int i;

	if (cpu != 0)
		return;
	if (port > 0xffff)
		rt_abort(NAME, "io_port=0x%lx is not a port", port);
	io_port = (uint16_t)port;
	rt_irq_register(VEC_SELF, on_self_ipi);
	rt_irq_register(VEC_WATCHDOG, on_watchdog);
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]) && !problem; i++)
		run_phase(&phases[i], phase_ns);
	rt_printf("exits: cpuid_per_s=%lu hypercall_per_s=%lu hlt_per_s=%lu "
		  "io_per_s=%lu\n", phases[0].rate, phases[1].rate,
		  phases[2].rate, phases[3].rate);
	if (problem)
		rt_fail(NAME, "%s", problem);
	else
		rt_pass(NAME);
}

const struct rt_test test_desc = { .name = NAME, .main = exits_main };
