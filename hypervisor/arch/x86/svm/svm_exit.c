/*
 * svm_exit.c - what happens after each #VMEXIT (APM vol. 2, Appendix C
 * "SVM Intercept Exit Codes"): a table from exit code to one small
 * handler. Each decodes what the exit says and hands the work to the
 * vendor-neutral emulation (cpuid, MSRs, ports, hypercalls, the virtual
 * APIC) or answers the guest with the exception real hardware would give
 * (SVM instructions raise #UD: the guest sees no SVM). Anything not in the
 * table stops the domain with the exit code as reason.
 */
#include "svm_internal.h"
#include "x86/guest_emul.h"
#include "x86/fpu.h"
#include "x86/mmio_exit.h"
#include "x86/kvm_pv.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/layout.h"
#include "x86/trap.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/balloon.h"
#include "hv/hypercall.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

typedef enum virt_action (*exit_handler)(struct vcpu *v);

#define MSR_TSC 0x10
#define MSR_PAT 0x277
#define EFER_ALLOWED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

static const uint8_t op_cpuid[] = { 0x0f, 0xa2 };
static const uint8_t op_rdmsr[] = { 0x0f, 0x32 };
static const uint8_t op_wrmsr[] = { 0x0f, 0x30 };
static const uint8_t op_hlt[] = { 0xf4 };
static const uint8_t op_vmmcall[] = { 0x0f, 0x01, 0xd9 };
static const uint8_t op_xsetbv[] = { 0x0f, 0x01, 0xd1 };
static const uint8_t op_invd[] = { 0x0f, 0x08 };
static const uint8_t op_wbinvd[] = { 0x0f, 0x09 };

static uint64_t *gpr(struct vcpu *v, enum x86_gpr r)
{
	return &v->arch.regs.gpr[r];
}

static enum virt_action exit_nothing(struct vcpu *v)
{
	(void)v;
	return VIRT_CONTINUE;   /* the host took the interrupt after STGI */
}

static enum virt_action exit_ud(struct vcpu *v)
{
	virt_inject_exception(v, VEC_UD, false, 0);
	return VIRT_CONTINUE;
}

static enum virt_action exit_gp(struct vcpu *v)
{
	virt_inject_exception(v, VEC_GP, true, 0);
	return VIRT_CONTINUE;
}

/* INVD and WBINVD are no-ops: the caches are the host's, and a guest may
 * not flush them for everyone. QEMU's SVM reports INVD as a WBINVD exit,
 * so either exit accepts either instruction (both are two bytes). */
static enum virt_action exit_cache_flush(struct vcpu *v)
{
	if (svm_insn_length(v, op_invd, sizeof(op_invd)) > 0)
		return svm_skip_insn(v, op_invd, sizeof(op_invd)) ? VIRT_CONTINUE : VIRT_STOPPED;
	return svm_skip_insn(v, op_wbinvd, sizeof(op_wbinvd)) ? VIRT_CONTINUE : VIRT_STOPPED;
}

static enum virt_action exit_cpuid(struct vcpu *v)
{
	struct cpuid_regs r;

	if (!svm_skip_insn(v, op_cpuid, sizeof(op_cpuid)))
		return VIRT_STOPPED;
	x86_cpuid_guest(v, (uint32_t)*gpr(v, X86_GPR_RAX), (uint32_t)*gpr(v, X86_GPR_RCX), &r);
	*gpr(v, X86_GPR_RAX) = r.eax;
	*gpr(v, X86_GPR_RBX) = r.ebx;
	*gpr(v, X86_GPR_RCX) = r.ecx;
	*gpr(v, X86_GPR_RDX) = r.edx;
	return VIRT_CONTINUE;
}

static enum virt_action exit_hlt(struct vcpu *v)
{
	return svm_skip_insn(v, op_hlt, sizeof(op_hlt)) ? VIRT_HALT : VIRT_STOPPED;
}

