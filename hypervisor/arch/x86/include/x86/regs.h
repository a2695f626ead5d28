/*
 * regs.h - a guest's general-purpose register file as the hypervisor keeps
 * it: the sixteen GPRs indexed by their x86 encoding number, RIP and RFLAGS.
 *
 * The index is the number an instruction encodes (ModRM.reg/rm, SIB
 * base/index, the low bits of "+r" opcodes, extended by REX/VEX to 4 bits),
 * so decoded instructions index gpr[] directly (Intel SDM vol. 2A, table
 * 2-2; APM vol. 3, "ModRM and SIB Bytes"). Byte registers AH, CH, DH and
 * BH are bits 15:8 of gpr[0..3]; see mmio_emul.c for the partial-register
 * rules.
 *
 * The SVM back-end keeps RAX, RSP, RIP and RFLAGS in the VMCB and the rest
 * on its stack; it copies them into and out of this form around the
 * emulator (mmio_emul.h) and the instruction decoder's address computation
 * (decode.h).
 */
#ifndef X86_REGS_H
#define X86_REGS_H

#include <stdint.h>

enum x86_gpr {
	X86_GPR_RAX = 0,
	X86_GPR_RCX = 1,
	X86_GPR_RDX = 2,
	X86_GPR_RBX = 3,
	X86_GPR_RSP = 4,
	X86_GPR_RBP = 5,
	X86_GPR_RSI = 6,
	X86_GPR_RDI = 7,
	X86_GPR_R8 = 8,
	X86_GPR_R9 = 9,
	X86_GPR_R10 = 10,
	X86_GPR_R11 = 11,
	X86_GPR_R12 = 12,
	X86_GPR_R13 = 13,
	X86_GPR_R14 = 14,
	X86_GPR_R15 = 15,
	X86_GPR_COUNT = 16,
};

struct x86_regs {
	uint64_t gpr[X86_GPR_COUNT];  /* by encoding number, enum x86_gpr */
	uint64_t rip;
	uint64_t rflags;
};

/* RFLAGS bits the decoder and emulator use (APM vol. 1, "Flags Register"). */
#define X86_RFLAGS_CF (1ull << 0)   /* carry */
#define X86_RFLAGS_PF (1ull << 2)   /* parity of the result's low byte */
#define X86_RFLAGS_AF (1ull << 4)   /* carry out of bit 3 */
#define X86_RFLAGS_ZF (1ull << 6)   /* zero */
#define X86_RFLAGS_SF (1ull << 7)   /* sign */
#define X86_RFLAGS_DF (1ull << 10)  /* string direction: 1 = decrement */
#define X86_RFLAGS_OF (1ull << 11)  /* signed overflow */
#define X86_RFLAGS_STATUS (X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | \
			   X86_RFLAGS_ZF | X86_RFLAGS_SF | X86_RFLAGS_OF)

#endif
