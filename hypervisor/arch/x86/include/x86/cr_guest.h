/*
 * cr_guest.h - what a guest's write to CR0 or CR4 may do (APM vol. 2,
 * 3.1.1 and 3.1.3; Intel SDM vol. 3A, 2.5): the checks the CPU makes
 * before it raises #GP, and the long-mode activation a CR0.PG write
 * causes. Pure; the SVM back-end intercepts the writes and applies the
 * result, because a CPU (QEMU's TCG, for one) that let an invalid value
 * through would leave a state VMRUN refuses.
 */
#ifndef X86_CR_GUEST_H
#define X86_CR_GUEST_H

#include <stdint.h>
#include <stdbool.h>

struct x86_cr_state {
	uint64_t cr0, cr4, efer;
	bool cs_long;              /* in 64-bit code */
};

/* CR4 bits a guest may set: those whose features its CPUID offers. */
uint64_t x86_cr4_allowed(void);

/*
 * Applies a write of val to CR0 (or, for cr == 4, CR4) to *s. Returns 0
 * with s updated (EFER.LMA follows CR0.PG with EFER.LME), or -EINVAL for
 * a write the CPU refuses with #GP (s unchanged).
 */
int x86_cr_write(struct x86_cr_state *s, unsigned cr, uint64_t val);

#endif