static enum virt_action exit_vmmcall(struct vcpu *v)
{
	uint64_t arg[4] = { *gpr(v, X86_GPR_RBX), *gpr(v, X86_GPR_RCX),
			    *gpr(v, X86_GPR_RDX), *gpr(v, X86_GPR_RSI) };
	int64_t result;

	if (!svm_skip_insn(v, op_vmmcall, sizeof(op_vmmcall)))
		return VIRT_STOPPED;
	enum virt_action a = hypercall_dispatch(v, *gpr(v, X86_GPR_RAX), arg, &result);
	*gpr(v, X86_GPR_RAX) = (uint64_t)result;
	return a;
}

static enum virt_action exit_xsetbv(struct vcpu *v)
{
	uint64_t val = (uint32_t)*gpr(v, X86_GPR_RAX) | (*gpr(v, X86_GPR_RDX) << 32);

	if (virt_guest_cpl(v) != 0 || (uint32_t)*gpr(v, X86_GPR_RCX) != 0 ||
	    !fpu_xcr0_valid(val))
		return exit_gp(v);
	if (!svm_skip_insn(v, op_xsetbv, sizeof(op_xsetbv)))
		return VIRT_STOPPED;
	v->arch.xcr0 = val;
	fpu_set_xcr0(val);
	return VIRT_CONTINUE;
}

/* MSRs that live in the VMCB; 1 if handled here, else 0. -EINVAL: #GP. */
static int vmcb_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	struct vmcb *vmcb = v->arch.vmcb;

	switch (msr) {
	case MSR_EFER:
		if (!write) {
			*val = vmcb->save.efer & ~(uint64_t)EFER_SVME;   /* hidden */
			return 1;
		}
		if (*val & ~(uint64_t)EFER_ALLOWED)
			return -EINVAL;
		/* LMA is the CPU's to set; SVME must stay on for VMRUN. */
		vmcb_set_efer(vmcb, (*val & ~(uint64_t)EFER_LMA) |
			      (vmcb->save.efer & EFER_LMA) | EFER_SVME);
		return 1;
	case MSR_PAT:
		if (!write) {
			*val = vmcb->save.g_pat;
			return 1;
		}
		for (int i = 0; i < 8; i++) {
			uint8_t t = (uint8_t)(*val >> (8 * i));
			if (t == 2 || t == 3 || t > 7)     /* reserved types */
				return -EINVAL;
		}
		vmcb_set_g_pat(vmcb, *val);
		return 1;
	case MSR_TSC:
		if (!write)
			*val = rdtsc() + vmcb->control.tsc_offset;
		else {
			vmcb_set_tsc_offset(vmcb, *val - rdtsc());
			kvm_pv_tsc_changed(v);
		}
		return 1;
	default:
		return 0;
	}
}

static enum virt_action exit_msr(struct vcpu *v)
{
	bool write = v->arch.vmcb->control.exit_info1 == 1;
	uint32_t msr = (uint32_t)*gpr(v, X86_GPR_RCX);
	uint64_t val = (uint32_t)*gpr(v, X86_GPR_RAX) | (*gpr(v, X86_GPR_RDX) << 32);
	int r = vmcb_msr(v, msr, write, &val);

	if (r == 0)
		r = write ? x86_msr_write(v, msr, val) : x86_msr_read(v, msr, &val);
	if (r < 0) {
		log_debug("d%u vcpu%u: #GP for %s of MSR %#x", v->dom->id, v->id,
			  write ? "write" : "read", msr);
		return exit_gp(v);
	}
	if (!svm_skip_insn(v, write ? op_wrmsr : op_rdmsr, 2))
		return VIRT_STOPPED;
	if (!write) {
		*gpr(v, X86_GPR_RAX) = (uint32_t)val;
		*gpr(v, X86_GPR_RDX) = val >> 32;
	}
	return VIRT_CONTINUE;
}

