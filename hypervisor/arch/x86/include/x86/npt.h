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

#define NPT_NONE UINT64_MAX

struct npt {
	uint64_t root_pa;        /* PML4, 0 until npt_create */
	uint64_t owned_pages;    /* 4 KiB pages of RAM mapped and owned */
	uint64_t table_pages;    /* pages used by the tables themselves */
};

int npt_create(struct npt *n);
/* Frees every owned page and every table. Returns the 4 KiB pages freed. */
uint64_t npt_destroy(struct npt *n);
/* Allocates zeroed RAM for [gpa, gpa + size) (4 KiB aligned) and maps it.
 * 0 or -ENOMEM (what was mapped stays owned; npt_destroy frees it). */
int npt_populate(struct npt *n, uint64_t gpa, uint64_t size);
/* Maps the host page hpa, which this domain does not own (another
 * domain's page, mapped by dom0 through the control interface), at gpa,
 * writable. 0, -EINVAL or -ENOMEM (a table). */
int npt_map_foreign(struct npt *n, uint64_t gpa, uint64_t hpa);
/* Removes the mapping of the page at gpa, which must be foreign (never
 * frees it). The caller flushes the TLBs that may hold it. */
void npt_unmap_foreign(struct npt *n, uint64_t gpa);
/* Host-physical address of gpa, or NPT_NONE if not mapped. */
uint64_t npt_translate(const struct npt *n, uint64_t gpa);

#endif
