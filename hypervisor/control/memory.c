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
 * keep it (domain_stop.c), and destroying it removes the mappings first
 * (ctl_mem_domain_gone), so a page is never freed while dom0 maps it.
 * Removing a mapping is followed by npt_flush_domain(dom0) (svm_tlb.c,
 * the same shoot-down the balloon uses): it returns once no vCPU of dom0
 * is in guest mode with an older TLB, so the page cannot be reached
 * through a stale translation once the call returns.
 *
 * The balloon (domain/balloon.c) never takes a page dom0 maps: it asks
 * ctl_mem_gfn_mapped() under the customer's mem_lock, and MEM_MAP looks
 * the pages up and records the mapping under that same lock, so a page
 * is either unmapped by the balloon first (MEM_MAP then fails with
 * -ENOENT) or recorded first (the balloon leaves it alone). ranges_lock
 * keeps the balloon's lookups safe against changes for other domains.
 *
 * Which customer page is where: map_ranges.c.
 *
 * The window: the guest sees the host's MAXPHYADDR (CPUID 0x80000008
 * EAX[7:0]); the window starts at three quarters of that space and is at
 * most 64 GiB (an eighth of it). With QEMU's 40 bits that is 768 GiB ..
 * 832 GiB: above any RAM this hypervisor runs on, above the Linux
 * platform's 64-bit PCI window (512 GiB + 64 GiB), and below MAXPHYADDR so
 * that dom0's own page tables can point there.
 */
#include "ctl.h"
#include "map_ranges.h"
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
#include "hv/balloon.h"
#include "hv/spinlock.h"

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
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	for (uint64_t i = 0; i < m->count && !err; i++)
		if (npt_translate(&d->npt, (m->gfn + i) << 12) != NPT_NONE)
			err = -EEXIST;
	spin_unlock_irqrestore(&d->mem_lock, f);
	if (err)
		return ctl_fail(k, err, CTL_FIELD(u.mem.gfn));
	/* The pages, and a table page per 2 MiB they may touch, at most. */
	if (m->count + m->count / 512 + 4 > page_free_count())
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	/* mem_lock: the balloon changes the same tables. A Linux customer's
	 * page goes through the balloon's accounting (a touch: it leaves the
	 * balloon or stops being dropped), so populated + ballooned + dropped
	 * stays the ceiling. */
	f = spin_lock_irqsave(&d->mem_lock);
	for (uint64_t i = 0; i < m->count && !err; i++) {
		uint64_t gpa = (m->gfn + i) << 12;
		err = d->balloon ? balloon_fault_locked(d, gpa) : npt_populate(&d->npt, gpa, 4096);
	}
	spin_unlock_irqrestore(&d->mem_lock, f);
	/* Only if another CPU took the pool from under the check above:
	 * what was mapped stays the domain's, freed when it is destroyed. */
	return err ? ctl_fail(k, err, CTL_FIELD(u.mem.count)) : 0;
}

/* Changed under the life-cycle lock and ranges_lock; read under either
 * (the balloon reads under ranges_lock, ctl_mem_gfn_mapped). Lock order:
 * a domain's mem_lock, ranges_lock, domain_lock (pages_gone). */
static struct map_ranges ranges;
static struct spinlock ranges_lock = SPINLOCK_INIT;

/* dom0's mem_lock held. */
static void unmap_pages(struct domain *dom0, uint64_t win, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++)
		npt_unmap_foreign(&dom0->npt, win + (i << 12), 4096);
}

bool ctl_mem_gfn_mapped(const struct domain *d, uint64_t gfn)
{
	if (!__atomic_load_n(&d->mapped_pages, __ATOMIC_RELAXED))
		return false;
	uint64_t f = spin_lock_irqsave(&ranges_lock);
	bool mapped = map_ranges_has_gfn(&ranges, d->id, gfn);
	spin_unlock_irqrestore(&ranges_lock, f);
	return mapped;
}

struct drop_ctx {
	struct domain *dom0;
	bool any;
};

static void dropped(void *ctx, uint64_t win, uint64_t count)
{
	struct drop_ctx *c = ctx;

	if (c->dom0)
		unmap_pages(c->dom0, win, count);
	c->any = true;
}

