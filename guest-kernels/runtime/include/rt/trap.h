/*
 * rt/trap.h - interrupts and exceptions as the runtime delivers them.
 *
 * Exceptions (vectors 0-31) are either caught by rt_expect_fault()
 * (rt/fault.h) or reported as an ERROR that ends the domain. Interrupts
 * (32-254) go to the handler registered for their vector; the runtime
 * sends the EOI after the handler returns. Vector 255 is the APIC's
 * spurious vector and is ignored. An interrupt with no handler is an
 * ERROR. Vectors RT_VEC_TEST_FIRST..RT_VEC_TEST_LAST are the tests' to use.
 */
#ifndef RT_TRAP_H
#define RT_TRAP_H

#include <stdint.h>
#include <stddef.h>

#define RT_VEC_TEST_FIRST  0x20
#define RT_VEC_TEST_LAST   0xef
#define RT_VEC_SPURIOUS    0xff

/* The stack frame isr.S builds: registers in reverse push order, then
 * the vector, the error code (0 when the CPU pushes none) and the frame
 * the CPU pushed. */
struct rt_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(offsetof(struct rt_frame, vector) == 15 * 8, "frame layout");
_Static_assert(sizeof(struct rt_frame) == 22 * 8, "frame size");

typedef void (*rt_irq_fn)(unsigned int vector);

/* Sets (or with NULL clears) the handler of an interrupt vector (32-254).
 * Handlers run with interrupts disabled, on the interrupted vCPU's stack. */
void rt_irq_register(unsigned int vector, rt_irq_fn fn);

/* Called by isr.S for every interrupt and exception. */
void rt_trap(struct rt_frame *f);

/* "#GP" for an exception vector, "vector" otherwise. */
const char *rt_vector_name(unsigned int vector);

/* Reports an exception nobody expected (vector, error code, RIP, CR2 and
 * the registers) as an ERROR and ends the domain. */
__attribute__((noreturn)) void rt_exception_report(const struct rt_frame *f);

#endif