/* IN/OUT (APM vol. 2, 15.10.2). EXITINFO2 is the next RIP, even without
 * NRIP save. String forms (INS/OUTS) are not emulated: #GP. */
static enum virt_action exit_ioio(struct vcpu *v)
{
	uint64_t info = v->arch.vmcb->control.exit_info1;
	uint16_t port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	unsigned size = (info >> IOIO_SIZE_SHIFT) & 7;
	uint64_t *rax = gpr(v, X86_GPR_RAX);

	if (info & IOIO_STR)
		return exit_gp(v);
	if (info & IOIO_TYPE_IN) {
		uint32_t val = x86_io_in(v, port, size);
		if (size == 4)
			*rax = val;                          /* zero-extends */
		else if (size == 2)
			*rax = (*rax & ~0xffffull) | (val & 0xffff);
		else
			*rax = (*rax & ~0xffull) | (val & 0xff);
	} else {
		x86_io_out(v, port, size, (uint32_t)*rax);
	}
	v->arch.regs.rip = v->arch.vmcb->control.exit_info2;
	return VIRT_CONTINUE;
}

static enum virt_action exit_write_cr0(struct vcpu *v)
{
	return svm_exit_cr_write(v, 0);
}

static enum virt_action exit_write_cr4(struct vcpu *v)
{
	return svm_exit_cr_write(v, 4);
}

static enum virt_action exit_vintr(struct vcpu *v)
{
	/* The interrupt window opened; svm_inject_pending() injects next. */
	(void)v;
	return VIRT_CONTINUE;
}

static enum virt_action exit_shutdown(struct vcpu *v)
{
	domain_crash(v->dom, "triple fault on vcpu%u at rip %#lx", v->id, v->arch.regs.rip);
	return VIRT_STOPPED;
}

static enum virt_action exit_init(struct vcpu *v)
{
	domain_crash(v->dom, "INIT signal while vcpu%u ran", v->id);
	return VIRT_STOPPED;
}

static enum virt_action exit_task_switch(struct vcpu *v)
{
	domain_crash(v->dom, "hardware task switch on vcpu%u (not supported)", v->id);
	return VIRT_STOPPED;
}

/*
 * True if the VMCB holds this hypervisor's own CPU state (its page
 * tables, its code segment, a RIP in its image) instead of the guest's.
 * QEMU 7.2's TCG does this when CPU 0 regains nested paging right after a
 * #VMEXIT: its first fetch faults and a second, bogus #VMEXIT saves the
 * host's state over the guest's, which is lost (docs/development.md,
 * "Known emulator problems"; boot_cpu=auto keeps CPU 0 out of guests).
 */
static bool ran_with_host_state(const struct vmcb *vmcb)
{
	return vmcb->save.cr3 == read_cr3() && vmcb->save.cs.selector == SEL_CODE64 &&
	       vmcb->save.rip >= HV_VIRT_BASE;
}

/* Nested page fault: a device's MMIO range (emulated), or memory the
 * guest does not own (the domain is stopped). */
static enum virt_action exit_npf(struct vcpu *v)
{
	const struct vmcb_control *c = &v->arch.vmcb->control;
	const char *why = NULL;
	bool write = (c->exit_info1 & NPF_WRITE) != 0;
	int err = (c->exit_info1 & NPF_FETCH) ? -ENOENT
					      : x86_mmio_exit(v, c->exit_info2, write, &why);

