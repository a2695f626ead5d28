/*
 * sampler_memory.c - applies the memory policy (mem_policy.h) each sample
 * tick: gathers the running servers' plans and last observations, asks
 * mp_decide() for the next targets, sets the ones that change through the
 * driver and records each change as an event with what it was, what it
 * became and why:
 *
 *   server.memory_target {"from_mib":512,"to_mib":290,"ideal_mib":290,
 *       "why":"reclaim","pressure":true,"pool_mib":768,"floor_mib":256,
 *       "ceiling_mib":512,"shares":64,"guest_used_mib":50,"active_pct":9,
 *       "tax_pct":75,"waiting_mib":0,"decided_s":1234}
 *
 * waiting_mib: the ceilings of servers whose start waits for memory and
 * that the policy makes room for (smm_waiting): they count as fixed
 * participants at their ceilings, so the running servers are squeezed
 * towards their floors until the driver can start them. decided_s: the
 * tick's CLOCK_MONOTONIC second, the one pacing compares (the event's own
 * time is when the store took it, which can be seconds later on a slow disk).
 *
 * Runs on the background thread; the ops lock is held around each driver
 * call only, like the burst throttling beside it.
 */
#include "sampler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mem_policy.h"
#include "plan.h"

static const struct actor smm_actor = { .system = true };
static bool smm_said_notsup;  /* background thread only */

static const struct plan *smm_plan(const struct plan *plans, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (plans[i].id == id)
			return &plans[i];
	return NULL;
}

static int64_t smm_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void smm_event(struct muxd *m, struct store_conn *c, const struct server *sv,
		      const struct mp_server *in, const struct mp_decision *d, bool pressure,
		      uint64_t waiting, int64_t now_s)
{
	char used[24] = "null", detail[512];
	if (in->used_mib >= 0)
		snprintf(used, sizeof used, "%lld", (long long)in->used_mib);
	snprintf(detail, sizeof detail,
		 "{\"from_mib\":%llu,\"to_mib\":%llu,\"ideal_mib\":%llu,\"why\":\"%s\","
		 "\"pressure\":%s,\"pool_mib\":%llu,\"floor_mib\":%llu,\"ceiling_mib\":%llu,"
		 "\"shares\":%llu,\"guest_used_mib\":%s,\"active_pct\":%u,\"tax_pct\":%u,"
		 "\"waiting_mib\":%llu,\"decided_s\":%lld}",
		 (unsigned long long)in->target_mib, (unsigned long long)d->target_mib,
		 (unsigned long long)d->ideal_mib, mp_why_name(d->why), pressure ? "true" : "false",
		 (unsigned long long)m->host.mem_mib, (unsigned long long)in->floor_mib,
		 (unsigned long long)in->ceiling_mib, (unsigned long long)in->shares, used,
		 d->active_pct, m->cfg.balloon_tax_pct, (unsigned long long)waiting,
		 (long long)now_s);
	if (store_event_add(c, &smm_actor, sv->customer_id, "server.memory_target", "server",
			    sv->id, detail))
		log_warn("sampler", "msg=\"event not recorded\" action=server.memory_target");
	log_info("sampler", "msg=\"balloon target\" server=%lld from_mib=%llu to_mib=%llu "
		 "ideal_mib=%llu why=%s", (long long)sv->id, (unsigned long long)in->target_mib,
		 (unsigned long long)d->target_mib, (unsigned long long)d->ideal_mib,
		 mp_why_name(d->why));
}

/* Sets one server's new target; on success the live entry and the log follow. */
static void smm_apply(struct muxd *m, struct store_conn *c, const struct server *sv,
		      const struct mp_server *in, const struct mp_decision *d, bool pressure,
		      uint64_t waiting, int64_t now_s)
{
	pthread_mutex_lock(&m->ops_lock);
	int rc = m->drv->ops->set_mem_target(m->drv, sv->uuid, d->target_mib * 1024);
	pthread_mutex_unlock(&m->ops_lock);
	struct live_entry e;
	if (rc == -ENOTSUP && !smm_said_notsup) {
		/* a hypervisor without a balloon: domains keep their ceilings */
		log_warn("sampler", "msg=\"the driver cannot move balloons; memory targets stay "
			 "at the ceilings\" err=\"%s\"", drv_errmsg());
		smm_said_notsup = true;
	}
	if (rc || !live_get(&m->live, sv->id, &e))
		return;  /* the driver said why; the next tick tries again */
	e.mem_target_mib = (int64_t)d->target_mib;
	e.mem_changed = true;
	e.mem_changed_at = now_s;
	live_put(&m->live, &e);
	smm_event(m, c, sv, in, d, pressure, waiting, now_s);
}

/*
 * Servers asked to run whose start waits for memory (live mem_waiting) join
 * as fixed participants at their ceilings (mem_policy.h, mp_room), in id
 * order, while the floors leave room for them; each change of that answer
 * is an event server.memory_room. Returns the MiB so counted.
 */
