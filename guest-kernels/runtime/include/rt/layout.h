/*
 * rt/layout.h - sizes fixed at build time, shared by C and assembly.
 *
 * Each vCPU owns one block of the stack array (stacks.c): a 4 KiB stack
 * for the double-fault and NMI handlers (IST1) at the bottom, its main
 * stack above. A vCPU finds its index from where its stack pointer lies
 * (cpu.c), so no MSR (GS base, TSC_AUX) is needed for per-vCPU data.
 */
#ifndef RT_LAYOUT_H
#define RT_LAYOUT_H

#define RT_MAX_CPUS          32
#define RT_IST_STACK_SIZE    4096
#define RT_MAIN_STACK_SIZE   16384
#define RT_CPU_STACKS_SIZE   (RT_IST_STACK_SIZE + RT_MAIN_STACK_SIZE)

#define RT_PAGE_SIZE         4096
#define RT_LARGE_PAGE_SIZE   0x200000

/* Segment selectors of the runtime's GDT (gdt.c). The code and data
 * selectors match the boot GDT's (guest_boot.h); vCPU n's TSS is at
 * RT_SEL_TSS0 + 16 * n (a 64-bit TSS descriptor takes two slots). */
#define RT_SEL_CODE          0x08
#define RT_SEL_DATA          0x10
#define RT_SEL_TSS0          0x18

#endif
