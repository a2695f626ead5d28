/*
 * svm_vcpu.c - a vCPU's VMCB: creation, starting state, the intercepts,
 * ASIDs, and one guest entry (APM vol. 2, 15).
 *
 * Intercepts (what the guest may not do by itself):
 *   - physical interrupts, NMI, SMI, INIT: the host takes them (after STGI)
 *   - CR0 and CR4 writes, checked as the CPU would (svm_cr.c)
 *   - CPUID, MSRs (permission map: a few pass through, see svm_domain.c),
 *     I/O ports (all), HLT, VMMCALL, XSETBV, INVD, WBINVD, RDPMC
 *   - every SVM instruction (VMRUN is required by hardware; the guest sees
 *     no SVM), MONITOR/MWAIT, RSM, INVLPGA, task switches, shutdown
 * Nested paging is on with the domain's tables; guest CR0/CR3/CR4 and page
 * faults stay the guest's own. V_INTR_MASKING keeps the guest's IF from
 * masking physical interrupts.
 *
 * ASIDs: each pCPU hands out ASIDs 1..max in generations; a vCPU entering
 * a pCPU where its ASID is not current gets a fresh one, and the first
 * entry of a new generation flushes the whole TLB (so an ASID is never
 * shared by two guests' stale entries).
 */
#include "svm_internal.h"
#include "x86/fpu.h"
#include "x86/percpu.h"
#include "x86/cpu.h"
#include "x86/layout.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "hv/panic.h"
#include "hv/log.h"

#define GUEST_PAT_DEFAULT 0x0007040600070406ull   /* power-on PAT */

static void init_intercepts(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->control;

	c->intercept_cr = (1u << (16 + 0)) | (1u << (16 + 4));  /* CR0, CR4 writes */
	c->intercept_misc1 = INTERCEPT1_INTR | INTERCEPT1_NMI | INTERCEPT1_SMI |
		INTERCEPT1_INIT | INTERCEPT1_RDPMC | INTERCEPT1_CPUID |
		INTERCEPT1_RSM | INTERCEPT1_INVD | INTERCEPT1_HLT |
		INTERCEPT1_INVLPGA | INTERCEPT1_IOIO | INTERCEPT1_MSR |
		INTERCEPT1_TASK_SWITCH | INTERCEPT1_FERR_FREEZE |
		INTERCEPT1_SHUTDOWN;
	c->intercept_misc2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL |
		INTERCEPT2_VMLOAD | INTERCEPT2_VMSAVE | INTERCEPT2_STGI |
		INTERCEPT2_CLGI | INTERCEPT2_SKINIT | INTERCEPT2_WBINVD |
		INTERCEPT2_MONITOR | INTERCEPT2_MWAIT | INTERCEPT2_MWAIT_COND |
		INTERCEPT2_XSETBV | INTERCEPT2_RDPRU | INTERCEPT2_ICEBP;
	c->iopm_base_pa = v->dom->iopm_pa;
	c->msrpm_base_pa = v->dom->msrpm_pa;
	c->tsc_offset = v->dom->tsc_offset;
	c->int_ctl = INT_CTL_V_INTR_MASKING;
	c->nested_ctl = NESTED_CTL_NP_ENABLE;
	c->n_cr3 = v->dom->npt.root_pa;
	c->clean = 0;
}

int virt_vcpu_create(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned size = fpu_area_size();

	a->vmcb_pa = page_alloc_zeroed(0);
	if (!a->vmcb_pa)
		return -ENOMEM;
	a->xsave_order = size <= 4096 ? 0 : size <= 8192 ? 1 : 2;
	a->xsave_pa = page_alloc(a->xsave_order);
	if (!a->xsave_pa) {
		page_free(a->vmcb_pa, 0);
		a->vmcb_pa = 0;
		return -ENOMEM;
	}
	a->vmcb = phys_to_virt(a->vmcb_pa);
	a->xsave = phys_to_virt(a->xsave_pa);
	fpu_area_init(a->xsave);
	a->xcr0 = XCR0_X87 | XCR0_SSE;
	a->asid_cpu = -1;
	a->vmcb_cpu = -1;
	vlapic_init(&a->vlapic, v->id);
	init_intercepts(v);
	return 0;
}

