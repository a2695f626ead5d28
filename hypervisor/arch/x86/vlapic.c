/*
 * vlapic.c - the virtual x2APIC of a vCPU (see x86/vlapic.h).
 *
 * Registers are the x2APIC MSRs (Intel SDM vol. 3A, table 10-6): ID,
 * version, TPR, PPR, EOI, LDR, SVR, ISR/TMR/IRR, ESR, ICR, the LVTs, the
 * timer's initial/current count and divider, and SELF IPI. Reads of
 * write-only registers, writes of read-only ones and reserved registers
 * raise #GP, as x2APIC hardware does.
 *
 * Delivery: a requested vector sits in IRR until the vCPU can take it and
 * its priority class beats the processor priority (PPR = max of TPR and
 * the highest in-service class); injection moves it to ISR; EOI retires
 * the highest in-service vector. All interrupts are edge-triggered.
 *
 * Timer: the divided 1 GHz count in one-shot and periodic mode, or the
 * TSC-deadline MSR. Either way the expiry is kept as deadline_ns on the
 * hypervisor clock, which the vCPU loop turns into the pCPU's one-shot
 * timer (while the vCPU runs) or its wake timer (while it is halted).
 */
#include "x86/vlapic.h"
#include "x86/virt.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/time.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define REG_ID        0x802
#define REG_VERSION   0x803
#define REG_TPR       0x808
#define REG_PPR       0x80a
#define REG_EOI       0x80b
#define REG_LDR       0x80d
#define REG_SVR       0x80f
#define REG_ISR0      0x810
#define REG_TMR0      0x818
#define REG_IRR0      0x820
#define REG_ESR       0x828
#define REG_LVT_CMCI  0x82f
#define REG_ICR       0x830
#define REG_LVT_TIMER 0x832
#define REG_LVT_ERROR 0x837
#define REG_TIMER_ICR 0x838
#define REG_TIMER_CCR 0x839
#define REG_TIMER_DCR 0x83e
#define REG_SELF_IPI  0x83f

#define SVR_ENABLE      (1u << 8)
#define LVT_MASKED      (1u << 16)
#define LVT_TIMER_MODE(l) (((l) >> 17) & 3)
#define TIMER_ONESHOT   0
#define TIMER_PERIODIC  1
#define TIMER_TSC_DEADLINE 2
/* version 0x14, 7 LVT entries (max LVT index 6), no EOI suppression */
#define VERSION_VALUE   (0x14u | (6u << 16))

#define ICR_DELIVERY(x) (((x) >> 8) & 7)
#define ICR_LOGICAL     (1u << 11)
#define ICR_SHORTHAND(x) (((x) >> 18) & 3)
#define DELIVER_FIXED   0
#define DELIVER_LOWEST  1
#define DELIVER_NMI     4
#define DELIVER_INIT    5
#define DELIVER_STARTUP 6

static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
	[VLAPIC_LVT_TIMER] = 0x000710ff,   /* vector, mask, mode */
	[VLAPIC_LVT_THERMAL] = 0x000107ff,
	[VLAPIC_LVT_PMC] = 0x000107ff,
	[VLAPIC_LVT_LINT0] = 0x0001a7ff,
	[VLAPIC_LVT_LINT1] = 0x0001a7ff,
	[VLAPIC_LVT_ERROR] = 0x000100ff,
	[VLAPIC_LVT_CMCI] = 0x000107ff,
};

void vlapic_init(struct vlapic *l, uint32_t id)
{
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->svr = 0xff;
	for (int i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
	l->sipi_vector = -1;
}

/* Highest set bit of a 256-bit register, or -1. */
static int highest(const uint32_t *bits)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t x = __atomic_load_n(&bits[w], __ATOMIC_ACQUIRE);
		if (x)
			return w * 32 + 31 - __builtin_clz(x);
	}
	return -1;
}

