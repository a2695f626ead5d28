/*
 * domain.c - domain objects and their life cycle (see hv/domain.h): the
 * domain table, creation, start, teardown, and what reads them.
 *
 * Creation builds everything before the domain becomes visible, through
 * one goto chain that undoes what was done, so a failed creation leaves
 * nothing behind. Stopping (pause, power-off, crash, reboot, destroy)
 * parks the vCPUs first; that machinery is domain_stop.c, which calls
 * domain_teardown() here once every vCPU is parked.
 *
 * Locking: the life-cycle lock is held while a domain is destroyed or
 * rebuilt, and by every control call, which therefore never sees a
 * domain half gone. domain_lock protects the domain table and each
 * domain's state, stopping flag, action and reason; sched lock is taken
 * inside it where both are needed. Destruction happens only after every
 * vCPU parked and left its pCPU, so no other pCPU touches the domain's
 * objects any more.
 */
#include <muxvisor/control.h>
#include "hv/domain.h"
#include "domain_internal.h"
#include "hv/control.h"
#include "hv/dom_console.h"
#include "hv/image.h"
#include "hv/vcpu.h"
#include "hv/schedule.h"
#include "hv/test_kernel.h"
#include "hv/linux_guest.h"
#include "hv/dom0.h"
#include "hv/mm.h"
#include "hv/fmt.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "x86/virt.h"
#include "x86/cpu.h"
#include "x86/vlapic.h"
#include "x86/percpu.h"

_Static_assert(sizeof(struct domain) <= 4096, "a domain fits a page");
_Static_assert(sizeof(struct vcpu) <= 4096, "a vCPU fits a page");

struct spinlock domain_lock = SPINLOCK_INIT;
static struct domain *domains[DOMAIN_MAX_DOMAINS];   /* domain_lock */
static uint32_t next_domain_id = 1;           /* domain_lock; 0 is dom0's */

static struct spinlock lifecycle = SPINLOCK_INIT;
static int lifecycle_owner = -1;              /* CPU holding it, or -1 */
static unsigned lifecycle_depth;              /* its owner only */

void domain_lifecycle_lock(void)
{
	int me = (int)this_cpu()->id;

	if (__atomic_load_n(&lifecycle_owner, __ATOMIC_RELAXED) == me) {
		lifecycle_depth++;
		return;
	}
	spin_lock(&lifecycle);
	__atomic_store_n(&lifecycle_owner, me, __ATOMIC_RELAXED);
	lifecycle_depth = 1;
}

void domain_lifecycle_unlock(void)
{
	BUG_ON(__atomic_load_n(&lifecycle_owner, __ATOMIC_RELAXED) != (int)this_cpu()->id);
	if (--lifecycle_depth)
		return;
	__atomic_store_n(&lifecycle_owner, -1, __ATOMIC_RELAXED);
	spin_unlock(&lifecycle);
}

static const char *const state_names[] = {
	[DOMAIN_CREATED] = "created", [DOMAIN_RUNNING] = "running",
	[DOMAIN_PAUSED] = "paused", [DOMAIN_SHUTDOWN] = "shut down",
	[DOMAIN_CRASHED] = "crashed",
};

const char *domain_state_name(enum domain_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

unsigned domain_count(void)
{
	unsigned n = 0;
	uint64_t f = spin_lock_irqsave(&domain_lock);

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++)
		n += domains[i] != NULL;
	spin_unlock_irqrestore(&domain_lock, f);
	return n;
}

struct domain *domain_find(uint32_t id)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	struct domain *found = NULL;

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS && !found; i++)
		if (domains[i] && domains[i]->id == id && !domains[i]->dying)
			found = domains[i];
	spin_unlock_irqrestore(&domain_lock, f);
	return found;
}

bool domain_exists(uint32_t id)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	bool found = false;

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++)
		found |= domains[i] && domains[i]->id == id;
	spin_unlock_irqrestore(&domain_lock, f);
	return found;
}

struct domain *domain_find_name(const char *name)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	struct domain *found = NULL;

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS && !found; i++)
		if (domains[i] && !domains[i]->dying && strcmp(domains[i]->cfg.name, name) == 0)
			found = domains[i];
	spin_unlock_irqrestore(&domain_lock, f);
	return found;
}

