/*
 * boot.S - Multiboot2 header and the 32-bit entry from GRUB2.
 *
 * GRUB enters boot_entry32 in 32-bit protected mode, paging off, with
 * EAX = the Multiboot2 magic and EBX = the physical address of the boot
 * information (Multiboot2 spec, 3.3 "I386 machine state"). We build early
 * page tables (identity map of 0..4 GiB, the same 4 GiB at the direct-map
 * base, and the image at HV_VIRT_BASE), enter long mode, and call
 * x86_boot_main(magic, mbi_phys) on the boot stack in the higher half.
 * Those early tables are replaced by paging_init() once the memory map is
 * known; the identity part is kept only for starting the APs.
 */
#include "x86/layout.h"

#define MB2_MAGIC    0xe85250d6
#define MB2_ARCH_I386 0

#define PTE_P   0x1
#define PTE_RW  0x2
#define PTE_PS  0x80

#define PHYS(sym) ((sym) - HV_VIRT_BASE)

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* End tag: we take GRUB's default tags (memory map, modules,
	 * command line, ACPI RSDP). */
	.short 0
	.short 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl %eax, %edi                 /* magic, first argument */
	movl %ebx, %esi                 /* boot info, second argument */
	movl $PHYS(boot_stack_top), %esp

	/* Long mode must exist; say so on COM1 if it does not. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp                 /* keep feature bits: NX is bit 20 */

	call build_early_tables

	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3

	movl $0xc0000080, %ecx          /* EFER */
	rdmsr
	orl $(1 << 8), %eax             /* LME */
	btl $20, %ebp
	jnc 1f
	orl $(1 << 11), %eax            /* NXE, so NX bits are honoured */
1:	wrmsr

	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
	movl %eax, %cr0

	lgdt early_gdt_desc
	ljmp $0x08, $boot_entry64

/* Fills the early tables (in .bss, which GRUB zeroes; we zero them again so
 * nothing depends on that). Clobbers eax, ebx, ecx, edx. */
build_early_tables:
	pushl %edi
	movl $PHYS(early_tables_start), %edi
	movl $((early_tables_end - early_tables_start) / 4), %ecx
	xorl %eax, %eax
	rep stosl
	popl %edi

	/* 4 page directories of 2 MiB pages: physical 0..4 GiB. */
	movl $PHYS(early_pd), %ebx
	xorl %ecx, %ecx                 /* entry index 0..2047 */
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* bits 32+ of the address */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	/* PDPT for the identity/direct map: 4 entries. */
	movl $PHYS(early_pdpt_low), %ebx
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $12, %eax
	addl $(PHYS(early_pd) + PTE_P + PTE_RW), %eax
	movl %eax, (%ebx, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 3b

	/* PDPT for the top 2 GiB: entries 510, 511 -> physical 0..2 GiB. */
	movl $PHYS(early_pdpt_high), %ebx
	movl $(PHYS(early_pd) + PTE_P + PTE_RW), 510*8(%ebx)
	movl $(PHYS(early_pd) + 4096 + PTE_P + PTE_RW), 511*8(%ebx)

	/* PML4: 0 identity, 256 direct map, 511 image. */
	movl $PHYS(early_pml4), %ebx
	movl $(PHYS(early_pdpt_low) + PTE_P + PTE_RW), 0(%ebx)
	movl $(PHYS(early_pdpt_low) + PTE_P + PTE_RW), 256*8(%ebx)
	movl $(PHYS(early_pdpt_high) + PTE_P + PTE_RW), 511*8(%ebx)
	ret

/* Prints a fixed message on COM1 and halts: no long mode, nothing to run. */
no_long_mode:
	movl $no_long_mode_msg, %esi
4:	lodsb
	testb %al, %al
	jz 6f
	movb %al, %bl
	movw $0x3fd, %dx                /* line status: wait for THR empty */
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 4b
6:	cli
	hlt
	jmp 6b

	.code64
boot_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl %edi, %edi                 /* zero-extend the arguments */
	movl %esi, %esi
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp                 /* ends stack traces */
	movabsq $x86_boot_main, %rax
	call *%rax
7:	cli
	hlt
	jmp 7b

	.section .boot.data, "aw"
	.balign 8
early_gdt:
	.quad 0
	.quad 0x00209b0000000000        /* 0x08: 64-bit code, DPL 0, accessed */
	.quad 0x0000930000000000        /* 0x10: data, accessed */
early_gdt_end:
early_gdt_desc:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt
no_long_mode_msg:
	.asciz "muxvisor: cannot start: this CPU has no 64-bit long mode\r\n"

	.section .bss
	.balign 4096
	.globl early_pml4, early_pdpt_low
early_tables_start:
early_pml4:      .skip 4096
early_pdpt_low:  .skip 4096
early_pdpt_high: .skip 4096
early_pd:        .skip 4 * 4096
early_tables_end:

	.balign 16
	.globl boot_stack_top
boot_stack:      .skip BOOT_STACK_SIZE
boot_stack_top:
