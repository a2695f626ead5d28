/*
 * svm_enable.c - checking for and switching on SVM on each CPU.
 *
 * APM vol. 2, 15.4 "Enabling SVM": CPUID Fn8000_0001_ECX[SVM] says SVM
 * exists; VM_CR.SVMDIS says firmware locked it off; EFER.SVME turns it on;
 * VM_HSAVE_PA names the page where VMRUN saves host state (15.30.4).
 * Nested paging is CPUID Fn8000_000A_EDX[NP] (15.25).
 */
#include "x86/svm.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/errno.h"
#include "svm_internal.h"

#define CPUID_EXT_SVM     (1u << 2)    /* Fn8000_0001_ECX */
#define SVM_FEAT_NP       (1u << 0)    /* Fn8000_000A_EDX */
#define SVM_FEAT_NRIPS    (1u << 3)
#define SVM_FEAT_DECODE   (1u << 7)
#define SVM_FEAT_VGIF     (1u << 16)
#define SVM_FEAT_AVIC     (1u << 13)

bool svm_check_cpu(const char **missing)
{
	if (cpuid(0x80000000, 0).eax < 0x8000000a ||
	    !(cpuid(0x80000001, 0).ecx & CPUID_EXT_SVM)) {
		*missing = "SVM (AMD-V)";
		return false;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		*missing = "SVM enabled in firmware (VM_CR.SVMDIS is set)";
		return false;
	}
	if (!(cpuid(0x8000000a, 0).edx & SVM_FEAT_NP)) {
		*missing = "nested paging (NPT)";
		return false;
	}
	return true;
}

void svm_log_features(void)
{
	struct cpuid_regs r = cpuid(0x8000000a, 0);

	log_info("SVM: revision %u, %u ASIDs, NPT yes, NRIP save %s, decode assists %s, VGIF %s, AVIC %s",
		 r.eax & 0xff, r.ebx,
		 (r.edx & SVM_FEAT_NRIPS) ? "yes" : "no",
		 (r.edx & SVM_FEAT_DECODE) ? "yes" : "no",
		 (r.edx & SVM_FEAT_VGIF) ? "yes" : "no",
		 (r.edx & SVM_FEAT_AVIC) ? "yes" : "no");
}

int svm_enable_cpu(struct percpu *p)
{
	uint64_t hsave = page_alloc_zeroed(0);

	if (!hsave)
		return -ENOMEM;
	if (svm_init_cpu(p)) {
		page_free(hsave, 0);
		return -ENOMEM;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	p->hsave_pa = hsave;
	p->svm_enabled = true;
	return 0;
}
