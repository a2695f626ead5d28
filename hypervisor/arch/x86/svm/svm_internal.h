/*
 * svm_internal.h - what the files of the SVM back-end share.
 */
#ifndef SVM_INTERNAL_H
#define SVM_INTERNAL_H

#include <stdint.h>
#include <stdbool.h>
#include "x86/vmcb.h"
#include "x86/virt.h"

struct vcpu;
struct percpu;

/* Per pCPU: host save area and ASIDs (svm_vcpu.c). 0 or -ENOMEM. */
int svm_init_cpu(struct percpu *c);

void svm_vmrun(uint64_t vmcb_pa, void *regs, uint64_t host_pa);

/* VMCB setters that keep the clean bits right (vmcb.c). */
void vmcb_mark_all_dirty(struct vmcb *vmcb);
void vmcb_set_intercept1(struct vmcb *vmcb, uint32_t bits, bool on);
void vmcb_set_int_ctl(struct vmcb *vmcb, uint64_t int_ctl);
void vmcb_set_asid(struct vmcb *vmcb, uint32_t asid);
void vmcb_set_efer(struct vmcb *vmcb, uint64_t efer);
void vmcb_set_g_pat(struct vmcb *vmcb, uint64_t pat);
void vmcb_set_tsc_offset(struct vmcb *vmcb, uint64_t offset);

/* Event injection before an entry (svm_events.c). */
void svm_inject_pending(struct vcpu *v);
/* After an exit: an event whose delivery the exit interrupted is queued
 * again, and an interrupt the CPU accepted is acknowledged. */
void svm_events_after_exit(struct vcpu *v);

/* CR0/CR4 write intercepts (svm_cr.c). */
enum virt_action svm_exit_cr_write(struct vcpu *v, unsigned cr);

/* Exit dispatch (svm_exit.c). */
enum virt_action svm_handle_exit(struct vcpu *v);

/*
 * Length of the intercepted instruction at the guest's RIP, which must be
 * `opcode` (n bytes) after optional legacy and REX prefixes. QEMU's SVM
 * has no NRIP save, so the hypervisor reads the instruction itself.
 * Returns the length, or a negative errno if it cannot be read or is not
 * that instruction (the caller crashes the domain).
 */
int svm_insn_length(struct vcpu *v, const uint8_t *opcode, unsigned n);
/* Advances RIP past the intercepted instruction (see above). False, with
 * the domain crashed, if it cannot. */
bool svm_skip_insn(struct vcpu *v, const uint8_t *opcode, unsigned n);

/* Marks v as in the guest and asks for a TLB flush if its domain's nested
 * mappings lost a page since v last entered (svm_tlb.c). Interrupts off,
 * right before VMRUN. */
void svm_tlb_before_entry(struct vcpu *v);

#endif
