/*
 * sim.c - the simulator's event loop and measurements (see sim.h).
 *
 * Time jumps from event to event: a workload event (arrival, phase
 * change; kept in a binary heap by time), a pCPU's deadline, or the moment
 * the running vCPU of a pCPU runs out of work. All events of one instant
 * are handled, every kick is honoured at that instant, and then the
 * invariants are checked:
 *   - a vCPU runs on at most one pCPU, and only if it wants to run;
 *   - work conservation: no pCPU idles while a vCPU of an unthrottled
 *     domain waits;
 *   - a deadline is never in the past.
 * With late preemption (sim_set_late) a pCPU acts on its deadline a random
 * time after it (pc->due); kicks and blocks still take effect at once.
 * Run time is measured in chunks between events and split exactly over
 * 100 ms windows and scheduler periods.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "workload.h"

void sim_fail(struct sim *sim, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sim->err[0])
		return;
	n = snprintf(sim->err, sizeof sim->err, "seed %llu t=%lluns: ",
		     (unsigned long long)sim->seed, (unsigned long long)sim->now);
	va_start(ap, fmt);
	vsnprintf(sim->err + n, sizeof sim->err - (size_t)n, fmt, ap);
	va_end(ap);
}

struct sim *sim_new(unsigned npcpus, uint64_t horizon_ns, uint64_t seed)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (sim == NULL)
		return NULL;
	sim->doms = calloc(SIM_MAX_DOMS, sizeof(*sim->doms));
	sim->vcpus = calloc(SIM_MAX_VCPUS, sizeof(*sim->vcpus));
	sim->heap = calloc(SIM_MAX_VCPUS, sizeof(*sim->heap));
	if (!sim->doms || !sim->vcpus || !sim->heap || sched_init(&sim->s, npcpus)) {
		sim_free(sim);
		return NULL;
	}
	sim->seed = seed;
	sim->npcpus = npcpus;
	sim->horizon = horizon_ns;
	sim->nwin = (unsigned)((horizon_ns + SIM_WINDOW_NS - 1) / SIM_WINDOW_NS);
	sim->nper = (unsigned)((horizon_ns + SCHED_PERIOD_NS - 1) / SCHED_PERIOD_NS);
	for (unsigned p = 0; p < npcpus; p++)
		sim->pcpu[p].deadline = sim->pcpu[p].due = SIM_INF;
	sim->late_rng = seed ^ 0x1a7e1a7eull;
	return sim;
}

void sim_free(struct sim *sim)
{
	if (sim == NULL)
		return;
	for (unsigned i = 0; sim->doms && i < sim->ndoms; i++) {
		free(sim->doms[i].win_run);
		free(sim->doms[i].win_min_wanting);
		free(sim->doms[i].per_run);
		free(sim->doms[i].win_arrived);
	}
	free(sim->doms);
	free(sim->vcpus);
	free(sim->heap);
	free(sim);
}

int sim_add_dom(struct sim *sim, const struct sched_params *p, unsigned nvcpus,
		const struct sim_workload *wl)
{
	struct sim_dom *d = &sim->doms[sim->ndoms];
	int err;

	if (sim->ndoms == SIM_MAX_DOMS || sim->nvcpus + nvcpus > SIM_MAX_VCPUS)
		return -ENOMEM;
	err = sched_dom_add(&sim->s, &d->sd, p, nvcpus, sim->now);
	if (err)
		return err;
	d->index = sim->ndoms++;
	d->first_vcpu = sim->nvcpus;
	d->nvcpus = nvcpus;
	d->win_run = calloc(sim->nwin, sizeof(uint64_t));
	d->win_min_wanting = calloc(sim->nwin, sizeof(uint32_t));
	d->per_run = calloc(sim->nper, sizeof(uint64_t));
	d->win_arrived = calloc(sim->nwin, sizeof(uint64_t));
	for (unsigned w = 0; w < sim->nwin; w++)
		d->win_min_wanting[w] = UINT32_MAX;
	for (unsigned i = 0; i < nvcpus; i++) {
		struct sim_vcpu *v = &sim->vcpus[sim->nvcpus++];

		sched_vcpu_add(&sim->s, &d->sd, &v->sv, sim->now);
		v->dom = d;
		v->wl = *wl;
		v->rng = sim->seed * 1000003u + (uint64_t)(v - sim->vcpus);
		v->pcpu = -1;
	}
	return (int)d->index;
}

void sim_set_workload(struct sim *sim, unsigned dom, unsigned i,
		      const struct sim_workload *wl)
{
	sim->vcpus[sim->doms[dom].first_vcpu + i].wl = *wl;
}

/* ---- measurement ---- */