void ctl_mem_domain_gone(struct domain *d)
{
	struct domain *dom0 = domain_find(0);
	struct drop_ctx c = { .dom0 = dom0 && dom0 != d ? dom0 : NULL };
	uint64_t mf = c.dom0 ? spin_lock_irqsave(&c.dom0->mem_lock) : 0;
	uint64_t f = spin_lock_irqsave(&ranges_lock);

	map_ranges_drop(&ranges, d->id, d->cfg.privileged, dropped, &c);
	__atomic_store_n(&d->mapped_pages, 0, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&ranges_lock, f);
	if (c.any && c.dom0)
		npt_flush_domain(c.dom0);
	if (c.dom0)
		spin_unlock_irqrestore(&c.dom0->mem_lock, mf);
}

/* The window range [gpa, gpa + count pages) inside the window? */
static bool in_window(uint64_t gpa, uint64_t count)
{
	uint64_t wgpa, wpages;

	ctl_map_window(&wgpa, &wpages);
	return gpa >= wgpa && ((gpa - wgpa) >> 12) <= wpages &&
	       count <= wpages - ((gpa - wgpa) >> 12);
}

/* ctl_mem_map with the customer's and dom0's mem_lock held. */
static int map_locked(struct ctl_call *k, struct domain *d, struct domain *dom0)
{
	const struct muxv_mem *m = &k->c.u.mem;
	int err = 0;

	for (uint64_t i = 0; i < m->count; i++)
		if (m->gfn + i >= (1ull << 40) ||
		    npt_translate(&d->npt, (m->gfn + i) << 12) == NPT_NONE)
			return ctl_fail(k, -ENOENT, CTL_FIELD(u.mem.gfn));
	for (uint64_t i = 0; i < m->count; i++)
		if (npt_translate(&dom0->npt, m->dom0_gpa + (i << 12)) != NPT_NONE)
			return ctl_fail(k, -EEXIST, CTL_FIELD(u.mem.dom0_gpa));
	if (map_ranges_full(&ranges))
		return ctl_fail(k, -ENOSPC, CTL_FIELD(hdr.op));
	if (m->count / 512 + 4 > page_free_count())
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	for (uint64_t i = 0; i < m->count && !err; i++) {
		uint64_t hpa = npt_translate(&d->npt, (m->gfn + i) << 12);
		err = npt_map_foreign(&dom0->npt, m->dom0_gpa + (i << 12), hpa, 4096, false);
	}
	if (err) {              /* the pool emptied under the check above */
		unmap_pages(dom0, m->dom0_gpa, m->count);
		npt_flush_domain(dom0);
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.mem.count));
	}
	uint64_t f = spin_lock_irqsave(&ranges_lock);
	map_ranges_add(&ranges, d->id, m->gfn, m->count, m->dom0_gpa);
	__atomic_add_fetch(&d->mapped_pages, m->count, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&ranges_lock, f);
	return 0;
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
	/* The customer's mem_lock from the look-up to the record, so the
	 * balloon cannot take a page in between (the top of this file);
	 * dom0's inside it for dom0's tables. */
	uint64_t cf = spin_lock_irqsave(&d->mem_lock);
	uint64_t df = spin_lock_irqsave(&dom0->mem_lock);
	err = map_locked(k, d, dom0);
	spin_unlock_irqrestore(&dom0->mem_lock, df);
	spin_unlock_irqrestore(&d->mem_lock, cf);
	return err;
}

static void pages_gone(void *ctx, uint32_t domid, uint64_t pages)
{
	struct domain *d = domain_find(domid);

	(void)ctx;
	if (d)
		__atomic_sub_fetch(&d->mapped_pages, pages, __ATOMIC_RELAXED);
}

int ctl_mem_unmap(struct ctl_call *k)
{
	const struct muxv_mem *m = &k->c.u.mem;
	struct domain *dom0 = k->caller->dom;
	int err = ctl_check_mem(&k->c, true, &k->err_field);

	if (err)
		return err;
	err = map_ranges_can_remove(&ranges, m->dom0_gpa, m->count);
	if (err)
		return ctl_fail(k, err, err == -ENOENT ? CTL_FIELD(u.mem.dom0_gpa) : CTL_FIELD(hdr.op));
	uint64_t df = spin_lock_irqsave(&dom0->mem_lock);
	uint64_t f = spin_lock_irqsave(&ranges_lock);
	map_ranges_remove(&ranges, m->dom0_gpa, m->count, pages_gone, NULL);
	spin_unlock_irqrestore(&ranges_lock, f);
	unmap_pages(dom0, m->dom0_gpa, m->count);
	npt_flush_domain(dom0);
	spin_unlock_irqrestore(&dom0->mem_lock, df);
	return 0;
}
