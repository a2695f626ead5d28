/*
 * msr_guest.c - the MSRs the platform emulates for a guest, other than
 * those the vendor control block holds (EFER, PAT, TSC: svm_exit.c) and
 * those that pass through (segment bases, SYSCALL, SYSENTER). Every other
 * MSR raises #GP, as on a CPU without it; the guest's CPUID does not
 * advertise any feature whose MSRs are missing here.
 */
#include "x86/guest_emul.h"
#include "x86/vlapic.h"
#include "x86/kvm_pv.h"
#include "hv/vcpu.h"
#include "hv/errno.h"

#define MSR_APIC_BASE_ADDR 0xfee00000ull
#define MSR_PATCH_LEVEL    0x0000008b
#define MSR_TSC_DEADLINE   0x000006e0
#define MSR_AMD_HWCR       0xc0010015
#define MSR_AMD_NB_CFG     0xc001001f   /* Linux's amd_bus.c sets a bit */
#define  HWCR_TSC_FREQ_SEL (1ull << 24)

static uint64_t apic_base_value(struct vcpu *v)
{
	return MSR_APIC_BASE_ADDR | APIC_BASE_ENABLE | APIC_BASE_X2APIC |
	       (v->id == 0 ? APIC_BASE_BSP : 0);
}

int x86_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	int r = kvm_pv_rdmsr(v, msr, val);

	if (r)
		return r < 0 ? r : 0;
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_rdmsr(v, msr, val);
	switch (msr) {
	case MSR_APIC_BASE:
		*val = apic_base_value(v);
		return 0;
	case MSR_TSC_DEADLINE:
		*val = vlapic_get_tsc_deadline(v);
		return 0;
	case MSR_PATCH_LEVEL:
		*val = 0;
		return 0;
	case MSR_AMD_HWCR:
		*val = HWCR_TSC_FREQ_SEL;   /* the TSC runs at the P0 rate */
		return 0;
	case MSR_AMD_NB_CFG:
		*val = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

int x86_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	int r = kvm_pv_wrmsr(v, msr, val);

	if (r)
		return r < 0 ? r : 0;
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_wrmsr(v, msr, val);
	switch (msr) {
	case MSR_APIC_BASE:
		/* x2APIC mode is the only mode: leaving it is refused. */
		return val == apic_base_value(v) ? 0 : -EINVAL;
	case MSR_TSC_DEADLINE:
		vlapic_set_tsc_deadline(v, val);
		return 0;
	case MSR_PATCH_LEVEL:
	case MSR_AMD_NB_CFG:        /* no northbridge to configure */
		return 0;
	default:
		return -EINVAL;
	}
}
