/*
 * paging.c - 4-level long-mode page tables (rt/paging.h; SDM vol. 3, 4.5,
 * APM vol. 2, 5.3). Table pages come from rt_page_alloc(); entries are
 * only ever added, so a vCPU that loaded CR3 before a later mapping
 * simply does not use the new range until it touches it.
 *
 * Locking: `lock` serialises changes to the tables; walks without it are
 * safe because an entry goes from not-present to present in one store.
 */
#include <stddef.h>
#include "rt/cpu.h"
#include "rt/layout.h"
#include "rt/memory.h"
#include "rt/paging.h"
#include "rt/sync.h"
#include "rt/x86.h"

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)      /* in a PD entry: a 2 MiB page */
#define PTE_ADDR 0x000ffffffffff000ull

extern const char rt_image_end[];

static uint64_t *pml4;
static struct rt_spinlock lock = RT_SPINLOCK_INIT;

static unsigned int index_at(uint64_t va, unsigned int level)
{
	/* level 4 = PML4 ... 1 = page table */
	return (unsigned int)(va >> (12 + 9 * (level - 1))) & 511;
}

/* The table the entry *e points to, allocating it if e is not present;
 * NULL when out of pages or when e maps a large page. */
static uint64_t *next_table(uint64_t *e)
{
	uint64_t *t;

	if (*e & PTE_P)
		return (*e & PTE_PS) ? NULL : (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	t = rt_page_alloc();
	if (!t)
		return NULL;
	*e = (uintptr_t)t | PTE_P | PTE_RW;
	return t;
}

/* Maps one page (2 MiB when large) at va to pa with flags. Fails (-1)
 * when tables cannot be allocated; a va already inside a large page is
 * left alone (it is mapped). */
static int map_page(uint64_t va, uint64_t pa, uint64_t flags, bool large)
{
	uint64_t *t = pml4;
	unsigned int level;

	for (level = 4; level > (large ? 2u : 1u); level--) {
		uint64_t *e = &t[index_at(va, level)];

		if ((*e & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS))
			return 0;
		t = next_table(e);
		if (!t)
			return -1;
	}
	if (!(t[index_at(va, level)] & PTE_P))
		t[index_at(va, level)] = pa | flags | PTE_P | (large ? PTE_PS : 0);
	return 0;
}

/* Clears the 4 KiB mapping of va (which must be mapped with 4 KiB pages). */
static void unmap_small_page(uint64_t va)
{
	uint64_t *t = pml4;
	unsigned int level;

	for (level = 4; level > 1; level--)
		t = (uint64_t *)(uintptr_t)(t[index_at(va, level)] & PTE_ADDR);
	t[index_at(va, 1)] = 0;
}

int rt_paging_build(uint64_t mem_bytes)
{
	/* The image's 2 MiB pages are split so that the stack guard pages
	 * (rt/layout.h) can be left out. */
	uint64_t small_end = ((uintptr_t)rt_image_end + RT_LARGE_PAGE_SIZE - 1) &
			     ~(uint64_t)(RT_LARGE_PAGE_SIZE - 1);
	uint64_t a = 0;
	unsigned int cpu;

	pml4 = rt_page_alloc();
	if (!pml4)
		return -1;
	while (a < mem_bytes) {
		bool large = a >= small_end && !(a % RT_LARGE_PAGE_SIZE) &&
			     a + RT_LARGE_PAGE_SIZE <= mem_bytes;

		if (map_page(a, a, PTE_RW, large))
			return -1;
		a += large ? RT_LARGE_PAGE_SIZE : RT_PAGE_SIZE;
	}
	for (cpu = 0; cpu < RT_MAX_CPUS; cpu++)
		unmap_small_page(rt_cpu_stack_guard(cpu));
	return 0;
}

void rt_paging_load(void)
{
	rt_write_cr3((uintptr_t)pml4);
}

int rt_map_identity(uint64_t gpa, uint64_t size, bool uncached)
{
	uint64_t flags = PTE_RW | (uncached ? PTE_PCD | PTE_PWT : 0);
	uint64_t a = gpa & ~(uint64_t)(RT_PAGE_SIZE - 1);
	int err = 0;

	rt_spin_lock(&lock);
	for (; a < gpa + size && !err; a += RT_PAGE_SIZE) {
		err = map_page(a, a, flags, false);
		__asm__ volatile("invlpg (%0)" : : "r"(a) : "memory");
	}
	rt_spin_unlock(&lock);
	return err;
}

bool rt_is_mapped(uint64_t va, uint64_t *pa)
{
	uint64_t *t = pml4, e = 0;
	unsigned int level;

	for (level = 4; level >= 1; level--) {
		e = t[index_at(va, level)];
		if (!(e & PTE_P))
			return false;
		if (level == 1 || (level == 2 && (e & PTE_PS)))
			break;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	if (pa) {
		uint64_t page = level == 2 ? RT_LARGE_PAGE_SIZE : RT_PAGE_SIZE;

		*pa = (e & PTE_ADDR & ~(page - 1)) | (va & (page - 1));
	}
	return true;
}
