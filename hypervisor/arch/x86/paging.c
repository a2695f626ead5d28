/*
 * paging.c - the hypervisor's page tables (address map in x86/layout.h).
 *
 * Boot builds the final tables before the page pool exists, so their pages
 * (and the pool's frame-state array) come from a boot allocator that
 * carves pages off the top of the largest free range below 4 GiB, which
 * boot.S's early tables already map. Once the tables are live that carved
 * span is cut out of the free ranges and the rest becomes the page pool;
 * every later table page comes from the pool.
 *
 * Locking: paging_map_mmio and paging_map_cpu_stacks run during boot on
 * the boot CPU only (APs are started one by one by that CPU); afterwards
 * the only caller of paging_map_mmio is domain/dom0_pci.c (an MSI-X table
 * dom0 moved), under dom0's dev_lock. Its range is never mapped before,
 * so no CPU holds a stale translation for it.
 */
#include "x86/paging.h"
#include "x86/pagetable.h"
#include "x86/layout.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "hv/errno.h"

extern char hv_text_start[], hv_text_end[], hv_rodata_start[], hv_rodata_end[];
extern char hv_data_start[], hv_data_end[];
extern uint64_t early_pml4[], early_pdpt_low[];

#define LOW_4G 0x100000000ull

static uint64_t root_pa;
static uint64_t mmio_next = MMIO_MAP_BASE;

/* The boot allocator: pages carved downward from [carve_lo, carve_hi). */
static uint64_t carve_lo, carve_hi, carve_floor;

void *phys_to_virt(uint64_t pa)
{
	return (void *)(DIRECTMAP_BASE + pa);
}

uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= HV_VIRT_BASE)
		return v - HV_VIRT_BASE;
	return v - DIRECTMAP_BASE;
}

static uint64_t boot_alloc_pages(uint64_t n)
{
	if (carve_lo - carve_floor < n * PAGE_SIZE)
		panic("boot allocator: out of memory below 4 GiB");
	carve_lo -= n * PAGE_SIZE;
	memset(phys_to_virt(carve_lo), 0, n * PAGE_SIZE);
	return carve_lo;
}

static uint64_t boot_alloc_table(void *ctx)
{
	(void)ctx;
	return boot_alloc_pages(1);
}

static uint64_t pool_alloc_table(void *ctx)
{
	(void)ctx;
	return page_alloc_zeroed(0);
}

static void pool_free_table(void *ctx, uint64_t pa)
{
	(void)ctx;
	page_free(pa, 0);
}

static const struct pt_ops boot_ops = {
	.alloc_table = boot_alloc_table, .to_virt = phys_to_virt,
};
static const struct pt_ops pool_ops = {
	.alloc_table = pool_alloc_table, .free_table = pool_free_table,
	.to_virt = phys_to_virt,
};

/* Picks the largest free range below 4 GiB for the boot allocator. */
static void carve_setup(const struct phys_range *free, unsigned nr_free)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < nr_free; i++) {
		uint64_t s = free[i].start, e = MIN(free[i].end, LOW_4G);
		if (s < e && e - s > best) {
			best = e - s;
			carve_floor = s;
			carve_hi = carve_lo = e;
		}
	}
	if (!best)
		panic("no free memory below 4 GiB");
}

static void map_or_panic(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	int err = pt_map(&boot_ops, root_pa, va, pa, size, flags, true);

	if (err)
		panic("paging: cannot map %#lx (%d)", va, err);
}

static void map_image(void)
{
	uint64_t t0 = (uint64_t)hv_text_start, t1 = (uint64_t)hv_text_end;
	uint64_t r0 = (uint64_t)hv_rodata_start, r1 = (uint64_t)hv_rodata_end;
	uint64_t d0 = (uint64_t)hv_data_start, d1 = (uint64_t)hv_data_end;

	map_or_panic(t0, virt_to_phys(hv_text_start), t1 - t0, PTE_G);
	map_or_panic(r0, virt_to_phys(hv_rodata_start), r1 - r0, PTE_G | PTE_NX);
	map_or_panic(d0, virt_to_phys(hv_data_start), d1 - d0, PTE_G | PTE_NX | PTE_RW);
}

/* Direct map: RAM-like ranges only, never device holes (they would be
 * mapped write-back). */
