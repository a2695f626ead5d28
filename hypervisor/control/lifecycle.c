/*
 * lifecycle.c - the calls that make and end domains: DOMAIN_CREATE,
 * DOMAIN_DESTROY, DOMAIN_PAUSE, DOMAIN_UNPAUSE (domain/domain.c and
 * domain/domain_stop.c do the work; this file checks and translates).
 *
 * DOMAIN_CREATE checks everything it can before it builds anything
 * (arguments, images, the name, the reservation against admission
 * control, free memory); domain_create() then undoes all it did if the
 * build still fails, so an error leaves nothing behind.
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/image.h"
#include "hv/schedule.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define DC(member) CTL_FIELD(u.domain_create.member)

static enum domain_stop_action stop_action(uint32_t on)
{
	return on == MUXV_ON_KEEP ? DOMAIN_STOP_KEEP :
	       on == MUXV_ON_RESTART ? DOMAIN_STOP_RESTART : DOMAIN_STOP_DESTROY;
}

void ctl_sched_from_abi(struct sched_params *p, const struct muxv_sched *s)
{
	p->weight = s->weight;
	p->reservation = s->reservation;
	p->cap = s->cap;
	p->burst_baseline = s->burst_baseline;
	p->burst_max_ms = s->burst_max_ms;
}

/* A sealed image for a domain, or NULL with -ENOENT at field. */
static struct hv_image *sealed_image(struct ctl_call *k, uint32_t id, uint32_t field, int *err)
{
	struct hv_image *img = ctl_image_find(id);

	if (!img || !img->sealed) {
		*err = ctl_fail(k, -ENOENT, field);
		return NULL;
	}
	return img;
}

/* What the host can take: the reservation, a table slot, the memory. */
static int check_room(struct ctl_call *k, const struct domain_config *cfg)
{
	uint64_t f = sched_lock_irqsave();
	uint64_t room = (uint64_t)schedule_state()->npcpus * 100 -
			schedule_state()->reserved_pct;

	sched_unlock_irqrestore(f);
	if (cfg->sched.reservation > room)
		return ctl_fail(k, -ENOSPC, DC(sched.reservation));
	if (domain_count() >= DOMAIN_MAX_DOMAINS)
		return ctl_fail(k, -ENOSPC, CTL_FIELD(hdr.op));
	uint64_t pop = cfg->populate_bytes ? cfg->populate_bytes :
		       cfg->mem_target ? cfg->mem_target : cfg->mem_bytes;
	if ((pop >> 12) >= page_free_count())
		return ctl_fail(k, -ENOMEM, DC(mem_bytes));
	return 0;
}

/* Builds cfg from the call, checking what needs the hypervisor's state. */
static int make_config(struct ctl_call *k, struct domain_config *cfg)
{
	const struct muxv_domain_create *dc = &k->c.u.domain_create;
	const char *why;
	int err = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = dc->kind == MUXV_KIND_LINUX ? DOMAIN_LINUX : DOMAIN_TEST_KERNEL;
	memcpy(cfg->name, dc->name, sizeof(cfg->name));
	cfg->nr_vcpus = dc->vcpus;
	cfg->mem_bytes = dc->mem_bytes;
	ctl_sched_from_abi(&cfg->sched, &dc->sched);
	_Static_assert(sizeof(cfg->guest_cmdline) >= sizeof(dc->cmdline), "command line fits");
	memcpy(cfg->guest_cmdline, dc->cmdline, sizeof(dc->cmdline));
	cfg->on_poweroff = stop_action(dc->on_poweroff);
	cfg->on_crash = stop_action(dc->on_crash);
	cfg->on_reboot = stop_action(dc->on_reboot);
	/* A Linux domain's partial population is its balloon's start target
	 * (docs/balloon.md); a test kernel's is the part MEM_POPULATE fills. */
	if (cfg->kind == DOMAIN_LINUX)
		cfg->mem_target = dc->populate_bytes == dc->mem_bytes ? 0 : dc->populate_bytes;
	else
		cfg->populate_bytes = dc->populate_bytes;
	cfg->kernel = sealed_image(k, dc->kernel_image, DC(kernel_image), &err);
	if (!cfg->kernel)
		return err;
	if (dc->initrd_image) {
		cfg->initrd = sealed_image(k, dc->initrd_image, DC(initrd_image), &err);
		if (!cfg->initrd)
			return err;
	}
	if (domain_find_name(cfg->name))
		return ctl_fail(k, -EEXIST, DC(name));
	if (domain_check_images(cfg, &why)) {
		log_info("control: DOMAIN_CREATE '%s': the image does not load: %s",
			 cfg->name, why);
		return ctl_fail(k, -EINVAL, DC(kernel_image));
	}
	return check_room(k, cfg);
}

int ctl_domain_create(struct ctl_call *k)
{
	struct muxv_domain_create *dc = &k->c.u.domain_create;
	struct domain_config cfg;
	struct ctl_limits lim;
	int err;

	ctl_limits(&lim);
	err = ctl_check_domain_create(&k->c, &lim, &k->err_field);
	if (!err)
		err = make_config(k, &cfg);
	if (err)
		return err;
	struct domain *d = domain_create(&cfg, &err);
	if (!d)
		return ctl_fail(k, err, err == -ENOSPC ? DC(sched.reservation) :
				err == -EEXIST ? DC(name) : err == -ENOMEM ? DC(mem_bytes) :
				DC(kernel_image));
	dc->domid = d->id;
	return 0;
}

/* The customer domain hdr.domid names: -ESRCH, or -EINVAL for dom0. */
static struct domain *customer(struct ctl_call *k, int *err)
{
	struct domain *d = ctl_domain(k, err);

	if (d && d->cfg.privileged) {
		*err = ctl_fail(k, -EINVAL, CTL_FIELD(hdr.domid));
		return NULL;
	}
	return d;
}

int ctl_domain_destroy(struct ctl_call *k)
{
	int err;
	struct domain *d = customer(k, &err);

	if (!d)
		return err;
	k->settle = CTL_SETTLE_GONE;
	k->settle_id = d->id;
	domain_destroy(d, "destroyed by dom0");
	return 0;
}

int ctl_domain_pause(struct ctl_call *k)
{
	int err;
	struct domain *d = customer(k, &err);

	if (!d)
		return err;
	if (domain_pause(d))
		return ctl_fail(k, -EBUSY, CTL_FIELD(hdr.domid));
	k->settle = CTL_SETTLE_PARKED;
	k->settle_id = d->id;
	return 0;
}

int ctl_domain_unpause(struct ctl_call *k)
{
	int err;
	struct domain *d = customer(k, &err);

	if (!d)
		return err;
	char reason[8];
	enum domain_state s = domain_get_state(d, reason, sizeof(reason));
	err = s == DOMAIN_CREATED ? domain_start(d) :
	      s == DOMAIN_PAUSED ? domain_unpause(d) : -EBUSY;
	return err ? ctl_fail(k, -EBUSY, CTL_FIELD(hdr.domid)) : 0;
}
