/*
 * memory.c - a bump allocator over the bottom of free RAM (rt/memory.h).
 * The runtime's page tables are its only users; pages are never freed, so
 * the pages taken are exactly [boot_info.free_start, rt_free_start()).
 */
#include <stddef.h>
#include "rt/boot.h"
#include "rt/layout.h"
#include "rt/memory.h"
#include "rt/string.h"
#include "rt/sync.h"

static struct rt_spinlock lock = RT_SPINLOCK_INIT;
static uint64_t next;        /* lock: first page not yet handed out */

static uint64_t align_up(uint64_t v)
{
	return (v + RT_PAGE_SIZE - 1) & ~(uint64_t)(RT_PAGE_SIZE - 1);
}

void *rt_page_alloc(void)
{
	void *page = NULL;

	rt_spin_lock(&lock);
	if (!next)
		next = align_up(rt_boot_info()->free_start);
	if (next + RT_PAGE_SIZE <= rt_free_end()) {
		page = (void *)(uintptr_t)next;
		next += RT_PAGE_SIZE;
	}
	rt_spin_unlock(&lock);
	if (page)
		memset(page, 0, RT_PAGE_SIZE);
	return page;
}

uint64_t rt_free_start(void)
{
	uint64_t v;

	rt_spin_lock(&lock);
	v = next ? next : align_up(rt_boot_info()->free_start);
	rt_spin_unlock(&lock);
	return v;
}

uint64_t rt_free_end(void)
{
	return rt_boot_info()->free_end & ~(uint64_t)(RT_PAGE_SIZE - 1);
}