static void map_direct(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mem_range *r = &bi->mmap[i];
		if (r->type != BOOT_MEM_USABLE && r->type != BOOT_MEM_ACPI &&
		    r->type != BOOT_MEM_NVS)
			continue;
		uint64_t s = ALIGN_DOWN(r->base, PAGE_SIZE);
		uint64_t e = ALIGN_UP(r->base + r->len, PAGE_SIZE);
		if (e > DIRECTMAP_MAX) {
			log_warn("RAM above 512 GiB ignored");
			e = DIRECTMAP_MAX;
		}
		if (s < e)
			map_or_panic(DIRECTMAP_BASE + s, s, e - s, PTE_G | PTE_NX | PTE_RW);
	}
}

void paging_init(const struct boot_info *bi, const struct phys_range *free,
		 unsigned nr_free)
{
	struct phys_range pool_ranges[BOOT_MMAP_MAX + 1];
	uint64_t nr_frames = 0;

	carve_setup(free, nr_free);
	for (unsigned i = 0; i < nr_free; i++)
		nr_frames = MAX(nr_frames, free[i].end >> PAGE_SHIFT);
	uint8_t *state = phys_to_virt(boot_alloc_pages(ALIGN_UP(nr_frames, PAGE_SIZE) / PAGE_SIZE));

	root_pa = boot_alloc_pages(1);
	map_direct(bi);
	map_image();
	write_cr3(root_pa);
	write_cr4(read_cr4() | CR4_PGE);

	/* The pool gets every free range minus what the boot allocator took. */
	struct phys_range carved = { carve_lo, carve_hi };
	struct boot_mem_range as_map[BOOT_MMAP_MAX];
	for (unsigned i = 0; i < nr_free; i++)
		as_map[i] = (struct boot_mem_range){ free[i].start,
			free[i].end - free[i].start, BOOT_MEM_USABLE };
	int n = memmap_free_ranges(as_map, nr_free, &carved, 1, pool_ranges,
				   ARRAY_SIZE(pool_ranges));
	if (n < 0)
		panic("paging: too many free ranges");
	mm_init_pool(pool_ranges, (unsigned)n, state, nr_frames);
	log_debug("paging: tables and frame state use %lu KiB below 4 GiB",
		  (carve_hi - carve_lo) >> 10);
}

void *paging_map_mmio(uint64_t pa, uint64_t size)
{
	uint64_t off = pa & (PAGE_SIZE - 1);
	uint64_t len = ALIGN_UP(size + off, PAGE_SIZE);

	if (mmio_next + len > MMIO_MAP_BASE + MMIO_MAP_SIZE)
		return NULL;
	uint64_t va = mmio_next;
	if (pt_map(&pool_ops, root_pa, va, pa - off, len,
		   PTE_RW | PTE_NX | PTE_PCD | PTE_PWT | PTE_G, false))
		return NULL;
	mmio_next += len + PAGE_SIZE;            /* a guard page between */
	return (void *)(va + off);
}

/* Maps 2^order fresh pages at va; returns the bounds of the range. */
static int map_stack(uint64_t va, unsigned order, uint64_t *lo, uint64_t *top)
{
	uint64_t pa = page_alloc_zeroed(order);

	if (!pa)
		return -ENOMEM;
	if (pt_map(&pool_ops, root_pa, va, pa, PAGE_SIZE << order,
		   PTE_RW | PTE_NX | PTE_G, false)) {
		page_free(pa, order);
		return -ENOMEM;
	}
	*lo = va;
	*top = va + (PAGE_SIZE << order);
	return 0;
}

int paging_map_cpu_stacks(struct percpu *p)
{
	/* Slot: guard, main stack, then guard + IST stack three times. */
	uint64_t va = STACK_AREA_BASE + (uint64_t)p->id * STACK_SLOT_SIZE + PAGE_SIZE;
	int err = map_stack(va, 3, &p->stack_lo, &p->stack_top);     /* 32 KiB */

	va += STACK_MAIN_SIZE;
	for (unsigned i = IST_NMI; i <= IST_MC && !err; i++) {
		va += PAGE_SIZE;
		err = map_stack(va, 2, &p->ist_lo[i], &p->ist_top[i]); /* 16 KiB */
		va += STACK_IST_SIZE;
	}
	return err;
}

uint64_t paging_root(void)
{
	return root_pa;
}

void paging_identity_low(int on)
{
	uint64_t *pml4 = phys_to_virt(root_pa);

	pml4[0] = on ? (virt_to_phys(early_pdpt_low) | PTE_P | PTE_RW) : 0;
	write_cr3(root_pa);     /* flush non-global entries */
}
