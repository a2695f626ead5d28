// SPDX-License-Identifier: GPL-2.0
/*
 * map.c - a domain's pages in a dom0 process: mmap() + MUXV_IOC_MAP.
 *
 * The hypervisor maps a domain's pages only into its map window, a range of
 * dom0 guest-physical addresses that is not RAM (host_info.map_window_gpa,
 * _pages). This file hands out pieces of that window (a genalloc pool, one
 * piece per mapping), asks MUXV_CTL_MEM_MAP to put the domain's pages
 * there, and maps the piece into the caller's VMA with remap_pfn_range().
 *
 * Life of a mapping:
 *   mmap(fd, offset 0, MAP_SHARED)  a VMA with no pages yet (touching it is SIGBUS)
 *   MUXV_IOC_MAP {addr, domid, gfn, count}   window piece + MEM_MAP + PTEs
 *   munmap() / exit                 the PTEs go, then ->close(): MEM_UNMAP and
 *                                   the piece returns to the pool
 * A VMA cannot be split, moved, grown or inherited by fork() (the piece
 * belongs to exactly one VMA).
 *
 * Destroying a mapped domain: the hypervisor then removes the window
 * mappings, and dom0 touching a window page with nothing behind it would
 * crash dom0. So before DOMAIN_DESTROY passes through (ctl.c) every
 * process's PTEs of that domain are zapped: a later touch is SIGBUS for
 * that process only. The later munmap()'s MEM_UNMAP finds nothing mapped
 * (-ENOENT), which is fine: the piece goes back to the pool.
 *
 * Locking: a VMA's struct muxv_mapping changes only under its mm's
 * mmap_lock held for writing (MUXV_IOC_MAP takes it; ->close() runs under
 * it). muxv_maps (every mapping with pages) is under muxv_maps_lock.
 * muxv_map_sem is held for writing from the zap to the end of the
 * DOMAIN_DESTROY call and for reading by MUXV_IOC_MAP, so no mapping of
 * the domain appears in between. Order: muxv_map_sem, then an mmap_lock,
 * then muxv_maps_lock. The pool has its own lock (genalloc).
 */
#include <linux/genalloc.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "muxv.h"

struct muxv_mapping {
	u64 gpa;               /* window address mapped here, 0 = nothing yet */
	u64 count;             /* pages */
	u32 domid;             /* whose pages; set with gpa */
	struct mm_struct *mm;  /* the VMA's; valid while on muxv_maps */
	struct list_head node; /* on muxv_maps while gpa != 0 */
};

static DECLARE_RWSEM(muxv_map_sem);
static LIST_HEAD(muxv_maps);
static DEFINE_SPINLOCK(muxv_maps_lock);

static struct gen_pool *muxv_window;
/* Window pages the hypervisor would not unmap: never handed out again. */
static atomic64_t muxv_window_lost = ATOMIC64_INIT(0);

int muxv_map_init(u64 window_gpa, u64 window_pages)
{
	muxv_window = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!muxv_window)
		return -ENOMEM;
	if (window_pages &&
	    gen_pool_add(muxv_window, window_gpa, window_pages << PAGE_SHIFT, NUMA_NO_NODE)) {
		gen_pool_destroy(muxv_window);
		return -ENOMEM;
	}
	return 0;
}

void muxv_map_exit(void)
{
	/* gen_pool_destroy() insists that everything was given back; pieces
	 * the hypervisor kept mapped never are, so the pool is then kept. */
	if (atomic64_read(&muxv_window_lost))
		pr_warn("muxvisor: %lld map window pages still mapped by the hypervisor\n",
			(long long)atomic64_read(&muxv_window_lost));
	else
		gen_pool_destroy(muxv_window);
}

/* MEM_MAP (domid, gfn, count at gpa) or MEM_UNMAP (count at gpa). */
static int muxv_mem_call(u32 op, u32 domid, u64 gfn, u64 count, u64 gpa)
{
	struct muxv_ctl *ctl = muxv_ctl_alloc(op);
	int ret;

	if (!ctl)
		return -ENOMEM;
	ctl->hdr.domid = domid;
	ctl->u.mem.gfn = gfn;
	ctl->u.mem.count = count;
	ctl->u.mem.dom0_gpa = gpa;
	ret = muxv_hc_control(ctl);
	kfree(ctl);
	return ret;
}

/* Gives the mapping's window piece back (the PTEs are gone already).
 * -ENOENT: the hypervisor unmapped it when the domain was destroyed. */
static void muxv_window_release(struct muxv_mapping *m)
{
	int ret = muxv_mem_call(MUXV_CTL_MEM_UNMAP, 0, 0, m->count, m->gpa);

	spin_lock(&muxv_maps_lock);
	list_del_init(&m->node);
	spin_unlock(&muxv_maps_lock);
	if (ret && ret != -ENOENT) {
		pr_warn("muxvisor: MEM_UNMAP %#llx +%llu pages failed (%d): keeping them out of use\n",
			m->gpa, m->count, ret);
		atomic64_add(m->count, &muxv_window_lost);
	} else {
		gen_pool_free(muxv_window, m->gpa, m->count << PAGE_SHIFT);
	}
	m->gpa = 0;
}

