/*
 * timer - the virtual local APIC timer and guest time, on every vCPU at
 * once (each vCPU has its own timer).
 *
 * timer.tsc_deadline: a periodic tick built from the TSC-deadline timer
 *   (each interrupt arms the next deadline, one period after the last),
 *   for duration_ms: the first half waiting in HLT (the hypervisor must
 *   wake a halted vCPU when its deadline comes), the second half spinning
 *   with interrupts on (it must interrupt a running vCPU). Meanwhile the
 *   TSC and MUXV_HC_TIME_NS are read over and over and must never go
 *   back, and at the end their rates must agree within a factor of two.
 *   A tick later than one period counts as missed (reported, not judged:
 *   TCG is slow and noisy); an interrupt before its deadline, no interrupt
 *   at all, time going back or wildly different rates FAIL.
 * timer.oneshot: the APIC timer's own count-down in one-shot mode: its
 *   rate measured against the TSC, then SHOTS one-shot intervals that must
 *   each interrupt exactly once, and leave the current count at 0.
 * timer.periodic: the same count-down in periodic mode: it must keep
 *   interrupting, and stop when masked (after a drain of two periods, at
 *   most one straggler in the next ten).
 *
 * Parameters: period_us=<n> (default 1000), duration_ms=<n> (default 2000).
 * SKIP timer.tsc_deadline when CPUID.1:ECX[24] does not offer it.
 */
#include "rt/rt.h"

#define VEC_DEADLINE 0x40
#define VEC_APIC_TIMER 0x41
#define SHOTS 20
#define SHOT_NS (2 * RT_NS_PER_MS)
#define PERIODIC_NS RT_NS_PER_MS
#define PERIODIC_RUN_NS (200 * RT_NS_PER_MS)
/* An interrupt this late counts as never coming: far beyond any TCG noise
 * (seen up to about 1 s on a loaded host), short of the test timeouts. */
#define OVERDUE_NS (10 * RT_NS_PER_S)

struct deadline_run {
	uint64_t period, end, deadline;   /* TSC */
	uint64_t ticks, missed, early, late_sum, late_max;
	uint64_t tsc_back, hc_back;
	uint64_t tsc_ns, hc_ns;            /* elapsed over the run, each clock */
	volatile bool done;
	bool overdue;
};

struct apic_run {
	volatile uint64_t fired;
	uint64_t rate_hz;
	const char *oneshot_problem;       /* NULL: fine */
	const char *periodic_problem;
	uint64_t late_max_ns, periodic_ticks;
};

static struct deadline_run dl[RT_MAX_CPUS];
static struct apic_run at[RT_MAX_CPUS];

static void on_deadline(unsigned int vector)
{
	struct deadline_run *r = &dl[rt_cpu_index()];
	uint64_t now = rt_rdtsc(), late, next;

	(void)vector;
	if (now < r->deadline) {
		r->early++;
		return;
	}
	late = now - r->deadline;
	r->ticks++;
	r->late_sum += late;
	if (late > r->late_max)
		r->late_max = late;
	r->missed += late / r->period;
	next = r->deadline + r->period * (1 + late / r->period);
	if (next >= r->end) {
		r->done = true;
		return;
	}
	r->deadline = next;
	rt_apic_set_deadline(next);
}

static void on_apic_timer(unsigned int vector)
{
	(void)vector;
	at[rt_cpu_index()].fired++;
}

/* Samples both clocks; counts each going back since the last sample. */
static void sample_clocks(struct deadline_run *r, uint64_t *tsc, uint64_t *hc)
{
	uint64_t t = rt_rdtsc(), h = (uint64_t)rt_hc_time_ns();

	r->tsc_back += t < *tsc;
	r->hc_back += h < *hc;
	*tsc = t;
	*hc = h;
}

/* Samples both clocks; true (and r->overdue set) once the armed deadline
 * is more than OVERDUE_NS behind. */
static bool tick_overdue(struct deadline_run *r, uint64_t *tsc, uint64_t *hc)
{
	sample_clocks(r, tsc, hc);
	if (*tsc > r->deadline + rt_ns_to_tsc(OVERDUE_NS))
		r->overdue = true;
	return r->overdue;
}

/* Waits for the run to end: HLT until halfway, then spinning with
 * interrupts on. The HLT phase checks `done` with interrupts off, so a
 * tick between the check and the HLT still wakes it (rt_safe_halt). */
