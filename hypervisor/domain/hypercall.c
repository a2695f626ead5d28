/*
 * hypercall.c - the guest hypercalls (muxvisor/hypercall.h): one small
 * function each, reached through a table. Every argument is checked
 * before anything changes; guest memory is read through the domain's own
 * mappings only (guest_read), so a bad pointer is -EFAULT.
 */
#include <muxvisor/hypercall.h>
#include <muxvisor/control.h>
#include "hv/hypercall.h"
#include "hv/control.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/dom_console.h"
#include "hv/guest_mem.h"
#include "hv/time.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

typedef enum virt_action (*hc_fn)(struct vcpu *v, const uint64_t arg[4], int64_t *ret);

static enum virt_action hc_version(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	(void)v;
	(void)arg;
	*ret = MUXV_HC_ABI_VERSION;
	return VIRT_CONTINUE;
}

static enum virt_action hc_console_write(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	char buf[MUXV_CONSOLE_WRITE_MAX];
	uint64_t len = arg[1];

	if (len > MUXV_CONSOLE_WRITE_MAX) {
		*ret = -E2BIG;
	} else if (guest_read(v->dom, arg[0], buf, len)) {
		*ret = -EFAULT;
	} else {
		/* Over the domain's rate: what fits is written, the rest
		 * dropped; nothing fits: -EAGAIN. */
		size_t n = dom_console_hc_admit(v->dom, len);
		dom_console_write(v, buf, n);
		*ret = n == len ? (int64_t)len : n ? (int64_t)n : -EAGAIN;
	}
	return VIRT_CONTINUE;
}

static enum virt_action hc_yield(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	(void)v;
	(void)arg;
	*ret = 0;
	return VIRT_YIELD;
}

static enum virt_action hc_time_ns(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	(void)v;
	(void)arg;
	*ret = (int64_t)time_now_ns();
	return VIRT_CONTINUE;
}

static bool counter_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Reads a counter name: 1..MUXV_COUNTER_NAME_MAX valid characters and a
 * NUL, byte by byte (the name may end right before unmapped memory). */
static int read_counter_name(struct vcpu *v, uint64_t gpa, char *name)
{
	for (unsigned i = 0; i <= MUXV_COUNTER_NAME_MAX; i++) {
		if (guest_read(v->dom, gpa + i, &name[i], 1))
			return -EFAULT;
		if (name[i] == '\0')
			return i ? 0 : -EINVAL;
		if (!counter_char(name[i]))
			return -EINVAL;
	}
	return -EINVAL;
}

static enum virt_action hc_report_counter(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	char name[MUXV_COUNTER_NAME_MAX + 1];

	*ret = read_counter_name(v, arg[0], name);
	if (*ret == 0)
		*ret = domain_set_counter(v->dom, name, arg[1]);
	if (*ret == 0)
		log_raw("[d%u %s] counter %s=%lu\n", v->dom->id, v->dom->cfg.name, name, arg[1]);
	return VIRT_CONTINUE;
}

static enum virt_action hc_shutdown(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	struct domain *d = v->dom;

	*ret = 0;
	if (arg[0] == MUXV_SHUTDOWN_POWEROFF)
		domain_poweroff(d, "powered off");
	else
		domain_poweroff(d, "exit code %lu", arg[0]);
	return VIRT_STOPPED;
}

static enum virt_action hc_reboot(struct vcpu *v, const uint64_t arg[4], int64_t *ret)
{
	(void)arg;
	*ret = 0;
	domain_reboot(v->dom, "the guest asked to reboot");
	return VIRT_STOPPED;
}

static const hc_fn calls[] = {
	[MUXV_HC_VERSION - 0x100] = hc_version,
	[MUXV_HC_CONSOLE_WRITE - 0x100] = hc_console_write,
	[MUXV_HC_YIELD - 0x100] = hc_yield,
	[MUXV_HC_TIME_NS - 0x100] = hc_time_ns,
	[MUXV_HC_REPORT_COUNTER - 0x100] = hc_report_counter,
	[MUXV_HC_SHUTDOWN - 0x100] = hc_shutdown,
	[MUXV_HC_REBOOT - 0x100] = hc_reboot,
};

enum virt_action hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[4],
				    int64_t *result)
{
	/* Checks its caller itself, and logs whom it refuses. */
	if (nr == MUXV_HC_CONTROL)
		return control_hypercall(v, arg, result);
	if (virt_guest_cpl(v) != 0) {
		*result = -EPERM;
		return VIRT_CONTINUE;
	}
	if (nr < 0x100 || nr - 0x100 >= ARRAY_SIZE(calls) || !calls[nr - 0x100]) {
		*result = -ENOSYS;
		return VIRT_CONTINUE;
	}
	return calls[nr - 0x100](v, arg, result);
}
