/*
 * check.c - property checks over a finished (or paused) simulation; see
 * check.h. The entitlement comes from the module's own sched_entitlement()
 * (the function the dashboard shows), called with every percentage scaled
 * by 100 so that demands keep four decimals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "sim.h"

/* Demand of domain d over [from, to) in CHECK_ONE_PCPU units. */
static uint64_t check_demand(const struct sim *sim, const struct sim_dom *d,
			     uint64_t from, uint64_t to)
{
	uint64_t len = to - from, demand = 0;

	for (unsigned i = 0; i < d->nvcpus; i++) {
		const struct sim_vcpu *v = &sim->vcpus[d->first_vcpu + i];

		if (v->wl.kind == SIM_CPU)
			demand += CHECK_ONE_PCPU;
	}
	demand += (unsigned __int128)sim_dom_arrived_between(sim, d->index, from, to) *
		  CHECK_ONE_PCPU / len;
	return demand;
}

bool check_entitled(struct sim *sim, uint64_t from, uint64_t to, uint32_t *ent)
{
	struct sched_entitle_in *in = calloc(sim->ndoms, sizeof(*in));
	int err;

	for (unsigned i = 0; i < sim->ndoms; i++) {
		const struct sim_dom *d = &sim->doms[i];
		const struct sched_params *p = &d->sd.params;

		in[i].weight = p->weight;
		in[i].reservation = p->reservation * 100;
		in[i].cap = p->cap * 100;
		in[i].vcpus = d->nvcpus * 100;
		in[i].demand = (uint32_t)(check_demand(sim, d, from, to) / 100);
	}
	err = sched_entitlement(in, sim->ndoms, sim->npcpus * 100, ent);
	free(in);
	if (err)
		sim_fail(sim, "sched_entitlement refused the scenario: %d", err);
	return err == 0;
}

bool check_shares(struct sim *sim, uint64_t from, uint64_t to,
		  const uint32_t *ent, double tol_pct, double *worst)
{
	double len = (double)(to - from), cap = len * sim->npcpus;
	bool ok = true;

	for (unsigned i = 0; i < sim->ndoms; i++) {
		double got = (double)sim_dom_run_between(sim, i, from, to);
		double want = (double)ent[i] * len / CHECK_ONE_PCPU;
		double err = (got - want) / cap * 100.0;

		if (err < 0)
			err = -err;
		if (err > *worst)
			*worst = err;
		if (err > tol_pct && ok) {
			sim_fail(sim, "domain %u (w %u r %u c %u, %u vCPUs) got %.3f%% of "
				 "a pCPU, entitled %.3f%%: off by %.3f%% of the host",
				 i, sim->doms[i].sd.params.weight,
				 sim->doms[i].sd.params.reservation, sim->doms[i].sd.params.cap,
				 sim->doms[i].nvcpus, got / len * 100, want / len * 100, err);
			ok = false;
		}
	}
	return ok;
}

bool check_no_starvation(struct sim *sim, const uint32_t *ent, unsigned *checked)
{
	bool ok = true;

	for (unsigned i = 0; i < sim->nvcpus; i++) {
		struct sim_vcpu *v = &sim->vcpus[i];
		uint64_t e = ent[v->dom->index], gap = v->max_gap, bound;

		if (e == 0 || v->wl.kind == SIM_IDLE)
			continue;
		/* share f = e / (nvcpus * ONE); bound = 4 S / f + 2 P */
		bound = (uint64_t)((unsigned __int128)4 * SCHED_SLICE_NS * v->dom->nvcpus *
				   CHECK_ONE_PCPU / e) + 2 * SCHED_PERIOD_NS;
		if (bound > sim->now / 2)
			continue;
		if (v->wants && sim->now - v->wait_since > gap && v->pcpu < 0)
			gap = sim->now - v->wait_since;
		++*checked;
		if (gap > bound && ok) {
			sim_fail(sim, "vCPU %u of domain %u waited %llu us, bound %llu us", i,
				 v->dom->index, (unsigned long long)gap / 1000,
				 (unsigned long long)bound / 1000);
			ok = false;
		}
	}
	return ok;
}