/* Adds the run [a, b) of a vCPU of d to d's window and period sums. */
static void sim_account(struct sim *sim, struct sim_dom *d, uint64_t a, uint64_t b)
{
	d->run_ns += b - a;
	for (uint64_t t = a; t < b && t < sim->horizon;) {
		uint64_t w = t / SIM_WINDOW_NS, p = t / SCHED_PERIOD_NS;
		uint64_t end = (p + 1) * SCHED_PERIOD_NS;

		if (end > b)
			end = b;
		d->win_run[w] += end - t;
		d->per_run[p] += end - t;
		t = end;
	}
}

/* Charges v's current run up to now (it keeps running). */
static void sim_chunk(struct sim *sim, struct sim_vcpu *v)
{
	uint64_t ran = sim->now - v->run_start;

	sim_account(sim, v->dom, v->run_start, sim->now);
	v->run_ns += ran;
	if (v->backlog != SIM_INF)
		v->backlog -= ran;
	v->run_start = sim->now;
}

/* d's count of wanting vCPUs becomes n: keeps each window's minimum. */
static void sim_set_wanting(struct sim *sim, struct sim_dom *d, unsigned n)
{
	uint64_t w0 = d->last_want_change / SIM_WINDOW_NS;
	uint64_t w1 = sim->now / SIM_WINDOW_NS;

	for (uint64_t w = w0 + 1; w <= w1 && w < sim->nwin; w++)
		if (d->wanting < d->win_min_wanting[w])
			d->win_min_wanting[w] = d->wanting;
	if (w1 < sim->nwin && n < d->win_min_wanting[w1])
		d->win_min_wanting[w1] = n;
	d->wanting = n;
	d->last_want_change = sim->now;
}

/* ---- the simulated hypervisor ---- */

static void sim_pick(struct sim *sim, unsigned p);

/* Honours the kicks, at once; a pCPU kicked again and again at one
 * instant is a kick storm, which fails the run. */
static void sim_drain_kicks(struct sim *sim)
{
	uint64_t k;
	unsigned rounds = 0;

	while ((k = sched_take_kicks(&sim->s)) != 0 && !sim->err[0]) {
		if (++rounds > 10 * SCHED_MAX_PCPUS) {
			sim_fail(sim, "kick storm: pCPUs %#llx kicked again and again",
				 (unsigned long long)k);
			return;
		}
		for (unsigned p = 0; p < sim->npcpus; p++)
			if (k & (1ull << p))
				sim_pick(sim, p);
	}
}

/* v starts running on p (the module picked it). */
static void sim_start(struct sim *sim, unsigned p, struct sim_vcpu *v)
{
	if (v->pcpu >= 0)
		sim_fail(sim, "vCPU %u picked by pCPU %u while on pCPU %d",
			 (unsigned)(v - sim->vcpus), p, v->pcpu);
	if (!v->wants)
		sim_fail(sim, "vCPU %u picked without work", (unsigned)(v - sim->vcpus));
	v->pcpu = (int)p;
	v->run_start = sim->now;
	v->dom->waiting--;
	if (sim->now - v->wait_since > v->max_gap)
		v->max_gap = sim->now - v->wait_since;
	if (v->wake_pending && v->wake_warped) {
		uint64_t lat = sim->now - v->wake_at;

		v->warped_wakes++;
		v->sum_warp_latency += lat;
		if (lat > v->max_warp_latency)
			v->max_warp_latency = lat;
	}
	v->wake_pending = false;
	sim->pcpu[p].v = v;
}

/* The vCPU on p leaves it (preempted, still wanting, or blocked). */
static void sim_leave(struct sim *sim, unsigned p)
{
	struct sim_vcpu *v = sim->pcpu[p].v;

	v->pcpu = -1;
	sim->pcpu[p].v = NULL;
	if (v->wants) {
		v->wait_since = sim->now;
		v->dom->waiting++;
	}
}

void sim_set_late(struct sim *sim, const struct sim_late *late)
{
	sim->late = *late;
}

/* When a pCPU given `deadline`, running a vCPU or not, really decides:
 * late preemption. */
static uint64_t sim_late_due(struct sim *sim, uint64_t deadline, bool running)
{
	const struct sim_late *l = &sim->late;
	uint64_t late = 0;

	if (deadline == SIM_INF || (!running && !l->idle))
		return deadline;
	if (l->spike_pct != 0 && sim_rand(&sim->late_rng) % 100 < l->spike_pct)
		late = sim_rand_range(&sim->late_rng, 0, l->spike_ns);
	else if (l->max_ns != 0)
		late = sim_rand_range(&sim->late_rng, 0, l->max_ns);
	return deadline + late;
}

