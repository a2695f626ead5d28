/*
 * rt/paging.h - the runtime's own page tables: RAM [0, mem_bytes) mapped
 * 1:1 (2 MiB pages where aligned, 4 KiB for the image and a tail),
 * readable, writable, executable, kernel-only, except the stack guard
 * pages (rt/layout.h); nothing else is mapped until a test asks.
 */
#ifndef RT_PAGING_H
#define RT_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* Builds the tables for RAM (vCPU 0, once). 0, or -1 out of pages. */
int rt_paging_build(uint64_t mem_bytes);

/* Switches the calling vCPU to the tables (CR3). */
void rt_paging_load(void);

/* Maps [gpa, gpa + size) 1:1 with 4 KiB pages where nothing is mapped
 * yet; uncached (PCD|PWT) for device addresses. For tests that touch
 * addresses outside RAM. 0, or -1 out of pages for the tables. */
int rt_map_identity(uint64_t gpa, uint64_t size, bool uncached);

/* Whether va is mapped; if so and pa is not NULL, *pa = its address. */
bool rt_is_mapped(uint64_t va, uint64_t *pa);

#endif