bool check_cap(struct sim *sim, unsigned dom, uint32_t cap, uint64_t from,
	       uint64_t to)
{
	const struct sim_dom *d = &sim->doms[dom];
	uint64_t per_max = (uint64_t)cap * SCHED_PERIOD_NS / 100;
	uint64_t win_max = (uint64_t)cap * SIM_WINDOW_NS / 100;

	for (uint64_t p = from / SCHED_PERIOD_NS; p < to / SCHED_PERIOD_NS; p++) {
		if (d->per_run[p] > per_max) {
			sim_fail(sim, "domain %u used %llu ns in period %llu, cap %u%% = %llu",
				 dom, (unsigned long long)d->per_run[p], (unsigned long long)p,
				 cap, (unsigned long long)per_max);
			return false;
		}
	}
	for (uint64_t w = from / SIM_WINDOW_NS; w < to / SIM_WINDOW_NS; w++) {
		if (d->win_run[w] > win_max) {
			sim_fail(sim, "domain %u used %llu ns in window %llu, cap %u%%", dom,
				 (unsigned long long)d->win_run[w], (unsigned long long)w, cap);
			return false;
		}
	}
	return true;
}

bool check_reservation(struct sim *sim, unsigned dom, uint32_t r,
		       uint64_t from, uint64_t to, uint64_t slack_ns,
		       uint64_t minus_ns, double *worst)
{
	const struct sim_dom *d = &sim->doms[dom];

	for (uint64_t w = from / SIM_WINDOW_NS; w < to / SIM_WINDOW_NS; w++) {
		uint64_t k = sim_dom_min_wanting(sim, dom, (unsigned)w);
		uint64_t pct = k * 100 < r ? k * 100 : r;
		uint64_t full = pct * SIM_WINDOW_NS / 100;
		uint64_t need = pct * (SIM_WINDOW_NS - slack_ns) / 100 - minus_ns;
		double deficit;

		if (k == 0)
			continue;
		deficit = d->win_run[w] >= full ? 0 :
			  (double)(full - d->win_run[w]) * 100.0 / (double)full;
		if (deficit > *worst)
			*worst = deficit;
		if (d->win_run[w] < need) {
			sim_fail(sim, "domain %u (reservation %u%%, %llu vCPUs wanting) got "
				 "%llu us in window %llu, needs %llu us", dom, r,
				 (unsigned long long)k, (unsigned long long)d->win_run[w] / 1000,
				 (unsigned long long)w, (unsigned long long)need / 1000);
			return false;
		}
	}
	return true;
}

bool check_accounting(struct sim *sim)
{
	for (unsigned i = 0; i < sim->ndoms; i++) {
		const struct sim_dom *d = &sim->doms[i];
		struct sched_stats ds, sum = { 0, 0, 0 };

		for (unsigned j = 0; j < d->nvcpus; j++) {
			const struct sim_vcpu *v = &sim->vcpus[d->first_vcpu + j];
			uint64_t want = v->want_ns + (v->wants ? sim->now - v->want_since : 0);
			struct sched_stats st;

			sched_vcpu_stats(&v->sv, sim->now, &st);
			if (st.run_ns != v->run_ns || st.steal_ns != want - v->run_ns ||
			    st.blocked_ns != sim->now - want) {
				sim_fail(sim, "vCPU %u accounting run/steal/blocked %llu/%llu/%llu, "
					 "simulator saw %llu/%llu/%llu", d->first_vcpu + j,
					 (unsigned long long)st.run_ns, (unsigned long long)st.steal_ns,
					 (unsigned long long)st.blocked_ns,
					 (unsigned long long)v->run_ns,
					 (unsigned long long)(want - v->run_ns),
					 (unsigned long long)(sim->now - want));
				return false;
			}
			sum.run_ns += st.run_ns;
			sum.steal_ns += st.steal_ns;
			sum.blocked_ns += st.blocked_ns;
		}
		sched_dom_stats(&d->sd, sim->now, &ds);
		if (ds.run_ns != sum.run_ns || ds.steal_ns != sum.steal_ns ||
		    ds.blocked_ns != sum.blocked_ns || ds.run_ns != d->run_ns) {
			sim_fail(sim, "domain %u sums differ from its vCPUs'", i);
			return false;
		}
	}
	return true;
}
