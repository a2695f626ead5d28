/*
 * mm.h - physical memory as the hypervisor sees it: the direct map, the
 * global page pool, and the physical ranges set aside at boot.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <stdint.h>
#include "hv/memmap.h"
#include "hv/page_alloc.h"

/* Direct-map address of physical address pa (RAM only). */
void *phys_to_virt(uint64_t pa);
/* Physical address of a direct-map or hypervisor-image address. */
uint64_t virt_to_phys(const void *va);

/*
 * Creates the global page pool over the free ranges (which must not
 * contain anything in use). state is a frame-state array of nr_frames
 * bytes (see page_alloc.c) covering every free range.
 */
void mm_init_pool(const struct phys_range *free, unsigned nr_free,
		  uint8_t *state, uint64_t nr_frames);

/* Adds the whole pages of [start, end), which nothing uses any more (a
 * loaded module), to the pool. Returns the pages added. */
uint64_t mm_add_free_range(uint64_t start, uint64_t end);

#endif
