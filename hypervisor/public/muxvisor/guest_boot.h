/*
 * muxvisor/guest_boot.h - how Muxvisor starts a test-kernel domain (an
 * ELF64 image given as a Multiboot2 module; docs/guest-abi.md).
 *
 * Memory: guest-physical RAM is [0, mem_bytes). Each PT_LOAD segment of the
 * ELF is copied to its physical address (p_paddr), which must lie inside
 * RAM and below the boot area; the rest of RAM is zero.
 *
 * The boot area, the last MUXV_BOOT_AREA_SIZE bytes of RAM, holds page
 * tables mapping all RAM 1:1 (2 MiB pages, RW, executable), a GDT with a
 * 64-bit code segment at selector 0x08 and a data segment at 0x10, and a
 * struct muxv_boot_info. The guest may reuse it once it has its own.
 *
 * Every vCPU starts at the ELF entry point at the same time, in 64-bit long
 * mode: CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE|OSFXSR|OSXMMEXCPT, EFER =
 * LME|LMA|NXE, CR3 = the boot page tables, CS = 0x08, DS = ES = SS = 0x10,
 * FS = GS = 0, RFLAGS = 0x2 (interrupts off), RSP = 0 (no stack: the
 * kernel sets its own), RDI = the vCPU's index (0..nr_vcpus-1), RSI = the
 * guest-physical address of struct muxv_boot_info. The local APIC is in
 * x2APIC mode with APIC ID = vCPU index; XCR0 = x87|SSE.
 */
#ifndef MUXVISOR_GUEST_BOOT_H
#define MUXVISOR_GUEST_BOOT_H

#include <stdint.h>

#define MUXV_BOOT_MAGIC       0x544f4f4256584d55ull   /* "UMXVBOOT" */
#define MUXV_BOOT_VERSION     1
#define MUXV_BOOT_AREA_SIZE   0x10000                 /* 64 KiB */
#define MUXV_BOOT_SEL_CODE    0x08
#define MUXV_BOOT_SEL_DATA    0x10

struct muxv_boot_info {
	uint64_t magic;          /* MUXV_BOOT_MAGIC */
	uint32_t version;        /* MUXV_BOOT_VERSION */
	uint32_t nr_vcpus;
	uint64_t mem_bytes;      /* RAM is [0, mem_bytes) */
	uint64_t free_start;     /* first page after the loaded image */
	uint64_t free_end;       /* start of the boot area */
	uint64_t tsc_hz;         /* TSC frequency (the TSC is invariant) */
	uint32_t domain_id;
	uint32_t boot_count;     /* 0 on the first boot, +1 per guest reboot */
	char name[32];           /* domain name, NUL-terminated */
	char cmdline[256];       /* words of the module command line the
				  * hypervisor did not consume */
};
_Static_assert(sizeof(struct muxv_boot_info) == 344, "boot info layout");

#endif
