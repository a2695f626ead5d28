/*
 * trap.h - interrupt and exception entry.
 *
 * entry.S saves the interrupted context as a struct trap_frame on the
 * stack and calls trap_dispatch(). Exceptions in the hypervisor are our own
 * bugs: they are reported in full and stop the machine (panic). Interrupts
 * go to the handler registered for their vector.
 */
#ifndef X86_TRAP_H
#define X86_TRAP_H

#include <stdint.h>
#include <stddef.h>

/* Vectors the hypervisor keeps for itself (0xe0..0xff); physical device
 * interrupts forwarded to dom0 use vectors below VECTOR_HV_FIRST. */
#define VECTOR_HV_FIRST   0xe0
#define VECTOR_IPI_CALL   0xf0    /* "look at your work queue" */
#define VECTOR_RESCHED    0xf1    /* "call the scheduler again" */
#define VECTOR_KICK       0xf2    /* "leave the guest": nothing else */
#define VECTOR_CONSOLE    0xe8    /* the serial console's receive interrupt */
#define VECTOR_TIMER      0xf8    /* local APIC one-shot timer */
#define VECTOR_APIC_ERROR 0xfe
#define VECTOR_SPURIOUS   0xff

#define VEC_DE 0
#define VEC_NMI 2
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "entry.S layout");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * 8, "entry.S layout");

typedef void (*irq_handler_fn)(struct trap_frame *tf);

void idt_init(void);          /* once, on the boot CPU */
void idt_load(void);          /* on every CPU */
/* Registers the handler of a vector >= 32; the handler runs with
 * interrupts off and the EOI is sent after it returns. */
void trap_set_handler(unsigned vector, irq_handler_fn fn);
void trap_dispatch(struct trap_frame *tf);

struct percpu;
void gdt_init_cpu(struct percpu *p);   /* builds and loads GDT and TSS */

#endif