static uint32_t ppr(const struct vlapic *l)
{
	int isr = highest(l->isr);
	uint32_t isr_class = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

	return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

bool vlapic_set_irr(struct vlapic *l, uint8_t vector)
{
	uint32_t bit = 1u << (vector % 32);

	return !(__atomic_fetch_or(&l->irr[vector / 32], bit, __ATOMIC_ACQ_REL) & bit);
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int v = highest(l->irr);

	if (v < 16 || !(l->svr & SVR_ENABLE))
		return -1;
	return ((uint32_t)v & 0xf0) > (ppr(l) & 0xf0) ? v : -1;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
	__atomic_fetch_and(&l->irr[vector / 32], ~(1u << (vector % 32)), __ATOMIC_ACQ_REL);
	l->isr[vector / 32] |= 1u << (vector % 32);
}

static void eoi(struct vlapic *l)
{
	int v = highest(l->isr);

	if (v >= 0)
		l->isr[v / 32] &= ~(1u << (v % 32));
}

static uint64_t timer_divisor(const struct vlapic *l)
{
	uint32_t d = (l->timer_dcr & 3) | ((l->timer_dcr >> 1) & 4);

	return d == 7 ? 1 : 2ull << d;       /* 0..6 -> 2..128, 7 -> 1 */
}

static uint64_t timer_period_ns(const struct vlapic *l)
{
	return (uint64_t)l->timer_icr * timer_divisor(l) * (1000000000ull / VLAPIC_TIMER_HZ);
}

/* Recomputes deadline_ns after a change of mode, count or deadline. */
static void timer_rearm(struct vcpu *v, uint64_t now)
{
	struct vlapic *l = &v->arch.vlapic;
	uint32_t mode = LVT_TIMER_MODE(l->lvt[VLAPIC_LVT_TIMER]);

	if (mode == TIMER_TSC_DEADLINE)
		l->deadline_ns = l->tsc_deadline
			? time_ns_at_tsc(virt_host_tsc(v, l->tsc_deadline)) : 0;
	else if (l->timer_icr && mode <= TIMER_PERIODIC)
		l->deadline_ns = now + MAX(timer_period_ns(l), 1ull);
	else
		l->deadline_ns = 0;
	if (l->deadline_ns)
		l->timer_start_ns = now;
}

uint64_t vlapic_timer_update(struct vcpu *v, uint64_t now)
{
	struct vlapic *l = &v->arch.vlapic;
	uint32_t lvt = l->lvt[VLAPIC_LVT_TIMER];

	if (!l->deadline_ns || now < l->deadline_ns)
		return l->deadline_ns;
	if (!(lvt & LVT_MASKED))
		vlapic_set_irr(l, lvt & 0xff);
	if (LVT_TIMER_MODE(lvt) == TIMER_PERIODIC && l->timer_icr) {
		uint64_t period = MAX(timer_period_ns(l), 1000ull);
		uint64_t late = now - l->deadline_ns;
		l->deadline_ns = now + period - late % period;   /* skip missed */
	} else {
		l->deadline_ns = 0;
		l->tsc_deadline = 0;
	}
	return l->deadline_ns;
}

uint64_t vlapic_get_tsc_deadline(struct vcpu *v)
{
	return v->arch.vlapic.tsc_deadline;
}

void vlapic_set_tsc_deadline(struct vcpu *v, uint64_t guest_tsc)
{
	struct vlapic *l = &v->arch.vlapic;

	if (LVT_TIMER_MODE(l->lvt[VLAPIC_LVT_TIMER]) != TIMER_TSC_DEADLINE)
		return;                       /* ignored outside the mode */
	l->tsc_deadline = guest_tsc;
	timer_rearm(v, time_now_ns());
}

static uint32_t timer_current_count(const struct vlapic *l, uint64_t now)
{
	if (!l->deadline_ns || LVT_TIMER_MODE(l->lvt[VLAPIC_LVT_TIMER]) > TIMER_PERIODIC ||
	    now >= l->deadline_ns)
		return 0;
	return (uint32_t)((l->deadline_ns - now) / timer_divisor(l));
}

/* Does vCPU t match an ICR destination (x2APIC IDs and logical IDs)? */
static bool dest_matches(const struct vcpu *t, uint32_t dest, bool logical)
{
	if (dest == 0xffffffff)
		return true;
	if (!logical)
		return t->id == dest;
	return (dest >> 16) == (t->id >> 4) && (dest & (1u << (t->id & 15)));
}

static void deliver(struct vcpu *t, uint32_t mode, uint8_t vector)
{
	struct vlapic *l = &t->arch.vlapic;

	switch (mode) {
	case DELIVER_FIXED:
	case DELIVER_LOWEST:
		if (vector >= 16)
			vcpu_post_interrupt(t, vector);
		break;
	case DELIVER_NMI:
		l->nmi_pending = true;
		vcpu_kick(t);
		break;
	case DELIVER_INIT:
		l->init_pending = true;
		vcpu_kick(t);
		break;
	case DELIVER_STARTUP:
		l->sipi_vector = vector;
		vcpu_kick(t);
		break;
	default:
		break;
	}
}

static void send_ipi(struct vcpu *v, uint64_t icr)
{
	struct domain *d = v->dom;
	uint32_t shorthand = ICR_SHORTHAND(icr), mode = ICR_DELIVERY(icr);
	uint32_t dest = (uint32_t)(icr >> 32);
	uint8_t vector = icr & 0xff;

	for (uint32_t i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *t = d->vcpus[i];
		bool self = t == v, hit;
		switch (shorthand) {
		case 1: hit = self; break;
		case 2: hit = true; break;
		case 3: hit = !self; break;
		default: hit = dest_matches(t, dest, icr & ICR_LOGICAL); break;
		}
		if (hit)
			deliver(t, mode, vector);
	}
}

static uint32_t logical_id(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 15));
}

