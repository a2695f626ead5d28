/*
 * idt.c - the IDT (rt/desc.h; SDM vol. 3, 6.14.1, APM vol. 2, 8.9.1):
 * 256 interrupt gates to the stubs in isr.S. Interrupt gates (not trap
 * gates) so every handler starts with interrupts off. The double fault,
 * NMI and machine check switch to IST1 (gdt.c).
 */
#include <stdint.h>
#include "rt/desc.h"
#include "rt/layout.h"
#include "rt/x86.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;          /* P, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

#define GATE_INTERRUPT 0x8e    /* present, DPL 0, 64-bit interrupt gate */
#define ISR_STUB_SIZE 16       /* isr.S */

extern const char rt_isr_stubs[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static uint8_t ist_for(unsigned int vector)
{
	return vector == RT_VEC_DF || vector == RT_VEC_NMI || vector == RT_VEC_MC;
}

void rt_idt_init(void)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		uint64_t a = (uintptr_t)rt_isr_stubs + ISR_STUB_SIZE * v;

		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)a,
			.selector = RT_SEL_CODE,
			.ist = ist_for(v),
			.type = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(a >> 16),
			.offset_hi = (uint32_t)(a >> 32),
		};
	}
}

void rt_idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}
