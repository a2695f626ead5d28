/*
 * kvm_pv.c - kvmclock and steal time (see x86/kvm_pv.h).
 *
 * kvmclock: the guest names a 32-byte struct pvclock_vcpu_time_info per
 * vCPU; from it the guest computes its clock as
 *     system_time + scale(tsc - tsc_timestamp)
 * The TSC is invariant and synchronised across pCPUs, so one write when
 * the guest enables the clock (or its TSC offset changes) stays right;
 * PVCLOCK_TSC_STABLE_BIT tells the guest so. The clock's zero is the
 * domain's creation. The wall-clock struct gives the time of day at that
 * zero, from the host's RTC read at boot.
 *
 * Steal time: a 64-byte struct kvm_steal_time per vCPU, whose `steal` is
 * the vCPU's runnable-but-not-running time from the scheduler's
 * accounting, rewritten each time the vCPU is scheduled in.
 *
 * Updates follow the pvclock version protocol: version odd while fields
 * change, even afterwards, with the guest retrying on odd or changed
 * versions. Only the vCPU's own pCPU writes its structures.
 */
#include "x86/kvm_pv.h"
#include "x86/virt.h"
#include "x86/rtc.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/guest_mem.h"
#include "hv/schedule.h"
#include "hv/time.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/cpu.h"

#define PVCLOCK_TSC_STABLE_BIT 1u

struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};
_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock ABI");

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
};
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "pvclock ABI");

struct kvm_steal_time {
	uint64_t steal;
	uint32_t version;
	uint32_t flags;
	uint8_t preempted;
	uint8_t pad8[3];
	uint32_t pad[11];
};
_Static_assert(sizeof(struct kvm_steal_time) == 64, "steal time ABI");

void kvm_pv_time_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	int8_t s = 0;
	unsigned __int128 m = ((unsigned __int128)1000000000u << 32) / hz;

	while (m >= (1ull << 32)) {          /* slow TSC: scale the delta up */
		s++;
		m = ((unsigned __int128)1000000000u << 32) / ((unsigned __int128)hz << s);
	}
	while (m < (1ull << 31) && s > -31) { /* fast TSC: keep 32 bits of precision */
		s--;
		m = ((unsigned __int128)1000000000u << 32 << -s) / hz;
	}
	*mul = (uint32_t)m;
	*shift = s;
}

/* Writes one field group of a version-protected struct: odd, data, even. */
static void versioned_write(struct vcpu *v, uint64_t gpa, uint32_t *version,
			    const void *data, size_t off, size_t len)
{
	(*version)++;                                   /* odd: in progress */
	guest_write(v->dom, gpa, version, 4);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	guest_write(v->dom, gpa + off, (const uint8_t *)data + off, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	(*version)++;                                   /* even: done */
	guest_write(v->dom, gpa, version, 4);
}

static void write_pvclock(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct pvclock_vcpu_time_info t;
	uint64_t host_tsc = rdtsc();

	if (!a->pvclock_gpa)
		return;
	memset(&t, 0, sizeof(t));
	t.tsc_timestamp = host_tsc + virt_guest_tsc_offset(v);
	t.system_time = time_ns_at_tsc(host_tsc) - v->dom->created_ns;
	kvm_pv_time_scale(time_tsc_hz(), &t.tsc_to_system_mul, &t.tsc_shift);
	t.flags = PVCLOCK_TSC_STABLE_BIT;
	versioned_write(v, a->pvclock_gpa, &a->pvclock_version, &t, 8, sizeof(t) - 8);
}

static bool struct_ok(struct vcpu *v, uint64_t gpa, size_t size);

static int write_wall_clock(struct vcpu *v, uint64_t gpa)
{
	struct pvclock_wall_clock w;
	uint64_t ns = rtc_epoch_ns_at(v->dom->created_ns);

	if ((gpa & 3) || !struct_ok(v, gpa, sizeof(w)))
		return -EINVAL;
	guest_read(v->dom, gpa, &w.version, sizeof(w.version));
	w.version &= ~1u;
	w.sec = (uint32_t)(ns / 1000000000u);
	w.nsec = (uint32_t)(ns % 1000000000u);
	versioned_write(v, gpa, &w.version, &w, 4, 8);
	return 0;
}

/* A guest structure at gpa must be RAM and not cross a page. */
static bool struct_ok(struct vcpu *v, uint64_t gpa, size_t size)
{
	uint8_t probe;

	return (gpa & 0xfff) + size <= 4096 && guest_read(v->dom, gpa, &probe, 1) == 0;
}

void kvm_pv_vcpu_scheduled(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct kvm_steal_time st;
	struct sched_stats stats;

	if (!a->steal_gpa)
		return;
	uint64_t f = sched_lock_irqsave();
	sched_vcpu_stats(&v->sched, schedule_now(), &stats);
	sched_unlock_irqrestore(f);
	memset(&st, 0, sizeof(st));
	st.steal = stats.steal_ns;
	versioned_write(v, a->steal_gpa, &a->steal_version, &st, 0, 8);
}

void kvm_pv_tsc_changed(struct vcpu *v)
{
	write_pvclock(v);
}

int kvm_pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_KVM_SYSTEM_TIME_NEW:
		*val = v->arch.pvclock_msr;
		return 1;
	case MSR_KVM_STEAL_TIME:
		*val = v->arch.steal_msr;
		return 1;
	case MSR_KVM_WALL_CLOCK_NEW:
		*val = 0;
		return 1;
	default:
		return 0;
	}
}

int kvm_pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct arch_vcpu *a = &v->arch;
	uint64_t gpa;

	switch (msr) {
	case MSR_KVM_SYSTEM_TIME_NEW:
		gpa = val & ~1ull;
		if ((val & 1) && !struct_ok(v, gpa, sizeof(struct pvclock_vcpu_time_info)))
			return -EINVAL;
		a->pvclock_msr = val;
		a->pvclock_gpa = (val & 1) ? gpa : 0;
		a->pvclock_version = 0;
		write_pvclock(v);
		return 1;
	case MSR_KVM_STEAL_TIME:
		gpa = val & ~0x3full;
		if (val & 0x3e)
			return -EINVAL;                 /* reserved bits */
		if ((val & 1) && !struct_ok(v, gpa, sizeof(struct kvm_steal_time)))
			return -EINVAL;
		a->steal_msr = val;
		a->steal_gpa = (val & 1) ? gpa : 0;
		a->steal_version = 0;
		kvm_pv_vcpu_scheduled(v);
		return 1;
	case MSR_KVM_WALL_CLOCK_NEW:
		return write_wall_clock(v, val) ? -EINVAL : 1;
	default:
		return 0;
	}
}
