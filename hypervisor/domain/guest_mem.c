/*
 * guest_mem.c - guest-physical memory access for the hypervisor (see
 * hv/guest_mem.h): page by page through the domain's nested page tables
 * and the direct map.
 *
 * Each access holds the domain's mem_lock, so the balloon cannot free a
 * page while it is being copied; a page of the domain's RAM that the
 * balloon left unpopulated is populated (fresh, zeroed) first, as a guest
 * touch would.
 */
#include "hv/guest_mem.h"
#include "hv/balloon.h"
#include "hv/domain.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE 4096ull

/* The host address of gpa, populating a ballooned or dropped page. */
static uint64_t translate(struct domain *d, uint64_t gpa)
{
	uint64_t hpa = npt_translate(&d->npt, gpa);

	if (hpa == NPT_NONE && balloon_fault_locked(d, gpa) == 0)
		hpa = npt_translate(&d->npt, gpa);
	return hpa;
}

/* Applies fn to each host-mapped piece of [gpa, gpa+len). */
static int for_each_piece(struct domain *d, uint64_t gpa, size_t len,
			  void (*fn)(void *host, size_t off, size_t n, void *ctx),
			  void *ctx)
{
	size_t off = 0;

	if (gpa + len < gpa)
		return -EFAULT;
	while (off < len) {
		uint64_t hpa = translate(d, gpa + off);
		size_t n = MIN(len - off, PAGE - ((gpa + off) & (PAGE - 1)));
		if (hpa == NPT_NONE)
			return -EFAULT;
		fn(phys_to_virt(hpa), off, n, ctx);
		off += n;
	}
	return 0;
}

/* Checks the whole range first, so a failed copy changes nothing.
 * mem_lock held. */
static int check_locked(struct domain *d, uint64_t gpa, size_t len)
{
	for (uint64_t p = gpa & ~(PAGE - 1); p < gpa + len; p += PAGE)
		if (translate(d, p) == NPT_NONE)
			return -EFAULT;
	return gpa + len < gpa ? -EFAULT : 0;
}

static void read_piece(void *host, size_t off, size_t n, void *ctx)
{
	memcpy((uint8_t *)ctx + off, host, n);
}

static void write_piece(void *host, size_t off, size_t n, void *ctx)
{
	memcpy(host, (const uint8_t *)ctx + off, n);
}

static void zero_piece(void *host, size_t off, size_t n, void *ctx)
{
	(void)off;
	(void)ctx;
	memset(host, 0, n);
}

int guest_read(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	int err = for_each_piece(d, gpa, len, read_piece, buf);

	spin_unlock_irqrestore(&d->mem_lock, f);
	return err;
}

int guest_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	int err = check_locked(d, gpa, len);

	if (!err)
		err = for_each_piece(d, gpa, len, write_piece, (void *)buf);
	spin_unlock_irqrestore(&d->mem_lock, f);
	return err;
}

int guest_zero(struct domain *d, uint64_t gpa, size_t len)
{
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	int err = check_locked(d, gpa, len);

	if (!err)
		err = for_each_piece(d, gpa, len, zero_piece, NULL);
	spin_unlock_irqrestore(&d->mem_lock, f);
	return err;
}

int guest_check(struct domain *d, uint64_t gpa, size_t len)
{
	uint64_t f = spin_lock_irqsave(&d->mem_lock);
	int err = check_locked(d, gpa, len);

	spin_unlock_irqrestore(&d->mem_lock, f);
	return err;
}