unsigned domain_list_ids(uint32_t after, uint32_t *ids, unsigned max, unsigned *total)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	unsigned n = 0, all = 0;

	/* Insertion into the sorted prefix: at most DOMAIN_MAX_DOMAINS ids. */
	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++) {
		if (!domains[i] || domains[i]->dying)
			continue;
		all++;
		uint32_t id = domains[i]->id;
		if (id <= after || (n == max && (max == 0 || id > ids[n - 1])))
			continue;
		unsigned j = n < max ? n++ : n - 1;
		for (; j > 0 && ids[j - 1] > id; j--)
			ids[j] = ids[j - 1];
		ids[j] = id;
	}
	spin_unlock_irqrestore(&domain_lock, f);
	*total = all;
	return n;
}

enum domain_state domain_get_state(struct domain *d, char *reason, size_t size)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	enum domain_state state = d->state;

	fmt_snprintf(reason, size, "%s", d->reason);
	spin_unlock_irqrestore(&domain_lock, f);
	return state;
}

static int check_config(const struct domain_config *cfg)
{
	const char *why;

	if (!domain_name_ok(cfg->name)) {
		log_err("domain '%s': bad name (1..%u of [A-Za-z0-9._-])", cfg->name,
			DOMAIN_NAME_MAX);
		return -EINVAL;
	}
	if (cfg->nr_vcpus < 1 || cfg->nr_vcpus > DOMAIN_MAX_VCPUS) {
		log_err("domain '%s': vcpus=%u out of range 1..%u", cfg->name,
			cfg->nr_vcpus, DOMAIN_MAX_VCPUS);
		return -EINVAL;
	}
	if (cfg->mem_bytes & 0xfff) {
		log_err("domain '%s': memory is not a whole number of 4 KiB pages", cfg->name);
		return -EINVAL;
	}
	int err = sched_params_check(&cfg->sched, cfg->nr_vcpus);
	if (err) {
		log_err("domain '%s': bad scheduler parameters (%d)", cfg->name, err);
		return err;
	}
	if (domain_check_images(cfg, &why)) {
		log_err("domain '%s': cannot load the kernel: %s", cfg->name, why);
		return -EINVAL;
	}
	return 0;
}

int domain_check_images(const struct domain_config *cfg, const char **why)
{
	if (!cfg->kernel) {
		*why = "no kernel image";
		return -EINVAL;
	}
	return domain_loader_for(cfg->kind)->check(cfg, why);
}

const struct domain_loader *domain_loader_for(enum domain_kind kind)
{
	return kind == DOMAIN_LINUX ? &linux_guest_loader : &test_kernel_loader;
}

static struct vcpu *vcpu_create(struct domain *d, unsigned id, int *err)
{
	uint64_t pa = page_alloc_zeroed(0);
	struct vcpu *v;

	*err = -ENOMEM;
	if (!pa)
		return NULL;
	v = phys_to_virt(pa);
	v->dom = d;
	v->id = id;
	v->ctx_cpu = -1;
	v->sched.pcpu = -1;
	*err = virt_vcpu_create(v);
	if (*err)
		goto free_page;
	*err = schedule_add_vcpu(&d->sched, v);
	if (*err)
		goto destroy_virt;
	return v;
destroy_virt:
	virt_vcpu_destroy(v);
free_page:
	page_free(pa, 0);
	return NULL;
}

static void vcpu_free(struct vcpu *v)
{
	schedule_wake_cancel(v);
	schedule_remove_vcpu(v);
	virt_vcpu_destroy(v);
	page_free(virt_to_phys(v), 0);
}

/* Frees everything a domain holds (vCPUs already parked or never run). */
static uint64_t domain_free(struct domain *d, bool in_scheduler)
{
	uint64_t before = page_free_count();

	domain_loader_for(d->cfg.kind)->teardown(d);
	for (unsigned i = 0; i < DOMAIN_MAX_VCPUS; i++)
		if (d->vcpus[i])
			vcpu_free(d->vcpus[i]);
	if (in_scheduler)
		schedule_remove_domain(&d->sched);
	virt_domain_destroy(d);
	npt_destroy(&d->npt);
	dom_console_free(d);
	image_put(d->cfg.kernel);
	if (d->cfg.initrd)
		image_put(d->cfg.initrd);
	page_free(virt_to_phys(d), 0);
	return page_free_count() - before;
}

/* Enters d in the table: -EEXIST for a second privileged domain or a
 * name in use, -ENOSPC when the table is full. */
static int register_domain(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	int err = -ENOSPC;

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++) {
		if (domains[i] && ((d->cfg.privileged && domains[i]->cfg.privileged) ||
				   (!domains[i]->dying &&
				    strcmp(domains[i]->cfg.name, d->cfg.name) == 0))) {
			err = -EEXIST;  /* one dom0 only, names unique */
			break;
		}
	}
	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS && err == -ENOSPC; i++) {
		if (!domains[i]) {
			domains[i] = d;
			d->id = d->cfg.privileged ? 0 : next_domain_id++;
			err = 0;
		}
	}
	spin_unlock_irqrestore(&domain_lock, f);
	return err;
}

