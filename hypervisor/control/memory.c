/*
 * memory.c - the memory calls: MEM_POPULATE, and MEM_MAP/MEM_UNMAP of a
 * customer domain's pages into a window of dom0's guest-physical space.
 *
 * MEM_POPULATE gives a customer domain fresh zeroed pages in its RAM
 * layout below its ceiling (a test kernel: [0, mem); Linux: [0, 3 GiB)
 * and from 4 GiB) where none is mapped yet. It checks the whole range and
 * the pool first, so it either maps every page or changes nothing.
 *
 * MEM_MAP maps populated pages of a customer into dom0's window, 4 KiB
 * leaves marked not owned, so dom0's tables never free them; they stay
 * the customer's. While any are mapped the customer's own stop actions
 * keep it (domain.c), and destroying it removes the mappings first
 * (ctl_mem_domain_gone), so a page is never freed while dom0 maps it.
 * Removing a mapping raises dom0's npt_gen; the call waits until no
 * vCPU of dom0 is in guest mode with an older TLB (svm_vcpu.c flushes on
 * entry), so the page cannot be reached through a stale translation
 * once the call returns.
 *
 * Which customer page is where: a table of ranges (MAP_RECORDS, the
 * life-cycle lock), split when part of a range is unmapped.
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
#include "hv/control.h"
#include "hv/schedule.h"
#include "hv/time.h"
#include "hv/vcpu.h"

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

#define MAP_RECORDS 256

struct map_rec {
	uint32_t domid;
	uint64_t gfn;             /* the customer's first page */
	uint64_t count;           /* pages; 0 = free record */
	uint64_t win;             /* dom0 guest-physical of the first */
};

static struct map_rec recs[MAP_RECORDS];     /* life-cycle lock */

static struct map_rec *free_rec(void)
{
	for (unsigned i = 0; i < MAP_RECORDS; i++)
		if (!recs[i].count)
			return &recs[i];
	return NULL;
}

/* Kicks dom0's vCPUs out of the guest until every one in it has flushed
 * its TLB since the mappings were removed. */
static void flush_dom0(struct domain *dom0)
{
	uint64_t gen = __atomic_add_fetch(&dom0->npt_gen, 1, __ATOMIC_SEQ_CST);

	for (;;) {
		uint64_t kick = 0;
		for (unsigned i = 0; i < dom0->cfg.nr_vcpus; i++) {
			struct arch_vcpu *a = &dom0->vcpus[i]->arch;
			if (__atomic_load_n(&a->in_guest, __ATOMIC_SEQ_CST) &&
			    __atomic_load_n(&a->npt_gen_seen, __ATOMIC_SEQ_CST) != gen)
				kick |= 1ull << a->asid_cpu;
		}
		if (!kick)
			return;
		schedule_send_kicks(kick);
		uint64_t until = time_now_ns() + 1000000;      /* then kick again */
		while (time_now_ns() < until)
			cpu_relax();
	}
}

static void unmap_pages(struct domain *dom0, uint64_t win, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++)
		npt_unmap_foreign(&dom0->npt, win + (i << 12));
}

void ctl_mem_domain_gone(struct domain *d)
{
	struct domain *dom0 = domain_find(0);
	bool any = false;

	for (unsigned i = 0; i < MAP_RECORDS; i++) {
		struct map_rec *r = &recs[i];
		if (!r->count || (r->domid != d->id && !d->cfg.privileged))
			continue;
		if (dom0 && dom0 != d)
			unmap_pages(dom0, r->win, r->count);
		any = true;
		r->count = 0;
	}
	d->mapped_pages = 0;
	if (any && dom0 && dom0 != d)
		flush_dom0(dom0);
}

/* The window range [gpa, gpa + count pages) inside the window? */
static bool in_window(uint64_t gpa, uint64_t count)
{
	uint64_t wgpa, wpages;

	ctl_map_window(&wgpa, &wpages);
	return gpa >= wgpa && ((gpa - wgpa) >> 12) <= wpages &&
	       count <= wpages - ((gpa - wgpa) >> 12);
}

