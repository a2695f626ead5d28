/*
 * workload.c - the synthetic guest workloads of the simulator (sim.h):
 * when work arrives or goes away for a vCPU. Each vCPU has its own seeded
 * random stream, so a scenario is fully determined by its seed.
 */
#include <stdint.h>

#include "sim.h"
#include "workload.h"

uint64_t sim_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t sim_rand_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
	return lo + sim_rand(state) % (hi - lo + 1);
}

/* pct +- jitter of x, uniformly. */
static uint64_t jittered(uint64_t *rng, uint64_t x, uint32_t jitter_pct)
{
	uint64_t j = x * jitter_pct / 100;

	return j ? sim_rand_range(rng, x - j, x + j) : x;
}

/* An on or off phase of an ONOFF workload: 1/2 to 3/2 of its mean. */
static uint64_t onoff_phase(struct sim_vcpu *v, bool on)
{
	uint64_t mean = v->wl.period_ns * (on ? v->wl.on_pct : 100 - v->wl.on_pct) / 100;

	return mean ? sim_rand_range(&v->rng, mean / 2, mean + mean / 2) : 0;
}

void sim_workload_begin(struct sim_vcpu *v)
{
	switch (v->wl.kind) {
	case SIM_IDLE:
		v->next_event = SIM_INF;
		break;
	case SIM_PERIODIC:
		v->next_event = v->wl.start_ns + sim_rand_range(&v->rng, 0, v->wl.period_ns - 1);
		break;
	default:
		v->next_event = v->wl.start_ns;
		break;
	}
}

/* A workload with a stop time has its last event there. */
static void workload_clip(struct sim_vcpu *v)
{
	if (v->wl.stop_ns != 0 && v->next_event > v->wl.stop_ns)
		v->next_event = v->wl.stop_ns;
}

void sim_workload_event(struct sim *sim, struct sim_vcpu *v)
{
	uint64_t now = sim->now;

	if (v->wl.stop_ns != 0 && now >= v->wl.stop_ns) {
		sim_vcpu_drop_work(sim, v);
		v->next_event = SIM_INF;
		return;
	}
	switch (v->wl.kind) {
	case SIM_IDLE:
		v->next_event = SIM_INF;
		return;
	case SIM_CPU:
		sim_vcpu_give_work(sim, v, SIM_INF);
		v->next_event = SIM_INF;
		break;
	case SIM_PERIODIC:
		v->arrived_ns += v->wl.work_ns;
		if (now / SIM_WINDOW_NS < sim->nwin)
			v->dom->win_arrived[now / SIM_WINDOW_NS] += v->wl.work_ns;
		sim_vcpu_give_work(sim, v, v->wl.work_ns);
		v->next_event = now + jittered(&v->rng, v->wl.period_ns, v->wl.jitter_pct);
		break;
	case SIM_ONOFF:
		v->on = !v->on;
		if (v->on)
			sim_vcpu_give_work(sim, v, SIM_INF);
		else
			sim_vcpu_drop_work(sim, v);
		v->next_event = now + onoff_phase(v, v->on);
		break;
	}
	workload_clip(v);
}