static void unregister_domain(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++)
		if (domains[i] == d)
			domains[i] = NULL;
	spin_unlock_irqrestore(&domain_lock, f);
}

struct domain *domain_create(const struct domain_config *cfg, int *err)
{
	uint64_t pa;
	struct domain *d;

	*err = check_config(cfg);
	if (*err)
		return NULL;
	*err = -ENOMEM;
	pa = page_alloc_zeroed(0);
	if (!pa)
		goto fail;
	d = phys_to_virt(pa);
	d->cfg = *cfg;
	image_get(cfg->kernel);        /* dropped by domain_free */
	if (cfg->initrd)
		image_get(cfg->initrd);
	d->state = DOMAIN_CREATED;
	d->tsc_offset = (uint64_t)0 - rdtsc();     /* guest TSC starts near 0 */
	d->created_ns = time_now_ns();
	*err = npt_create(&d->npt);
	if (!*err)
		*err = dom_console_init(d);
	if (!*err)
		*err = virt_domain_create(d);
	if (*err)
		goto free_domain;
	*err = schedule_add_domain(&d->sched, &cfg->sched, cfg->nr_vcpus);
	if (*err)
		goto free_domain;
	*err = register_domain(d);     /* the id is part of the boot info */
	if (*err)
		goto free_sched;
	for (unsigned i = 0; i < cfg->nr_vcpus; i++) {
		d->vcpus[i] = vcpu_create(d, i, err);
		if (!d->vcpus[i])
			goto unregister;
		d->vcpus[i]->wait_sipi = i > 0 && !domain_loader_for(cfg->kind)->all_vcpus_start;
	}
	*err = domain_loader_for(cfg->kind)->build(d);
	if (*err)
		goto unregister;
	log_info("domain d%u '%s': created: %u vCPUs, %lu MiB, weight %u, reservation %u%%, cap %u%%",
		 d->id, cfg->name, cfg->nr_vcpus, cfg->mem_bytes >> 20, cfg->sched.weight,
		 cfg->sched.reservation, cfg->sched.cap);
	control_event(d->id, MUXV_EV_CREATED, "%s", cfg->boot_count ? "restarted" : "");
	uint64_t lo, hi;
	npt_owned_extent(&d->npt, &lo, &hi);
	if (lo < hi && !cfg->privileged)
		log_info("domain d%u '%s': RAM from the pool, host %#lx-%#lx", d->id, cfg->name,
			 lo, hi);
	return d;

unregister:
	unregister_domain(d);
free_sched:
	domain_free(d, true);
	goto fail;
free_domain:
	domain_free(d, false);
fail:
	if (*err == -ENOSPC)
		log_err("domain '%s': refused: the reservations of all domains would exceed the host",
			cfg->name);
	else
		log_err("domain '%s': cannot be created (%d)", cfg->name, *err);
	return NULL;
}

int domain_start(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	if (d->state != DOMAIN_CREATED) {
		spin_unlock_irqrestore(&domain_lock, f);
		return -EBUSY;
	}
	__atomic_store_n(&d->state, DOMAIN_RUNNING, __ATOMIC_RELEASE);
	/* Logged before any vCPU can run, so it never follows a crash line. */
	log_info("domain d%u '%s': running", d->id, d->cfg.name);
	control_event(d->id, MUXV_EV_STARTED, "%s", "");
	uint64_t sf = sched_lock_irqsave();
	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		if (d->vcpus[i]->wait_sipi)
			d->vcpus[i]->halted = true;     /* until a STARTUP IPI */
		else
			schedule_wake_locked(d->vcpus[i]);
	}
	uint64_t kicks = sched_take_kicks(schedule_state());
	sched_unlock_irqrestore(sf);
	spin_unlock_irqrestore(&domain_lock, f);
	schedule_send_kicks(kicks);
	return 0;
}

/*
 * A vCPU counts as parked once the scheduler no longer runs it, but the
 * pCPU that ran it may still be leaving it (saving its state after a
 * halt) until it drops ctx_cpu. Freeing the domain before that would let
 * that pCPU write into freed memory, so wait: it is a few instructions
 * away. A domain is never destroyed from inside one of its own vCPUs
 * (the last vCPU to park finishes the stop after leaving it).
 */