void virt_vcpu_destroy(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	if (a->xsave_pa)
		page_free(a->xsave_pa, a->xsave_order);
	if (a->vmcb_pa)
		page_free(a->vmcb_pa, 0);
	a->xsave_pa = a->vmcb_pa = 0;
	a->vmcb = NULL;
	a->xsave = NULL;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		    uint32_t limit, uint64_t base)
{
	*s = (struct vmcb_seg){ sel, attrib, limit, base };
}

/* Long mode, paging on (test kernels, Linux's 64-bit entry). */
static void boot_long64(struct vcpu *v, const struct virt_boot_state *b)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_seg(&s->cs, b->cs.selector, b->cs.attrib, 0xffffffff, 0);
	set_seg(&s->ds, b->ds.selector, b->ds.attrib, 0xffffffff, 0);
	s->es = s->ss = s->ds;
	set_seg(&s->fs, 0, 0, 0, 0);
	set_seg(&s->gs, 0, 0, 0, 0);
	set_seg(&s->gdtr, 0, 0, b->gdt_limit, b->gdt_base);
	set_seg(&s->idtr, 0, 0, 0, 0);
	s->cpl = 0;
	s->efer = b->efer | EFER_SVME;
	s->cr0 = b->cr0;
	s->cr4 = b->cr4;
	s->cr3 = b->cr3;
}

/* Real mode at the STARTUP IPI's page (Intel SDM vol. 3A, 8.4.4.1; the
 * state after INIT, 9.1.1, with CS from the SIPI vector). */
static void boot_real(struct vcpu *v, const struct virt_boot_state *b)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_seg(&s->cs, (uint16_t)(b->sipi_vector << 8), 0x9b, 0xffff,
		(uint64_t)b->sipi_vector << 12);
	set_seg(&s->ds, 0, 0x93, 0xffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	set_seg(&s->gdtr, 0, 0, 0xffff, 0);
	set_seg(&s->idtr, 0, 0, 0x3ff, 0);
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = (1ul << 4) /* ET */ | (1ul << 29) /* NW */ | (1ul << 30) /* CD */;
	s->cr4 = 0;
	s->cr3 = 0;
}

void virt_vcpu_set_boot_state(struct vcpu *v, const struct virt_boot_state *b)
{
	struct arch_vcpu *a = &v->arch;
	struct vmcb_save *s = &a->vmcb->save;

	memset(&a->regs, 0, sizeof(a->regs));
	if (b->mode == VIRT_BOOT_REAL)
		boot_real(v, b);
	else
		boot_long64(v, b);
	set_seg(&s->ldtr, 0, SEG_ATTR_LDT, 0, 0);
	set_seg(&s->tr, 0, SEG_ATTR_TSS64_BUSY, 0x67, 0);
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = GUEST_PAT_DEFAULT;
	a->vmcb->control.event_inj = 0;
	a->vmcb->control.int_state = 0;
	a->regs.rip = b->rip;
	a->regs.rflags = 0x2;
	a->regs.gpr[X86_GPR_RSP] = b->rsp;
	a->regs.gpr[X86_GPR_RDI] = b->rdi;
	a->regs.gpr[X86_GPR_RSI] = b->rsi;
	if (b->mode == VIRT_BOOT_REAL)       /* EDX after reset: CPU signature */
		a->regs.gpr[X86_GPR_RDX] = cpuid(1, 0).eax;
	a->xcr0 = b->mode == VIRT_BOOT_REAL ? XCR0_X87 : XCR0_X87 | XCR0_SSE;
	fpu_area_init(a->xsave);
	vmcb_mark_all_dirty(a->vmcb);
}

void virt_vcpu_load(struct vcpu *v)
{
	const uint64_t *dr = v->arch.dr;

	fpu_set_xcr0(v->arch.xcr0);
	fpu_restore(v->arch.xsave);
	__asm__ volatile("mov %0, %%db0" : : "r"(dr[0]));
	__asm__ volatile("mov %0, %%db1" : : "r"(dr[1]));
	__asm__ volatile("mov %0, %%db2" : : "r"(dr[2]));
	__asm__ volatile("mov %0, %%db3" : : "r"(dr[3]));
}