static void muxv_vm_close(struct vm_area_struct *vma)
{
	struct muxv_mapping *m = vma->vm_private_data;

	if (m->gpa)
		muxv_window_release(m);
	kfree(m);
}

static int muxv_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int muxv_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct muxv_vm_ops = {
	.close = muxv_vm_close,
	.may_split = muxv_vm_may_split,
	.mremap = muxv_vm_mremap,
};

int muxv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct muxv_mapping *m;

	if (vma->vm_pgoff != 0 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma_pages(vma) > MUXV_CTL_MAP_MAX)
		return -E2BIG;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	INIT_LIST_HEAD(&m->node);
	vma->vm_private_data = m;
	vma->vm_ops = &muxv_vm_ops;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTCOPY | VM_DONTDUMP;
	return 0;
}

/* Maps the window piece m->gpa into vma, or undoes everything. */
static int muxv_map_vma(struct vm_area_struct *vma, struct muxv_mapping *m,
			const struct muxv_ioc_map *req)
{
	unsigned long size = req->count << PAGE_SHIFT;
	unsigned long gpa = gen_pool_alloc(muxv_window, size);
	int ret;

	if (!gpa)
		return -ENOSPC;
	ret = muxv_mem_call(MUXV_CTL_MEM_MAP, req->domid, req->gfn, req->count, gpa);
	if (ret) {
		gen_pool_free(muxv_window, gpa, size);
		return ret;
	}
	m->gpa = gpa;
	m->count = req->count;
	m->domid = req->domid;
	m->mm = vma->vm_mm;
	spin_lock(&muxv_maps_lock);
	list_add(&m->node, &muxv_maps);
	spin_unlock(&muxv_maps_lock);
	ret = remap_pfn_range(vma, vma->vm_start, gpa >> PAGE_SHIFT, size, vma->vm_page_prot);
	if (ret) {
		/* 6.1 leaves what it mapped before failing in place. */
		zap_vma_ptes(vma, vma->vm_start, size);
		muxv_window_release(m);
	}
	return ret;
}

long muxv_ioctl_map(struct muxv_ioc_map __user *arg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct muxv_ioc_map req;
	struct muxv_mapping *m;
	long ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad0 || req.count == 0 || req.count > MUXV_CTL_MAP_MAX)
		return -EINVAL;
	down_read(&muxv_map_sem);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, req.addr);
	ret = -EINVAL;
	if (!vma || vma->vm_ops != &muxv_vm_ops || vma->vm_start != req.addr ||
	    vma_pages(vma) != req.count)
		goto out;
	m = vma->vm_private_data;
	ret = -EBUSY;
	if (m->gpa)
		goto out;
	ret = muxv_map_vma(vma, m, &req);
out:
	mmap_write_unlock(mm);
	up_read(&muxv_map_sem);
	return ret;
}

#define MUXV_ZAP_MMS 16   /* address spaces zapped per pass */

/* Zaps domid's mappings in up to MUXV_ZAP_MMS address spaces; returns
 * how many it visited (0: none left). A zapped mapping leaves muxv_maps
 * (its piece is released by munmap, as always). */
static int muxv_zap_pass(u32 domid)
{
	struct mm_struct *mms[MUXV_ZAP_MMS];
	struct muxv_mapping *m, *tmp;
	int n = 0, i;

	spin_lock(&muxv_maps_lock);
	list_for_each_entry_safe(m, tmp, &muxv_maps, node) {
		if (m->domid != domid)
			continue;
		list_del_init(&m->node);
		/* an exiting process loses its VMAs anyway */
		if (n < MUXV_ZAP_MMS && mmget_not_zero(m->mm))
			mms[n++] = m->mm;
		if (n == MUXV_ZAP_MMS)
			break;
	}
	spin_unlock(&muxv_maps_lock);
	for (i = 0; i < n; i++) {
		struct vm_area_struct *vma;
		VMA_ITERATOR(vmi, mms[i], 0);

		mmap_read_lock(mms[i]);
		for_each_vma(vmi, vma) {
			struct muxv_mapping *vm = vma->vm_private_data;

			if (vma->vm_ops == &muxv_vm_ops && vm->gpa && vm->domid == domid)
				zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
		}
		mmap_read_unlock(mms[i]);
		mmput(mms[i]);
	}
	return n;
}

void muxv_map_destroy_begin(u32 domid)
{
	down_write(&muxv_map_sem);
	while (muxv_zap_pass(domid))
		;
}

void muxv_map_destroy_end(void)
{
	up_write(&muxv_map_sem);
}
