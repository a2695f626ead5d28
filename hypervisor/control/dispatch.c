/*
 * dispatch.c - MUXV_HC_CONTROL (muxvisor/control.h): who may call, the
 * struct muxv_ctl and its data buffer copied in and out of dom0, and the
 * table of handlers (one file per group of calls).
 *
 * A call: the caller is checked (the privileged domain, kernel mode);
 * the struct (1 KiB, within one page of dom0) is copied in; under the
 * life-cycle lock the header is checked, an IN buffer read or an OUT
 * buffer's range checked, the handler runs, and then either the whole
 * struct goes back (with any OUT data) or, on error, only hdr.err_field.
 * Some calls then wait, without the lock, for their effect to settle (a
 * paused domain's vCPUs parked, a destroyed one gone).
 *
 * Locking: the life-cycle lock serialises calls, so the bounce buffer and
 * the call record below are used by one call at a time. refusal_lock
 * protects the refusal counters in struct domain.
 */
#include <muxvisor/control.h>
#include "ctl.h"
#include "hv/control.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/guest_mem.h"
#include "hv/spinlock.h"
#include "hv/time.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/cpu.h"

_Static_assert(sizeof(struct muxv_ctl) <= 4096, "the struct fits a page");

/* A refused caller is logged at most once a second per domain. */
#define REFUSAL_LOG_NS 1000000000ull
/* How long a call waits for its effect to settle before returning. */
#define SETTLE_NS 1000000000ull

struct ctl_op {
	int (*fn)(struct ctl_call *k);
	uint8_t dir;                 /* MUXV_BUF_*: how it uses the buffer */
};

static const struct ctl_op ops[] = {
	[MUXV_CTL_HOST_INFO] = { ctl_host_info, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_INFO] = { ctl_domain_info, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_LIST] = { ctl_domain_list, MUXV_BUF_OUT },
	[MUXV_CTL_VCPU_INFO] = { ctl_vcpu_info, MUXV_BUF_NONE },
	[MUXV_CTL_IMAGE_CREATE] = { ctl_image_create, MUXV_BUF_NONE },
	[MUXV_CTL_IMAGE_WRITE] = { ctl_image_write, MUXV_BUF_IN },
	[MUXV_CTL_IMAGE_SEAL] = { ctl_image_seal, MUXV_BUF_NONE },
	[MUXV_CTL_IMAGE_RELEASE] = { ctl_image_release, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_CREATE] = { ctl_domain_create, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_DESTROY] = { ctl_domain_destroy, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_PAUSE] = { ctl_domain_pause, MUXV_BUF_NONE },
	[MUXV_CTL_DOMAIN_UNPAUSE] = { ctl_domain_unpause, MUXV_BUF_NONE },
	[MUXV_CTL_MEM_POPULATE] = { ctl_mem_populate, MUXV_BUF_NONE },
	[MUXV_CTL_MEM_MAP] = { ctl_mem_map, MUXV_BUF_NONE },
	[MUXV_CTL_MEM_UNMAP] = { ctl_mem_unmap, MUXV_BUF_NONE },
	[MUXV_CTL_SCHED_GET] = { ctl_sched_get, MUXV_BUF_NONE },
	[MUXV_CTL_SCHED_SET] = { ctl_sched_set, MUXV_BUF_NONE },
	[MUXV_CTL_CONSOLE_READ] = { ctl_console_read, MUXV_BUF_OUT },
	[MUXV_CTL_CONSOLE_WRITE] = { ctl_console_write, MUXV_BUF_IN },
	[MUXV_CTL_EVENTS_READ] = { ctl_events_read, MUXV_BUF_OUT },
	[MUXV_CTL_BALLOON_SET] = { ctl_balloon_set, MUXV_BUF_NONE },
	[MUXV_CTL_BALLOON_GET] = { ctl_balloon_get, MUXV_BUF_NONE },
};

static struct spinlock refusal_lock = SPINLOCK_INIT;
static struct ctl_call call;                 /* life-cycle lock */
static uint8_t bounce[MUXV_CTL_BUF_MAX];     /* life-cycle lock */

/* Logs a refused caller: its first refusal, then at most one line a
 * second with the count since the last line. */
static void log_refusal(struct vcpu *v, const char *why)
{
	struct domain *d = v->dom;
	uint64_t now = time_now_ns();
	uint64_t f = spin_lock_irqsave(&refusal_lock);
	bool first = d->ctl_refused_logged_ns == 0;
	bool due = first || now - d->ctl_refused_logged_ns >= REFUSAL_LOG_NS;
	unsigned count = ++d->ctl_refused;

	if (due) {
		d->ctl_refused_logged_ns = now;
		d->ctl_refused = 0;
	}
	spin_unlock_irqrestore(&refusal_lock, f);
	if (due)
		log_warn("control: refused MUXV_HC_CONTROL from domain d%u '%s' vcpu%u (%s)%s",
			 d->id, d->cfg.name, v->id, why,
			 first ? "" : count > 1 ? "; more refused since the last line" : "");
}