void virt_vcpu_put(struct vcpu *v)
{
	uint64_t *dr = v->arch.dr;

	/* The XCR0 in the CPU is the guest's: normally what its intercepted
	 * XSETBV set, but QEMU's SVM lets XSETBV through without an exit, so
	 * read it back rather than trust our copy. */
	v->arch.xcr0 = fpu_get_xcr0();
	fpu_save(v->arch.xsave);
	__asm__ volatile("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(dr[3]));
}

static void assign_asid(struct vcpu *v, struct percpu *c)
{
	struct arch_vcpu *a = &v->arch;

	if (a->asid_cpu == (int)c->id && a->asid_generation == c->asid_generation)
		return;
	if (c->asid_next > c->asid_max) {
		c->asid_generation++;
		c->asid_next = 1;
		a->vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ALL;
	}
	a->asid = c->asid_next++;
	a->asid_cpu = (int)c->id;
	a->asid_generation = c->asid_generation;
	vmcb_set_asid(a->vmcb, a->asid);
}

enum virt_action virt_vcpu_enter(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;
	struct percpu *c = this_cpu();

	assign_asid(v, c);
	if (a->vmcb_cpu != (int)c->id) {
		vmcb_mark_all_dirty(vmcb);   /* another CPU may have cached it */
		a->vmcb_cpu = (int)c->id;
	}
	svm_inject_pending(v);
	vmcb->save.rax = a->regs.gpr[X86_GPR_RAX];
	vmcb->save.rsp = a->regs.gpr[X86_GPR_RSP];
	vmcb->save.rip = a->regs.rip;
	vmcb->save.rflags = a->regs.rflags;

	svm_tlb_before_entry(v);
	__asm__ volatile("clgi; sti" : : : "memory");
	svm_vmrun(a->vmcb_pa, &a->regs, c->host_save_pa);
	/* Out of the guest before any host interrupt handler runs (one may
	 * wait for a TLB shoot-down that waits for this, svm_tlb.c). */
	__atomic_store_n(&a->in_guest, false, __ATOMIC_RELEASE);
	__asm__ volatile("stgi; cli" : : : "memory");  /* host interrupts here */
	a->regs.gpr[X86_GPR_RAX] = vmcb->save.rax;
	a->regs.gpr[X86_GPR_RSP] = vmcb->save.rsp;
	a->regs.rip = vmcb->save.rip;
	a->regs.rflags = vmcb->save.rflags;
	vmcb->control.clean = VMCB_CLEAN_ALL;
	vmcb->control.tlb_control = TLB_CONTROL_NONE;
	a->exits++;
	svm_events_after_exit(v);
	uint64_t exit_rip = a->regs.rip;
	enum virt_action act = svm_handle_exit(v);
	/* An instruction the hypervisor completed for the guest ends any
	 * interrupt shadow it stood in (STI; HLT must not keep the shadow). */
	if (a->regs.rip != exit_rip)
		vmcb->control.int_state &= ~INT_STATE_SHADOW;
	return act;
}

unsigned virt_guest_cpl(struct vcpu *v)
{
	return v->arch.vmcb->save.cpl;
}

uint64_t virt_guest_tsc_offset(struct vcpu *v)
{
	return v->arch.vmcb->control.tsc_offset;
}

uint64_t virt_host_tsc(struct vcpu *v, uint64_t guest_tsc)
{
	return guest_tsc - v->arch.vmcb->control.tsc_offset;
}

/* Per pCPU: the host save area VMSAVE/VMLOAD use, and the ASID range. */
int svm_init_cpu(struct percpu *c)
{
	c->host_save_pa = page_alloc_zeroed(0);
	if (!c->host_save_pa)
		return -ENOMEM;
	c->asid_max = cpuid(0x8000000a, 0).ebx - 1;
	c->asid_next = 1;
	c->asid_generation = 1;
	return 0;
}
