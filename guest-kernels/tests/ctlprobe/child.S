/*
 * child.S - the test kernel ctlprobe uploads and boots (cpuburn's ELF;
 * guest-kernels/test-kernels.mk names the file): ctlprobe_child[0 ..
 * ctlprobe_child_end - ctlprobe_child).
 */
	.section .rodata
	.balign 4096
	.globl ctlprobe_child, ctlprobe_child_end
ctlprobe_child:
	.incbin CTLPROBE_CHILD
ctlprobe_child_end:
	.section .note.GNU-stack, "", @progbits
