/*
 * mm.c - the global page pool: the pure buddy allocator (page_alloc.c)
 * behind one lock, for every CPU.
 *
 * Locking: pool_lock protects pool; it is taken with interrupts off so an
 * interrupt handler may allocate.
 */
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "hv/spinlock.h"

static struct page_pool pool;
static struct spinlock pool_lock = SPINLOCK_INIT;

void mm_init_pool(const struct phys_range *free, unsigned nr_free,
		  uint8_t *state, uint64_t nr_frames)
{
	page_pool_init(&pool, nr_frames, state, phys_to_virt);
	for (unsigned i = 0; i < nr_free; i++) {
		uint64_t n = page_pool_add_range(&pool, free[i].start, free[i].end);
		log_debug("page pool: %#lx-%#lx, %lu pages", free[i].start,
			  free[i].end, n);
	}
}

uint64_t mm_add_free_range(uint64_t start, uint64_t end)
{
	uint64_t flags = spin_lock_irqsave(&pool_lock);
	uint64_t n = page_pool_add_range(&pool, start, end);

	spin_unlock_irqrestore(&pool_lock, flags);
	log_debug("page pool: %#lx-%#lx given back, %lu pages", start, end, n);
	return n;
}

uint64_t page_alloc(unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&pool_lock);
	uint64_t pa = page_pool_alloc(&pool, order);

	spin_unlock_irqrestore(&pool_lock, flags);
	return pa;
}

uint64_t page_alloc_zeroed(unsigned order)
{
	uint64_t pa = page_alloc(order);

	if (pa)
		memset(phys_to_virt(pa), 0, 4096ull << order);
	return pa;
}

void page_free(uint64_t pa, unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&pool_lock);
	int err = page_pool_free(&pool, pa, order);

	spin_unlock_irqrestore(&pool_lock, flags);
	if (err)
		panic("page_free(%#lx, order %u): not an allocated block", pa, order);
}

void page_split(uint64_t pa, unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&pool_lock);
	int err = page_pool_split(&pool, pa, order);

	spin_unlock_irqrestore(&pool_lock, flags);
	if (err)
		panic("page_split(%#lx, order %u): not an allocated block", pa, order);
}

uint64_t page_free_count(void)
{
	return __atomic_load_n(&pool.free_frames, __ATOMIC_RELAXED);
}

uint64_t page_total_count(void)
{
	return __atomic_load_n(&pool.managed_frames, __ATOMIC_RELAXED);
}
