/*
 * driver_muxvisor.c - the muxvisor driver: muxd's servers as Muxvisor
 * domains through libmuxctl (see driver_muxvisor.h for definitions, names
 * and images).
 *
 * Life cycle: create() writes the definition (and uploads the images, so
 * a bad kernel is refused at once); start() builds the domain from it and
 * unpauses it; poweroff() destroys the domain and keeps the definition;
 * destroy() removes both. Every operation treats an end state that is
 * already reached as success, so the reconciler may repeat any step.
 *
 * Memory: a Linux domain has a balloon (BALLOON_SET/GET, control ABI v2):
 * set_mem_target() moves it, stats() reads it with the guest's own
 * statistics, and a definition whose start target is below its ceiling
 * builds the domain pre-ballooned there (never below the plan's floor).
 * A Linux domain starts only when the host has its whole ceiling free
 * (plus a headroom); until then start() answers -EAGAIN (mv_start_room).
 * Test kernels have no balloon: stats() says so (drv_balloon.fixed, the
 * policy then holds them where they are) and set_mem_target() answers
 * -ENOTSUP.
 *
 * The control ABI has no way to ask a guest to power off: shutdown() pulls
 * the plug (logged).
 */
#include "driver_muxvisor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

int mv_fail(const char *what, const char *uuid, int rc)
{
	drv_set_errmsg("%s%s%s: %s", what, uuid ? " " : "", uuid ? uuid : "", muxctl_errmsg());
	log_warn("muxvisor", "msg=\"%s failed\" uuid=%s err=\"%s\"", what, uuid ? uuid : "-",
		 drv_errmsg());
	return rc == -ESRCH || rc == -ENOENT ? -ENOENT : -EIO;
}

/* The domain muxd runs for uuid: its id, or -ESRCH when there is none. */
static int mv_find(struct mv *mv, const char *uuid, uint32_t *domid,
		   struct muxv_domain_info *info)
{
	char name[MV_NAME_LEN + 1];
	uint32_t *ids;
	size_t n;
	mv_domain_name(uuid, name);
	int rc = muxctl_domain_list(mv->h, &ids, &n);
	if (rc)
		return rc;
	rc = -ESRCH;
	for (size_t i = 0; i < n && rc == -ESRCH; i++) {
		if (muxctl_domain_info(mv->h, ids[i], info) == 0 && strcmp(info->name, name) == 0) {
			*domid = ids[i];
			rc = 0;
		}
	}
	free(ids);
	return rc;
}

static int mv_host(struct driver *d, struct drv_host *out)
{
	struct mv *mv = d->priv;
	struct muxv_host_info hi;
	int rc = muxctl_host_info(mv->h, &hi);
	if (rc)
		return mv_fail("host info", NULL, rc);
	out->pcpus = hi.pcpus;
	/* what customer domains can have: everything but dom0's own */
	out->mem_kib = (hi.mem_total_pages - hi.dom0_pages) * 4;
	hi.version[sizeof hi.version - 1] = '\0';
	snprintf(out->hypervisor, sizeof out->hypervisor, "%s", hi.version);
	if (gethostname(out->hostname, sizeof out->hostname) != 0)
		strcpy(out->hostname, "localhost");
	out->hostname[sizeof out->hostname - 1] = '\0';
	return 0;
}

static int mv_create(struct driver *d, const struct drv_domain_spec *spec)
{
	struct mv *mv = d->priv;
	struct mv_def def;
	uint32_t id;
	if (mv_def_load(mv, spec->uuid, &def) == 0) {
		drv_set_errmsg("domain %s already exists", spec->uuid);
		return -EEXIST;
	}
	int rc = mv_def_from_spec(spec, &def);
	if (!rc)
		rc = mv_image_get(mv, def.kernel, &id);
	if (!rc && def.initrd[0])
		rc = mv_image_get(mv, def.initrd, &id);
	return rc ? rc : mv_def_save(mv, &def);
}

/*
 * 0 when the host's free pool holds what a Linux domain of def needs to
 * start (mv_start_need), else -EAGAIN with drv_errmsg() saying how much is
 * missing: a guest started short could take the last free page before its
 * balloon driver loads, and the hypervisor would then crash it. Nothing is
 * built while it waits; muxd's memory policy makes the room (docs/memory.md).
 */
