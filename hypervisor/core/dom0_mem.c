/*
 * dom0_mem.c - carving dom0's identity-mapped RAM out of host RAM, and
 * dom0's E820 map (see hv/dom0_mem.h and docs/dom0.md).
 *
 * dom0 drives the physical devices, which DMA to the addresses dom0 gives
 * them; without an IOMMU those must be host-physical, so dom0's RAM is
 * mapped 1:1 (guest-physical = host-physical). It is carved at boot, before
 * the page pool exists, from the same free list the pool would get (usable
 * RAM minus the hypervisor image, the Multiboot2 modules and firmware
 * areas), so the pool and dom0 never share a page by construction.
 *
 * Order: the usable pages below 640 KiB first (Linux needs real-mode
 * memory for its SMP trampoline, and the boot structures of
 * platform/linux_boot_plan.c sit at 0x1000-0xFFFF), then free ranges from
 * the lowest address up: dom0 gets low memory, the pool keeps the top
 * (customer domains do not care where their RAM is). Each take is a prefix
 * of a free range, except where the 4 GiB budget forces a gap.
 *
 * Invariants: out->ram is sorted, page aligned and disjoint from the free
 * list on return; the free list keeps at least `keep` bytes, `keep_low` of
 * them below 4 GiB.
 */
#include "hv/dom0_mem.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE  4096ull
#define LOW4G 0x100000000ull

static uint64_t range_bytes(const struct phys_range *r, unsigned n, uint64_t below)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		if (r[i].start < below)
			sum += MIN(r[i].end, below) - r[i].start;
	return sum;
}

static int add_ram(struct dom0_mem_layout *l, uint64_t s, uint64_t e)
{
	if (s >= e)
		return 0;
	if (l->nr_ram && l->ram[l->nr_ram - 1].end == s) {
		l->ram[l->nr_ram - 1].end = e;
	} else {
		if (l->nr_ram == DOM0_MEM_RANGES_MAX)
			return -E2BIG;
		l->ram[l->nr_ram++] = (struct phys_range){ s, e };
	}
	l->bytes += e - s;
	return 0;
}

/* Removes [s, e), which lies inside free[i], from the free list. */
static int take(struct phys_range *free, unsigned *n, unsigned max, unsigned i,
		uint64_t s, uint64_t e)
{
	struct phys_range r = free[i];

	if (s > r.start && e < r.end) {
		if (*n == max)
			return -E2BIG;
		memmove(&free[i + 2], &free[i + 1], (*n - i - 1) * sizeof(*free));
		free[i] = (struct phys_range){ r.start, s };
		free[i + 1] = (struct phys_range){ e, r.end };
		(*n)++;
	} else if (s > r.start) {
		free[i].end = s;
	} else if (e < r.end) {
		free[i].start = e;
	} else {
		memmove(&free[i], &free[i + 1], (*n - i - 1) * sizeof(*free));
		(*n)--;
	}
	return 0;
}

/* The usable pages of map below DOM0_LOW_END. */
static int carve_low(const struct boot_mem_range *map, unsigned nr_map,
		     struct dom0_mem_layout *out)
{
	struct phys_range low[BOOT_MMAP_MAX];
	const struct phys_range above = { DOM0_LOW_END, UINT64_MAX };
	int n = memmap_free_ranges(map, nr_map, &above, 1, low, ARRAY_SIZE(low));

	if (n < 0)
		return n;
	out->bios_start = 0;
	for (int i = 0; i < n; i++) {
		int err = add_ram(out, low[i].start, low[i].end);
		if (err)
			return err;
		out->bios_start = low[i].end;
	}
	return 0;
}

int dom0_mem_carve(const struct boot_mem_range *map, unsigned nr_map,
		   struct phys_range *free, unsigned *nr_free, unsigned max_free,
		   uint64_t want, uint64_t keep, uint64_t keep_low,
		   struct dom0_mem_layout *out)
{
	uint64_t total = range_bytes(free, *nr_free, UINT64_MAX);
	uint64_t low = range_bytes(free, *nr_free, LOW4G);
	uint64_t budget = total > keep ? total - keep : 0;
	uint64_t budget_low = low > keep_low ? low - keep_low : 0;
	int err;

	memset(out, 0, sizeof(*out));
	err = carve_low(map, nr_map, out);
	if (err)
		return err;
	uint64_t low_ram = out->bytes;
	for (unsigned i = 0; i < *nr_free && out->bytes < want && budget;) {
		uint64_t s = MAX(free[i].start, DOM0_BIOS_END), e = free[i].end;
		uint64_t n = MIN(want - out->bytes, budget);
		if (s < LOW4G && !budget_low)
			s = LOW4G;       /* only the part above 4 GiB may go */
		if (s < LOW4G) {
			n = MIN(n, budget_low);
			e = MIN(e, LOW4G);
		}
		n = MIN(n, e > s ? e - s : 0) & ~(PAGE - 1);
		if (!n) {
			i++;
			continue;
		}
		err = add_ram(out, s, s + n);
		if (!err)
			err = take(free, nr_free, max_free, i, s, s + n);
		if (err)
			return err;
		budget -= n;
		if (s < LOW4G)
			budget_low -= n;
		/* The same index now holds what is left of the range (or
		 * the next one); a split left its tail at i + 1. */
		if (i < *nr_free && free[i].end <= s + n)
			i++;
	}
	return out->bytes > low_ram ? 0 : -ENOMEM;
}

bool dom0_mem_contains(const struct dom0_mem_layout *l, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < l->nr_ram; i++)
		if (start >= l->ram[i].start && end <= l->ram[i].end && start < end)
			return true;
	return false;
}

static int put(struct linux_boot_e820_entry *out, unsigned *n, unsigned max,
	       uint64_t addr, uint64_t size, uint32_t type)
{
	if (!size)
		return 0;
	if (*n == max)
		return -E2BIG;
	out[(*n)++] = (struct linux_boot_e820_entry){ addr, size, type };
	return 0;
}

int dom0_mem_e820(const struct boot_mem_range *map, unsigned nr_map,
		  const struct dom0_mem_layout *l, uint64_t acpi_addr, uint64_t acpi_size,
		  struct linux_boot_e820_entry *out, unsigned max)
{
	unsigned n = 0;
	int err = 0;

	for (unsigned i = 0; i < l->nr_ram && !err; i++)
		err = put(out, &n, max, l->ram[i].start, l->ram[i].end - l->ram[i].start,
			  LINUX_BOOT_E820_RAM);
	if (!err && l->bios_start < DOM0_BIOS_END)
		err = put(out, &n, max, l->bios_start, DOM0_BIOS_END - l->bios_start,
			  LINUX_BOOT_E820_RESERVED);
	for (unsigned i = 0; i < nr_map && !err; i++) {
		if (map[i].type == BOOT_MEM_USABLE || map[i].len == 0)
			continue;
		/* Below 1 MiB the BIOS area entry above says it all. */
		uint64_t s = MAX(map[i].base, DOM0_BIOS_END);
		uint64_t e = map[i].base + map[i].len < map[i].base ? UINT64_MAX
								   : map[i].base + map[i].len;
		if (s < e)
			err = put(out, &n, max, s, e - s, LINUX_BOOT_E820_RESERVED);
	}
	if (!err && acpi_size)
		err = put(out, &n, max, acpi_addr, acpi_size, LINUX_BOOT_E820_ACPI);
	return err ? err : (int)n;
}
