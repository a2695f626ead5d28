/*
 * vmrun.S - the world switch (APM vol. 2, 15.5 "VMRUN Instruction").
 *
 * void svm_vmrun(uint64_t vmcb_pa, struct x86_regs *regs, uint64_t host_pa)
 *
 * Called with GIF clear (CLGI) and RFLAGS.IF set, so that a physical
 * interrupt arriving in the guest causes an INTR exit and is taken by the
 * host's IDT right after the caller's STGI.
 *
 * VMRUN switches RAX, RSP, RIP, RFLAGS, control registers and CS/SS/DS/ES;
 * the other general registers are ours to swap (regs, by encoding number,
 * x86/regs.h); FS, GS, TR, LDTR, KernelGSBase and the SYSCALL/SYSENTER
 * MSRs are swapped with VMSAVE/VMLOAD: the host's into host_pa (a page
 * per pCPU), the guest's into its VMCB. No code between the two VMLOADs
 * may touch %gs (it holds the guest's GS base there).
 */
#define GPR(n) (8 * (n))

	.text
	.globl svm_vmrun
svm_vmrun:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rsi                      /* 16(%rsp): regs */
	pushq %rdx                      /*  8(%rsp): host save area */
	pushq %rdi                      /*  0(%rsp): VMCB */

	movq %rdx, %rax
	vmsave %rax                     /* host FS/GS/TR/LDTR/... */

	movq GPR(1)(%rsi), %rcx
	movq GPR(2)(%rsi), %rdx
	movq GPR(3)(%rsi), %rbx
	movq GPR(5)(%rsi), %rbp
	movq GPR(7)(%rsi), %rdi
	movq GPR(8)(%rsi), %r8
	movq GPR(9)(%rsi), %r9
	movq GPR(10)(%rsi), %r10
	movq GPR(11)(%rsi), %r11
	movq GPR(12)(%rsi), %r12
	movq GPR(13)(%rsi), %r13
	movq GPR(14)(%rsi), %r14
	movq GPR(15)(%rsi), %r15
	movq GPR(6)(%rsi), %rsi
	movq 0(%rsp), %rax

	vmload %rax
	vmrun %rax
	vmsave %rax                     /* RAX is the VMCB again after #VMEXIT */

	movq 16(%rsp), %rax
	movq %rcx, GPR(1)(%rax)
	movq %rdx, GPR(2)(%rax)
	movq %rbx, GPR(3)(%rax)
	movq %rbp, GPR(5)(%rax)
	movq %rsi, GPR(6)(%rax)
	movq %rdi, GPR(7)(%rax)
	movq %r8, GPR(8)(%rax)
	movq %r9, GPR(9)(%rax)
	movq %r10, GPR(10)(%rax)
	movq %r11, GPR(11)(%rax)
	movq %r12, GPR(12)(%rax)
	movq %r13, GPR(13)(%rax)
	movq %r14, GPR(14)(%rax)
	movq %r15, GPR(15)(%rax)

	movq 8(%rsp), %rax
	vmload %rax                     /* host FS/GS/TR/LDTR/... back */

	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
