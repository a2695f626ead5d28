/*
 * smp - IPI ping-pong between the domain's vCPUs through the virtual
 * x2APIC's ICR (MSR 0x830).
 *
 * vCPU 0 sends a PING IPI to each other vCPU in turn and waits (spinning
 * with interrupts on) for the PONG IPI that vCPU's handler sends back;
 * rounds=<n> rounds (default 200) over all the others. Responders wait in
 * HLT, so the hypervisor must wake a halted vCPU for an IPI. At the end
 * vCPU 0 wakes them with a last IPI and every count must add up: each
 * responder saw exactly `rounds` pings and vCPU 0 got a pong for each.
 *
 * Prints: smp: vcpus=<n> rounds=<r> round_trips=<t> lost=<l>
 *         rtt_avg_us=<a> rtt_max_us=<m>
 * Result: PASS smp, FAIL smp (a pong missing for 10 s, counts that do
 * not add up), SKIP smp with a single vCPU.
 */
#include "rt/rt.h"

#define NAME "smp"
#define VEC_PING 0x50
#define VEC_PONG 0x51
#define VEC_WAKE 0x52
/* A pong this late counts as lost: far beyond TCG noise on a loaded host. */
#define PONG_TIMEOUT_NS (10 * RT_NS_PER_S)

static uint32_t apic_ids[RT_MAX_CPUS];
static volatile uint64_t pings[RT_MAX_CPUS];   /* received by each responder */
static volatile uint64_t pongs;                /* received by vCPU 0 */
static volatile bool done;

static void on_ping(unsigned int vector)
{
	(void)vector;
	pings[rt_cpu_index()]++;
	rt_apic_send_ipi(apic_ids[0], VEC_PONG);
}

static void on_pong(unsigned int vector)
{
	(void)vector;
	pongs++;
}

static void on_wake(unsigned int vector)
{
	(void)vector;
}

/* vCPU 0: one ping to cpu and the wait for its pong; the round trip in
 * TSC ticks, or 0 if the pong did not come in time (PONG_TIMEOUT_NS). */
static uint64_t ping_pong(unsigned int cpu)
{
	uint64_t want = pongs + 1, t0 = rt_rdtsc();
	uint64_t limit = t0 + rt_ns_to_tsc(PONG_TIMEOUT_NS);
	unsigned int spins = 0;

	rt_apic_send_ipi(apic_ids[cpu], VEC_PING);
	rt_irq_enable();
	while (pongs < want && rt_rdtsc() < limit)
		rt_relax(&spins);
	rt_irq_disable();
	return pongs >= want ? rt_rdtsc() - t0 : 0;
}

struct tally {
	uint64_t trips, lost_from;    /* lost_from: the vCPU that did not answer + 1 */
};

/* vCPU 0's side: rounds of ping-pong with every other vCPU, stopping at
 * the first pong that does not come; then wakes the responders. */
static struct tally pinger(uint64_t rounds)
{
	unsigned int n = rt_nr_cpus(), cpu;
	struct tally t = { 0, 0 };
	uint64_t r, sum = 0, max = 0;

	for (r = 0; r < rounds && !t.lost_from; r++) {
		for (cpu = 1; cpu < n && !t.lost_from; cpu++) {
			uint64_t rtt = ping_pong(cpu);

			if (!rtt) {
				t.lost_from = cpu + 1;
				break;
			}
			t.trips++;
			sum += rtt;
			max = rtt > max ? rtt : max;
		}
	}
	done = true;
	for (cpu = 1; cpu < n; cpu++)
		rt_apic_send_ipi(apic_ids[cpu], VEC_WAKE);
	rt_printf("smp: vcpus=%u rounds=%lu round_trips=%lu lost=%u "
		  "rtt_avg_us=%lu rtt_max_us=%lu\n", n, rounds, t.trips,
		  t.lost_from ? 1 : 0,
		  t.trips ? rt_tsc_to_ns(sum / t.trips) / RT_NS_PER_US : 0,
		  rt_tsc_to_ns(max) / RT_NS_PER_US);
	return t;
}

static void responder(void)
{
	while (!done)
		rt_safe_halt();
}

/* vCPU 0, once every vCPU is back: do all the counts add up? */
static void judge(const struct tally *t, uint64_t rounds)
{
	unsigned int cpu;

	if (t->lost_from) {
		rt_fail(NAME, "no pong from vCPU %lu within 10 s after %lu round trips",
			t->lost_from - 1, t->trips);
		return;
	}
	if (pongs != t->trips) {
		rt_fail(NAME, "%lu pongs for %lu round trips", pongs, t->trips);
		return;
	}
	for (cpu = 1; cpu < rt_nr_cpus(); cpu++) {
		if (pings[cpu] != rounds) {
			rt_fail(NAME, "vCPU %u received %lu pings, want %lu", cpu,
				pings[cpu], rounds);
			return;
		}
	}
	rt_pass(NAME);
}

static void smp_main(unsigned int cpu)
{
	uint64_t rounds = rt_param_u64("rounds", 200);
	struct tally t = { 0, 0 };

	if (rt_nr_cpus() < 2) {
		if (cpu == 0)
			rt_skip(NAME, "needs at least 2 vCPUs, this domain has 1");
		return;
	}
	apic_ids[cpu] = rt_apic_id();
	if (cpu == 0) {
		rt_irq_register(VEC_PING, on_ping);
		rt_irq_register(VEC_PONG, on_pong);
		rt_irq_register(VEC_WAKE, on_wake);
	}
	rt_barrier_all();
	if (cpu == 0)
		t = pinger(rounds);
	else
		responder();
	rt_barrier_all();
	if (cpu == 0)
		judge(&t, rounds);
}

const struct rt_test test_desc = { .name = NAME, .main = smp_main };
