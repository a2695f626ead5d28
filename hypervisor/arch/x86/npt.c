/*
 * npt.c - building and tearing down a domain's nested page tables (see
 * x86/npt.h).
 *
 * Guest RAM is executable, writable, user-accessible (APM vol. 2, 15.25.5:
 * the nested walk treats every access as a user access, so U/S must be set
 * at every level).
 */
#include "x86/npt.h"
#include "x86/pagetable.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define SIZE_2M 0x200000ull
#define SIZE_4K 0x1000ull
#define NPT_RAM_FLAGS (PTE_RW | PTE_US | PTE_OWNED)

static uint64_t npt_alloc_table(void *ctx)
{
	struct npt *n = ctx;
	uint64_t pa = page_alloc_zeroed(0);

	if (pa)
		n->table_pages++;
	return pa;
}

static void npt_free_table(void *ctx, uint64_t pa)
{
	struct npt *n = ctx;

	page_free(pa, 0);
	n->table_pages--;
}

static struct pt_ops ops_for(struct npt *n)
{
	return (struct pt_ops){ .alloc_table = npt_alloc_table,
				.free_table = npt_free_table,
				.to_virt = phys_to_virt, .ctx = n };
}

int npt_create(struct npt *n)
{
	memset(n, 0, sizeof(*n));
	n->root_pa = page_alloc_zeroed(0);
	if (!n->root_pa)
		return -ENOMEM;
	n->table_pages = 1;
	return 0;
}

static void free_owned_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t size,
			    uint64_t flags)
{
	struct npt *n = ctx;

	(void)va;
	if (!(flags & PTE_OWNED))
		return;
	page_free(pa, size == SIZE_2M ? 9 : 0);
	n->owned_pages -= size / SIZE_4K;
}

uint64_t npt_destroy(struct npt *n)
{
	struct pt_ops ops = ops_for(n);
	uint64_t before = n->owned_pages + n->table_pages;

	if (!n->root_pa)
		return 0;
	pt_for_each_leaf(&ops, n->root_pa, free_owned_leaf, n);
	pt_destroy(&ops, n->root_pa);
	n->root_pa = 0;
	return before - n->owned_pages - n->table_pages;
}

/* Maps one fresh zeroed block of 2^order pages at gpa. */
static int map_block(struct npt *n, const struct pt_ops *ops, uint64_t gpa, unsigned order)
{
	uint64_t pa = page_alloc_zeroed(order);
	uint64_t size = SIZE_4K << order;

	if (!pa)
		return -ENOMEM;
	int err = pt_map(ops, n->root_pa, gpa, pa, size, NPT_RAM_FLAGS, order == 9);
	if (err) {
		page_free(pa, order);
		return err;
	}
	n->owned_pages += 1ull << order;
	return 0;
}

int npt_populate(struct npt *n, uint64_t gpa, uint64_t size)
{
	struct pt_ops ops = ops_for(n);
	uint64_t end = gpa + size;

	if ((gpa | size) & (SIZE_4K - 1) || end < gpa)
		return -EINVAL;
	while (gpa < end) {
		int err = -ENOMEM;
		if (!(gpa & (SIZE_2M - 1)) && end - gpa >= SIZE_2M) {
			err = map_block(n, &ops, gpa, 9);
			if (!err) {
				gpa += SIZE_2M;
				continue;
			}
		}
		/* No whole 2 MiB block (or not aligned): 4 KiB pages. */
		err = map_block(n, &ops, gpa, 0);
		if (err)
			return err;
		gpa += SIZE_4K;
	}
	return 0;
}

int npt_unmap_page(struct npt *n, uint64_t gpa, uint64_t *hpa)
{
	struct pt_ops ops = ops_for(n);
	uint64_t flags, pa;
	int err;

	gpa &= ~(SIZE_4K - 1);
	pa = pt_lookup(&ops, n->root_pa, gpa, &flags);
	if (pa == PT_NOT_MAPPED)
		return -ENOENT;
	if (!(flags & PTE_OWNED))
		return -EPERM;
	err = pt_unmap(&ops, n->root_pa, gpa, SIZE_4K);
	if (err)
		return err;
	/* The 2 MiB leaf became 512 owned 4 KiB leaves: the pool block must
	 * become 512 pages too, so each is freed alone (here or at destroy). */
	if (flags & PTE_PS)
		page_split(pa & ~(SIZE_2M - 1), 9);
	n->owned_pages--;
	*hpa = pa;
	return 0;
}

int npt_map_page(struct npt *n, uint64_t gpa)
{
	struct pt_ops ops = ops_for(n);

	gpa &= ~(SIZE_4K - 1);
	if (pt_lookup(&ops, n->root_pa, gpa, NULL) != PT_NOT_MAPPED)
		return -EEXIST;
	return map_block(n, &ops, gpa, 0);
}

uint64_t npt_translate(const struct npt *n, uint64_t gpa)
{
	struct pt_ops ops = ops_for((struct npt *)n);
	uint64_t pa = pt_lookup(&ops, n->root_pa, gpa, NULL);

	return pa == PT_NOT_MAPPED ? NPT_NONE : pa;
}

int npt_map_foreign(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, bool uncached)
{
	struct pt_ops ops = ops_for(n);
	uint64_t flags = PTE_RW | PTE_US | (uncached ? PTE_PCD | PTE_PWT : 0);

	if ((gpa | hpa | size) & (SIZE_4K - 1) || gpa + size < gpa)
		return -EINVAL;
	return pt_map(&ops, n->root_pa, gpa, hpa, size, flags, true);
}

int npt_unmap_foreign(struct npt *n, uint64_t gpa, uint64_t size)
{
	struct pt_ops ops = ops_for(n);

	if ((gpa | size) & (SIZE_4K - 1) || gpa + size < gpa)
		return -EINVAL;
	for (uint64_t a = gpa; a < gpa + size; a += SIZE_4K) {
		uint64_t flags;
		if (pt_lookup(&ops, n->root_pa, a, &flags) != PT_NOT_MAPPED &&
		    (flags & PTE_OWNED))
			return -EBUSY;
	}
	return pt_unmap(&ops, n->root_pa, gpa, size);
}

struct extent {
	uint64_t lo, hi;
};

static void owned_extent_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t size,
			      uint64_t flags)
{
	struct extent *e = ctx;

	(void)va;
	if (!(flags & PTE_OWNED))
		return;
	e->lo = MIN(e->lo, pa);
	e->hi = MAX(e->hi, pa + size);
}

void npt_owned_extent(const struct npt *n, uint64_t *lo, uint64_t *hi)
{
	struct pt_ops ops = ops_for((struct npt *)n);
	struct extent e = { UINT64_MAX, 0 };

	pt_for_each_leaf(&ops, n->root_pa, owned_extent_leaf, &e);
	*lo = e.lo;
	*hi = e.hi;
}
