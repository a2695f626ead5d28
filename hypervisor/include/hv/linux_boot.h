/*
 * linux_boot.h - loading a Linux bzImage with the 64-bit boot protocol
 * (platform/linux_boot.c: the image and the zero page; platform/
 * linux_boot_plan.c: guest memory placement, boot page tables, registers).
 *
 * References: Linux Documentation/x86/boot.rst ("The Real-Mode Kernel
 * Header", "Details of Harder Fileds", "64-bit Boot Protocol") and
 * Documentation/x86/zero-page.rst. Every function is pure: it reads and
 * writes only the memory its arguments name, so the caller copies the
 * pieces into guest memory.
 *
 * Use:
 *   linux_boot_parse(image, len, &img, &why);
 *   linux_boot_plan(&img, &in, &plan, &why);        where everything goes
 *   copy image[img.kernel_offset ..] to plan.kernel_addr, the initrd to
 *   plan.initrd_addr, the command line and its NUL to plan.cmdline_addr;
 *   acpi_build_tables() at plan.acpi_addr;
 *   linux_boot_build_paging(<guest memory at plan.paging_addr>, ...);
 *   linux_boot_build_params(image, len, &cfg, <guest memory at
 *                           plan.params_addr>, &why);
 *   linux_boot_cpu_state(&plan, &cpu);               the BSP's registers
 */
#ifndef HV_LINUX_BOOT_H
#define HV_LINUX_BOOT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* E820 entry types (ACPI 6.5, 15.1 Table 15.1; zero-page.rst). */
#define LINUX_BOOT_E820_RAM       1
#define LINUX_BOOT_E820_RESERVED  2
#define LINUX_BOOT_E820_ACPI      3   /* ACPI tables, reclaimable */
#define LINUX_BOOT_E820_NVS       4
#define LINUX_BOOT_E820_UNUSABLE  5
#define LINUX_BOOT_E820_PMEM      7

#define LINUX_BOOT_E820_MAX       128 /* entries in boot_params.e820_table */

/* One address range: both the caller's memory map and a zero-page E820
 * entry (zero-page.rst, offset 0x2D0: struct boot_e820_entry). */
struct linux_boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/* xloadflags (boot.rst, 0x236). */
#define LINUX_BOOT_XLF_KERNEL_64          (1u << 0)
#define LINUX_BOOT_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

/* What linux_boot_parse() found in a bzImage. */
struct linux_boot_image {
	uint16_t version;             /* boot protocol, 0x020F for 2.15 */
	uint64_t kernel_offset;       /* protected-mode kernel in the file: (setup_sects+1)*512 */
	uint64_t kernel_file_size;    /* its bytes in the file: syssize * 16 */
	uint64_t kernel_mem_size;     /* bytes it needs from its load address: max(init_size, file size) */
	uint64_t pref_address;        /* where it wants to run */
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t initrd_addr_max;     /* highest byte an initrd may occupy */
	uint32_t cmdline_size;        /* longest command line, without the NUL */
	uint16_t xloadflags;
};

/*
 * Validates the bzImage image[0..len): magic numbers, a protocol of 2.12 or
 * later, a 64-bit entry point (XLF_KERNEL_64), a setup and a protected-mode
 * kernel that lie inside the file, sane alignment and sizes. Returns 0 and
 * fills *img, or -EINVAL with *why (a static string) saying what is wrong.
 * Never reads outside image[0..len).
 */
int linux_boot_parse(const void *image, size_t len, struct linux_boot_image *img,
		     const char **why);

/*
 * Turns a memory map into an E820 table: the map's ranges may overlap; a
 * non-RAM range wins over RAM where they overlap (so "RAM 0-1 GiB" plus
 * "ACPI 1 MiB-1.1 MiB" works), two different non-RAM types may not
 * overlap, uncovered space becomes a gap. The result is sorted with equal
 * neighbours merged. Returns the number of entries written to out (at most
 * max), -EINVAL for an empty, wrapping or unknown-type range or a non-RAM
 * conflict, -E2BIG when more than max entries would be needed.
 */
int linux_boot_e820(const struct linux_boot_e820_entry *map, size_t n,
		    struct linux_boot_e820_entry *out, size_t max);

/* What linux_boot_build_params() writes besides the copied setup header. */
struct linux_boot_params_config {
	const struct linux_boot_e820_entry *map;   /* guest memory map, see linux_boot_e820() */
	size_t map_count;
	uint64_t cmdline_addr;        /* guest-physical; the string and its NUL are there */
	size_t cmdline_len;           /* without the NUL; at most img.cmdline_size */
	uint64_t initrd_addr, initrd_size;        /* size 0: no initrd */
	uint64_t kernel_addr;         /* where the protected-mode kernel was loaded */
	uint64_t acpi_rsdp_addr;      /* 0: none */
};

#define LINUX_BOOT_PARAMS_SIZE 4096

