/*
 * memmap.h - arithmetic on physical address ranges: which RAM is free once
 * the hypervisor image, boot modules, firmware areas and tables are taken out.
 */
#ifndef HV_MEMMAP_H
#define HV_MEMMAP_H

#include <stdint.h>
#include "hv/boot_info.h"

struct phys_range {
	uint64_t start;   /* inclusive */
	uint64_t end;     /* exclusive */
};

/*
 * Computes the usable RAM of the memory map minus every reserved range,
 * page aligned (usable ranges shrink inward to whole pages), sorted and
 * non-overlapping, into out[max_out]. Ranges of any type other than
 * BOOT_MEM_USABLE are never returned, even where a usable range overlaps
 * them (firmware maps may overlap; the non-usable type wins).
 * Returns the number of ranges, or -E2BIG if out is too small.
 */
int memmap_free_ranges(const struct boot_mem_range *map, unsigned nr_map,
		       const struct phys_range *reserved, unsigned nr_reserved,
		       struct phys_range *out, unsigned max_out);

/* Highest end address of any RAM-like range (usable, ACPI, NVS). */
uint64_t memmap_ram_end(const struct boot_mem_range *map, unsigned nr_map);

#endif