static void sim_pick(struct sim *sim, unsigned p)
{
	struct sim_pcpu *pc = &sim->pcpu[p];
	struct sched_vcpu *sv;
	uint64_t deadline;

	if (pc->v)
		sim_chunk(sim, pc->v);
	if (pc->due <= sim->now) {
		sim->late_ns += sim->now - pc->deadline;
		sim->late_n++;
	}
	sv = sched_pick(&sim->s, p, sim->now, &deadline);
	sim->picks++;
	if (pc->v && &pc->v->sv != sv)
		sim_leave(sim, p);
	if (sv && (pc->v == NULL || &pc->v->sv != sv))
		sim_start(sim, p, (struct sim_vcpu *)sv);
	if (deadline <= sim->now && sv != NULL)
		sim_fail(sim, "pCPU %u given deadline %llu, not after now", p,
			 (unsigned long long)deadline);
	pc->deadline = deadline;
	pc->due = sim_late_due(sim, deadline, sv != NULL);
}

void sim_vcpu_give_work(struct sim *sim, struct sim_vcpu *v, uint64_t ns)
{
	if (v->pcpu >= 0)
		sim_chunk(sim, v);
	v->backlog = (ns == SIM_INF || v->backlog == SIM_INF) ? SIM_INF : v->backlog + ns;
	if (v->wants)
		return;
	v->wants = true;
	v->want_since = sim->now;
	v->wait_since = sim->now;
	v->dom->waiting++;
	sim_set_wanting(sim, v->dom, v->dom->wanting + 1);
	v->wakes++;
	sched_vcpu_wake(&sim->s, &v->sv, sim->now);
	v->wake_at = sim->now;
	v->wake_pending = true;
	v->wake_warped = v->sv.warp_left != 0;
	sim_drain_kicks(sim);
}

void sim_vcpu_drop_work(struct sim *sim, struct sim_vcpu *v)
{
	int p = v->pcpu;

	if (p >= 0)
		sim_chunk(sim, v);
	v->backlog = 0;
	if (!v->wants)
		return;
	v->wants = false;
	v->want_ns += sim->now - v->want_since;
	v->wake_pending = false;
	sim_set_wanting(sim, v->dom, v->dom->wanting - 1);
	sched_vcpu_block(&sim->s, &v->sv, sim->now);
	if (p >= 0) {
		sim_leave(sim, (unsigned)p);
		sim_pick(sim, (unsigned)p);
	} else {
		v->dom->waiting--;
	}
	sim_drain_kicks(sim);
}

int sim_set_params(struct sim *sim, unsigned dom, const struct sched_params *p)
{
	int err;

	for (unsigned q = 0; q < sim->npcpus; q++)
		if (sim->pcpu[q].v)
			sim_chunk(sim, sim->pcpu[q].v);
	err = sched_dom_set_params(&sim->s, &sim->doms[dom].sd, p, sim->now);
	sim_drain_kicks(sim);
	return err;
}

/* ---- event loop ---- */

static bool heap_less(const struct sim *sim, unsigned a, unsigned b)
{
	return sim->vcpus[sim->heap[a]].next_event < sim->vcpus[sim->heap[b]].next_event;
}

static void heap_swap(struct sim *sim, unsigned a, unsigned b)
{
	unsigned t = sim->heap[a];

	sim->heap[a] = sim->heap[b];
	sim->heap[b] = t;
}

static void heap_down(struct sim *sim, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;

		if (l < sim->heap_len && heap_less(sim, l, m))
			m = l;
		if (r < sim->heap_len && heap_less(sim, r, m))
			m = r;
		if (m == i)
			return;
		heap_swap(sim, i, m);
		i = m;
	}
}

static void heap_build(struct sim *sim)
{
	sim->heap_len = sim->nvcpus;
	for (unsigned i = 0; i < sim->nvcpus; i++) {
		sim->heap[i] = i;
		sim_workload_begin(&sim->vcpus[i]);
	}
	for (unsigned i = sim->heap_len / 2; i-- > 0;)
		heap_down(sim, i);
}

/* When the run on pCPU p needs attention: its deadline (as late as it is
 * honoured) or its vCPU's work running out. */
static uint64_t sim_pcpu_due(const struct sim *sim, unsigned p)
{
	const struct sim_pcpu *pc = &sim->pcpu[p];
	uint64_t due = pc->due;

	if (pc->v && pc->v->backlog != SIM_INF && pc->v->run_start + pc->v->backlog < due)
		due = pc->v->run_start + pc->v->backlog;
	return due;
}

