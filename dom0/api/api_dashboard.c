/*
 * api_dashboard.c - GET /v1/dashboard: the whole picture in one call.
 *
 * For the admin: the host (as /v1/host) and every server; for a customer:
 * its own servers only. Per server: state, CPU % and steal % (of one pCPU),
 * the share it is entitled to under contention against the share it gets,
 * burst-credit balance, memory (floor, ceiling, balloon target and current,
 * and what the guest reports in use and free), disk and network rates; for
 * the admin also the memory policy's settings and whether memory is short.
 *
 * Entitled share: the scheduler's water-filling (hypervisor/sched/
 * entitlement.c, compiled into muxd) over every running server with its
 * plan's weight, reservation, cap and vCPUs and its measured use as demand,
 * on the host's pCPUs. It is what the server would get if every server kept
 * asking for what it uses now.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#ifdef MUXD_HAVE_ENTITLEMENT
#include "sched/entitlement.h"
#endif

json_object *api_host_json(struct muxd *m, struct store_conn *c);

struct dash_row {
	struct server sv;
	struct live_entry le;
	bool seen;
	const struct plan *pl;
	int64_t entitled_x100;   /* -1: unknown */
};

static const struct plan *dash_plan(const struct plan *plans, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (plans[i].id == id)
			return &plans[i];
	return NULL;
}

/* Fills entitled_x100 of running rows; -1 everywhere when unavailable. */
static void dash_entitle(struct muxd *m, struct dash_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rows[i].entitled_x100 = -1;
#ifdef MUXD_HAVE_ENTITLEMENT
	struct sched_entitle_in *in = calloc(n + 1, sizeof *in);
	uint32_t *out = calloc(n + 1, sizeof *out);
	size_t *idx = calloc(n + 1, sizeof *idx);
	unsigned k = 0;
	for (size_t i = 0; in && out && idx && i < n; i++) {
		const struct dash_row *d = &rows[i];
		if (!d->seen || d->le.power != DRV_RUNNING || !d->pl)
			continue;
		int64_t demand = d->le.cpu_pct_x100 / 100;
		int64_t most = d->pl->vcpus * 100;
		in[k] = (struct sched_entitle_in){
			.weight = (uint32_t)d->pl->cpu_weight,
			.reservation = (uint32_t)d->pl->cpu_reservation_pct,
			.cap = (uint32_t)(d->le.throttled ? d->pl->cpu_burst_baseline_pct : d->pl->cpu_cap_pct),
			.vcpus = (uint32_t)d->pl->vcpus,
			.demand = (uint32_t)(demand > most ? most : demand < 0 ? 0 : demand),
		};
		idx[k++] = i;
	}
	if (k && sched_entitlement(in, k, (unsigned)m->host.pcpus, out) == 0)
		for (unsigned j = 0; j < k; j++)
			rows[idx[j]].entitled_x100 = out[j];
	free(in);
	free(out);
	free(idx);
#else
	(void)m;
#endif
}

static json_object *dash_pct(int64_t x100, bool known)
{
	return known ? json_object_new_double((double)x100 / 100) : NULL;
}

static json_object *dash_server(const struct dash_row *d)
{
	const struct live_entry *e = &d->le;
	bool rates = d->seen && e->has_rates;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(d->sv.id));
	json_object_object_add(o, "name", json_object_new_string(d->sv.name));
	json_object_object_add(o, "customer_id", json_object_new_int64(d->sv.customer_id));
	json_object_object_add(o, "plan", json_object_new_string(d->pl ? d->pl->name : ""));
	json_object_object_add(o, "power", json_object_new_string(d->sv.power));
	json_object_object_add(o, "state", json_object_new_string(
		api_server_state(d->seen ? e : NULL)));
	json_object_object_add(o, "phase", json_object_new_string(d->sv.phase));
	json_object_object_add(o, "vcpus", json_object_new_int64(d->pl ? d->pl->vcpus : 0));
	json_object_object_add(o, "cpu_pct", dash_pct(e->cpu_pct_x100, rates));
	json_object_object_add(o, "steal_pct", dash_pct(e->steal_pct_x100, rates && e->has_steal));
	json_object_object_add(o, "received_pct", dash_pct(e->cpu_pct_x100, rates));
	json_object_object_add(o, "entitled_pct", d->entitled_x100 >= 0 ?
			       json_object_new_double((double)d->entitled_x100 / 100) : NULL);
	json_object_object_add(o, "burst_credit_cpu_s", d->pl && d->pl->cpu_burst_baseline_pct ?
			       json_object_new_double((double)(d->seen ? e->credit_x100 :
							       d->sv.burst_credit_x100) / 100) : NULL);
	json_object_object_add(o, "burst_throttled", json_object_new_boolean(d->seen && e->throttled));
	json_object_object_add(o, "mem_mib", d->seen ? json_object_new_int64(e->mem_mib) : NULL);
	json_object_object_add(o, "mem_target_mib", json_object_new_int64(
		d->seen && e->mem_target_mib ? e->mem_target_mib : d->pl ? d->pl->mem_ceiling_mib : 0));
	json_object_object_add(o, "mem_floor_mib", json_object_new_int64(d->pl ? d->pl->mem_floor_mib : 0));
	json_object_object_add(o, "mem_ceiling_mib",
			       json_object_new_int64(d->pl ? d->pl->mem_ceiling_mib : 0));
	bool guest = d->seen && e->guest_known;
	json_object_object_add(o, "guest_used_mib", guest ? json_object_new_int64(e->guest_used_mib) : NULL);
	json_object_object_add(o, "guest_free_mib", guest ? json_object_new_int64(e->guest_free_mib) : NULL);
	json_object_object_add(o, "disk_read_bps", rates ? json_object_new_int64(e->disk_rd_bps) : NULL);
	json_object_object_add(o, "disk_write_bps", rates ? json_object_new_int64(e->disk_wr_bps) : NULL);
	json_object_object_add(o, "net_rx_bps", rates ? json_object_new_int64(e->net_rx_bps) : NULL);
	json_object_object_add(o, "net_tx_bps", rates ? json_object_new_int64(e->net_tx_bps) : NULL);
	return o;
}

