/*
 * ap_trampoline.S - where application processors start.
 *
 * A STARTUP IPI starts an AP in real mode at CS:IP = (page << 8):0. The
 * boot CPU copies this code to AP_TRAMPOLINE_PHYS (below 1 MiB), fills the
 * parameter block at its end, maps low memory 1:1 (PML4 slot 0), and sends
 * INIT-SIPI-SIPI. The code goes real -> protected -> long mode, loads the
 * hypervisor's page tables, and jumps to the given 64-bit entry with the
 * given argument and stack. APs are started one at a time, so one
 * parameter block suffices.
 *
 * First of all, in real mode, the AP claims the block: a locked
 * compare-and-exchange of its state from AP_PARAMS_OPEN to
 * AP_PARAMS_TAKEN. If the state is anything else (the boot CPU gave up
 * waiting, or has not opened the block, or another AP took it), the AP
 * parks itself here (cli; hlt) without touching anything: a late AP never
 * runs on a stack and per-CPU area the boot CPU treats as offline (see
 * smp.c for the invariant).
 */
#include "x86/layout.h"

#define T(sym) ((sym) - ap_trampoline_start + AP_TRAMPOLINE_PHYS)

	.section .rodata
	.globl ap_trampoline_start, ap_trampoline_end, ap_trampoline_params
	.balign 16
	.code16
ap_trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movl $AP_PARAMS_TAKEN, %ecx
	movl $AP_PARAMS_OPEN, %eax
	lock cmpxchgl %ecx, T(param_state)
	jne park
	lgdtl T(tramp_gdt_desc)
	movl %cr0, %eax
	orl $1, %eax                    /* PE */
	movl %eax, %cr0
	ljmpl $0x08, $T(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl T(param_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER: the boot CPU's LME/NXE */
	rdmsr
	orl T(param_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16)), %eax  /* PG, WP */
	movl %eax, %cr0
	ljmpl $0x18, $T(tramp64)

	.code64
tramp64:
	movq T(param_stack), %rsp
	movq T(param_arg), %rdi
	movq T(param_entry), %rax
	xorl %ebp, %ebp
	jmpq *%rax

	.code16
park:                           /* not ours to run: stay halted */
	cli
	hlt
	jmp park

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff        /* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff        /* 0x10: data, flat */
	.quad 0x00209b0000000000        /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.short tramp_gdt_end - tramp_gdt - 1
	.long T(tramp_gdt)

	.balign 8
ap_trampoline_params:           /* struct ap_params (smp.c) */
param_cr3:   .quad 0
param_efer:  .quad 0
param_stack: .quad 0
param_entry: .quad 0
param_arg:   .quad 0
param_state: .long AP_PARAMS_CLOSED
	     .long 0
ap_trampoline_end:
