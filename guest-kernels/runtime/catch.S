/*
 * catch.S - run a function so that an exception in it returns here instead
 * of being reported (fault.c, rt_expect_fault()).
 *
 * int rt_catch_call(void (*fn)(void *), void *arg, struct rt_catch *c)
 *   Saves the callee-saved registers, the caller's stack pointer and the
 *   return address in *c, then calls fn(arg). Returns 0 when fn returns.
 *   When fn faults, rt_trap() points the faulting frame's RIP at
 *   rt_catch_resume with RDI = c, which restores the saved state and
 *   returns 1 from rt_catch_call. Like any call it clobbers only
 *   caller-saved registers, so the compiler needs no special treatment.
 *
 * struct rt_catch (fault.c) offsets: rbx 0, rbp 8, r12 16, r13 24,
 * r14 32, r15 40, rsp 48, rip 56.
 */
	.section .text
	.globl rt_catch_call
	.type rt_catch_call, @function
rt_catch_call:
	movq %rbx, 0(%rdx)
	movq %rbp, 8(%rdx)
	movq %r12, 16(%rdx)
	movq %r13, 24(%rdx)
	movq %r14, 32(%rdx)
	movq %r15, 40(%rdx)
	leaq 8(%rsp), %rax	/* the caller's RSP once we have returned */
	movq %rax, 48(%rdx)
	movq (%rsp), %rax	/* our return address */
	movq %rax, 56(%rdx)
	movq %rdi, %rax
	movq %rsi, %rdi
	subq $8, %rsp		/* keep the callee's stack 16-byte aligned */
	call *%rax
	addq $8, %rsp
	xorl %eax, %eax
	ret
	.size rt_catch_call, . - rt_catch_call

	.globl rt_catch_resume
	.type rt_catch_resume, @function
rt_catch_resume:
	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	movl $1, %eax
	jmpq *56(%rdi)
	.size rt_catch_resume, . - rt_catch_resume
