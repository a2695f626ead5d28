/*
 * entry.S - interrupt and exception entry stubs.
 *
 * One 16-byte-aligned stub per vector pushes a zero error code where the
 * CPU pushes none (so every frame has the same layout), pushes the vector,
 * and joins trap_common, which saves the general registers as a struct
 * trap_frame (x86/trap.h) and calls trap_dispatch(frame).
 * Vectors with a CPU error code: 8, 10-14, 17, 21, 29, 30 (APM vol. 2, 8.2).
 */

	.section .text
	.balign 16
	.globl trap_stubs
trap_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
	.else
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Frame pointer chain for stack traces: fake a frame whose return
	 * address is the interrupted RIP. */
	pushq 17*8(%rsp)
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* vector, error code */
	iretq

/* void x86_switch_stack(uint64_t top, void (*fn)(void)): continues on
 * another stack; fn must not return. */
	.globl x86_switch_stack
x86_switch_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	callq *%rsi
1:	cli
	hlt
	jmp 1b
