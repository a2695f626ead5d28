/*
 * domain_stop.c - stopping a domain: pause and unpause, power-off,
 * reboot, crash and destroy all go through one path that parks every vCPU
 * and then runs the stop's action (see hv/domain.h for the states).
 *
 * How a stop runs: stop_va() records the new state, the reason and the
 * action, sets `stopping`, parks every vCPU the scheduler is not running
 * and kicks the pCPUs of those it is; each of those parks itself at its
 * next exit (domain_vcpu_parked). Whoever parks the last vCPU runs
 * finish_stop(), which does the action: destroy, restart (destroy, then
 * create from the same configuration), keep, or none (pause).
 *
 * Invariants:
 *   - At most one stop at a time: `stopping` is set under domain_lock by
 *     stop_va() and cleared only by finish_stop(); a stop asked for while
 *     one runs is dropped, except destroy, which marks the domain `dying`
 *     so that the running stop destroys it when it finishes.
 *   - nr_parked counts the parked vCPUs (sched lock); finish_stop() runs
 *     exactly once a stop: the caller that sees nr_parked == nr_vcpus
 *     first claims it (stop_claimed, sched lock). Unpause resets both.
 *   - The action runs with no lock held but the life-cycle lock, never
 *     inside one of the domain's own vCPUs (the last vCPU to park finishes
 *     the stop after leaving it), so teardown frees nothing in use.
 *   - Pages dom0 has mapped are never freed under it: such a domain is
 *     kept until dom0 destroys it.
 *
 * Locking: life-cycle lock, then domain_lock, then the sched lock.
 */
#include <stdarg.h>
#include <muxvisor/control.h>
#include "hv/domain.h"
#include "domain_internal.h"
#include "hv/control.h"
#include "hv/vcpu.h"
#include "hv/schedule.h"
#include "hv/dom0.h"
#include "hv/image.h"
#include "hv/fmt.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

bool domain_is_stopping(struct domain *d)
{
	return __atomic_load_n(&d->stopping, __ATOMIC_ACQUIRE);
}

/* Whether the caller finishes d's stop: every vCPU is parked and nobody
 * claimed it yet (sched lock held). */
static bool claim_finish(struct domain *d)
{
	if (d->nr_parked != d->cfg.nr_vcpus || d->stop_claimed)
		return false;
	d->stop_claimed = true;
	return true;
}

/* Parks every vCPU that is not running; kicks the pCPUs of those that
 * are. Returns true if all are parked now and the caller claimed the
 * finish. */
static bool park_vcpus(struct domain *d)
{
	uint64_t f = sched_lock_irqsave();
	uint64_t kick = 0;

	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		if (v->parked)
			continue;
		if (v->sched.state == SCHED_RUNNING) {
			kick |= 1ull << v->sched.pcpu;
			continue;
		}
		sched_vcpu_block(schedule_state(), &v->sched, schedule_now());
		v->parked = true;
		d->nr_parked++;
	}
	bool all = claim_finish(d);
	uint64_t kicks = sched_take_kicks(schedule_state()) | kick;
	sched_unlock_irqrestore(f);
	schedule_send_kicks(kicks);
	return all;
}

static void finish_stop(struct domain *d);

/* Starts stopping d; ev is the event (MUXV_EV_*) to post, 0 for none. */
static void stop_va(struct domain *d, enum domain_state state,
		    enum domain_stop_action action, uint32_t ev, const char *fmt, va_list ap)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	if (d->stopping || d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED ||
	    (state == DOMAIN_PAUSED && d->state != DOMAIN_RUNNING)) {
		spin_unlock_irqrestore(&domain_lock, f);
		return;
	}
	fmt_vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	d->action = action;
	__atomic_store_n(&d->stopping, true, __ATOMIC_RELEASE);
	__atomic_store_n(&d->state, state, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&domain_lock, f);
	/* A crash that restarts (on_crash=restart) still says it crashed. */
	log_info("domain d%u '%s': %s: %s", d->id, d->cfg.name,
		 action != DOMAIN_STOP_RESTART ? domain_state_name(state) :
		 state == DOMAIN_CRASHED ? "crashed, restarting" : "rebooting",
		 d->reason);
	if (ev)
		control_event(d->id, ev, "%s", d->reason);
	if (park_vcpus(d))
		finish_stop(d);
}

