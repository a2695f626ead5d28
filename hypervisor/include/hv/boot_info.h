/*
 * boot_info.h - what the boot loader told us, copied out of its own
 * structures (Multiboot2) so that their memory can be reused.
 */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <stdint.h>

#define BOOT_MMAP_MAX     128
#define BOOT_MODULES_MAX  32
#define BOOT_CMDLINE_MAX  1024
#define BOOT_MODCMD_MAX   512

/* Memory range types: the e820 numbers, which Multiboot2 also uses. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,       /* ACPI tables, reclaimable after parsing */
	BOOT_MEM_NVS = 4,        /* ACPI non-volatile storage */
	BOOT_MEM_BAD = 5,
};

struct boot_mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type;           /* enum boot_mem_type; others are reserved */
};

struct boot_module {
	uint64_t start;          /* physical, inclusive */
	uint64_t end;            /* physical, exclusive */
	char cmdline[BOOT_MODCMD_MAX];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	struct boot_mem_range mmap[BOOT_MMAP_MAX];
	unsigned nr_mmap;
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned nr_modules;
	uint8_t rsdp[36];        /* copy of the ACPI RSDP (20 or 36 bytes) */
	unsigned rsdp_len;       /* 0: the loader gave none */
};

#endif
