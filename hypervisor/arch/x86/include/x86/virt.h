/*
 * virt.h - the interface between generic vCPU code and the vendor
 * virtualisation back-end (arch/x86/svm/ implements it; a VT-x back-end
 * would implement the same functions).
 *
 * Every function runs on the pCPU that runs the vCPU, with interrupts
 * off, except virt_vcpu_create/destroy.
 */
#ifndef X86_VIRT_H
#define X86_VIRT_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;

/* What the vCPU's loop does after one guest entry and its exit. */
enum virt_action {
	VIRT_CONTINUE,     /* enter the guest again (if nothing else is due) */
	VIRT_HALT,         /* the guest halted: block unless an event is due */
	VIRT_YIELD,        /* the guest gave up the CPU */
	VIRT_STOPPED,      /* the exit stopped the domain */
};

/* Starting register state a vCPU is put in. */
enum virt_boot_mode {
	VIRT_BOOT_LONG64,  /* long mode, paging on: the fields below */
	VIRT_BOOT_REAL,    /* real mode at CS:IP = (sipi_vector << 8):0, as a
			    * STARTUP IPI leaves an application processor */
};

struct virt_boot_seg {
	uint16_t selector;
	uint16_t attrib;          /* VMCB format: descriptor bits 40-47, 52-55 */
};

struct virt_boot_state {
	enum virt_boot_mode mode;
	uint64_t rip, rsp, rdi, rsi;
	/* LONG64 */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	struct virt_boot_seg cs, ds;   /* ds also for ES and SS */
	/* REAL */
	uint8_t sipi_vector;
};

/* Allocates the control block and FPU state. 0 or -ENOMEM. */
int virt_vcpu_create(struct vcpu *v);
void virt_vcpu_destroy(struct vcpu *v);
/* Puts the vCPU in a starting state (registers, segments, control). */
void virt_vcpu_set_boot_state(struct vcpu *v, const struct virt_boot_state *s);

/* Loads what VMRUN does not switch (FPU, DR0-3) before a run of the
 * vCPU on this pCPU; saves it afterwards. */
void virt_vcpu_load(struct vcpu *v);
void virt_vcpu_put(struct vcpu *v);

/* Injects pending events, enters the guest once, handles the exit. */
enum virt_action virt_vcpu_enter(struct vcpu *v);

/* Queues a hardware exception for the next entry. */
void virt_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			   uint32_t error);
/* True if the guest could take an external interrupt now (IF=1, no
 * interrupt shadow). */
bool virt_interrupts_enabled(struct vcpu *v);

/* Guest state the generic exit handlers read. */
unsigned virt_guest_cpl(struct vcpu *v);
uint64_t virt_guest_tsc_offset(struct vcpu *v);

/* The host TSC value for a guest TSC value. */
uint64_t virt_host_tsc(struct vcpu *v, uint64_t guest_tsc);

/* What translating the guest's addresses needs. */
struct virt_guest_mode {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t cs_base;
	bool cs_long;            /* CS.L: 64-bit code */
	bool cs_32;              /* CS.D: 32-bit default size */
};
void virt_get_guest_mode(struct vcpu *v, struct virt_guest_mode *m);

/* The domain's part of the vendor state (permission maps). */
struct domain;
int virt_domain_create(struct domain *d);
void virt_domain_destroy(struct domain *d);
/* Lets the domain reach ports [port, port + count) directly (false) or
 * intercepts them (true, the default). dom0 only: its passed-through
 * devices (APM vol. 2, 15.10.1). */
void virt_domain_pio_intercept(struct domain *d, uint32_t port, uint32_t count,
			       bool intercept);
/* After the domain's nested page tables lost mappings: every vCPU takes
 * a fresh ASID at its next entry (a TLB flush), running ones are kicked. */
void virt_domain_flush_npt(struct domain *d);

#endif
