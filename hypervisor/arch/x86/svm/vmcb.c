/*
 * vmcb.c - VMCB setters for the fields that change after a vCPU has run,
 * each clearing its clean bit (APM vol. 2, 15.15.3 "VMCB Clean Bits").
 * Fields outside every clean group (EVENTINJ, RIP, RSP, RAX, RFLAGS,
 * TLB_CONTROL) are written directly.
 */
#include "svm_internal.h"

void vmcb_mark_all_dirty(struct vmcb *vmcb)
{
	vmcb->control.clean = 0;
}

void vmcb_set_intercept1(struct vmcb *vmcb, uint32_t bits, bool on)
{
	if (on)
		vmcb->control.intercept_misc1 |= bits;
	else
		vmcb->control.intercept_misc1 &= ~bits;
	vmcb->control.clean &= ~VMCB_CLEAN_INTERCEPTS;
}

void vmcb_set_int_ctl(struct vmcb *vmcb, uint64_t int_ctl)
{
	vmcb->control.int_ctl = int_ctl;
	vmcb->control.clean &= ~VMCB_CLEAN_TPR;
}

void vmcb_set_asid(struct vmcb *vmcb, uint32_t asid)
{
	vmcb->control.asid = asid;
	vmcb->control.clean &= ~VMCB_CLEAN_ASID;
}

void vmcb_set_efer(struct vmcb *vmcb, uint64_t efer)
{
	vmcb->save.efer = efer;
	vmcb->control.clean &= ~VMCB_CLEAN_CRX;
}

void vmcb_set_g_pat(struct vmcb *vmcb, uint64_t pat)
{
	vmcb->save.g_pat = pat;
	vmcb->control.clean &= ~VMCB_CLEAN_NP;
}

void vmcb_set_tsc_offset(struct vmcb *vmcb, uint64_t offset)
{
	vmcb->control.tsc_offset = offset;
	vmcb->control.clean &= ~VMCB_CLEAN_INTERCEPTS;
}
