/*
 * cpuid_guest.c - CPUID as a guest sees it: the host's answers, filtered to
 * what the hypervisor actually provides (docs/guest-abi.md lists it).
 *
 * Rules: features the platform does not virtualise are hidden (SVM/VMX,
 * MONITOR/MWAIT, performance counters, machine check, MTRR, RDTSCP, the
 * speculation-control MSRs, thermal and power management, topology
 * extensions); features it emulates are added (x2APIC, TSC-deadline,
 * "running on a hypervisor"); the APIC ID and CPU counts are the vCPU's;
 * XSAVE sizes follow the guest's own XCR0. Unknown leaves read as zero.
 * The hypervisor leaves carry the KVM signature (Linux's paravirtual code
 * keys on it) at 0x40000000 and Muxvisor's own at 0x40000100.
 */
#include "x86/guest_emul.h"
#include "x86/fpu.h"
#include "x86/virt.h"
#include "x86/kvm_pv.h"
#include "hv/vcpu.h"
#include "hv/domain.h"
#include "hv/lib.h"
#include <muxvisor/hypercall.h>

#define MAX_STD_LEAF 0xd
#define MAX_EXT_LEAF 0x80000008u

/* leaf 1 */
#define L1_ECX_HIDE ((1u << 3) /* MONITOR */ | (1u << 4) /* DS-CPL */ | \
	(1u << 5) /* VMX */ | (1u << 6) /* SMX */ | (1u << 7) /* EIST */ | \
	(1u << 8) /* TM2 */ | (1u << 11) /* SDBG */ | (1u << 15) /* PDCM */ | \
	(1u << 18) /* DCA */ | (1u << 27) /* OSXSAVE, recomputed */)
#define L1_ECX_ADD ((1u << 21) /* x2APIC */ | (1u << 24) /* TSC-deadline */ | \
	(1u << 31) /* hypervisor */)
#define L1_EDX_HIDE ((1u << 7) /* MCE */ | (1u << 12) /* MTRR */ | \
	(1u << 14) /* MCA */ | (1u << 18) /* PSN */ | (1u << 21) /* DS */ | \
	(1u << 22) /* ACPI */ | (1u << 29) /* TM */ | (1u << 31) /* PBE */)
/* leaf 7.0 EBX: what may pass */
#define L7_EBX_KEEP ((1u << 0) /* FSGSBASE */ | (1u << 3) /* BMI1 */ | \
	(1u << 5) /* AVX2 */ | (1u << 7) /* SMEP */ | (1u << 8) /* BMI2 */ | \
	(1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ | (1u << 19) /* ADX */ | \
	(1u << 20) /* SMAP */ | (1u << 23) /* CLFLUSHOPT */ | \
	(1u << 24) /* CLWB */ | (1u << 29) /* SHA */)
#define L7_ECX_KEEP ((1u << 2) /* UMIP */)
/* leaf 0x80000001 ECX: what may pass */
#define E1_ECX_KEEP ((1u << 0) /* LAHF */ | (1u << 5) /* ABM/LZCNT */ | \
	(1u << 6) /* SSE4A */ | (1u << 7) /* MISALIGNSSE */ | \
	(1u << 8) /* 3DNOWPREFETCH */ | (1u << 16) /* FMA4 */ | \
	(1u << 21) /* TBM */)
#define E1_EDX_HIDE ((1u << 27) /* RDTSCP */)

static void leaf1(struct vcpu *v, struct cpuid_regs *r)
{
	uint32_t nr = v->dom->cfg.nr_vcpus;

	r->ebx = (r->ebx & 0x0000ffff) | (MIN(nr, 255u) << 16) | (v->id << 24);
	r->ecx = (r->ecx & ~L1_ECX_HIDE) | L1_ECX_ADD;
	struct virt_guest_mode m;
	virt_get_guest_mode(v, &m);
	if (m.cr4 & CR4_OSXSAVE)
		r->ecx |= 1u << 27;
	r->edx &= ~L1_EDX_HIDE;
	r->edx |= 1u << 28;            /* HTT: EBX[23:16] is meaningful */
}

