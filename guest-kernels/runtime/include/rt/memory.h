/*
 * rt/memory.h - the guest's RAM and the pages the runtime takes from it.
 *
 * Free RAM is [boot_info.free_start, boot_info.free_end). The runtime
 * takes pages for its page tables from the bottom of that range; what it
 * has not taken, [rt_free_start(), rt_free_end()), is the tests' to use.
 */
#ifndef RT_MEMORY_H
#define RT_MEMORY_H

#include <stdint.h>

/* A zeroed 4 KiB page from free RAM, or NULL when none is left. Any vCPU
 * may call it; pages are never given back. */
void *rt_page_alloc(void);

uint64_t rt_free_start(void);
uint64_t rt_free_end(void);

#endif
