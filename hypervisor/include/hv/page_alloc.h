/*
 * page_alloc.h - the physical page allocator: a buddy allocator over the
 * free RAM, handing out blocks of 2^order pages (order 0 = 4 KiB, order 9 =
 * 2 MiB), naturally aligned to their size.
 *
 * struct page_pool is the pure algorithm (no locks, host-tested); the
 * hypervisor has one global pool behind page_alloc()/page_free() (mm.c),
 * which takes a lock.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define PAGE_ORDER_MAX   9                  /* 2 MiB blocks */
#define PAGE_NIL         UINT64_MAX         /* end of a free list */

struct page_pool {
	uint64_t nr_frames;          /* frames 0 .. nr_frames-1 are described */
	uint8_t *state;              /* one byte per frame, see page_alloc.c */
	void *(*to_virt)(uint64_t pa);   /* where a free page can be written */
	uint64_t free_head[PAGE_ORDER_MAX + 1];  /* first pfn of each list */
	uint64_t nr_free_blocks[PAGE_ORDER_MAX + 1];
	uint64_t free_frames;        /* frames on the free lists */
	uint64_t managed_frames;     /* frames ever added (free + allocated) */
};

/*
 * Prepares a pool describing frames [0, nr_frames), all reserved (never
 * handed out) until added. state must hold nr_frames bytes; to_virt gives
 * a writable mapping of any frame the pool will manage (free pages hold
 * the free-list links).
 */
void page_pool_init(struct page_pool *p, uint64_t nr_frames, uint8_t *state,
		    void *(*to_virt)(uint64_t pa));

/* Adds the whole pages inside [start, end) as free. Frame 0 is never added
 * (physical address 0 is the failure value). Returns pages added. */
uint64_t page_pool_add_range(struct page_pool *p, uint64_t start, uint64_t end);

/* Allocates 2^order contiguous pages aligned to their size.
 * Returns the physical address, or 0 when no such block is free. */
uint64_t page_pool_alloc(struct page_pool *p, unsigned order);

/* Frees a block from page_pool_alloc with the same order. Returns 0, or
 * -EINVAL (address not the start of an allocated block of that order:
 * double free, wrong order, misaligned or never allocated) changing nothing. */
int page_pool_free(struct page_pool *p, uint64_t pa, unsigned order);

/* Turns the allocated block of 2^order pages at pa into 2^order allocated
 * single pages, each to be freed with order 0 (a balloon giving back one
 * 4 KiB page of a 2 MiB guest mapping). 0, or -EINVAL as page_pool_free. */
int page_pool_split(struct page_pool *p, uint64_t pa, unsigned order);

/* True if the frame at pa is allocated (part of a handed-out block). */
bool page_pool_is_allocated(const struct page_pool *p, uint64_t pa);

/* The global pool (mm.c): locked wrappers over the pure functions. */
uint64_t page_alloc(unsigned order);
uint64_t page_alloc_zeroed(unsigned order);
void page_free(uint64_t pa, unsigned order);
void page_split(uint64_t pa, unsigned order);   /* panics on a bad block */
uint64_t page_free_count(void);     /* free 4 KiB pages */
uint64_t page_total_count(void);    /* managed 4 KiB pages */

#endif
