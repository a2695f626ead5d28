/*
 * linux_boot_ranges.c - placing a Linux guest's boot pieces in RAM that is
 * a list of ranges rather than [0, mem): dom0's identity-mapped RAM, which
 * is whatever host RAM was free (see hv/linux_boot.h).
 *
 * The fixed low structures of linux_boot_plan.c stay where they are
 * (boot page tables and GDT at 0x1000, zero page 0x9000, command line
 * 0xA000), so [0x1000, 0x10000) must be RAM. Then, all below 4 GiB (the
 * boot page tables map only that):
 *   - the ACPI tables at the lowest RAM address from 1 MiB that holds them;
 *   - the kernel at pref_address if [pref_address, + kernel_mem_size) is
 *     RAM, else (relocatable kernels) at the lowest kernel_alignment
 *     boundary above the ACPI tables where it fits in one range;
 *   - the initrd as high as it fits in one range, below initrd_addr_max,
 *     clear of the kernel and the ACPI tables.
 * The plan's map is left empty: the caller builds the E820 map.
 */
#include "hv/linux_boot.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE_SIZE     KiB(4)
#define LOW_FIXED     0x1000u
#define LOW_FIXED_END 0x10000u
#define LOW_4G        GiB(4)

static bool inside(const struct linux_boot_ram *ram, size_t n, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < n; i++)
		if (s >= ram[i].start && e <= ram[i].end && s < e)
			return true;
	return false;
}

/* Lowest address >= floor, aligned to align, where size bytes fit inside
 * one range and end at or below limit; 0 if none. */
static uint64_t lowest_fit(const struct linux_boot_ram *ram, size_t n, uint64_t floor,
			   uint64_t align, uint64_t size, uint64_t limit)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t a = ALIGN_UP(MAX(ram[i].start, floor), align);
		if (a + size <= MIN(ram[i].end, limit) && a + size > a)
			return a;
	}
	return 0;
}

/* Highest page-aligned address where size bytes fit inside [lo, hi); 0. */
static uint64_t top_fit(uint64_t lo, uint64_t hi, uint64_t size)
{
	if (hi < size || hi - size < lo)
		return 0;
	uint64_t a = ALIGN_DOWN(hi - size, PAGE_SIZE);
	return a >= lo ? a : 0;
}

/* Highest page-aligned address where size bytes fit in one range below
 * limit without touching [avoid_s, avoid_e); 0 if none. */
static uint64_t highest_fit(const struct linux_boot_ram *ram, size_t n, uint64_t size,
			    uint64_t limit, uint64_t avoid_s, uint64_t avoid_e)
{
	for (size_t i = n; i-- > 0;) {
		uint64_t lo = ram[i].start, hi = MIN(ram[i].end, limit), a;
		if (hi <= avoid_s || lo >= avoid_e)
			a = top_fit(lo, hi, size);
		else
			a = top_fit(MAX(lo, avoid_e), hi, size);   /* above the kernel */
		if (!a && lo < avoid_s)
			a = top_fit(lo, MIN(hi, avoid_s), size);  /* or below it */
		if (a)
			return a;
	}
	return 0;
}

int linux_boot_plan_ranges(const struct linux_boot_image *img,
			   const struct linux_boot_plan_input *in,
			   const struct linux_boot_ram *ram, size_t nr_ram,
			   struct linux_boot_plan *plan, const char **why)
{
	struct linux_boot_plan_input fixed = *in;
	int err;

	/* The fixed part of the generic plan: a guest of 4 GiB places the
	 * low structures without failing for lack of room. */
	fixed.mem_size = LOW_4G;
	fixed.hole_start = LOW_4G;
	fixed.initrd_size = 0;
	err = linux_boot_plan(img, &fixed, plan, why);
	if (err)
		return err;
	plan->map_count = 0;
	if (!inside(ram, nr_ram, LOW_FIXED, LOW_FIXED_END)) {
		*why = "RAM at 0x1000-0xffff is missing (boot page tables, zero page)";
		return -ENOSPC;
	}
	plan->acpi_addr = lowest_fit(ram, nr_ram, MiB(1), PAGE_SIZE, plan->acpi_size, LOW_4G);
	if (!plan->acpi_addr) {
		*why = "no RAM above 1 MiB for the ACPI tables";
		return -ENOSPC;
	}
	uint64_t acpi_end = plan->acpi_addr + plan->acpi_size;
	uint64_t k = img->pref_address;
	if (k < acpi_end || !inside(ram, nr_ram, k, k + img->kernel_mem_size)) {
		k = img->relocatable ? lowest_fit(ram, nr_ram, MAX(acpi_end, img->pref_address),
						  img->kernel_alignment, img->kernel_mem_size,
						  LOW_4G) : 0;
		if (!k) {
			*why = "no RAM range below 4 GiB holds the kernel's init_size";
			return -ENOSPC;
		}
	}
	plan->kernel_addr = k;
	plan->kernel_end = k + img->kernel_mem_size;
	plan->initrd_addr = 0;
	if (in->initrd_size) {
		uint64_t limit = MIN(LOW_4G, (uint64_t)img->initrd_addr_max + 1);
		uint64_t a = highest_fit(ram, nr_ram, in->initrd_size, limit, plan->acpi_addr,
					 plan->kernel_end);
		if (!a || a < acpi_end) {
			*why = "no RAM range holds the initrd below initrd_addr_max";
			return -ENOSPC;
		}
		plan->initrd_addr = a;
	}
	return 0;
}
