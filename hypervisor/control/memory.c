/*
 * memory.c - the memory calls: MEM_POPULATE, and (not implemented yet:
 * -ENOSYS) MEM_MAP/MEM_UNMAP of a domain's pages into a window of dom0's
 * guest-physical space, whose place HOST_INFO already reports.
 *
 * MEM_POPULATE gives a customer domain fresh zeroed pages in its RAM
 * layout below its ceiling (a test kernel: [0, mem); Linux: [0, 3 GiB)
 * and from 4 GiB) where none is mapped yet. It checks the whole range and
 * the pool first, so it either maps every page or changes nothing.
 *
 * The window: the guest sees the host's MAXPHYADDR (CPUID 0x80000008
 * EAX[7:0]); the window starts at three quarters of that space and is at
 * most 64 GiB (an eighth of it). With QEMU's 40 bits that is 768 GiB ..
 * 832 GiB: above any RAM this hypervisor runs on, above the Linux
 * platform's 64-bit PCI window (512 GiB + 64 GiB), and below MAXPHYADDR so
 * that dom0's own page tables can point there.
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/cpu.h"
#include "x86/npt.h"

#define WINDOW_MAX (64ull << 30)

void ctl_map_window(uint64_t *gpa, uint64_t *pages)
{
	unsigned bits = cpuid(0x80000008, 0).eax & 0xff;

	*gpa = 3ull << (bits - 2);
	*pages = MIN(WINDOW_MAX, 1ull << (bits - 3)) >> 12;
}

/* Whether gpa is in d's RAM layout (populated or not). */
static bool is_ram(const struct domain *d, uint64_t gpa)
{
	uint64_t mem = d->cfg.mem_bytes;

	if (d->cfg.kind != DOMAIN_LINUX || mem <= LINUX_HOLE_START)
		return gpa < mem;
	return gpa < LINUX_HOLE_START ||
	       (gpa >= (1ull << 32) && gpa - (1ull << 32) < mem - LINUX_HOLE_START);
}

int ctl_mem_populate(struct ctl_call *k)
{
	const struct muxv_mem *m = &k->c.u.mem;
	int err = ctl_check_mem(&k->c, false, &k->err_field);
	struct domain *d = err ? NULL : ctl_domain(k, &err);

	if (!d)
		return err;
	if (d->cfg.privileged)
		return ctl_fail(k, -EINVAL, CTL_FIELD(hdr.domid));
	/* The whole range in the layout first, then none of it populated. */
	for (uint64_t i = 0; i < m->count; i++)
		if (m->gfn + i >= (1ull << 40) || !is_ram(d, (m->gfn + i) << 12))
			return ctl_fail(k, -ERANGE, CTL_FIELD(u.mem.gfn));
	for (uint64_t i = 0; i < m->count; i++)
		if (npt_translate(&d->npt, (m->gfn + i) << 12) != NPT_NONE)
			return ctl_fail(k, -EEXIST, CTL_FIELD(u.mem.gfn));
	/* The pages, and a table page per 2 MiB they may touch, at most. */
	if (m->count + m->count / 512 + 4 > page_free_count())
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	for (uint64_t i = 0; i < m->count && !err; i++)
		err = npt_populate(&d->npt, (m->gfn + i) << 12, 4096);
	/* Only if another CPU took the pool from under the check above:
	 * what was mapped stays the domain's, freed when it is destroyed. */
	return err ? ctl_fail(k, err, CTL_FIELD(u.mem.count)) : 0;
}
