/*
 * mmio_emul.h - emulation of one guest instruction whose memory operand is
 * an emulated device (a nested page fault on an MMIO guest-physical
 * address): MOV and its extending forms, the ALU group, BT*, XCHG, and the
 * MOVS/STOS/LODS string instructions with REP. How it works and what it
 * covers: mmio_emul.c.
 *
 * The caller decodes the instruction at the guest's CS:RIP (x86/decode.h),
 * holds the guest's registers as struct x86_regs, and passes what the
 * fault reported. The device is reached only through callbacks; the module
 * computes no guest address translation (the fault gives the GPA).
 */
#ifndef X86_MMIO_EMUL_H
#define X86_MMIO_EMUL_H

#include <stdint.h>
#include <stdbool.h>

#include "x86/decode.h"
#include "x86/regs.h"

/* At most this many iterations of a REP string instruction per call. */
#define MMIO_EMUL_REP_MAX 256

/*
 * The callbacks. Sizes are 1, 2, 4 or 8 bytes, values in the low bytes
 * (little-endian). Each returns 0 or a negative errno, which the emulator
 * returns unchanged. An access never crosses a 4 KiB page.
 */
struct mmio_emul_ops {
	/* The device at guest-physical address gpa. */
	int (*read)(void *opaque, uint64_t gpa, unsigned int size, uint64_t *value);
	int (*write)(void *opaque, uint64_t gpa, unsigned int size, uint64_t value);
	/*
	 * Guest memory at offset in segment seg (the caller adds the segment
	 * base and translates): the side of MOVS that did not fault, which is
	 * usually RAM. NULL if the caller has no such path: MOVS then gives
	 * -ENOTSUP.
	 */
	int (*mem_read)(void *opaque, enum x86_seg seg, uint64_t offset,
			unsigned int size, uint64_t *value);
	int (*mem_write)(void *opaque, enum x86_seg seg, uint64_t offset,
			 unsigned int size, uint64_t value);
};

/* What the nested page fault (#VMEXIT_NPF) reported (APM vol. 2, "Nested
 * Paging"). */
struct mmio_emul_access {
	uint64_t gpa;   /* the faulting guest-physical address (EXITINFO2) */
	bool write;     /* the access was a write (EXITINFO1 bit 1); decides
			   which side of MOVS is the device */
};

/*
 * Emulates insn, which faulted on access->gpa, against the device behind
 * ops (opaque is passed to every callback), updating regs: the results,
 * RFLAGS' status flags, and RIP advanced past insn (a REP string
 * instruction stopped before its count ran out leaves RIP alone, so that
 * the guest executes it again and faults for the rest).
 * Returns 0; -ENOTSUP for an instruction the emulator does not cover;
 * -EINVAL if insn cannot have made this access (no memory operand, the
 * wrong direction for a string instruction); or a callback's error. On
 * error *regs is unchanged, except that completed iterations of a string
 * instruction stay recorded in rCX/rSI/rDI.
 */
int mmio_emul_insn(const struct x86_insn *insn, struct x86_regs *regs,
		   const struct mmio_emul_access *access,
		   const struct mmio_emul_ops *ops, void *opaque);

#endif