/* The memory policy's settings and state (admin only). */
static json_object *dash_policy(struct muxd *m, const struct dash_row *rows, size_t n)
{
	uint64_t ceilings = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].seen && rows[i].le.power == DRV_RUNNING && rows[i].pl)
			ceilings += (uint64_t)rows[i].pl->mem_ceiling_mib;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "pool_mib", json_object_new_int64((int64_t)m->host.mem_mib));
	json_object_object_add(o, "running_ceilings_mib", json_object_new_int64((int64_t)ceilings));
	json_object_object_add(o, "pressure", json_object_new_boolean(ceilings > m->host.mem_mib));
	json_object_object_add(o, "tax_pct", json_object_new_int64(m->cfg.balloon_tax_pct));
	json_object_object_add(o, "interval_s", json_object_new_int64(m->cfg.balloon_interval_s));
	json_object_object_add(o, "max_step_mib", json_object_new_int64(m->cfg.balloon_max_step_mib));
	json_object_object_add(o, "hysteresis_mib",
			       json_object_new_int64(m->cfg.balloon_hysteresis_mib));
	return o;
}

/* Every server row the caller may see (admin: all); *out is malloc'd. */
static int dash_rows(struct api_req *r, struct dash_row **out, size_t *n)
{
	struct server_filter f;
	memset(&f, 0, sizeof f);
	if (!r->who.admin)
		f.customer_id = r->who.customer_id;
	*out = NULL;
	*n = 0;
	int64_t after = 0;
	for (;;) {
		struct server *v = NULL;
		size_t k = 0;
		int rc = store_server_list(r->db, &f, after, 1000, &v, &k);
		if (rc)
			return rc;
		struct dash_row *grown = realloc(*out, (*n + k + 1) * sizeof *grown);
		if (!grown) {
			free(v);
			return -1;
		}
		*out = grown;
		for (size_t i = 0; i < k; i++) {
			struct dash_row *d = &(*out)[(*n)++];
			memset(d, 0, sizeof *d);
			d->sv = v[i];
			d->seen = live_get(&r->m->live, v[i].id, &d->le);
		}
		after = k ? v[k - 1].id : after;
		free(v);
		if (k < 1000)
			return 0;
	}
}

void api_dashboard_get(struct api_req *r)
{
	if (!api_query_allowed(r, (const char *const[]){ NULL }))
		return;
	struct dash_row *rows = NULL;
	size_t n = 0;
	struct plan *plans = NULL;
	size_t np = 0;
	int rc = dash_rows(r, &rows, &n);
	if (!rc)
		rc = store_plan_list(r->db, 0, 1000, false, &plans, &np);
	if (rc) {
		free(rows);
		api_error(r, 500, "store_error", NULL, "the store failed while building the dashboard");
		return;
	}
	for (size_t i = 0; i < n; i++)
		rows[i].pl = dash_plan(plans, np, rows[i].sv.plan_id);
	dash_entitle(r->m, rows, n);
	json_object *servers = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(servers, dash_server(&rows[i]));
	r->json = json_object_new_object();
	json_object_object_add(r->json, "time", json_object_new_int64(store_now()));
	json_object_object_add(r->json, "host", r->who.admin ? api_host_json(r->m, r->db) : NULL);
	json_object_object_add(r->json, "memory_policy", r->who.admin ? dash_policy(r->m, rows, n) : NULL);
	json_object_object_add(r->json, "servers", servers);
	r->status = 200;
	free(rows);
	free(plans);
}
