/*
 * svm_cr.c - the intercepted CR0 and CR4 writes (MOV to CR, CLTS, LMSW).
 *
 * Without decode assists the exit does not say which register held the
 * value, so the instruction at RIP is decoded. The checks are the CPU's
 * own (x86/cr_guest.h); a refused write gets #GP and changes nothing. An
 * accepted write flushes the guest's TLB entries, as the instruction
 * itself would have (Linux flushes global pages by toggling CR4.PGE).
 */
#include "svm_internal.h"
#include "x86/cr_guest.h"
#include "x86/decode.h"
#include "x86/guest_access.h"
#include "x86/cpu.h"
#include "x86/trap.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/errno.h"

#define CR0_TS_BIT (1ull << 3)

static int decode_at_rip(struct vcpu *v, struct x86_insn *insn)
{
	struct virt_guest_mode m;
	uint8_t bytes[15];
	unsigned got;

	if (guest_fetch_insn(v, bytes, sizeof(bytes), &got))
		return -EFAULT;
	virt_get_guest_mode(v, &m);
	enum x86_mode mode = x86_decode_mode(m.cr0 & CR0_PE, v->arch.regs.rflags & (1u << 17),
					     m.efer & EFER_LMA, m.cs_long, m.cs_32);
	return x86_decode_insn(insn, bytes, got, mode);
}

/* The value the instruction writes to CR `cr`, or -EINVAL if it is not a
 * CR0/CR4 write we emulate (LMSW from memory). */
static int new_value(struct vcpu *v, const struct x86_insn *insn, unsigned cr, uint64_t *val)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;

	if (insn->map == X86_MAP_0F && insn->opcode == 0x22 && insn->reg == cr) {
		*val = v->arch.regs.gpr[insn->rm & 15];
		if (insn->mode != X86_MODE_64)
			*val &= 0xffffffff;
		return 0;
	}
	if (cr == 0 && insn->map == X86_MAP_0F && insn->opcode == 0x06) {
		*val = s->cr0 & ~CR0_TS_BIT;                     /* CLTS */
		return 0;
	}
	if (cr == 0 && insn->map == X86_MAP_0F && insn->opcode == 0x01 &&
	    (insn->modrm >> 3 & 7) == 6 && insn->mod == 3) {     /* LMSW reg */
		uint64_t msw = v->arch.regs.gpr[insn->rm & 15] & 0xf;
		/* LMSW sets PE but never clears it, and touches only bits 0-3. */
		*val = (s->cr0 & ~0xeull) | msw | (s->cr0 & CR0_PE);
		return 0;
	}
	return -EINVAL;
}

enum virt_action svm_exit_cr_write(struct vcpu *v, unsigned cr)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct x86_insn insn;
	uint64_t val;
	struct virt_guest_mode m;

	if (decode_at_rip(v, &insn) || new_value(v, &insn, cr, &val)) {
		domain_crash(v->dom, "vcpu%u: cannot emulate the CR%u write at rip %#lx",
			     v->id, cr, v->arch.regs.rip);
		return VIRT_STOPPED;
	}
	virt_get_guest_mode(v, &m);
	struct x86_cr_state st = { vmcb->save.cr0, vmcb->save.cr4, vmcb->save.efer, m.cs_long };
	if (x86_cr_write(&st, cr, val)) {
		virt_inject_exception(v, VEC_GP, true, 0);
		return VIRT_CONTINUE;
	}
	vmcb->save.cr0 = st.cr0;
	vmcb->save.cr4 = st.cr4;
	vmcb_set_efer(vmcb, st.efer | EFER_SVME);     /* clears the CRx clean bit */
	vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ASID;
	v->arch.regs.rip += insn.len;
	return VIRT_CONTINUE;
}
