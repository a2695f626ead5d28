/*
 * idt.c - the interrupt descriptor table and trap dispatch.
 *
 * One IDT serves every CPU. Exceptions (vectors 0-31) raised by the
 * hypervisor itself are bugs and go to the panic report, except NMI, which
 * is how a panicking CPU stops the others. Vectors 32-255 call the handler
 * registered with trap_set_handler() and then signal EOI to the local APIC.
 *
 * Locking: handlers are registered during boot, before interrupts are
 * enabled on any CPU; afterwards the table is read-only.
 */
#include "x86/trap.h"
#include "x86/percpu.h"
#include "x86/apic.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "x86_panic.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

#define GATE_INTERRUPT 0x8e    /* P, DPL0, 64-bit interrupt gate (IF off) */
#define STUB_SIZE 16

extern const char trap_stubs[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];

static void set_gate(unsigned vector, unsigned ist)
{
	uint64_t addr = (uint64_t)trap_stubs + vector * STUB_SIZE;

	idt[vector] = (struct idt_gate){
		.offset_lo = addr & 0xffff,
		.selector = SEL_CODE64,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(VEC_NMI, IST_NMI);
	set_gate(VEC_DF, IST_DF);
	set_gate(VEC_MC, IST_MC);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_set_handler(unsigned vector, irq_handler_fn fn)
{
	BUG_ON(vector < 32 || vector > 255);
	irq_handlers[vector] = fn;
}

static void handle_nmi(struct trap_frame *tf)
{
	if (panic_in_progress())
		x86_panic_stop_this_cpu();
	log_warn("NMI at rip %lx (not from a panic); ignored", tf->rip);
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned v = (unsigned)tf->vector;

	if (v == VEC_NMI) {
		handle_nmi(tf);
		return;
	}
	if (v < 32)
		x86_panic_exception(tf);
	if (v == VECTOR_SPURIOUS)
		return;                 /* no EOI for spurious (SDM 10.9) */
	if (irq_handlers[v])
		irq_handlers[v](tf);
	else
		log_warn("unexpected interrupt, vector %#x", v);
	lapic_eoi();
}
