/*
 * vlapic.h - the virtual local APIC of a vCPU, in x2APIC mode only
 * (registers are MSRs 0x800-0x8ff; no MMIO on any path), with the
 * TSC-deadline, one-shot and periodic timer modes and IPIs between the
 * vCPUs of one domain (Intel SDM vol. 3A, 10.12 "Extended xAPIC"; AMD APM
 * vol. 2, 16.11 "x2APIC").
 *
 * Ownership: everything but irr[] belongs to the vCPU's own thread of
 * control (the pCPU running it, or nobody while it does not run). irr[]
 * is also set by other pCPUs (IPIs, device interrupts), atomically.
 */
#ifndef X86_VLAPIC_H
#define X86_VLAPIC_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;

/* The virtual APIC timer counts at 1 GHz before the divider. */
#define VLAPIC_TIMER_HZ 1000000000ull

enum vlapic_lvt {
	VLAPIC_LVT_TIMER,
	VLAPIC_LVT_THERMAL,
	VLAPIC_LVT_PMC,
	VLAPIC_LVT_LINT0,
	VLAPIC_LVT_LINT1,
	VLAPIC_LVT_ERROR,
	VLAPIC_LVT_CMCI,
	VLAPIC_NR_LVT,
};

struct vlapic {
	uint32_t id;                  /* x2APIC ID = vCPU index */
	uint32_t irr[8];              /* requested, set atomically by anyone */
	uint32_t isr[8];              /* in service */
	uint32_t tmr[8];              /* trigger mode (level) */
	uint32_t tpr;
	uint32_t svr;
	uint32_t esr;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint64_t icr;                 /* last interrupt command written */
	uint32_t timer_dcr;           /* divide configuration */
	uint32_t timer_icr;           /* initial count */
	uint64_t timer_start_ns;      /* when the count was (re)loaded */
	uint64_t tsc_deadline;        /* guest TSC, TSC-deadline mode; 0 off */
	uint64_t deadline_ns;         /* next expiry on the hypervisor clock,
				       * 0 = none (derived from the above) */
	volatile bool nmi_pending;
	volatile bool init_pending;   /* INIT IPI received */
	volatile int sipi_vector;     /* STARTUP IPI received: vector, or -1 */
};

void vlapic_init(struct vlapic *l, uint32_t id);

/* x2APIC MSR access from the guest: 0, or -EINVAL for #GP. */
int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
/* IA32_TSC_DEADLINE (MSR 0x6e0). */
uint64_t vlapic_get_tsc_deadline(struct vcpu *v);
void vlapic_set_tsc_deadline(struct vcpu *v, uint64_t guest_tsc);

/* Marks vector requested; any pCPU. True if it was not requested yet. */
bool vlapic_set_irr(struct vlapic *l, uint8_t vector);
/* Highest requested vector whose priority class beats the processor
 * priority, or -1. */
int vlapic_pending_vector(const struct vlapic *l);
/* The vector was injected: move it from IRR to ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vector);
/* Fires the timer if its deadline passed at now (raising its vector)
 * and re-arms a periodic timer. Returns the next deadline (0 = none). */
uint64_t vlapic_timer_update(struct vcpu *v, uint64_t now);

#endif
