/*
 * kvm_pv.h - the paravirtual interfaces Linux's KVM guest code already
 * speaks, provided by Muxvisor: kvmclock (the pvclock ABI) and steal time.
 * Linux: Documentation/virt/kvm/x86/msr.rst and cpuid.rst.
 */
#ifndef X86_KVM_PV_H
#define X86_KVM_PV_H

#include <stdint.h>

struct vcpu;

#define MSR_KVM_WALL_CLOCK_NEW  0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define MSR_KVM_STEAL_TIME      0x4b564d03

/* CPUID 0x40000001 EAX bits the platform implements. */
#define KVM_FEATURE_NOP_IO_DELAY      (1u << 1)
#define KVM_FEATURE_CLOCKSOURCE2      (1u << 3)
#define KVM_FEATURE_STEAL_TIME        (1u << 5)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (1u << 24)
#define KVM_PV_FEATURES (KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 | \
			 KVM_FEATURE_STEAL_TIME | KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)

/* MSR access: 1 handled, 0 not a KVM MSR, -EINVAL #GP. */
int kvm_pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int kvm_pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

/* The vCPU is about to run on a pCPU: publish its steal time. */
void kvm_pv_vcpu_scheduled(struct vcpu *v);
/* Its TSC offset changed: rewrite its pvclock. */
void kvm_pv_tsc_changed(struct vcpu *v);

/* The pvclock scale for a TSC of hz: ns = ((delta << shift) * mul) >> 32
 * (a right shift for negative shift). Pure; host-tested. */
void kvm_pv_time_scale(uint64_t hz, uint32_t *mul, int8_t *shift);

#endif