static uint64_t sim_next_time(const struct sim *sim)
{
	uint64_t t = sim->heap_len ? sim->vcpus[sim->heap[0]].next_event : SIM_INF;

	for (unsigned p = 0; p < sim->npcpus; p++) {
		uint64_t due = sim_pcpu_due(sim, p);
		if (due < t)
			t = due;
	}
	return t;
}

/* Handles the pCPU events due at now. */
static void sim_pcpu_events(struct sim *sim)
{
	for (unsigned p = 0; p < sim->npcpus; p++) {
		struct sim_vcpu *v = sim->pcpu[p].v;

		if (sim_pcpu_due(sim, p) > sim->now)
			continue;
		if (v && v->backlog != SIM_INF && v->run_start + v->backlog <= sim->now)
			sim_vcpu_drop_work(sim, v); /* blocks and picks */
		else
			sim_pick(sim, p);
		sim_drain_kicks(sim);
	}
}

/*
 * Work conservation: no pCPU idles while a vCPU of an unthrottled domain
 * waits; and while any vCPU waits, some pCPU decides again within a slice
 * (pCPUs that saw nothing waiting may have no timer at all).
 */
static void sim_check_conserving(struct sim *sim)
{
	bool idle = false, waiting = false, due = false;

	for (unsigned i = 0; i < sim->ndoms; i++)
		waiting |= sim->doms[i].waiting != 0 && !sim->doms[i].sd.throttled;
	for (unsigned p = 0; p < sim->npcpus; p++) {
		idle |= sim->pcpu[p].v == NULL;
		due |= sim->pcpu[p].deadline <= sim->now + SCHED_SLICE_NS;
	}
	if (waiting && !due)
		sim_fail(sim, "vCPUs wait but no pCPU decides within a slice");
	if (!idle)
		return;
	for (unsigned i = 0; i < sim->ndoms; i++) {
		struct sim_dom *d = &sim->doms[i];

		if (d->waiting != 0 && !d->sd.throttled) {
			sim->idle_with_waiting++;
			sim_fail(sim, "a pCPU idles while domain %u has %u vCPUs waiting",
				 i, d->waiting);
		}
	}
}

void sim_run(struct sim *sim, uint64_t until)
{
	unsigned same_instant = 0;

	if (sim->heap_len == 0 && sim->now == 0)
		heap_build(sim);
	while (!sim->err[0]) {
		uint64_t t = sim_next_time(sim);

		if (t > until)
			break;
		same_instant = (t == sim->now) ? same_instant + 1 : 0;
		if (same_instant > 100000) {
			sim_fail(sim, "no progress: events loop at one instant");
			break;
		}
		sim->now = t;
		while (sim->heap_len && sim->vcpus[sim->heap[0]].next_event <= t) {
			sim_workload_event(sim, &sim->vcpus[sim->heap[0]]);
			heap_down(sim, 0);
		}
		sim_pcpu_events(sim);
		sim_check_conserving(sim);
	}
	sim->now = until;
	for (unsigned p = 0; p < sim->npcpus; p++)
		if (sim->pcpu[p].v)
			sim_chunk(sim, sim->pcpu[p].v);
}

/* Sum of a per-window array over the windows in [from, to). */
static uint64_t sim_windows_sum(const struct sim *sim, const uint64_t *a,
				uint64_t from, uint64_t to)
{
	uint64_t sum = 0;

	for (uint64_t w = from / SIM_WINDOW_NS; w < to / SIM_WINDOW_NS && w < sim->nwin; w++)
		sum += a[w];
	return sum;
}

uint64_t sim_dom_run_between(const struct sim *sim, unsigned dom,
			     uint64_t from, uint64_t to)
{
	return sim_windows_sum(sim, sim->doms[dom].win_run, from, to);
}

uint64_t sim_dom_arrived_between(const struct sim *sim, unsigned dom,
				 uint64_t from, uint64_t to)
{
	return sim_windows_sum(sim, sim->doms[dom].win_arrived, from, to);
}

unsigned sim_dom_min_wanting(const struct sim *sim, unsigned dom, unsigned w)
{
	const struct sim_dom *d = &sim->doms[dom];

	/* No change recorded for w: the count was the current one throughout
	 * (w after the last change, or a domain that never woke). */
	if (w > d->last_want_change / SIM_WINDOW_NS ||
	    d->win_min_wanting[w] == UINT32_MAX)
		return d->wanting;
	return d->win_min_wanting[w];
}
