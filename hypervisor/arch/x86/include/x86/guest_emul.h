/*
 * guest_emul.h - vendor-neutral emulation behind the exits: what CPUID
 * answers, what the emulated MSRs and I/O ports do. The SVM exit handlers
 * decode their exit and call these.
 */
#ifndef X86_GUEST_EMUL_H
#define X86_GUEST_EMUL_H

#include <stdint.h>
#include "x86/cpu.h"

struct vcpu;

/* CPUID as the guest sees it (cpuid_guest.c). */
void x86_cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
		     struct cpuid_regs *out);

/* Emulated MSRs (msr_guest.c): 0, or -EINVAL to raise #GP. MSRs held in
 * the vendor control block (EFER, PAT, TSC) are the back-end's. */
int x86_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int x86_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* Port I/O (io_guest.c): size 1, 2 or 4. A port nobody emulates reads as
 * all ones and ignores writes. */
uint32_t x86_io_in(struct vcpu *v, uint16_t port, unsigned size);
void x86_io_out(struct vcpu *v, uint16_t port, unsigned size, uint32_t val);

#endif
