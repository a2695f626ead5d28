/*
 * pagetable.h - 4-level x86-64 page tables (APM vol. 2, 5.3 "Long-Mode
 * Page Translation"), used for the hypervisor's own address space and,
 * with the same format, for nested page tables (APM vol. 2, 15.25).
 *
 * The code is pure: tables are reached through to_virt and allocated
 * through alloc_table, so host tests can build tables in plain memory.
 */
#ifndef X86_PAGETABLE_H
#define X86_PAGETABLE_H

#include <stdint.h>
#include <stdbool.h>

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)    /* large page, in PDE and PDPTE */
#define PTE_G    (1ull << 8)
#define PTE_OWNED (1ull << 9)   /* software bit (AVL): the mapped page
				  * belongs to the table's owner, who frees it */
#define PTE_NX   (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
/* Leaf flags an entry may carry; the rest are computed. */
#define PTE_LEAF_FLAGS (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_G | PTE_OWNED | PTE_NX)

#define PT_NOT_MAPPED UINT64_MAX

struct pt_ops {
	/* Returns the physical address of a zeroed 4 KiB page, or 0. */
	uint64_t (*alloc_table)(void *ctx);
	/* Gives back a table page (pt_destroy). */
	void (*free_table)(void *ctx, uint64_t pa);
	void *(*to_virt)(uint64_t pa);
	void *ctx;
};

/*
 * Maps [va, va + size) to [pa, pa + size) with the given leaf flags
 * (PTE_LEAF_FLAGS subset; PTE_P is implied). Uses 2 MiB leaves where both
 * addresses are 2 MiB aligned and 2 MiB remain, if large is true; 4 KiB
 * leaves elsewhere. Existing leaves in the range are replaced; a 2 MiB leaf
 * where a 4 KiB table is needed is split (keeping its other mappings).
 * Intermediate entries are P|RW, plus US when the flags have US (NPT needs
 * US at every level). va, pa, size must be 4 KiB aligned.
 * Returns 0, -EINVAL (misaligned), or -ENOMEM (a table could not be
 * allocated; the mappings made so far stay).
 */
int pt_map(const struct pt_ops *ops, uint64_t root_pa, uint64_t va, uint64_t pa,
	   uint64_t size, uint64_t flags, bool large);

/*
 * Removes the mappings of [va, va + size). A 2 MiB leaf partly inside the
 * range is split first. Tables left empty are kept. Returns 0, -EINVAL or
 * -ENOMEM (split failed).
 */
int pt_unmap(const struct pt_ops *ops, uint64_t root_pa, uint64_t va, uint64_t size);

/* Translates va; returns the physical address or PT_NOT_MAPPED, and the
 * leaf entry's flags (with PTE_PS for a 2 MiB leaf) in *flags if non-NULL. */
uint64_t pt_lookup(const struct pt_ops *ops, uint64_t root_pa, uint64_t va,
		   uint64_t *flags);

/* Calls fn for every leaf: its virtual address, physical address, size
 * (4 KiB or 2 MiB) and flags, in address order. */
void pt_for_each_leaf(const struct pt_ops *ops, uint64_t root_pa,
		      void (*fn)(void *ctx, uint64_t va, uint64_t pa,
				 uint64_t size, uint64_t flags),
		      void *ctx);

/* Frees every table page under root (not the pages they map), root too. */
void pt_destroy(const struct pt_ops *ops, uint64_t root_pa);

#endif