static const struct ctl_op *op_for(uint32_t op)
{
	return op < ARRAY_SIZE(ops) && ops[op].fn ? &ops[op] : NULL;
}

/* Copies an IN buffer from dom0, or checks that dom0 can take the OUT
 * data, before the handler changes anything. */
static int bounce_in(struct ctl_call *k, unsigned dir)
{
	const struct muxv_ctl_hdr *h = &k->c.hdr;
	struct domain *dom0 = k->caller->dom;

	k->buf = bounce;
	k->buf_len = dir == MUXV_BUF_NONE ? 0 : h->buf_len;
	k->out_len = 0;
	if (!k->buf_len)
		return 0;
	int err = dir == MUXV_BUF_IN ? guest_read(dom0, h->buf, bounce, k->buf_len)
				     : guest_check(dom0, h->buf, k->buf_len);
	return err ? ctl_fail(k, -EFAULT, CTL_FIELD(hdr.buf)) : 0;
}

/* Checks the header, bounces the buffer in, runs the handler. */
static int run(struct ctl_call *k)
{
	const struct muxv_ctl_hdr *h = &k->c.hdr;
	const struct ctl_op *op = op_for(h->op);
	int err;

	if (h->op != MUXV_CTL_HOST_INFO && h->version != MUXV_CTL_VERSION)
		return ctl_fail(k, -EPROTO, CTL_FIELD(hdr.version));
	if (!op)
		return ctl_fail(k, -ENOSYS, CTL_FIELD(hdr.op));
	err = ctl_check_header(h, op->dir, &k->err_field);
	if (!err)
		err = bounce_in(k, op->dir);
	return err ? err : op->fn(k);
}

/* Serves the call whose struct is at gpa in dom0 (life-cycle lock held).
 * Writes back the whole struct (and OUT data) on success, only
 * hdr.err_field on error, nothing if the struct cannot be read. */
static int serve(struct vcpu *v, uint64_t gpa)
{
	struct ctl_call *k = &call;
	struct domain *dom0 = v->dom;

	memset(k, 0, sizeof(*k));
	k->caller = v;
	k->err_field = MUXV_CTL_NO_FIELD;
	if (guest_read(dom0, gpa, &k->c, sizeof(k->c)))
		return -EFAULT;
	int err = run(k);
	if (err) {
		guest_write(dom0, gpa + CTL_FIELD(hdr.err_field), &k->err_field,
			    sizeof(k->err_field));
		return err;
	}
	/* The ranges were checked before the handler ran: these succeed. */
	if (k->out_len)
		guest_write(dom0, k->c.hdr.buf, bounce, k->out_len);
	k->c.hdr.err_field = MUXV_CTL_NO_FIELD;
	guest_write(dom0, gpa, &k->c, sizeof(k->c));
	return 0;
}

/* Waits (no lock held, bounded) for what the call started to finish, so
 * that the caller's next call sees it done: normally microseconds, the
 * time a kicked pCPU takes to leave the guest. */
static void settle(enum ctl_settle what, uint32_t id)
{
	uint64_t deadline = time_now_ns() + SETTLE_NS;

	while (what != CTL_SETTLE_NONE && time_now_ns() < deadline) {
		domain_lifecycle_lock();
		struct domain *d = domain_find(id);
		bool done = what == CTL_SETTLE_GONE ? !domain_exists(id) :
			    !d || !domain_is_stopping(d);
		domain_lifecycle_unlock();
		if (done)
			return;
		cpu_relax();
	}
}

enum virt_action control_hypercall(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	uint64_t gpa = arg[0];

	if (!v->dom->cfg.privileged || virt_guest_cpl(v) != 0) {
		log_refusal(v, v->dom->cfg.privileged ? "from user mode" :
			    "not the privileged domain");
		*ret = -EPERM;
		return VIRT_CONTINUE;
	}
	if (arg[1] != sizeof(struct muxv_ctl) ||
	    (gpa & 0xfff) + sizeof(struct muxv_ctl) > 4096) {
		*ret = -EINVAL;
		return VIRT_CONTINUE;
	}
	domain_lifecycle_lock();
	*ret = serve(v, gpa);
	enum ctl_settle what = *ret ? CTL_SETTLE_NONE : call.settle;
	uint32_t id = call.settle_id;
	domain_lifecycle_unlock();
	settle(what, id);
	return VIRT_CONTINUE;
}