	if (err == -ENOENT) {
		/* Ballooned or dropped RAM: a fresh page (domain/balloon.c). */
		err = balloon_fault(v->dom, c->exit_info2);
		if (err == -ENOMEM) {
			domain_crash(v->dom, "out of memory: no free page to populate guest-physical "
				     "%#lx (vcpu%u)", c->exit_info2, v->id);
			return VIRT_STOPPED;
		}
	}
	if (err == 0)
		return VIRT_CONTINUE;
	if (err != -ENOENT) {
		domain_crash(v->dom, "vcpu%u MMIO %s at %#lx failed: %s (rip %#lx)", v->id,
			     write ? "write" : "read", c->exit_info2, why, v->arch.regs.rip);
		return VIRT_STOPPED;
	}
	if (ran_with_host_state(v->arch.vmcb)) {
		domain_crash(v->dom, "vcpu%u ran with the hypervisor's own CPU state instead of its "
			     "VMCB's (cr3 %#lx rip %#lx): an emulator fault, see docs/development.md",
			     v->id, v->arch.vmcb->save.cr3, v->arch.regs.rip);
		return VIRT_STOPPED;
	}
	domain_crash(v->dom, "vcpu%u %s guest-physical %#lx, which is not its memory (rip %#lx)",
		     v->id, (c->exit_info1 & NPF_FETCH) ? "executed at" :
		     (c->exit_info1 & NPF_WRITE) ? "wrote to" : "read from",
		     c->exit_info2, v->arch.regs.rip);
	return VIRT_STOPPED;
}

static const exit_handler handlers[] = {
	[SVM_EXIT_WRITE_CR0] = exit_write_cr0,
	[SVM_EXIT_WRITE_CR0 + 4] = exit_write_cr4,
	[SVM_EXIT_INTR] = exit_nothing,
	[SVM_EXIT_NMI] = exit_nothing,
	[SVM_EXIT_SMI] = exit_nothing,
	[SVM_EXIT_INIT] = exit_init,
	[SVM_EXIT_VINTR] = exit_vintr,
	[SVM_EXIT_RDPMC] = exit_gp,
	[SVM_EXIT_CPUID] = exit_cpuid,
	[SVM_EXIT_RSM] = exit_ud,
	[SVM_EXIT_INVD] = exit_cache_flush,
	[SVM_EXIT_HLT] = exit_hlt,
	[SVM_EXIT_INVLPGA] = exit_ud,
	[SVM_EXIT_IOIO] = exit_ioio,
	[SVM_EXIT_MSR] = exit_msr,
	[SVM_EXIT_TASK_SWITCH] = exit_task_switch,
	[SVM_EXIT_FERR_FREEZE] = exit_nothing,
	[SVM_EXIT_SHUTDOWN] = exit_shutdown,
	[SVM_EXIT_VMRUN] = exit_ud,
	[SVM_EXIT_VMMCALL] = exit_vmmcall,
	[SVM_EXIT_VMLOAD] = exit_ud,
	[SVM_EXIT_VMSAVE] = exit_ud,
	[SVM_EXIT_STGI] = exit_ud,
	[SVM_EXIT_CLGI] = exit_ud,
	[SVM_EXIT_SKINIT] = exit_ud,
	[SVM_EXIT_ICEBP] = exit_ud,
	[SVM_EXIT_WBINVD] = exit_cache_flush,
	[SVM_EXIT_MONITOR] = exit_ud,
	[SVM_EXIT_MWAIT] = exit_ud,
	[SVM_EXIT_MWAIT_COND] = exit_ud,
	[SVM_EXIT_XSETBV] = exit_xsetbv,
	[SVM_EXIT_RDPRU] = exit_ud,
};

enum virt_action svm_handle_exit(struct vcpu *v)
{
	uint64_t code = v->arch.vmcb->control.exit_code;

	if (code == SVM_EXIT_NPF)
		return exit_npf(v);
	if (code < ARRAY_SIZE(handlers) && handlers[code])
		return handlers[code](v);
	if (code == SVM_EXIT_INVALID || code == 0xffffffffu)
		domain_crash(v->dom, "VMRUN refused vcpu%u's state (invalid guest state)", v->id);
	else
		domain_crash(v->dom, "unexpected exit %#lx on vcpu%u (info %#lx %#lx)",
			     code, v->id, v->arch.vmcb->control.exit_info1,
			     v->arch.vmcb->control.exit_info2);
	return VIRT_STOPPED;
}