int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vlapic *l = &v->arch.vlapic;

	if (msr >= REG_ISR0 && msr < REG_ISR0 + 8) {
		*val = l->isr[msr - REG_ISR0];
		return 0;
	}
	if (msr >= REG_TMR0 && msr < REG_TMR0 + 8) {
		*val = l->tmr[msr - REG_TMR0];
		return 0;
	}
	if (msr >= REG_IRR0 && msr < REG_IRR0 + 8) {
		*val = __atomic_load_n(&l->irr[msr - REG_IRR0], __ATOMIC_RELAXED);
		return 0;
	}
	if (msr >= REG_LVT_TIMER && msr <= REG_LVT_ERROR) {
		*val = l->lvt[msr - REG_LVT_TIMER];
		return 0;
	}
	switch (msr) {
	case REG_ID: *val = l->id; return 0;
	case REG_VERSION: *val = VERSION_VALUE; return 0;
	case REG_TPR: *val = l->tpr; return 0;
	case REG_PPR: *val = ppr(l); return 0;
	case REG_LDR: *val = logical_id(l->id); return 0;
	case REG_SVR: *val = l->svr; return 0;
	case REG_ESR: *val = l->esr; return 0;
	case REG_LVT_CMCI: *val = l->lvt[VLAPIC_LVT_CMCI]; return 0;
	case REG_TIMER_ICR: *val = l->timer_icr; return 0;
	case REG_TIMER_CCR: *val = timer_current_count(l, time_now_ns()); return 0;
	case REG_TIMER_DCR: *val = l->timer_dcr; return 0;
	case REG_ICR: *val = l->icr; return 0;
	default: return -EINVAL;      /* EOI, SELF IPI, reserved: #GP */
	}
}

static int write_lvt(struct vcpu *v, unsigned idx, uint64_t val)
{
	struct vlapic *l = &v->arch.vlapic;
	uint32_t old = l->lvt[idx];

	if (val >> 32)
		return -EINVAL;
	l->lvt[idx] = (uint32_t)val & lvt_writable[idx];
	if (!(l->svr & SVR_ENABLE))
		l->lvt[idx] |= LVT_MASKED;      /* a disabled APIC keeps LVTs masked */
	if (idx == VLAPIC_LVT_TIMER && LVT_TIMER_MODE(old) != LVT_TIMER_MODE(l->lvt[idx])) {
		l->tsc_deadline = 0;            /* a mode change disarms the timer */
		l->timer_icr = 0;
		timer_rearm(v, time_now_ns());
	}
	return 0;
}

int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *l = &v->arch.vlapic;

	if (msr >= REG_LVT_TIMER && msr <= REG_LVT_ERROR)
		return write_lvt(v, msr - REG_LVT_TIMER, val);
	if (msr != REG_ICR && (val >> 32))
		return -EINVAL;
	switch (msr) {
	case REG_TPR: l->tpr = val & 0xff; return 0;
	case REG_EOI:
		if (val)
			return -EINVAL;
		eoi(l);
		return 0;
	case REG_SVR:
		l->svr = val & 0x1ff;
		if (!(l->svr & SVR_ENABLE))
			for (int i = 0; i < VLAPIC_NR_LVT; i++)
				l->lvt[i] |= LVT_MASKED;
		return 0;
	case REG_ESR:
		if (val)
			return -EINVAL;
		l->esr = 0;
		return 0;
	case REG_LVT_CMCI: return write_lvt(v, VLAPIC_LVT_CMCI, val);
	case REG_ICR:
		l->icr = val & ~(1ull << 12);   /* delivery is instant: idle */
		send_ipi(v, val);
		return 0;
	case REG_TIMER_ICR:
		if (LVT_TIMER_MODE(l->lvt[VLAPIC_LVT_TIMER]) == TIMER_TSC_DEADLINE)
			return 0;
		l->timer_icr = (uint32_t)val;
		timer_rearm(v, time_now_ns());
		return 0;
	case REG_TIMER_DCR: l->timer_dcr = val & 0xb; return 0;
	case REG_SELF_IPI:
		if (val > 0xff)
			return -EINVAL;
		if (val >= 16)
			vlapic_set_irr(l, (uint8_t)val);
		return 0;
	default: return -EINVAL;
	}
}
