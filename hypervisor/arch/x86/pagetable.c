/*
 * pagetable.c - building and walking 4-level page tables (see pagetable.h).
 *
 * Levels are numbered 4 (PML4) down to 1 (page table); a level-2 entry
 * with PS set is a 2 MiB leaf. 1 GiB leaves are never created (and never
 * met: only this code writes these tables).
 */
#include "x86/pagetable.h"
#include "hv/errno.h"
#include "hv/lib.h"

#define SIZE_4K 0x1000ull
#define SIZE_2M 0x200000ull

static unsigned index_at(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t *table(const struct pt_ops *ops, uint64_t pa)
{
	return ops->to_virt(pa & PTE_ADDR_MASK);
}

static uint64_t table_flags(uint64_t leaf_flags)
{
	return PTE_P | PTE_RW | (leaf_flags & PTE_US);
}

/* Replaces a 2 MiB leaf by a table of 512 4 KiB leaves mapping the same. */
static int split_large(const struct pt_ops *ops, uint64_t *pde)
{
	uint64_t t = ops->alloc_table(ops->ctx);

	if (!t)
		return -ENOMEM;
	uint64_t *pt = table(ops, t);
	uint64_t base = *pde & PTE_ADDR_MASK & ~(SIZE_2M - 1);
	uint64_t flags = *pde & (PTE_LEAF_FLAGS | PTE_P | PTE_A | PTE_D);
	for (unsigned i = 0; i < 512; i++)
		pt[i] = (base + i * SIZE_4K) | flags;
	*pde = t | table_flags(flags);
	return 0;
}

/*
 * Returns the entry for va at `level`, creating tables above it as needed
 * (with intermediate flags from leaf_flags). NULL with *err set on failure.
 */
static uint64_t *walk_create(const struct pt_ops *ops, uint64_t root_pa,
			     uint64_t va, unsigned level, uint64_t leaf_flags,
			     int *err)
{
	uint64_t *t = table(ops, root_pa);

	for (unsigned l = 4; l > level; l--) {
		uint64_t *e = &t[index_at(va, l)];
		if (!(*e & PTE_P)) {
			uint64_t nt = ops->alloc_table(ops->ctx);
			if (!nt) {
				*err = -ENOMEM;
				return NULL;
			}
			*e = nt | table_flags(leaf_flags);
		} else if (l == 2 && (*e & PTE_PS)) {
			*err = split_large(ops, e);
			if (*err)
				return NULL;
		}
		*e |= leaf_flags & PTE_US;
		t = table(ops, *e);
	}
	return &t[index_at(va, level)];
}

int pt_map(const struct pt_ops *ops, uint64_t root_pa, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t flags, bool large)
{
	int err = 0;

	if ((va | pa | size) & (SIZE_4K - 1))
		return -EINVAL;
	flags = (flags & PTE_LEAF_FLAGS) | PTE_P;
	while (size) {
		bool big = large && !((va | pa) & (SIZE_2M - 1)) && size >= SIZE_2M;
		uint64_t *e = walk_create(ops, root_pa, va, big ? 2 : 1, flags, &err);
		if (!e)
			return err;
		if (big) {
			/* Any 4 KiB table that was here is replaced: free it. */
			if ((*e & PTE_P) && !(*e & PTE_PS) && ops->free_table)
				ops->free_table(ops->ctx, *e & PTE_ADDR_MASK);
			*e = pa | flags | PTE_PS;
		} else {
			*e = pa | flags;
		}
		uint64_t step = big ? SIZE_2M : SIZE_4K;
		va += step;
		pa += step;
		size -= step;
	}
	return 0;
}

/* Finds the entry mapping va: its level in *level. NULL if not mapped. */
static uint64_t *walk_find(const struct pt_ops *ops, uint64_t root_pa,
			   uint64_t va, unsigned *level)
{
	uint64_t *t = table(ops, root_pa);

	for (unsigned l = 4; l >= 1; l--) {
		uint64_t *e = &t[index_at(va, l)];
		if (!(*e & PTE_P))
			return NULL;
		if (l == 1 || (l == 2 && (*e & PTE_PS))) {
			*level = l;
			return e;
		}
		t = table(ops, *e);
	}
	return NULL;
}

int pt_unmap(const struct pt_ops *ops, uint64_t root_pa, uint64_t va, uint64_t size)
{
	if ((va | size) & (SIZE_4K - 1))
		return -EINVAL;
	while (size) {
		unsigned level;
		uint64_t *e = walk_find(ops, root_pa, va, &level);
		uint64_t step = SIZE_4K;
		if (e && level == 2) {
			if (!(va & (SIZE_2M - 1)) && size >= SIZE_2M) {
				*e = 0;
				step = SIZE_2M;
			} else {
				int err = split_large(ops, e);
				if (err)
					return err;
				continue;    /* now a 4 KiB mapping: retry */
			}
		} else if (e) {
			*e = 0;
		}
		va += step;
		size -= step;
	}
	return 0;
}

uint64_t pt_lookup(const struct pt_ops *ops, uint64_t root_pa, uint64_t va,
		   uint64_t *flags)
{
	unsigned level;
	uint64_t *e = walk_find(ops, root_pa, va, &level);

	if (!e)
		return PT_NOT_MAPPED;
	if (flags)
		*flags = *e & ~PTE_ADDR_MASK;
	if (level == 2)
		return (*e & PTE_ADDR_MASK & ~(SIZE_2M - 1)) | (va & (SIZE_2M - 1));
	return (*e & PTE_ADDR_MASK) | (va & (SIZE_4K - 1));
}

static void leaves_level(const struct pt_ops *ops, uint64_t table_pa, unsigned level,
			 uint64_t va_base,
			 void (*fn)(void *, uint64_t, uint64_t, uint64_t, uint64_t),
			 void *ctx)
{
	const uint64_t *t = table(ops, table_pa);
	uint64_t span = 1ull << (12 + 9 * (level - 1));

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i], va = va_base + i * span;
		if (!(e & PTE_P))
			continue;
		if (level == 1 || (level == 2 && (e & PTE_PS)))
			fn(ctx, va, e & PTE_ADDR_MASK, span, e & ~PTE_ADDR_MASK);
		else
			leaves_level(ops, e & PTE_ADDR_MASK, level - 1, va, fn, ctx);
	}
}

void pt_for_each_leaf(const struct pt_ops *ops, uint64_t root_pa,
		      void (*fn)(void *ctx, uint64_t va, uint64_t pa,
				 uint64_t size, uint64_t flags),
		      void *ctx)
{
	leaves_level(ops, root_pa, 4, 0, fn, ctx);
}

static void destroy_level(const struct pt_ops *ops, uint64_t table_pa, unsigned level)
{
	uint64_t *t = table(ops, table_pa);

	if (level > 1) {
		for (unsigned i = 0; i < 512; i++) {
			if (!(t[i] & PTE_P) || (level == 2 && (t[i] & PTE_PS)))
				continue;
			destroy_level(ops, t[i] & PTE_ADDR_MASK, level - 1);
		}
	}
	ops->free_table(ops->ctx, table_pa);
}

void pt_destroy(const struct pt_ops *ops, uint64_t root_pa)
{
	destroy_level(ops, root_pa, 4);
}
