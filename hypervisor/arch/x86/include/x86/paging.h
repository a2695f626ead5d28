/*
 * paging.h - the hypervisor's own address space (layout in x86/layout.h).
 */
#ifndef X86_PAGING_H
#define X86_PAGING_H

#include <stdint.h>
#include "hv/boot_info.h"
#include "hv/memmap.h"

/*
 * Builds the final page tables (direct map of RAM, image with per-section
 * permissions), switches to them, and creates the global page pool from
 * the free ranges left once the tables and the pool's own metadata have
 * been carved out. Needs the early tables of boot.S (0..4 GiB mapped).
 * Panics if memory below 4 GiB is too scarce to build the tables.
 */
void paging_init(const struct boot_info *bi, const struct phys_range *free,
		 unsigned nr_free);

/* Maps device memory uncached; returns its virtual address or NULL. */
void *paging_map_mmio(uint64_t pa, uint64_t size);

/*
 * Maps a CPU's stacks (main and IST) into its guarded slot of the stack
 * area and records their bounds in its per-CPU area. 0 or -ENOMEM.
 */
struct percpu;
int paging_map_cpu_stacks(struct percpu *p);

/* Physical address of the top-level table (for APs, which load it). */
uint64_t paging_root(void);

/* Maps (or unmaps) low memory 1:1 in PML4 slot 0, for AP start-up only. */
void paging_identity_low(int on);

#endif
