/*
 * vcpu_arch.h - the x86 part of a vCPU: its registers in the hypervisor's
 * form, the vendor control block (a VMCB on AMD), its FPU/SSE/AVX state,
 * debug registers and virtual local APIC.
 *
 * Ownership: all of it belongs to whoever runs the vCPU (one pCPU at a
 * time, by the scheduler's rule), except vlapic.irr (see vlapic.h).
 */
#ifndef X86_VCPU_ARCH_H
#define X86_VCPU_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include "x86/regs.h"
#include "x86/vlapic.h"
#include "x86/vmcb.h"

struct vmcb;

struct arch_vcpu {
	struct x86_regs regs;       /* RAX, RSP, RIP, RFLAGS mirrored from the
				     * VMCB around each exit */
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	void *xsave;                /* XSAVE area (64-byte aligned) */
	uint64_t xsave_pa;
	unsigned xsave_order;
	uint64_t xcr0;              /* the guest's XCR0 */
	uint64_t dr[4];             /* DR0-3: not switched by VMRUN */
	struct vlapic vlapic;
	uint32_t asid;              /* current ASID on asid_cpu */
	uint64_t asid_generation;
	int asid_cpu;               /* pCPU the ASID belongs to, -1 none */
	int vmcb_cpu;               /* pCPU that last ran the VMCB, -1 none */
	uint64_t exits;             /* statistics */
	/* Nested TLB shoot-down (npt_flush_domain, svm/svm_tlb.c): in_guest
	 * is set from just before VMRUN to just after it; npt_gen is the
	 * domain's npt.flush_gen this vCPU's TLB is clean for. Written by the
	 * vCPU's pCPU, read by a flushing pCPU. */
	bool in_guest;
	uint64_t npt_gen;
	/* KVM paravirtual interfaces (kvm_pv.c) */
	uint64_t pvclock_msr, pvclock_gpa;  /* gpa 0: kvmclock off */
	uint32_t pvclock_version;
	uint64_t steal_msr, steal_gpa;      /* gpa 0: steal time off */
	uint32_t steal_version;
};

#endif
