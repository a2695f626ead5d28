/*
 * gdt.c - per-CPU GDT and TSS.
 *
 * Long mode ignores segment bases and limits for code and data; the GDT
 * exists for the code selector (L=1), a data selector, and the TSS, whose
 * IST slots give NMI, double fault and machine check their own stacks so
 * they can be reported even when the main stack is corrupt or overflowed
 * (APM vol. 2, 8.9.4 "Interrupt-Stack Table").
 */
#include "x86/percpu.h"
#include "x86/trap.h"
#include "x86/cpu.h"

#define DESC_CODE64 0x00209b0000000000ull   /* P, DPL0, code, L, accessed */
#define DESC_DATA   0x0000930000000000ull   /* P, DPL0, data RW, accessed */

struct percpu percpu_areas[MAX_CPUS];

void percpu_install(struct percpu *p)
{
	p->self = p;
	wrmsr(MSR_GS_BASE, (uint64_t)p);
}

/* The TSS descriptor spans two GDT slots (APM vol. 2, 4.8.3). */
static void set_tss_descriptor(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ull << 40) |                     /* P, available TSS */
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_init_cpu(struct percpu *p)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(p->gdt) - 1, (uint64_t)p->gdt };

	p->gdt[0] = 0;
	p->gdt[SEL_CODE64 / 8] = DESC_CODE64;
	p->gdt[SEL_DATA / 8] = DESC_DATA;
	set_tss_descriptor(&p->gdt[SEL_TSS / 8], &p->tss);
	p->tss.iomap_base = sizeof(p->tss);    /* no I/O bitmap */
	for (unsigned i = IST_NMI; i <= IST_MC; i++)
		p->tss.ist[i - 1] = p->ist_top[i];

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"ltr %w3\n\t"
		: : "m"(gdtr), "i"(SEL_CODE64), "i"(SEL_DATA), "r"(SEL_TSS)
		: "rax", "memory");
}
