/*
 * guest_mem.c - guest-physical memory access for the hypervisor (see
 * hv/guest_mem.h): page by page through the domain's nested page tables
 * and the direct map.
 */
#include "hv/guest_mem.h"
#include "hv/domain.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE 4096ull

/* Applies fn to each host-mapped piece of [gpa, gpa+len). */
static int for_each_piece(struct domain *d, uint64_t gpa, size_t len,
			  void (*fn)(void *host, size_t off, size_t n, void *ctx),
			  void *ctx)
{
	size_t off = 0;

	if (gpa + len < gpa)
		return -EFAULT;
	while (off < len) {
		uint64_t hpa = npt_translate(&d->npt, gpa + off);
		size_t n = MIN(len - off, PAGE - ((gpa + off) & (PAGE - 1)));
		if (hpa == NPT_NONE)
			return -EFAULT;
		fn(phys_to_virt(hpa), off, n, ctx);
		off += n;
	}
	return 0;
}

/* Checks the whole range first, so a failed copy changes nothing. */
int guest_check(struct domain *d, uint64_t gpa, size_t len)
{
	for (uint64_t p = gpa & ~(PAGE - 1); p < gpa + len; p += PAGE)
		if (npt_translate(&d->npt, p) == NPT_NONE)
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
	return for_each_piece(d, gpa, len, read_piece, buf);
}

int guest_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	int err = guest_check(d, gpa, len);

	return err ? err : for_each_piece(d, gpa, len, write_piece, (void *)buf);
}

int guest_zero(struct domain *d, uint64_t gpa, size_t len)
{
	int err = guest_check(d, gpa, len);

	return err ? err : for_each_piece(d, gpa, len, zero_piece, NULL);
}