static void deadline_wait(struct deadline_run *r, uint64_t start)
{
	uint64_t half = start + (r->end - start) / 2, tsc = 0, hc = 0;

	while (!r->done && !tick_overdue(r, &tsc, &hc) && tsc < half)
		rt_safe_halt();
	if (r->overdue)
		return;
	rt_irq_enable();
	while (!r->done && !tick_overdue(r, &tsc, &hc))
		rt_pause();
	rt_irq_disable();
}

static void run_deadline(struct deadline_run *r, uint64_t period_ns,
			 uint64_t duration_ns)
{
	uint64_t t0, h0;

	r->period = rt_ns_to_tsc(period_ns);
	rt_apic_timer_deadline_mode(VEC_DEADLINE);
	t0 = rt_rdtsc();
	h0 = (uint64_t)rt_hc_time_ns();
	r->end = t0 + rt_ns_to_tsc(duration_ns);
	r->deadline = t0 + r->period;
	rt_apic_set_deadline(r->deadline);
	deadline_wait(r, t0);
	rt_apic_set_deadline(0);
	r->tsc_ns = rt_tsc_to_ns(rt_rdtsc() - t0);
	r->hc_ns = (uint64_t)rt_hc_time_ns() - h0;
}

/* The first impossible result of vCPU cpu's run, or NULL. */
static const char *deadline_problem(const struct deadline_run *r)
{
	if (r->overdue)
		return r->ticks ? "interrupts stopped arriving" : "no interrupt arrived";
	if (r->early)
		return "an interrupt came before its deadline";
	if (r->tsc_back)
		return "the TSC went back";
	if (r->hc_back)
		return "MUXV_HC_TIME_NS went back";
	if (r->tsc_ns > 2 * r->hc_ns || r->hc_ns > 2 * r->tsc_ns)
		return "TSC and MUXV_HC_TIME_NS rates differ by more than 2x";
	return NULL;
}

static void report_deadline(uint64_t period_ns)
{
	const char *problem = NULL;
	unsigned int cpu, bad = 0;

	for (cpu = 0; cpu < rt_nr_cpus(); cpu++) {
		const struct deadline_run *r = &dl[cpu];
		const char *p = deadline_problem(r);
		int64_t ppm = r->hc_ns ? ((int64_t)r->tsc_ns - (int64_t)r->hc_ns) *
			1000000 / (int64_t)r->hc_ns : 0;

		rt_printf("timer: vCPU %u tsc_deadline period_us=%lu ticks=%lu "
			  "missed=%lu early=%lu late_avg_us=%lu late_max_us=%lu "
			  "tsc_vs_hc_ppm=%ld\n", cpu, period_ns / RT_NS_PER_US,
			  r->ticks, r->missed, r->early,
			  r->ticks ? rt_tsc_to_ns(r->late_sum / r->ticks) / RT_NS_PER_US : 0,
			  rt_tsc_to_ns(r->late_max) / RT_NS_PER_US, ppm);
		if (p && !problem) {
			problem = p;
			bad = cpu;
		}
	}
	if (problem)
		rt_fail("timer.tsc_deadline", "vCPU %u: %s", bad, problem);
	else
		rt_pass("timer.tsc_deadline");
}

/* Spins with interrupts on until a->fired reaches n or limit_ns passes;
 * true if it did. */
static bool wait_fired(struct apic_run *a, uint64_t n, uint64_t limit_ns)
{
	uint64_t end = rt_rdtsc() + rt_ns_to_tsc(limit_ns);

	rt_irq_enable();
	while (a->fired < n && rt_rdtsc() < end)
		rt_pause();
	rt_irq_disable();
	return a->fired >= n;
}

/* The APIC timer's count rate, from how far it counts in 10 ms of TSC. */
static uint64_t measure_apic_rate(void)
{
	uint64_t t0, ns;
	uint32_t left;

	rt_apic_timer_oneshot(VEC_APIC_TIMER, 0xffffffffu);
	t0 = rt_rdtsc();
	rt_delay_ns(10 * RT_NS_PER_MS);
	left = rt_apic_timer_current();
	ns = rt_tsc_to_ns(rt_rdtsc() - t0);
	rt_apic_timer_stop();
	return rt_muldiv64(0xffffffffu - left, RT_NS_PER_S, ns);
}

