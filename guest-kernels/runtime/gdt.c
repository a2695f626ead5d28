/*
 * gdt.c - GDT and TSS (rt/desc.h; SDM vol. 3, 3.4.5 and 8.7, APM vol. 2,
 * 4.8 and 12.2.5). Long mode ignores segment bases and limits for code
 * and data, so the descriptors only carry their type bits; the TSS exists
 * for IST1, the stack the double-fault and NMI handlers switch to, so that
 * a blown main stack is reported instead of escalating to a triple fault.
 */
#include <stddef.h>
#include <stdint.h>
#include "rt/cpu.h"
#include "rt/desc.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(offsetof(struct tss64, ist) == 0x24, "TSS IST offset");
_Static_assert(sizeof(struct tss64) == 104, "TSS size");

/* Present, DPL 0, S=1: code execute/read with L (64-bit); data read/write. */
#define DESC_CODE64 0x00209a0000000000ull
#define DESC_DATA   0x0000920000000000ull
#define TSS_TYPE_AVAILABLE 0x89ull   /* present, 64-bit TSS (available) */

#define GDT_FIXED 3                  /* null, code, data */

static struct tss64 tss[RT_MAX_CPUS];
static uint64_t gdt[GDT_FIXED + 2 * RT_MAX_CPUS] __attribute__((aligned(16)));

/* A 16-byte system descriptor for the TSS at base (two GDT slots). */
static void set_tss_desc(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (TSS_TYPE_AVAILABLE << 40) |
		  ((uint64_t)(limit >> 16 & 0xf) << 48) |
		  ((base >> 24 & 0xff) << 56);
	slot[1] = base >> 32;
}

void rt_gdt_init(void)
{
	unsigned int cpu;

	gdt[RT_SEL_CODE / 8] = DESC_CODE64;
	gdt[RT_SEL_DATA / 8] = DESC_DATA;
	for (cpu = 0; cpu < RT_MAX_CPUS; cpu++) {
		tss[cpu].ist[0] = rt_cpu_ist_top(cpu);
		tss[cpu].iomap_base = sizeof(struct tss64);  /* no I/O bitmap */
		set_tss_desc(&gdt[RT_SEL_TSS0 / 8 + 2 * cpu], (uintptr_t)&tss[cpu],
			     sizeof(struct tss64) - 1);
	}
}

void rt_gdt_load(unsigned int cpu)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };
	uint16_t tr = (uint16_t)(RT_SEL_TSS0 + 16 * cpu);

	/* CS can only be reloaded by a far transfer: push the selector and
	 * the next instruction's address and LRETQ to it. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %3"
			 : : "m"(gdtr), "i"(RT_SEL_CODE), "i"(RT_SEL_DATA), "r"(tr)
			 : "rax", "memory");
}