static void wait_vcpus_left(struct domain *d)
{
	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		while (v && __atomic_load_n(&v->ctx_cpu, __ATOMIC_ACQUIRE) >= 0)
			cpu_relax();
	}
}

void domain_teardown(struct domain *d)
{
	uint32_t id = d->id;
	char name[DOMAIN_NAME_MAX + 1];

	wait_vcpus_left(d);
	memcpy(name, d->cfg.name, sizeof(name));
	ctl_mem_domain_gone(d);        /* before its pages go back */
	unregister_domain(d);
	uint64_t pages = domain_free(d, true);
	log_info("domain d%u '%s': destroyed, %lu pages returned, %lu pages free",
		 id, name, pages, page_free_count());
	control_event(id, MUXV_EV_DESTROYED, "%s", "");
}

int domain_set_sched(struct domain *d, const struct sched_params *p)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	uint64_t sf = sched_lock_irqsave();
	int err = sched_dom_set_params(schedule_state(), &d->sched, p, schedule_now());
	uint64_t kicks = sched_take_kicks(schedule_state());

	sched_unlock_irqrestore(sf);
	if (!err)
		d->cfg.sched = *p;
	spin_unlock_irqrestore(&domain_lock, f);
	schedule_send_kicks(kicks);
	return err;
}

int domain_set_counter(struct domain *d, const char *name, uint64_t value)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	struct domain_counter *free_slot = NULL, *c = NULL;

	for (unsigned i = 0; i < DOMAIN_MAX_COUNTERS && !c; i++) {
		if (strcmp(d->counters[i].name, name) == 0)
			c = &d->counters[i];
		else if (!d->counters[i].name[0] && !free_slot)
			free_slot = &d->counters[i];
	}
	if (!c && free_slot) {
		c = free_slot;
		memcpy(c->name, name, strnlen(name, sizeof(c->name) - 1) + 1);
	}
	if (c) {
		c->value = value;
		c->updated_ns = time_now_ns();
	}
	spin_unlock_irqrestore(&domain_lock, f);
	return c ? 0 : -ENOSPC;
}

static void dump_vcpu(const struct vcpu *v)
{
	const struct vlapic *l = &v->arch.vlapic;
	int irr = -1;

	for (int w = 7; w >= 0 && irr < 0; w--)
		if (l->irr[w])
			irr = w * 32 + 31 - __builtin_clz(l->irr[w]);
	log_raw("  vcpu%u: %s%s%s rip %#lx rflags %#lx exits %lu, highest IRR %d, "
		"timer in %ld us\n", v->id,
		v->sched.state == SCHED_RUNNING ? "running" :
		v->sched.state == SCHED_RUNNABLE ? "runnable" : "blocked",
		v->halted ? " (halted)" : "", v->wait_sipi ? " (waiting for SIPI)" : "",
		v->arch.regs.rip, v->arch.regs.rflags, v->arch.exits, irr,
		l->deadline_ns ? (long)((int64_t)(l->deadline_ns - time_now_ns()) / 1000) : -1L);
}

void domain_dump_all(void)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	log_raw("domains (%lu pages free):\n", page_free_count());
	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++) {
		struct domain *d = domains[i];
		if (!d)
			continue;
		log_raw(" d%u '%s': %s%s, %u vCPUs, %lu MiB\n", d->id, d->cfg.name,
			domain_state_name(d->state), d->stopping ? " (stopping)" : "",
			d->cfg.nr_vcpus, d->cfg.mem_bytes >> 20);
		for (unsigned j = 0; j < d->cfg.nr_vcpus; j++)
			if (d->vcpus[j])        /* NULL while it is built */
				dump_vcpu(d->vcpus[j]);
	}
	spin_unlock_irqrestore(&domain_lock, f);
}

void domain_print_sched_stats(uint64_t now)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	for (unsigned i = 0; i < DOMAIN_MAX_DOMAINS; i++) {
		struct domain *d = domains[i];
		struct sched_stats st;
		if (!d || d->state == DOMAIN_CREATED)
			continue;
		uint64_t sf = sched_lock_irqsave();
		sched_dom_stats(&d->sched, now, &st);
		uint64_t credit = sched_dom_credit(schedule_state(), &d->sched, now);
		sched_unlock_irqrestore(sf);
		log_raw("sched-stats: t=%lu d%u '%s' run_ns=%lu steal_ns=%lu blocked_ns=%lu credit_ns=%lu\n",
			now, d->id, d->cfg.name, st.run_ns, st.steal_ns, st.blocked_ns, credit);
	}
	spin_unlock_irqrestore(&domain_lock, f);
}