int ctl_mem_map(struct ctl_call *k)
{
	const struct muxv_mem *m = &k->c.u.mem;
	struct domain *dom0 = k->caller->dom;
	int err = ctl_check_mem(&k->c, true, &k->err_field);
	struct domain *d = err ? NULL : ctl_domain(k, &err);

	if (!d)
		return err;
	if (d->cfg.privileged)
		return ctl_fail(k, -EINVAL, CTL_FIELD(hdr.domid));
	if (!in_window(m->dom0_gpa, m->count))
		return ctl_fail(k, -ERANGE, CTL_FIELD(u.mem.dom0_gpa));
	for (uint64_t i = 0; i < m->count; i++)
		if (m->gfn + i >= (1ull << 40) ||
		    npt_translate(&d->npt, (m->gfn + i) << 12) == NPT_NONE)
			return ctl_fail(k, -ENOENT, CTL_FIELD(u.mem.gfn));
	for (uint64_t i = 0; i < m->count; i++)
		if (npt_translate(&dom0->npt, m->dom0_gpa + (i << 12)) != NPT_NONE)
			return ctl_fail(k, -EEXIST, CTL_FIELD(u.mem.dom0_gpa));
	struct map_rec *r = free_rec();
	if (!r)
		return ctl_fail(k, -ENOSPC, CTL_FIELD(hdr.op));
	if (m->count / 512 + 4 > page_free_count())
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	for (uint64_t i = 0; i < m->count && !err; i++) {
		uint64_t hpa = npt_translate(&d->npt, (m->gfn + i) << 12);
		err = npt_map_foreign(&dom0->npt, m->dom0_gpa + (i << 12), hpa);
	}
	if (err) {              /* the pool emptied under the check above */
		unmap_pages(dom0, m->dom0_gpa, m->count);
		flush_dom0(dom0);
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	}
	*r = (struct map_rec){ .domid = d->id, .gfn = m->gfn, .count = m->count,
			       .win = m->dom0_gpa };
	d->mapped_pages += m->count;
	return 0;
}

/* Pages of [win, win + count) that record r covers. */
static uint64_t overlap(const struct map_rec *r, uint64_t win, uint64_t count)
{
	uint64_t lo = MAX(r->win, win);
	uint64_t hi = MIN(r->win + (r->count << 12), win + (count << 12));

	return r->count && hi > lo ? (hi - lo) >> 12 : 0;
}

int ctl_mem_unmap(struct ctl_call *k)
{
	const struct muxv_mem *m = &k->c.u.mem;
	struct domain *dom0 = k->caller->dom;
	uint64_t covered = 0, end = m->dom0_gpa + (m->count << 12);
	bool split = false;
	int err = ctl_check_mem(&k->c, true, &k->err_field);

	if (err)
		return err;
	for (unsigned i = 0; i < MAP_RECORDS; i++) {
		covered += overlap(&recs[i], m->dom0_gpa, m->count);
		split |= recs[i].count && recs[i].win < m->dom0_gpa &&
			 recs[i].win + (recs[i].count << 12) > end;
	}
	if (covered != m->count)
		return ctl_fail(k, -ENOENT, CTL_FIELD(u.mem.dom0_gpa));
	struct map_rec *spare = split ? free_rec() : NULL;
	if (split && !spare)
		return ctl_fail(k, -ENOSPC, CTL_FIELD(hdr.op));
	for (unsigned i = 0; i < MAP_RECORDS; i++) {
		struct map_rec *r = &recs[i];
		uint64_t n = overlap(r, m->dom0_gpa, m->count);
		if (!n)
			continue;
		uint64_t r_end = r->win + (r->count << 12);
		struct domain *d = domain_find(r->domid);
		if (d)
			d->mapped_pages -= n;
		if (r->win < m->dom0_gpa && r_end > end) {      /* a hole in r */
			*spare = (struct map_rec){ .domid = r->domid, .win = end,
				.gfn = r->gfn + ((end - r->win) >> 12), .count = (r_end - end) >> 12 };
			r->count = (m->dom0_gpa - r->win) >> 12;
		} else if (r->win < m->dom0_gpa) {              /* r's tail */
			r->count -= n;
		} else {                                        /* r's head or all */
			r->gfn += n;
			r->win += n << 12;
			r->count -= n;
		}
	}
	unmap_pages(dom0, m->dom0_gpa, m->count);
	flush_dom0(dom0);
	return 0;
}
