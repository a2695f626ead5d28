/*
 * rt/layout.h - sizes fixed at build time, shared by C and assembly.
 *
 * Each vCPU owns one block of the stack array (cpu.c): from the bottom, a
 * 4 KiB stack for the double-fault, NMI and machine-check handlers (IST1),
 * a guard page the page tables leave unmapped, and the main stack. A main
 * stack that overflows faults on the guard page; the #PF cannot be pushed,
 * the #DF that follows switches to IST1 and is reported. A vCPU finds its
 * index from where its stack pointer lies (cpu.c), so no MSR (GS base,
 * TSC_AUX) is needed for per-vCPU data.
 */
#ifndef RT_LAYOUT_H
#define RT_LAYOUT_H

#define RT_MAX_CPUS          32
#define RT_IST_STACK_SIZE    4096
#define RT_MAIN_STACK_SIZE   16384
#define RT_GUARD_SIZE        4096
#define RT_CPU_STACKS_SIZE   (RT_IST_STACK_SIZE + RT_GUARD_SIZE + RT_MAIN_STACK_SIZE)

#define RT_PAGE_SIZE         4096
#define RT_LARGE_PAGE_SIZE   0x200000

/* Segment selectors of the runtime's GDT (gdt.c). The code and data
 * selectors match the boot GDT's (guest_boot.h); vCPU n's TSS is at
 * RT_SEL_TSS0 + 16 * n (a 64-bit TSS descriptor takes two slots). */
#define RT_SEL_CODE          0x08
#define RT_SEL_DATA          0x10
#define RT_SEL_TSS0          0x18

#endif
