/*
 * npt.h - a domain's guest-physical address space: nested page tables
 * (APM vol. 2, 15.25 "Nested Paging"), which translate guest-physical to
 * host-physical addresses with the long-mode page-table format.
 *
 * Guest RAM is mapped with 2 MiB pages where the pool has whole 2 MiB
 * blocks and 4 KiB pages elsewhere; every page a domain owns carries
 * PTE_OWNED so that destroying the domain frees exactly those pages.
 * Nothing else is mapped: any other guest-physical access faults (NPF)
 * and goes to the MMIO emulation hook or stops the domain. The tables
 * never map hypervisor memory or another domain's pages.
 *
 * Locking: the domain's creator builds the tables before any vCPU runs;
 * later changes (balloon) take the domain's memory lock.
 */
#ifndef X86_NPT_H
#define X86_NPT_H

#include <stdint.h>
#include <stdbool.h>

#define NPT_NONE UINT64_MAX

struct npt {
	uint64_t root_pa;        /* PML4, 0 until npt_create */
	uint64_t owned_pages;    /* 4 KiB pages of RAM mapped and owned */
	uint64_t table_pages;    /* pages used by the tables themselves */
	uint64_t flush_gen;      /* bumped after a mapping is removed; a vCPU
				  * entering with an older one flushes its
				  * TLB (npt_flush_domain, svm/svm_tlb.c) */
};

int npt_create(struct npt *n);
/* Frees every owned page and every table. Returns the 4 KiB pages freed. */
uint64_t npt_destroy(struct npt *n);
/* Allocates zeroed RAM for [gpa, gpa + size) (4 KiB aligned) and maps it.
 * 0 or -ENOMEM (what was mapped stays owned; npt_destroy frees it). */
int npt_populate(struct npt *n, uint64_t gpa, uint64_t size);
/*
 * Maps host-physical [hpa, hpa + size) at gpa without owning it (dom0's
 * identity-mapped RAM and its devices' BARs: destroying the tables leaves
 * those pages alone). uncached: device memory (PCD|PWT in the nested
 * entry). 4 KiB aligned. 0, -EINVAL or -ENOMEM.
 */
int npt_map_foreign(struct npt *n, uint64_t gpa, uint64_t hpa, uint64_t size, bool uncached);
/* Removes the mappings of [gpa, gpa + size) that npt_map_foreign made
 * (owned pages there are a caller bug: -EBUSY, nothing changed). The
 * caller then calls npt_flush_domain() for the guest. */
int npt_unmap_foreign(struct npt *n, uint64_t gpa, uint64_t size);
/* Lowest and highest+1 host-physical address of the pages n owns
 * (*lo > *hi when it owns none). */
void npt_owned_extent(const struct npt *n, uint64_t *lo, uint64_t *hi);
/*
 * The balloon's two operations on single 4 KiB pages (domain/balloon.c),
 * under the domain's memory lock:
 * npt_unmap_page() removes gpa's page from the tables (splitting a 2 MiB
 * mapping, and its pool block, into 4 KiB pieces first) and returns its
 * host address in *hpa. The caller frees it with page_free(*hpa, 0) only
 * after npt_flush_domain(): until then a vCPU's TLB may still reach it.
 * 0, -ENOENT (not mapped), -EPERM (not owned RAM) or -ENOMEM (no page for
 * the split), changing nothing on error.
 * npt_map_page() maps a fresh zeroed page at gpa: 0, -EEXIST or -ENOMEM.
 */
int npt_unmap_page(struct npt *n, uint64_t gpa, uint64_t *hpa);
int npt_map_page(struct npt *n, uint64_t gpa);

/* Host-physical address of gpa, or NPT_NONE if not mapped. */
uint64_t npt_translate(const struct npt *n, uint64_t gpa);

/*
 * After removing mappings from d's tables: makes sure no vCPU of d can
 * still use a stale translation. Bumps flush_gen (each vCPU flushes its
 * TLB on its next entry) and waits for every vCPU that is in the guest on
 * another pCPU to leave it (kicking it). On return the removed pages may
 * be freed. Any context with interrupts off, not from one of d's vCPUs in
 * the guest; the caller serialises the removal with other changes to d's
 * tables (the balloon: d's mem_lock; control/memory.c: the life-cycle
 * lock and d's mem_lock). (svm/svm_tlb.c)
 */
struct domain;
void npt_flush_domain(struct domain *d);

#endif
