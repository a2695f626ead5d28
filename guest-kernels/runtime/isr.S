/*
 * isr.S - the 256 interrupt entry stubs and their common path.
 *
 * Each stub is 16 bytes (rt_idt_init() computes stub n's address as
 * rt_isr_stubs + 16 * n). It pushes a zero error code for vectors where
 * the CPU pushes none (SDM vol. 3, 6.13: 8, 10-14, 17, 21, 29 and 30 push
 * one), then the vector, so every frame has one layout: struct rt_frame
 * (rt/trap.h). The common path saves every general register, calls
 * rt_trap(frame) and returns with whatever the frame then holds, so a
 * handler may redirect RIP (the exception fixup does).
 *
 * Alignment: the CPU aligns RSP to 16 before pushing the 5-word interrupt
 * frame; error code + vector + 15 registers make 22 words in all, so RSP
 * is 16-byte aligned at the call.
 */
	.section .text
	.align 16
	.globl rt_isr_stubs
rt_isr_stubs:
	.set vec, 0
	.rept 256
1:
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp rt_isr_common
	/* Pads the stub to 16 bytes; the assembler refuses (".org backwards")
	 * if it ever grows past them. */
	.org 1b + 16, 0xcc
	.set vec, vec + 1
	.endr

rt_isr_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call rt_trap
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq
