/*
 * mem_policy_pace.c - from ideal targets to the next ones: the floor and
 * ceiling first, then hysteresis, the per-server interval and the step
 * limit, then increases only out of memory the pool has free (the rules
 * are listed in mem_policy.h).
 *
 * Guests are not thrashed: a server's target changes at most once per
 * min_interval_s, by at most max_step_mib, and never for less than
 * hysteresis_mib unless that reaches a bound exactly or the targets in
 * force overfill the pool (then small reclaims still go, so hysteresis
 * cannot leave the pool overcommitted for good). A guest whose
 * activity swings between two samples therefore moves slowly, and a
 * guest that settles near its ideal stops moving.
 */
#include "mem_policy.h"

#include <errno.h>
#include <stdlib.h>

const char *mp_why_name(enum mp_why why)
{
	switch (why) {
	case MP_KEEP: return "keep";
	case MP_FLOOR: return "floor";
	case MP_CEILING: return "ceiling";
	case MP_RECLAIM: return "reclaim";
	case MP_GRANT: return "grant";
	case MP_GROW_BACK: return "grow_back";
	}
	return "keep";
}

static uint32_t mp_active_pct(const struct mp_server *s)
{
	if (s->used_mib <= 0 || s->target_mib == 0)
		return 0;
	uint64_t u = (uint64_t)s->used_mib;
	return u >= s->target_mib ? 100 : (uint32_t)(u * 100 / s->target_mib);
}

/* The paced move of one server towards its ideal, before the pool check. */
static void mp_pace_one(const struct mp_config *cfg, const struct mp_server *s, int64_t now_s,
			bool pressure, bool overfull, struct mp_decision *d)
{
	uint64_t cur = s->target_mib, want = d->ideal_mib;
	d->target_mib = cur;
	d->why = MP_KEEP;
	d->held = false;
	if (cur < s->floor_mib) {
		d->target_mib = s->floor_mib;
		d->why = MP_FLOOR;
		return;
	}
	if (cur > s->ceiling_mib) {
		d->target_mib = s->ceiling_mib;
		d->why = MP_CEILING;
		return;
	}
	if (want == cur)
		return;
	uint64_t diff = want > cur ? want - cur : cur - want;
	bool at_bound = want == s->floor_mib || want == s->ceiling_mib;
	if (diff < cfg->hysteresis_mib && !at_bound && !(overfull && want < cur))
		return;
	if (s->changed && now_s - s->changed_at < (int64_t)cfg->min_interval_s) {
		d->held = true;
		return;
	}
	if (cfg->max_step_mib && diff > cfg->max_step_mib)
		diff = cfg->max_step_mib;
	if (want < cur) {
		d->target_mib = cur - diff;
		d->why = MP_RECLAIM;
	} else {
		d->target_mib = cur + diff;
		d->why = pressure ? MP_GRANT : MP_GROW_BACK;
	}
}

int mp_decide(const struct mp_config *cfg, const struct mp_server *s, size_t n,
	      uint64_t pool_mib, int64_t now_s, struct mp_decision *out)
{
	if (!cfg || mp_check(s, n, cfg->tax_pct) || (n && !out))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i].target_mib == 0)
			return -EINVAL;
	uint64_t *ideal = calloc(n + 1, sizeof *ideal);
	if (!ideal)
		return -ENOMEM;
	int rc = mp_ideal(s, n, pool_mib, cfg->tax_pct, ideal);
	if (rc) {
		free(ideal);
		return rc;
	}
	bool pressure = mp_pressure(s, n, pool_mib);
	uint64_t in_force = 0;
	for (size_t i = 0; i < n; i++)
		in_force += s[i].target_mib;
	bool overfull = in_force > pool_mib;
	/* What the pool holds once every change but the voluntary increases is made. */
	uint64_t committed = 0;
	for (size_t i = 0; i < n; i++) {
		struct mp_decision *d = &out[i];
		d->ideal_mib = ideal[i];
		d->active_pct = mp_active_pct(&s[i]);
		mp_pace_one(cfg, &s[i], now_s, pressure, overfull, d);
		bool voluntary = d->why == MP_GRANT || d->why == MP_GROW_BACK;
		committed += voluntary ? s[i].target_mib : d->target_mib;
	}
	uint64_t free_mib = pool_mib > committed ? pool_mib - committed : 0;
	for (size_t i = 0; i < n; i++) {
		struct mp_decision *d = &out[i];
		if (d->why != MP_GRANT && d->why != MP_GROW_BACK)
			continue;
		uint64_t grow = d->target_mib - s[i].target_mib;
		if (grow > free_mib)
			grow = free_mib;
		free_mib -= grow;
		d->target_mib = s[i].target_mib + grow;
		if (grow == 0) {
			d->why = MP_KEEP;
			d->held = true;
		}
	}
	free(ideal);
	return 0;
}