static void stop_ev(struct domain *d, enum domain_state state,
		    enum domain_stop_action action, uint32_t ev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void stop_ev(struct domain *d, enum domain_state state,
		    enum domain_stop_action action, uint32_t ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_va(d, state, action, ev, fmt, ap);
	va_end(ap);
}

void domain_stop(struct domain *d, enum domain_state state,
		 enum domain_stop_action action, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_va(d, state, action, state == DOMAIN_PAUSED ? MUXV_EV_PAUSED :
		state == DOMAIN_CRASHED ? MUXV_EV_CRASHED : MUXV_EV_POWEROFF, fmt, ap);
	va_end(ap);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_va(d, DOMAIN_CRASHED, d->cfg.on_crash, MUXV_EV_CRASHED, fmt, ap);
	va_end(ap);
}

void domain_poweroff(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_va(d, DOMAIN_SHUTDOWN, d->cfg.on_poweroff, MUXV_EV_POWEROFF, fmt, ap);
	va_end(ap);
}

void domain_reboot(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	/* A configuration that does not say (on_reboot left 0) restarts, as
	 * every domain did before on_reboot existed. */
	enum domain_stop_action action = d->cfg.on_reboot == DOMAIN_STOP_NONE ?
					 DOMAIN_STOP_RESTART : d->cfg.on_reboot;
	va_start(ap, fmt);
	stop_va(d, DOMAIN_SHUTDOWN, action, MUXV_EV_REBOOTED, fmt, ap);
	va_end(ap);
}

int domain_pause(struct domain *d)
{
	if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_RUNNING)
		return -EBUSY;
	domain_stop(d, DOMAIN_PAUSED, DOMAIN_STOP_NONE, "paused");
	return 0;
}

int domain_unpause(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);

	if (d->state != DOMAIN_PAUSED || d->stopping) {
		spin_unlock_irqrestore(&domain_lock, f);
		return -EBUSY;
	}
	__atomic_store_n(&d->state, DOMAIN_RUNNING, __ATOMIC_RELEASE);
	log_info("domain d%u '%s': running (unpaused)", d->id, d->cfg.name);
	control_event(d->id, MUXV_EV_UNPAUSED, "%s", "");
	uint64_t sf = sched_lock_irqsave();
	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		v->parked = false;
		if (!v->halted || vcpu_has_wakeup(v))
			schedule_wake_locked(v);
	}
	d->nr_parked = 0;
	d->stop_claimed = false;
	uint64_t kicks = sched_take_kicks(schedule_state());
	sched_unlock_irqrestore(sf);
	spin_unlock_irqrestore(&domain_lock, f);
	schedule_send_kicks(kicks);
	return 0;
}

void domain_vcpu_parked(struct vcpu *v)
{
	struct domain *d = v->dom;
	uint64_t f = sched_lock_irqsave();
	d->nr_parked++;
	bool all = claim_finish(d);

	sched_unlock_irqrestore(f);
	if (all)
		finish_stop(d);
}

void domain_destroy(struct domain *d, const char *why)
{
	uint64_t f = spin_lock_irqsave(&domain_lock);
	bool parked = !d->stopping && d->state != DOMAIN_RUNNING;

	d->dying = true;
	if (d->stopping)           /* parking already: destroy when done */
		d->action = DOMAIN_STOP_DESTROY;
	spin_unlock_irqrestore(&domain_lock, f);
	log_info("domain d%u '%s': destroying: %s", d->id, d->cfg.name, why);
	if (parked)                /* created, paused, shut down, crashed */
		domain_teardown(d);
	else                       /* a no-op if it began stopping since */
		stop_ev(d, DOMAIN_SHUTDOWN, DOMAIN_STOP_DESTROY, 0, "%s", why);
}

/* Runs the stop's action once every vCPU is parked (no lock held but
 * possibly the life-cycle lock). */
static void finish_stop(struct domain *d)
{
	domain_lifecycle_lock();
	uint64_t f = spin_lock_irqsave(&domain_lock);
	/* A domain dom0 destroyed while it stopped for another reason. */
	enum domain_stop_action action = d->dying ? DOMAIN_STOP_DESTROY : d->action;
	/* Pages dom0 maps are not freed under it: dom0 destroys the domain
	 * when it is done with them. */
	if (!d->dying && d->mapped_pages &&
	    (action == DOMAIN_STOP_DESTROY || action == DOMAIN_STOP_RESTART))
		action = DOMAIN_STOP_KEEP;

	__atomic_store_n(&d->stopping, false, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&domain_lock, f);
	/* The machine follows a Linux dom0 (dom0.c); a privileged test
	 * kernel (ctlprobe) stops like any other domain. */
	if (d->cfg.privileged && d->cfg.kind == DOMAIN_LINUX && action != DOMAIN_STOP_NONE)
		dom0_stopped(d);
	if (action == DOMAIN_STOP_DESTROY) {
		domain_teardown(d);
	} else if (action == DOMAIN_STOP_RESTART) {
		struct domain_config cfg = d->cfg;
		int err;
		cfg.boot_count++;
		image_get(cfg.kernel);  /* the images outlive the old domain */
		if (cfg.initrd)
			image_get(cfg.initrd);
		domain_teardown(d);
		struct domain *nd = domain_create(&cfg, &err);
		if (nd)
			domain_start(nd);
		image_put(cfg.kernel);
		if (cfg.initrd)
			image_put(cfg.initrd);
	}
	domain_lifecycle_unlock();
}