/* Leaf 0xD: XSAVE components, sizes for the guest's XCR0. */
static void leaf_xsave(struct vcpu *v, uint32_t sub, struct cpuid_regs *r)
{
	uint64_t mask = fpu_guest_xcr0_mask();

	/* The guest's XCR0 is live in the CPU while its exit is handled; the
	 * copy in arch is only refreshed when the vCPU leaves (QEMU does not
	 * intercept XSETBV). */
	uint64_t xcr0 = fpu_get_xcr0();

	(void)v;
	if (sub == 0) {
		uint32_t size = 0;
		for (uint32_t c = 2; c < 64; c++)
			if (xcr0 & (1ull << c)) {
				struct cpuid_regs s = cpuid(0xd, c);
				size = MAX(size, s.eax + s.ebx);
			}
		r->eax = (uint32_t)mask;
		r->edx = (uint32_t)(mask >> 32);
		r->ebx = MAX(size, 576u);      /* legacy area + header */
		r->ecx = fpu_area_size();
	} else if (sub == 1) {
		r->eax &= 1;                   /* XSAVEOPT only */
		r->ebx = r->ecx = r->edx = 0;
	} else if (sub >= 64 || !(mask & (1ull << sub))) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

static void std_leaf(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	switch (leaf) {
	case 0:
		r->eax = MIN(r->eax, (uint32_t)MAX_STD_LEAF);
		break;
	case 1:
		leaf1(v, r);
		break;
	case 7:
		if (sub == 0) {
			r->eax = 0;
			r->ebx &= L7_EBX_KEEP;
			r->ecx &= L7_ECX_KEEP;
			r->edx = 0;
		} else {
			*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		}
		break;
	case 0xd:
		leaf_xsave(v, sub, r);
		break;
	default:               /* cache/topology/power/PMU leaves: none */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
}

static void ext_leaf(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case 0x80000000:
		r->eax = MIN(r->eax, MAX_EXT_LEAF);
		break;
	case 0x80000001:
		r->ecx &= E1_ECX_KEEP;
		r->edx &= ~E1_EDX_HIDE;
		break;
	case 0x80000002: case 0x80000003: case 0x80000004:  /* brand string */
	case 0x80000005: case 0x80000006:                   /* caches, TLBs */
		break;
	case 0x80000007:
		r->eax = r->ebx = r->ecx = 0;
		r->edx &= 1u << 8;                      /* invariant TSC */
		break;
	case 0x80000008:
		r->ebx = 0;                             /* no IBPB etc. */
		r->ecx = v->dom->cfg.nr_vcpus - 1;      /* cores - 1 */
		r->edx = 0;
		break;
	default:
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
}

static void sig(struct cpuid_regs *r, uint32_t max, const char s[12])
{
	r->eax = max;
	memcpy(&r->ebx, s, 4);
	memcpy(&r->ecx, s + 4, 4);
	memcpy(&r->edx, s + 8, 4);
}

static void hv_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	switch (leaf) {
	case 0x40000000:
		sig(r, 0x40000001, "KVMKVMKVM\0\0\0");
		break;
	case 0x40000001:
		r->eax = KVM_PV_FEATURES;
		break;
	case 0x40000100:
		sig(r, 0x40000101, "MuxvisorMUXV");
		break;
	case 0x40000101:
		r->eax = MUXV_HC_ABI_VERSION;
		break;
	}
}

void x86_cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
		     struct cpuid_regs *out)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		hv_leaf(leaf, out);
		return;
	}
	bool ext = leaf >= 0x80000000;
	uint32_t max = ext ? MIN(cpuid(0x80000000, 0).eax, MAX_EXT_LEAF)
			   : MIN(cpuid(0, 0).eax, (uint32_t)MAX_STD_LEAF);
	if (leaf > max) {
		*out = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	*out = cpuid(leaf, subleaf);
	if (ext)
		ext_leaf(v, leaf, out);
	else
		std_leaf(v, leaf, subleaf, out);
}
