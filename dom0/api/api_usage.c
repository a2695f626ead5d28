/*
 * api_usage.c - GET /v1/servers/{id}/usage?since=&step=
 *
 * `since` is Unix seconds (default: an hour ago), `step` the seconds per
 * point (default 60). The answer comes from the coarsest stored resolution
 * that is no coarser than `step` and still holds data back to `since`
 * (sampler.h: raw samples, 5-minute and 1-hour roll-ups), averaged into
 * `step`-second points.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>

#include "api_fields.h"
#include "sampler.h"

static const char *const usage_params[] = { "since", "step", NULL };

/* Picks the tier to read for a query; see the file comment. */
static int64_t usage_tier(const struct muxd_config *cfg, int64_t now, int64_t since, int64_t step)
{
	const int64_t tiers[3] = { SMP_TIER_RAW, SMP_TIER_5M, SMP_TIER_1H };
	const int64_t res[3] = { cfg->sample_interval_s, 300, 3600 };
	const int64_t keep[3] = { cfg->retention_raw_s, cfg->retention_5m_s, cfg->retention_1h_s };
	for (int i = 2; i >= 0; i--)
		if (res[i] <= step && since >= now - keep[i])
			return tiers[i];
	for (int i = 0; i < 3; i++)
		if (since >= now - keep[i])
			return tiers[i];
	return SMP_TIER_1H;
}

static json_object *usage_point(const struct usage_row *u)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ts", json_object_new_int64(u->ts));
	json_object_object_add(o, "cpu_pct", json_object_new_double((double)u->cpu_pct_x100 / 100));
	json_object_object_add(o, "steal_pct", json_object_new_double((double)u->steal_pct_x100 / 100));
	json_object_object_add(o, "mem_mib", json_object_new_int64(u->mem_mib));
	json_object_object_add(o, "mem_target_mib", json_object_new_int64(u->mem_target_mib));
	json_object_object_add(o, "mem_floor_mib", json_object_new_int64(u->mem_floor_mib));
	json_object_object_add(o, "mem_ceiling_mib", json_object_new_int64(u->mem_ceiling_mib));
	json_object_object_add(o, "guest_used_mib", u->guest_used_mib >= 0 ?
			       json_object_new_int64(u->guest_used_mib) : NULL);
	json_object_object_add(o, "guest_free_mib", u->guest_free_mib >= 0 ?
			       json_object_new_int64(u->guest_free_mib) : NULL);
	json_object_object_add(o, "disk_read_bps", json_object_new_int64(u->disk_rd_bps));
	json_object_object_add(o, "disk_write_bps", json_object_new_int64(u->disk_wr_bps));
	json_object_object_add(o, "net_rx_bps", json_object_new_int64(u->net_rx_bps));
	json_object_object_add(o, "net_tx_bps", json_object_new_int64(u->net_tx_bps));
	json_object_object_add(o, "samples", json_object_new_int64(u->samples));
	return o;
}

void api_servers_usage(struct api_req *r)
{
	struct server sv;
	int64_t now = store_now(), since, step;
	if (!api_query_allowed(r, usage_params) ||
	    !api_query_int(r, "since", 0, now, now - 3600, &since) ||
	    !api_query_int(r, "step", 1, 31 * 86400, 60, &step))
		return;
	if ((now - since) / step > 5000) {
		api_error(r, 422, "out_of_range", "step",
			  "at most 5000 points per query: raise `step` or `since`");
		return;
	}
	if (!api_server_load(r, &sv))
		return;
	int64_t tier = usage_tier(&r->m->cfg, now, since, step);
	struct usage_row *v = NULL;
	size_t n = 0;
	int rc = store_usage_query(r->db, sv.id, tier, since, step, &v, &n);
	if (rc) {
		api_store_error(r, rc, "usage");
		return;
	}
	json_object *points = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(points, usage_point(&v[i]));
	free(v);
	r->json = json_object_new_object();
	json_object_object_add(r->json, "server_id", json_object_new_int64(sv.id));
	json_object_object_add(r->json, "since", json_object_new_int64(since));
	json_object_object_add(r->json, "step", json_object_new_int64(step));
	json_object_object_add(r->json, "resolution", json_object_new_int64(
		tier == SMP_TIER_RAW ? r->m->cfg.sample_interval_s : tier));
	json_object_object_add(r->json, "points", points);
	r->status = 200;
}
