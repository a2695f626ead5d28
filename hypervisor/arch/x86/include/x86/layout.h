/*
 * layout.h - the hypervisor's virtual address map (see docs/architecture.md).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  unmapped (identity map of low
 *                                             memory only while APs start)
 *   0xffff800000000000 .. +512 GiB            direct map of physical RAM
 *                                             (RW, NX; RAM ranges only)
 *   0xffffc00000000000 .. +1 GiB              device (MMIO) mappings, UC
 *   0xffffe00000000000 .. +64 GiB             per-CPU stacks with unmapped
 *                                             guard pages between them
 *   0xffffffff80000000 + phys                 the hypervisor image
 *                                             (text R-X, rodata R--, data RW-)
 *
 * Shared by C and assembly.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

#define HV_PHYS_BASE     0x200000
#define HV_VIRT_BASE     0xffffffff80000000
#define DIRECTMAP_BASE   0xffff800000000000
#define DIRECTMAP_MAX    0x8000000000          /* 512 GiB: one PML4 slot */
#define MMIO_MAP_BASE    0xffffc00000000000
#define MMIO_MAP_SIZE    0x40000000            /* 1 GiB */
#define STACK_AREA_BASE  0xffffe00000000000

#define PAGE_SIZE        4096
#define PAGE_SHIFT       12
#define LARGE_PAGE_SIZE  0x200000

/* Stacks: each CPU has a slot of STACK_SLOT_SIZE in the stack area holding
 * its main stack and its three IST stacks, each below an unmapped guard. */
#define STACK_MAIN_SIZE  0x8000                /* 32 KiB */
#define STACK_IST_SIZE   0x4000                /* 16 KiB */
#define STACK_SLOT_SIZE  0x40000               /* 256 KiB per CPU */

/* The AP start-up trampoline: copied here (must be usable low RAM). */
#define AP_TRAMPOLINE_PHYS 0x8000
/* The state word of its parameter block (smp.c says who writes what):
 * closed to every AP (the template's 0), open to the AP the boot CPU
 * waits for, taken by the AP that claimed it. */
#define AP_PARAMS_CLOSED   0
#define AP_PARAMS_OPEN     1
#define AP_PARAMS_TAKEN    2

/* Boot stack of the BSP until its guarded stack exists. */
#define BOOT_STACK_SIZE  0x4000

#endif
