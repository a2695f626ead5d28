/*
 * entry.S - where every vCPU starts (guest_boot.h): 64-bit mode, interrupts
 * off, no stack, RDI = vCPU index, RSI = boot info. Each vCPU takes the
 * main stack of its own block in rt_stacks and calls rt_start(). A vCPU
 * beyond RT_MAX_CPUS has no stack and parks; vCPU 0 reports it as an error.
 */
#include "rt/layout.h"

	.section .text.entry, "ax"
	.globl rt_entry
	.type rt_entry, @function
rt_entry:
	cli
	cld
	cmp $RT_MAX_CPUS, %rdi
	jae 1f
	/* RSP = rt_stacks + (index + 1) * RT_CPU_STACKS_SIZE: the top of
	 * this vCPU's block (its main stack), 16-byte aligned as the C ABI
	 * wants before a call. */
	lea 1(%rdi), %rax
	imul $RT_CPU_STACKS_SIZE, %rax, %rax
	lea rt_stacks(%rip), %rsp
	add %rax, %rsp
	xor %ebp, %ebp
	call rt_start
1:	cli
	hlt
	jmp 1b
	.size rt_entry, . - rt_entry
