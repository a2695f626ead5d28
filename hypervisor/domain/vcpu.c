/*
 * vcpu.c - running a vCPU on the current pCPU, and getting events to it.
 *
 * vcpu_run() loops: leave if the domain is stopping (park) or the pCPU must
 * reschedule; fire the vCPU's APIC timer if due; program the pCPU timer;
 * enter the guest once; act on the exit (halt, yield, stop, continue).
 *
 * A halt blocks the vCPU only if no wake-up is already pending, decided
 * under the scheduler lock: whoever posts an interrupt sets the IRR bit
 * first and then takes the same lock to wake, so a wake-up is never lost
 * between the check and the block.
 */
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/schedule.h"
#include "hv/time.h"
#include "x86/virt.h"
#include "x86/vlapic.h"
#include "x86/percpu.h"
#include "x86/apic.h"
#include "x86/trap.h"
#include "x86/cpu.h"
#include "x86/kvm_pv.h"

bool vcpu_has_wakeup(struct vcpu *v)
{
	const struct vlapic *l = &v->arch.vlapic;

	if (l->init_pending || (v->wait_sipi && l->sipi_vector >= 0))
		return true;
	if (v->wait_sipi)
		return false;
	if (l->nmi_pending)
		return true;
	return vlapic_pending_vector(l) >= 0 && (v->arch.regs.rflags & RFLAGS_IF);
}

void vcpu_kick(struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();
	uint64_t kick_mask = 0;

	if (v->sched.state == SCHED_BLOCKED && v->halted && !v->parked &&
	    vcpu_has_wakeup(v)) {
		schedule_wake_locked(v);
	} else if (v->sched.state == SCHED_RUNNING && v->sched.pcpu >= 0 &&
		   v->sched.pcpu != this_cpu()->sched.index) {
		kick_mask = 1ull << v->sched.pcpu;
	}
	uint64_t kicks = sched_take_kicks(schedule_state());
	sched_unlock_irqrestore(f);
	schedule_send_kicks(kicks);
	/* A running vCPU only needs to leave the guest to see the event. */
	if (kick_mask)
		lapic_send_ipi(percpu_areas[schedule_cpu_of((unsigned)__builtin_ctzll(kick_mask))].apic_id,
			       VECTOR_KICK);
}

void vcpu_post_interrupt(struct vcpu *v, uint8_t vector)
{
	if (vlapic_set_irr(&v->arch.vlapic, vector))
		vcpu_kick(v);
}

/* Parks v, which runs here, because its domain is stopping. */
static void park(struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();

	sched_vcpu_block(schedule_state(), &v->sched, schedule_now());
	v->parked = true;
	uint64_t kicks = sched_take_kicks(schedule_state());
	sched_unlock_irqrestore(f);
	schedule_send_kicks(kicks);
}

/* The guest halted. Returns true if v blocked (it leaves the pCPU). */
static bool halt(struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();

	if (vcpu_has_wakeup(v)) {
		sched_unlock_irqrestore(f);
		return false;
	}
	v->halted = true;
	sched_vcpu_block(schedule_state(), &v->sched, schedule_now());
	if (v->arch.vlapic.deadline_ns)
		schedule_wake_at(v, v->arch.vlapic.deadline_ns);
	uint64_t kicks = sched_take_kicks(schedule_state());
	sched_unlock_irqrestore(f);
	schedule_send_kicks(kicks);
	return true;
}

static void yield(struct vcpu *v)
{
	uint64_t f = sched_lock_irqsave();

	sched_vcpu_yield(schedule_state(), &v->sched, schedule_now());
	sched_unlock_irqrestore(f);
}

/*
 * INIT and STARTUP IPIs (Intel SDM vol. 3A, 8.4.4 "MP Initialization"):
 * INIT resets the vCPU into waiting for a STARTUP; a STARTUP to a waiting
 * vCPU starts it in real mode at the vector's page, and is ignored
 * otherwise. Returns true if the vCPU may enter the guest now.
 */
static bool init_sipi(struct vcpu *v)
{
	struct vlapic *l = &v->arch.vlapic;

	if (__atomic_exchange_n(&l->init_pending, false, __ATOMIC_ACQ_REL)) {
		int sipi = l->sipi_vector;
		vlapic_init(l, v->id);
		l->sipi_vector = sipi;
		v->wait_sipi = true;
	}
	int vec = __atomic_exchange_n(&l->sipi_vector, -1, __ATOMIC_ACQ_REL);
	if (!v->wait_sipi)
		return true;
	if (vec < 0)
		return false;
	struct virt_boot_state b = { .mode = VIRT_BOOT_REAL, .sipi_vector = (uint8_t)vec };
	virt_vcpu_set_boot_state(v, &b);
	virt_vcpu_load(v);              /* the reset FPU state */
	v->wait_sipi = false;
	return true;
}

static bool domain_runs(const struct domain *d)
{
	return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) == DOMAIN_RUNNING &&
	       !__atomic_load_n(&d->stopping, __ATOMIC_ACQUIRE);
}

bool vcpu_run(struct vcpu *v)
{
	struct sched_cpu *s = &this_cpu()->sched;
	bool parked = false;

	s->current = v;
	schedule_wake_cancel(v);
	virt_vcpu_load(v);
	kvm_pv_vcpu_scheduled(v);
	for (;;) {
		if (!domain_runs(v->dom)) {
			park(v);
			parked = true;
			break;
		}
		if (!init_sipi(v)) {
			if (halt(v))
				break;
			continue;
		}
		vlapic_timer_update(v, time_now_ns());
		if (s->need_resched)
			break;
		schedule_program_timer(v);
		enum virt_action a = virt_vcpu_enter(v);
		if (a == VIRT_HALT && halt(v))
			break;
		if (a == VIRT_YIELD) {
			yield(v);
			break;
		}
	}
	virt_vcpu_put(v);
	s->current = NULL;
	return parked;
}