static uint64_t smm_waiting(struct muxd *m, struct store_conn *c, const struct server *servers,
			    size_t n, const struct plan *plans, size_t nplans,
			    struct mp_server *in, size_t *idx, size_t *k)
{
	uint64_t counted = 0;
	for (size_t i = 0; i < n; i++) {
		const struct plan *pl = smm_plan(plans, nplans, servers[i].plan_id);
		struct live_entry e;
		if (!pl || strcmp(servers[i].power, "running") != 0 ||
		    !live_get(&m->live, servers[i].id, &e) || !e.mem_waiting ||
		    e.power == DRV_RUNNING || e.power == DRV_PAUSED)
			continue;
		uint64_t need = (uint64_t)pl->mem_ceiling_mib, floors = 0;
		for (size_t j = 0; j < *k; j++)
			floors += in[j].floor_mib;
		int room = mp_room(in, *k, need, m->host.mem_mib) ? 1 : -1;
		if (room > 0) {
			in[*k] = (struct mp_server){ .floor_mib = need, .ceiling_mib = need,
				.shares = (uint64_t)pl->mem_weight, .target_mib = need, .used_mib = -1 };
			idx[(*k)++] = i;
			counted += need;
		}
		if (room == e.mem_room)
			continue;
		e.mem_room = room;
		live_put(&m->live, &e);
		char detail[160];
		snprintf(detail, sizeof detail, "{\"room\":%s,\"ceiling_mib\":%llu,"
			 "\"floors_mib\":%llu,\"pool_mib\":%llu}", room > 0 ? "true" : "false",
			 (unsigned long long)need, (unsigned long long)floors,
			 (unsigned long long)m->host.mem_mib);
		if (store_event_add(c, &smm_actor, servers[i].customer_id, "server.memory_room",
				    "server", servers[i].id, detail))
			log_warn("sampler", "msg=\"event not recorded\" action=server.memory_room");
		log_info("sampler", "msg=\"%s\" server=%lld ceiling_mib=%llu floors_mib=%llu "
			 "pool_mib=%llu", room > 0 ? "making room for a waiting start" :
			 "no room for a waiting start: the floors leave too little",
			 (long long)servers[i].id, (unsigned long long)need,
			 (unsigned long long)floors, (unsigned long long)m->host.mem_mib);
	}
	return counted;
}

void smp_memory(struct muxd *m, struct store_conn *c, const struct server *servers, size_t n,
		const struct plan *plans, size_t nplans)
{
	struct mp_server *in = calloc(n + 1, sizeof *in);
	struct mp_decision *out = calloc(n + 1, sizeof *out);
	size_t *idx = calloc(n + 1, sizeof *idx);
	size_t k = 0;
	for (size_t i = 0; in && out && idx && i < n; i++) {
		const struct plan *pl = smm_plan(plans, nplans, servers[i].plan_id);
		struct live_entry e;
		if (!pl || !live_get(&m->live, servers[i].id, &e) || e.power != DRV_RUNNING ||
		    !e.mem_target_mib)
			continue;
		in[k] = (struct mp_server){
			.floor_mib = (uint64_t)pl->mem_floor_mib,
			.ceiling_mib = (uint64_t)pl->mem_ceiling_mib,
			.shares = (uint64_t)pl->mem_weight,
			.target_mib = (uint64_t)e.mem_target_mib,
			.used_mib = e.guest_known ? e.guest_used_mib : -1,
			.changed = e.mem_changed,
			.changed_at = e.mem_changed_at,
		};
		if (e.mem_fixed)   /* counted where it is: nothing can move it */
			in[k].floor_mib = in[k].ceiling_mib = in[k].target_mib;
		idx[k++] = i;
	}
	size_t running = k;
	uint64_t waiting = in && out && idx ?
		smm_waiting(m, c, servers, n, plans, nplans, in, idx, &k) : 0;
	const struct mp_config cfg = {
		.tax_pct = m->cfg.balloon_tax_pct,
		.min_interval_s = m->cfg.balloon_interval_s,
		.max_step_mib = m->cfg.balloon_max_step_mib,
		.hysteresis_mib = m->cfg.balloon_hysteresis_mib,
	};
	int64_t now_s = smm_now_s();
	int rc = k ? mp_decide(&cfg, in, k, m->host.mem_mib, now_s, out) : 0;
	if (rc)
		log_warn("sampler", "msg=\"memory policy refused its input\" rc=%d", rc);
	bool pressure = k && mp_pressure(in, k, m->host.mem_mib);
	/* the waiting participants (after `running`) have nothing to set */
	for (size_t j = 0; !rc && j < running; j++)
		if (out[j].why != MP_KEEP)
			smm_apply(m, c, &servers[idx[j]], &in[j], &out[j], pressure, waiting, now_s);
	free(in);
	free(out);
	free(idx);
}
