/*
 * svm_tlb.c - shooting down a domain's stale nested translations after
 * mappings were removed from its nested page tables. The one mechanism
 * for every remover: the balloon (domain/balloon.c, before it frees the
 * pages) and dom0's map window (control/memory.c, MEM_UNMAP and a mapped
 * domain's destruction).
 *
 * The TLB caches guest-physical to host-physical translations tagged by
 * ASID (APM vol. 2, 15.16); removing a nested PTE does not remove them.
 * A vCPU about to enter compares its domain's npt.flush_gen with the
 * generation it last flushed for and, if older, sets TLB_CONTROL to flush
 * on this VMRUN. TLB_CONTROL_FLUSH_ALL rather than FLUSH_ASID: every SVM
 * implementation must honour 1, while whether QEMU 7.2's emulation acts on
 * 3 was not checked; flushing every ASID is correct, just broader.
 *
 * Ordering (a Dekker pair, both sides sequentially consistent):
 *   vCPU:    in_guest = true;  read flush_gen;  VMRUN ... ; in_guest = false
 *   flusher: flush_gen++;      read in_guest (and npt_gen)
 * Either the flusher sees in_guest and waits until the vCPU leaves the
 * guest or has entered with the new generation, or the vCPU sees the new
 * generation and flushes on entry. A kick that arrives between setting
 * in_guest and VMRUN is held by GIF=0 and makes VMRUN exit at once.
 */
#include "svm_internal.h"
#include "x86/npt.h"
#include "hv/domain.h"
#include "hv/vcpu.h"

void svm_tlb_before_entry(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	uint64_t gen;

	__atomic_store_n(&a->in_guest, true, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&v->dom->npt.flush_gen, __ATOMIC_SEQ_CST);
	if (gen != a->npt_gen) {
		a->vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ALL;
		__atomic_store_n(&a->npt_gen, gen, __ATOMIC_RELEASE);
	}
}

/* True while v may still run the guest with a TLB older than gen. */
static bool stale_in_guest(const struct vcpu *v, uint64_t gen)
{
	return __atomic_load_n(&v->arch.in_guest, __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&v->arch.npt_gen, __ATOMIC_ACQUIRE) != gen;
}

void npt_flush_domain(struct domain *d)
{
	uint64_t gen = __atomic_add_fetch(&d->npt.flush_gen, 1, __ATOMIC_SEQ_CST);

	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		/* Kicked again now and then: a kick sent while the scheduler
		 * was moving v between states may have found nothing to do. */
		for (unsigned spin = 0; v && stale_in_guest(v, gen); spin++) {
			if (spin % 4096 == 0)
				vcpu_kick(v);
			__builtin_ia32_pause();
		}
	}
}
