/*
 * dom0_mem.h - dom0's identity-mapped RAM: which host pages it gets, and
 * the E820 map it sees (pure functions over the firmware memory map;
 * design at the top of core/dom0_mem.c, the big picture in docs/dom0.md).
 */
#ifndef HV_DOM0_MEM_H
#define HV_DOM0_MEM_H

#include <stdint.h>
#include "hv/boot_info.h"
#include "hv/memmap.h"
#include "hv/linux_boot.h"

#define DOM0_MEM_RANGES_MAX 32
/* Below this, memory is the PC's: dom0 gets its usable pages (Linux puts
 * its SMP trampoline there); the rest up to 1 MiB is the BIOS area. */
#define DOM0_LOW_END        0xA0000ull
#define DOM0_BIOS_END       0x100000ull

struct dom0_mem_layout {
	struct phys_range ram[DOM0_MEM_RANGES_MAX];  /* sorted, page aligned */
	unsigned nr_ram;
	uint64_t bytes;                              /* sum of ram[] */
	/* The part of [0, 1 MiB) that is not dom0 RAM: backed by zeroed
	 * pages of dom0's own (not the host's BIOS), E820-reserved. */
	uint64_t bios_start;
};

/*
 * Carves dom0's RAM: the usable pages of map below DOM0_LOW_END, then the
 * free ranges (free[0..*nr_free), sorted, what the pool would get) from the
 * lowest address up, until want bytes. At least keep bytes of free stay
 * with the hypervisor, keep_low of them below 4 GiB (its boot allocator
 * and page tables live there). The ranges taken are removed from free
 * (*nr_free may grow by one where a range is split; max_free is its room).
 * Returns 0 (out->bytes may be less than want when the host is short),
 * -ENOMEM if dom0 would get nothing above 1 MiB, -E2BIG if a table is full.
 */
int dom0_mem_carve(const struct boot_mem_range *map, unsigned nr_map,
		   struct phys_range *free, unsigned *nr_free, unsigned max_free,
		   uint64_t want, uint64_t keep, uint64_t keep_low,
		   struct dom0_mem_layout *out);

/*
 * dom0's memory map, as linux_boot_e820() input: its RAM ranges as RAM,
 * the BIOS area and every non-usable range of the host's map as reserved
 * (so device windows and firmware stay out of Linux's way), and the ACPI
 * tables the hypervisor writes for dom0 at [acpi_addr, +acpi_size) as ACPI.
 * Host RAM that is not dom0's is not listed at all. Returns the number of
 * entries, or -E2BIG.
 */
int dom0_mem_e820(const struct boot_mem_range *map, unsigned nr_map,
		  const struct dom0_mem_layout *l, uint64_t acpi_addr, uint64_t acpi_size,
		  struct linux_boot_e820_entry *out, unsigned max);

/* True if [start, end) lies inside one of dom0's RAM ranges. */
bool dom0_mem_contains(const struct dom0_mem_layout *l, uint64_t start, uint64_t end);

#endif
