/*
 * svm_events.c - getting interrupts and exceptions into the guest
 * (APM vol. 2, 15.20 "Event Injection", 15.21 "Interrupt and LDTR Control").
 *
 * Before each entry: an event already queued (an exception from an exit
 * handler, or one whose delivery an exit interrupted) goes first; else an
 * NMI; else the highest deliverable interrupt of the virtual APIC, injected
 * through EVENTINJ if the guest can take it now (IF=1, no interrupt
 * shadow). If it cannot, we ask for an "interrupt window": V_IRQ set with
 * the VINTR intercept, so the CPU exits as soon as the guest could take a
 * virtual interrupt, and the next entry injects the real one.
 */
#include "svm_internal.h"
#include "hv/vcpu.h"
#include "x86/cpu.h"

#define WINDOW_BITS (INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR | (0xfull << INT_CTL_V_INTR_PRIO_SHIFT))

bool virt_interrupts_enabled(struct vcpu *v)
{
	return (v->arch.regs.rflags & RFLAGS_IF) &&
	       !(v->arch.vmcb->control.int_state & INT_STATE_SHADOW);
}

static void set_window(struct vcpu *v, bool on)
{
	struct vmcb *vmcb = v->arch.vmcb;
	bool now = (vmcb->control.int_ctl & INT_CTL_V_IRQ) != 0;

	if (now == on)
		return;
	if (on)
		vmcb_set_int_ctl(vmcb, vmcb->control.int_ctl | WINDOW_BITS);
	else
		vmcb_set_int_ctl(vmcb, vmcb->control.int_ctl & ~WINDOW_BITS);
	vmcb_set_intercept1(vmcb, INTERCEPT1_VINTR, on);
}

void virt_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			   uint32_t error)
{
	uint64_t ev = EVENT_VALID | EVENT_TYPE_EXCEPTION | vector;

	if (has_error)
		ev |= EVENT_ERROR_VALID | ((uint64_t)error << EVENT_ERROR_SHIFT);
	v->arch.vmcb->control.event_inj = ev;
}

void svm_inject_pending(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vlapic *l = &v->arch.vlapic;

	if (vmcb->control.event_inj & EVENT_VALID)
		return;
	if (l->nmi_pending) {
		l->nmi_pending = false;
		vmcb->control.event_inj = EVENT_VALID | EVENT_TYPE_NMI | 2;
		return;
	}
	int vec = vlapic_pending_vector(l);
	if (vec < 0) {
		set_window(v, false);
		return;
	}
	if (!virt_interrupts_enabled(v)) {
		set_window(v, true);
		return;
	}
	set_window(v, false);
	vlapic_ack(l, (uint8_t)vec);
	vmcb->control.event_inj = EVENT_VALID | EVENT_TYPE_INTR | (uint64_t)vec;
}

void svm_events_after_exit(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->control;

	/* An event cut short by the exit is delivered again, unchanged; one
	 * that was delivered has left EVENTINJ. */
	c->event_inj = (c->exit_int_info & EVENT_VALID) ? c->exit_int_info : 0;
}