/* SHOTS one-shot intervals; sets a->oneshot_problem on the first bad one. */
static void run_oneshot(struct apic_run *a)
{
	uint32_t count = (uint32_t)rt_muldiv64(a->rate_hz, SHOT_NS, RT_NS_PER_S);
	unsigned int i;

	for (i = 0; i < SHOTS && !a->oneshot_problem; i++) {
		uint64_t before = a->fired, t0 = rt_rdtsc(), late;

		rt_apic_timer_oneshot(VEC_APIC_TIMER, count ? count : 1);
		if (!wait_fired(a, before + 1, OVERDUE_NS)) {
			a->oneshot_problem = "a one-shot interval never interrupted";
			break;
		}
		late = rt_tsc_to_ns(rt_rdtsc() - t0);
		late = late > SHOT_NS ? late - SHOT_NS : 0;
		if (late > a->late_max_ns)
			a->late_max_ns = late;
		if (wait_fired(a, before + 2, 2 * SHOT_NS))
			a->oneshot_problem = "one-shot mode interrupted twice";
		else if (rt_apic_timer_current() != 0)
			a->oneshot_problem = "current count not 0 after the one shot";
	}
	rt_apic_timer_stop();
}

/* Periodic mode for PERIODIC_RUN_NS, then stopped. An interrupt raised
 * just before the stop may still be delivered once interrupts are on, so
 * the check starts after a drain of two periods and tolerates one more. */
static void run_periodic(struct apic_run *a)
{
	uint32_t count = (uint32_t)rt_muldiv64(a->rate_hz, PERIODIC_NS, RT_NS_PER_S);
	uint64_t before = a->fired;

	rt_apic_timer_periodic(VEC_APIC_TIMER, count ? count : 1);
	wait_fired(a, UINT64_MAX, PERIODIC_RUN_NS);
	rt_apic_timer_stop();
	a->periodic_ticks = a->fired - before;
	wait_fired(a, UINT64_MAX, 2 * PERIODIC_NS);
	before = a->fired;
	wait_fired(a, UINT64_MAX, 10 * PERIODIC_NS);
	if (a->periodic_ticks < 2)
		a->periodic_problem = "periodic mode did not keep interrupting";
	else if (a->fired - before > 1)
		a->periodic_problem = "the timer kept interrupting after it was stopped";
}

static void run_apic_timer(struct apic_run *a)
{
	a->rate_hz = measure_apic_rate();
	if (!a->rate_hz) {
		a->oneshot_problem = "the current count does not count down";
		a->periodic_problem = a->oneshot_problem;
		return;
	}
	run_oneshot(a);
	run_periodic(a);
}

/* One result for the case, from the first vCPU with a problem. */
static void judge_apic_case(const char *name, bool periodic)
{
	unsigned int cpu;

	for (cpu = 0; cpu < rt_nr_cpus(); cpu++) {
		const char *p = periodic ? at[cpu].periodic_problem :
					   at[cpu].oneshot_problem;

		if (p) {
			rt_fail(name, "vCPU %u: %s", cpu, p);
			return;
		}
	}
	rt_pass(name);
}

static void report_apic_timer(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < rt_nr_cpus(); cpu++)
		rt_printf("timer: vCPU %u apic_timer rate_hz=%lu oneshot_late_max_us=%lu "
			  "periodic_ticks_in_200ms=%lu\n", cpu, at[cpu].rate_hz,
			  at[cpu].late_max_ns / RT_NS_PER_US, at[cpu].periodic_ticks);
	judge_apic_case("timer.oneshot", false);
	judge_apic_case("timer.periodic", true);
}

static void timer_main(unsigned int cpu)
{
	uint64_t period_ns = rt_param_u64("period_us", 1000) * RT_NS_PER_US;
	uint64_t duration_ns = rt_param_u64("duration_ms", 2000) * RT_NS_PER_MS;
	bool deadline = rt_apic_has_tsc_deadline();

	if (cpu == 0) {
		if (!period_ns || duration_ns < 2 * period_ns)
			rt_abort("timer", "need period_us > 0 and duration_ms >= 2 periods");
		rt_irq_register(VEC_DEADLINE, on_deadline);
		rt_irq_register(VEC_APIC_TIMER, on_apic_timer);
	}
	rt_barrier_all();
	if (deadline)
		run_deadline(&dl[cpu], period_ns, duration_ns);
	run_apic_timer(&at[cpu]);
	rt_barrier_all();
	if (cpu != 0)
		return;
	if (deadline)
		report_deadline(period_ns);
	else
		rt_skip("timer.tsc_deadline", "CPUID.1:ECX[24] does not offer it");
	report_apic_timer();
}

const struct rt_test test_desc = { .name = "timer", .main = timer_main };
