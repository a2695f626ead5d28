/*
 * hostile_control - a customer domain calling the control interface
 * (MUXV_HC_CONTROL, muxvisor/control.h), which only the privileged
 * domain may use: every attempt must return -MUXV_EPERM and leave the
 * struct untouched, whatever it asks (host info, destroying domain 0,
 * balloon targets, garbage). The hypervisor logs the refusal (rate-limited) naming this
 * domain; ci/tests/hv_control.py checks the log.
 *
 * vCPU 0 only. `hostile_control: <n> calls refused` and PASS, or FAIL
 * with the first call that was not refused.
 */
#include "rt/rt.h"
#include <muxvisor/control.h>

#define NAME "hostile_control"
#define ATTEMPTS 64
#define SENTINEL 0x5a5a5a5au

static struct muxv_ctl ctl __attribute__((aligned(4096)));

static void prep(uint32_t op, uint32_t domid)
{
	memset(&ctl, 0, sizeof(ctl));
	ctl.hdr.version = MUXV_CTL_VERSION;
	ctl.hdr.op = op;
	ctl.hdr.domid = domid;
	ctl.hdr.err_field = SENTINEL;
}

/* One attempt; false (and a FAIL line) unless refused untouched. */
static bool refused(const char *what, uint64_t gpa, uint64_t size)
{
	int64_t r = rt_hypercall(MUXV_HC_CONTROL, gpa, size, 0, 0);

	if (r == -MUXV_EPERM && ctl.hdr.err_field == SENTINEL && ctl.u.host_info.pcpus == 0)
		return true;
	rt_fail(NAME, "%s: returned %ld, err_field %#x, pcpus %u", what, r,
		ctl.hdr.err_field, ctl.u.host_info.pcpus);
	return false;
}

static void control_main(unsigned int cpu)
{
	unsigned n = 0;

	if (cpu != 0)
		return;
	for (unsigned i = 0; i < ATTEMPTS; i++) {
		prep(MUXV_CTL_HOST_INFO, 0);
		if (!refused("HOST_INFO", (uintptr_t)&ctl, sizeof(ctl)))
			return;
		prep(MUXV_CTL_DOMAIN_DESTROY, 0);
		if (!refused("DOMAIN_DESTROY of domain 0", (uintptr_t)&ctl, sizeof(ctl)))
			return;
		prep(MUXV_CTL_BALLOON_SET, rt_boot_info()->domain_id);
		ctl.u.balloon_set.target_bytes = MUXV_BALLOON_MIN_TARGET;
		if (!refused("BALLOON_SET of itself", (uintptr_t)&ctl, sizeof(ctl)))
			return;
		prep(MUXV_CTL_BALLOON_GET, 0);
		if (!refused("BALLOON_GET of domain 0", (uintptr_t)&ctl, sizeof(ctl)))
			return;
		prep(MUXV_CTL_DOMAIN_PAUSE, rt_boot_info()->domain_id);
		if (!refused("garbage size", (uintptr_t)&ctl, i))
			return;
		n += 5;
		rt_hc_yield();
	}
	if (!refused("an address outside RAM", rt_boot_info()->mem_bytes, sizeof(ctl)))
		return;
	rt_printf("hostile_control: %u calls refused\n", n + 1);
	rt_pass(NAME);
}

const struct rt_test test_desc = { .name = NAME, .main = control_main };