/*
 * Writes the zero page (struct boot_params, 4096 bytes) for image into
 * params: all zero, then the image's setup header, then type_of_loader,
 * command line, initrd, code32_start, E820 table and ACPI RSDP address.
 * The kernel, command line and initrd must be placed as the protocol
 * allows (below 4 GiB unless XLF_CAN_BE_LOADED_ABOVE_4G, the initrd below
 * initrd_addr_max). Returns 0, or -EINVAL/-E2BIG with *why; params is then
 * all zero.
 */
int linux_boot_build_params(const void *image, size_t len,
			    const struct linux_boot_params_config *cfg,
			    void *params, const char **why);

/* ---- linux_boot_plan.c ---- */

struct linux_boot_plan_input {
	uint64_t mem_size;            /* guest RAM in bytes */
	/* First address of the MMIO hole below 4 GiB (e.g. the ECAM or the
	 * PCI window base): RAM beyond it continues at 4 GiB. <= 4 GiB. */
	uint64_t hole_start;
	uint64_t acpi_size;           /* bytes for the ACPI tables (acpi_build_size) */
	uint64_t initrd_size;         /* 0: no initrd */
	size_t cmdline_len;           /* without the NUL */
};

#define LINUX_BOOT_PLAN_MAP_MAX 4

/* Where everything goes (guest-physical addresses). */
struct linux_boot_plan {
	uint64_t paging_addr, paging_size;   /* GDT page + identity page tables */
	uint64_t identity_map_size;          /* bytes mapped 1:1 from 0 */
	uint64_t stack_top;                  /* initial RSP */
	uint64_t params_addr;                /* zero page */
	uint64_t cmdline_addr;               /* room for cmdline_len + 1 bytes */
	uint64_t acpi_addr, acpi_size;       /* page-rounded */
	uint64_t kernel_addr, kernel_end;    /* kernel_end = kernel_addr + kernel_mem_size */
	uint64_t initrd_addr;                /* 0 if no initrd */
	/* The guest's memory: RAM and the ACPI region, for the E820 map. */
	struct linux_boot_e820_entry map[LINUX_BOOT_PLAN_MAP_MAX];
	size_t map_count;
};

/*
 * Places the boot structures, the ACPI tables, the kernel and the initrd
 * in a guest of in->mem_size bytes (layout in linux_boot_plan.c). Returns
 * 0, -EINVAL for impossible input, or -ENOSPC when the guest is too small
 * (Debian's 6.1 kernel needs its pref_address, 16 MiB, plus init_size,
 * about 64 MiB, before any initrd), each with *why.
 */
int linux_boot_plan(const struct linux_boot_image *img,
		    const struct linux_boot_plan_input *in,
		    struct linux_boot_plan *plan, const char **why);

/* A range of guest RAM, [start, end). */
struct linux_boot_ram {
	uint64_t start, end;
};

/*
 * The same placement for a guest whose RAM is ram[0..nr_ram) (sorted,
 * disjoint; in->mem_size and hole_start are ignored): dom0, whose RAM is
 * the host's (platform/linux_boot_ranges.c). The plan's map is left empty
 * for the caller to fill. 0, -EINVAL or -ENOSPC with *why.
 */
int linux_boot_plan_ranges(const struct linux_boot_image *img,
			   const struct linux_boot_plan_input *in,
			   const struct linux_boot_ram *ram, size_t nr_ram,
			   struct linux_boot_plan *plan, const char **why);

/* Bytes of the GDT page plus page tables mapping map_size bytes 1:1. */
uint64_t linux_boot_paging_size(uint64_t map_size);

/*
 * Writes, into buf (which the guest sees at gpa, 4 KiB aligned), the boot
 * GDT (first page) and 4-level page tables mapping [0, map_size) 1:1 with
 * 2 MiB pages, read/write, executable. map_size is rounded up to 1 GiB and
 * at most 512 GiB. Returns 0, or -EINVAL (alignment, size too large,
 * buf_size < linux_boot_paging_size(map_size)).
 */
int linux_boot_build_paging(void *buf, size_t buf_size, uint64_t gpa, uint64_t map_size);

/* A segment register as the VMCB holds it (APM vol. 2, 15.5.1). */
struct linux_boot_segment {
	uint16_t selector;
	uint16_t attrib;              /* descriptor bits 40-47 and 52-55 */
	uint32_t limit;
	uint64_t base;
};

/* The boot CPU's state at the 64-bit entry (boot.rst, "64-bit Boot
 * Protocol"). Registers not listed are zero. */
struct linux_boot_cpu {
	uint64_t rip, rsi, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdtr_base;
	uint16_t gdtr_limit;
	struct linux_boot_segment cs;  /* __BOOT_CS: 64-bit code */
	struct linux_boot_segment ds;  /* __BOOT_DS: for DS, ES, SS, FS, GS */
};

/* Fills *cpu for the plan: entry at kernel_addr + 0x200, RSI = zero page. */
void linux_boot_cpu_state(const struct linux_boot_plan *plan, struct linux_boot_cpu *cpu);

#endif