static int mv_start_room(struct mv *mv, const struct mv_def *def)
{
	struct muxv_host_info hi;
	struct stat st;
	uint64_t initrd = def->initrd[0] && stat(def->initrd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (!mv_start_need(def, initrd))
		return 0;
	int rc = muxctl_host_info(mv->h, &hi);
	if (rc)
		return mv_fail("host info", def->uuid, rc);
	rc = mv_start_check(def, hi.pool_free_pages * 4096, initrd);
	if (rc)
		log_info("muxvisor", "msg=\"start waits for memory\" uuid=%s err=\"%s\"", def->uuid,
			 drv_errmsg());
	return rc;
}

/* Builds and unpauses the domain of def. */
static int mv_build(struct mv *mv, const struct mv_def *def)
{
	struct muxv_domain_create req;
	char name[MV_NAME_LEN + 1];
	uint32_t domid;
	int rc = mv_start_room(mv, def);
	if (rc)
		return rc;
	mv_domain_name(def->uuid, name);
	rc = muxctl_domain_init(&req, name, def->kind);
	if (!rc)
		rc = muxctl_set_cmdline(&req, def->cmdline);
	if (rc)
		return mv_fail("define", def->uuid, rc);
	req.vcpus = def->vcpus;
	req.mem_bytes = def->mem_kib * 1024;
	uint64_t start = mv_def_start_bytes(def);
	if (start < req.mem_bytes)
		req.populate_bytes = start;   /* pre-ballooned: the rest is its balloon */
	req.sched = def->sched;
	/* a guest that powers off or crashes is gone; muxd decides what next */
	req.on_poweroff = MUXV_ON_DESTROY;
	req.on_crash = MUXV_ON_DESTROY;
	req.on_reboot = MUXV_ON_RESTART;
	rc = mv_image_get(mv, def->kernel, &req.kernel_image);
	if (!rc && def->initrd[0])
		rc = mv_image_get(mv, def->initrd, &req.initrd_image);
	if (rc)
		return rc;
	if ((rc = muxctl_domain_create(mv->h, &req, &domid)))
		return mv_fail("create", def->uuid, rc);
	if ((rc = muxctl_domain_unpause(mv->h, domid))) {
		rc = mv_fail("unpause", def->uuid, rc);
		muxctl_domain_destroy(mv->h, domid);
		return rc;
	}
	log_info("muxvisor", "msg=\"domain started\" uuid=%s domid=%u name=%s mem_kib=%llu "
		 "start_kib=%llu", def->uuid, domid, name, (unsigned long long)def->mem_kib,
		 (unsigned long long)(start / 1024));
	return 0;
}

static int mv_start(struct driver *d, const char *uuid)
{
	struct mv *mv = d->priv;
	struct muxv_domain_info info;
	struct mv_def def;
	uint32_t domid;
	int rc = mv_def_load(mv, uuid, &def);
	if (rc)
		return rc;
	rc = mv_find(mv, uuid, &domid, &info);
	if (rc && rc != -ESRCH)
		return mv_fail("look-up", uuid, rc);
	if (!rc) {
		if (info.state == MUXV_STATE_RUNNING)
			return 0;
		if (info.state == MUXV_STATE_CREATED || info.state == MUXV_STATE_PAUSED)
			return (rc = muxctl_domain_unpause(mv->h, domid)) ? mv_fail("unpause", uuid, rc) : 0;
		/* shut down or crashed, kept: start afresh */
		if ((rc = muxctl_domain_destroy(mv->h, domid)) && rc != -ESRCH)
			return mv_fail("destroy", uuid, rc);
	}
	return mv_build(mv, &def);
}

static int mv_poweroff(struct driver *d, const char *uuid)
{
	struct mv *mv = d->priv;
	struct muxv_domain_info info;
	uint32_t domid;
	int rc = mv_find(mv, uuid, &domid, &info);
	if (rc == -ESRCH)
		return 0;
	if (!rc)
		rc = muxctl_domain_destroy(mv->h, domid);
	return rc && rc != -ESRCH ? mv_fail("destroy", uuid, rc) : 0;
}

static int mv_shutdown(struct driver *d, const char *uuid)
{
	log_info("muxvisor", "msg=\"no graceful shutdown in the control ABI: powering off\" uuid=%s",
		 uuid);
	return mv_poweroff(d, uuid);
}

static int mv_reboot(struct driver *d, const char *uuid, bool force)
{
	(void)force;   /* there is no guest-side reboot request either */
	int rc = mv_poweroff(d, uuid);
	return rc ? rc : mv_start(d, uuid);
}

static int mv_destroy(struct driver *d, const char *uuid)
{
	struct mv *mv = d->priv;
	int rc = mv_poweroff(d, uuid);
	return rc ? rc : mv_def_remove(mv, uuid);
}

static int mv_set_sched(struct driver *d, const char *uuid, const struct drv_params *p,
			uint32_t cap_pct)
{
	struct mv *mv = d->priv;
	struct muxv_domain_info info;
	uint32_t domid;
	int rc = mv_find(mv, uuid, &domid, &info);
	if (rc == -ESRCH) {
		struct mv_def def;
		/* not running: the next start takes the plan's parameters */
		return mv_def_load(mv, uuid, &def);
	}
	if (rc)
		return mv_fail("look-up", uuid, rc);
	struct muxv_sched s = info.sched;
	s.weight = p->cpu_weight;
	s.reservation = p->cpu_reservation_pct;
	s.cap = cap_pct;
	s.burst_baseline = p->cpu_burst_baseline_pct;
	rc = muxctl_sched_set(mv->h, domid, &s);
	return rc ? mv_fail("sched set", uuid, rc) : 0;
}

static int mv_update(struct driver *d, const struct drv_domain_spec *spec, bool *restart_needed)
{
	struct mv *mv = d->priv;
	struct muxv_domain_info info;
	struct mv_def def;
	uint32_t domid;
	*restart_needed = false;
	int rc = mv_def_from_spec(spec, &def);
	if (!rc)
		rc = mv_def_save(mv, &def);
	if (rc)
		return rc;
	rc = mv_find(mv, spec->uuid, &domid, &info);
	if (rc == -ESRCH)
		return 0;
	if (rc)
		return mv_fail("look-up", spec->uuid, rc);
	*restart_needed = info.vcpus != def.vcpus || info.mem_max_pages * 4 != def.mem_kib;
	rc = mv_set_sched(d, spec->uuid, &spec->params, spec->params.cpu_cap_pct);
	if (rc || info.kind != MUXV_KIND_LINUX)
		return rc;
	/* The balloon stays where the memory policy put it, within the new
	 * plan's floor and ceiling; the policy moves it from there. */
	struct muxv_balloon_info bi;
	if ((rc = muxctl_balloon_get(mv->h, domid, &bi)))
		return rc == -ESRCH ? 0 : mv_fail("balloon get", spec->uuid, rc);
	uint64_t kib = bi.target_pages * 4, top = spec->params.mem_max_kib;
	if (kib < spec->params.mem_min_kib)
		kib = spec->params.mem_min_kib;
	if (top && kib > top)
		kib = top;
	if (kib == bi.target_pages * 4)
		return 0;
	rc = muxctl_balloon_set(mv->h, domid, mv_target_bytes(kib, bi.ceiling_pages * 4096));
	return rc && rc != -ESRCH ? mv_fail("balloon set", spec->uuid, rc) : 0;
}

static int mv_set_mem_target(struct driver *d, const char *uuid, uint64_t kib)
{
	struct mv *mv = d->priv;
	struct muxv_domain_info info;
	uint32_t domid;
	int rc = mv_find(mv, uuid, &domid, &info);
	if (rc == -ESRCH) {
		struct mv_def def;
		/* not running: it starts from its definition */
		return mv_def_load(mv, uuid, &def);
	}
	if (rc)
		return mv_fail("look-up", uuid, rc);
	if (info.state == MUXV_STATE_SHUTDOWN || info.state == MUXV_STATE_CRASHED)
		return 0;
	if (info.kind != MUXV_KIND_LINUX) {
		drv_set_errmsg("domain %s is a test kernel: it has no balloon", uuid);
		return -ENOTSUP;
	}
	rc = muxctl_balloon_set(mv->h, domid, mv_target_bytes(kib, info.mem_max_pages * 4096));
	if (rc == -ESRCH)
		return 0;     /* gone meanwhile: stopped */
	if (rc == -ENODEV) {
		drv_set_errmsg("domain %s has no balloon", uuid);
		return -ENOTSUP;
	}
	return rc ? mv_fail("balloon set", uuid, rc) : 0;
}

static enum drv_power mv_power(uint32_t state)
{
	switch (state) {
	case MUXV_STATE_RUNNING: return DRV_RUNNING;
	case MUXV_STATE_PAUSED: return DRV_PAUSED;
	case MUXV_STATE_CREATED:
	case MUXV_STATE_SHUTDOWN: return DRV_OFF;
	case MUXV_STATE_CRASHED: return DRV_CRASHED;
	default: return DRV_OTHER;
	}
}

/*
 * A Linux domain's balloon as the sampler wants it (driver.h, struct
 * drv_balloon): the target the hypervisor holds, what the guest has now
 * (the ceiling less its balloon, as libvirt's balloon.current) and the
 * guest's statistics once it sent free, total and available memory. A
 * domain that answers nothing (gone meanwhile, no balloon) keeps what
 * DOMAIN_INFO said: its populated memory.
 *
 * A guest that negotiated deflate-on-OOM (Linux does whenever it is
 * offered, and Muxvisor offers it) keeps its balloon in MemTotal, and the
 * balloon's pages are allocated, so MemTotal - MemAvailable would count
 * the balloon as memory in use and the idle-memory tax could not tell an
 * idle guest from a busy one. The total reported is therefore MemTotal
 * less the balloon the driver holds: what MemTotal is without
 * deflate-on-OOM (libvirt's default), so both drivers mean the same.
 */
static void mv_stats_balloon(struct mv *mv, uint32_t domid, struct drv_stats *s)
{
	const uint32_t need = MUXV_BSTAT_FREE | MUXV_BSTAT_TOTAL | MUXV_BSTAT_AVAIL;
	struct muxv_balloon_info bi;
	if (muxctl_balloon_get(mv->h, domid, &bi) != 0)
		return;
	struct drv_balloon *b = &s->balloon;
	b->target_kib = bi.target_pages * 4;
	s->mem_kib = (bi.ceiling_pages - bi.ballooned_pages) * 4;
	b->has_guest = (bi.stats_valid & need) == need && bi.guest_total_bytes > 0 &&
		       bi.guest_available_bytes <= bi.guest_total_bytes;
	if (!b->has_guest)
		return;
	mv_guest_memory(&bi, b);
	b->guest_caches_kib = bi.guest_caches_bytes / 1024;
	b->swap_in_kib = bi.guest_swap_in_bytes / 1024;
	b->swap_out_kib = bi.guest_swap_out_bytes / 1024;
	b->major_faults = bi.guest_major_faults;
	b->minor_faults = bi.guest_minor_faults;
}

/* Every muxd domain in the hypervisor, as stats (with the balloons if
 * balloons); *out malloc'd. */
static int mv_running(struct mv *mv, bool balloons, struct drv_stats **out, size_t *n)
{
	uint32_t *ids;
	size_t k;
	int rc = muxctl_domain_list(mv->h, &ids, &k);
	if (rc)
		return mv_fail("list", NULL, rc);
	struct drv_stats *v = calloc(k + 1, sizeof *v);
	size_t m = 0;
	for (size_t i = 0; v && i < k; i++) {
		struct muxv_domain_info info;
		if (muxctl_domain_info(mv->h, ids[i], &info) != 0 ||
		    !mv_name_uuid(info.name, v[m].uuid))
			continue;
		struct drv_stats *s = &v[m++];
		s->power = mv_power(info.state);
		s->vcpus = info.vcpus;
		s->cpu_ns = info.time.run_ns;
		s->steal_ns = info.time.steal_ns;
		s->has_steal = true;
		s->mem_kib = info.mem_pages * 4;
		s->mem_max_kib = info.mem_max_pages * 4;
		s->balloon.fixed = info.kind != MUXV_KIND_LINUX;
		if (balloons && !s->balloon.fixed && s->power == DRV_RUNNING)
			mv_stats_balloon(mv, ids[i], s);
	}
	free(ids);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = m;
	return 0;
}

static int mv_stats(struct driver *d, struct drv_stats **out, size_t *n)
{
	return mv_running(d->priv, true, out, n);
}

/* Domains in the hypervisor, plus definitions without one (off). */
static int mv_list(struct driver *d, struct drv_domain **out, size_t *n)
{
	struct mv *mv = d->priv;
	struct drv_stats *run;
	char (*defs)[DRV_UUID_LEN];
	size_t nrun, ndefs;
	int rc = mv_running(mv, false, &run, &nrun);
	if (rc)
		return rc;
	if ((rc = mv_def_list(mv, &defs, &ndefs))) {
		free(run);
		return rc;
	}
	struct drv_domain *v = calloc(nrun + ndefs + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; v && i < nrun; i++)
		v[k++] = (struct drv_domain){ .power = run[i].power, .vcpus = run[i].vcpus,
					      .mem_max_kib = run[i].mem_max_kib };
	for (size_t i = 0; v && i < nrun; i++)
		memcpy(v[i].uuid, run[i].uuid, DRV_UUID_LEN);
	for (size_t i = 0; v && i < ndefs; i++) {
		bool running = false;
		for (size_t j = 0; j < nrun; j++)
			running = running || strcmp(run[j].uuid, defs[i]) == 0;
		struct mv_def def;
		if (running || mv_def_load(mv, defs[i], &def) != 0)
			continue;
		v[k] = (struct drv_domain){ .power = DRV_OFF, .vcpus = def.vcpus,
					    .mem_max_kib = def.mem_kib };
		memcpy(v[k++].uuid, defs[i], DRV_UUID_LEN);
	}
	free(run);
	free(defs);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = k;
	return 0;
}

static int mv_check(struct driver *d)
{
	struct mv *mv = d->priv;
	struct muxv_host_info hi;
	int rc = muxctl_host_info(mv->h, &hi);
	return rc ? mv_fail("host info", NULL, rc) : 0;
}

static void mv_close(struct driver *d)
{
	struct mv *mv = d->priv;
	/* the images stay in the hypervisor for the next muxd (images file) */
	mv_images_free(mv);
	muxctl_close(mv->h);
	pthread_mutex_destroy(&mv->lock);
	free(mv);
	free(d);
}

static const struct driver_ops mv_ops = {
	.host = mv_host,
	.create = mv_create,
	.start = mv_start,
	.shutdown = mv_shutdown,
	.poweroff = mv_poweroff,
	.reboot = mv_reboot,
	.destroy = mv_destroy,
	.update = mv_update,
	.set_sched = mv_set_sched,
	.set_mem_target = mv_set_mem_target,
	.list = mv_list,
	.stats = mv_stats,
	.check = mv_check,
	.close = mv_close,
};

static void mv_read_boot_id(struct mv *mv)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!f || !fgets(mv->boot_id, sizeof mv->boot_id, f))
		strcpy(mv->boot_id, "unknown");
	if (f)
		fclose(f);
	mv->boot_id[strcspn(mv->boot_id, "\n ")] = '\0';
}

int drv_muxvisor_open(const struct muxd_config *cfg, struct driver **out, char *err, size_t errlen)
{
	struct mv *mv = calloc(1, sizeof *mv);
	struct driver *d = calloc(1, sizeof *d);
	if (!mv || !d) {
		free(mv);
		free(d);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(mv->dir, sizeof mv->dir, "%s/muxvisor", cfg->state_dir);
	if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST)
		snprintf(err, errlen, "cannot create %s: %s", cfg->state_dir, strerror(errno));
	else if (mkdir(mv->dir, 0700) != 0 && errno != EEXIST)
		snprintf(err, errlen, "cannot create %s: %s", mv->dir, strerror(errno));
	else if (muxctl_open(NULL, &mv->h) != 0)
		snprintf(err, errlen, "%s", muxctl_errmsg());
	if (!mv->h) {
		free(mv);
		free(d);
		return -1;
	}
	pthread_mutex_init(&mv->lock, NULL);
	mv_read_boot_id(mv);
	mv_images_load(mv);
	d->ops = &mv_ops;
	d->name = "muxvisor";
	d->native_burst = true;
	d->priv = mv;
	*out = d;
	return 0;
}
