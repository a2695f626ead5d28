/*
 * svm_domain.c - a domain's I/O and MSR permission maps (APM vol. 2,
 * 15.10.1 "I/O Permissions Map", 15.11 "MSR Intercepts") and reading a
 * vCPU's paging mode.
 *
 * Every I/O port is intercepted. MSRs are intercepted except those VMRUN,
 * VMLOAD and VMSAVE already switch per guest (segment bases, SYSCALL and
 * SYSENTER MSRs): a guest may use them freely without seeing another's.
 */
#include "svm_internal.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define IOPM_ORDER  2      /* 12 KiB used of 16 */
#define MSRPM_ORDER 1      /* 8 KiB */

static const uint32_t passthrough_msrs[] = {
	0x00000174, 0x00000175, 0x00000176,       /* SYSENTER CS/ESP/EIP */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR..SFMASK */
	0xc0000100, 0xc0000101, 0xc0000102,       /* FS/GS/KernelGS base */
};

/* Clears the read and write intercept bits of one MSR. */
static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
	uint32_t base;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base = 0x1000;
	else
		return;
	uint32_t bit = (msr & 0x1fff) * 2;
	pm[base + bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

int virt_domain_create(struct domain *d)
{
	d->iopm_pa = page_alloc(IOPM_ORDER);
	d->msrpm_pa = page_alloc(MSRPM_ORDER);
	if (!d->iopm_pa || !d->msrpm_pa) {
		virt_domain_destroy(d);
		return -ENOMEM;
	}
	memset(phys_to_virt(d->iopm_pa), 0xff, 4096u << IOPM_ORDER);
	uint8_t *pm = phys_to_virt(d->msrpm_pa);
	memset(pm, 0xff, 4096u << MSRPM_ORDER);
	for (size_t i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msrpm_allow(pm, passthrough_msrs[i]);
	return 0;
}

void virt_domain_destroy(struct domain *d)
{
	if (d->iopm_pa)
		page_free(d->iopm_pa, IOPM_ORDER);
	if (d->msrpm_pa)
		page_free(d->msrpm_pa, MSRPM_ORDER);
	d->iopm_pa = d->msrpm_pa = 0;
}

void virt_domain_pio_intercept(struct domain *d, uint32_t port, uint32_t count,
			       bool intercept)
{
	uint8_t *pm = phys_to_virt(d->iopm_pa);

	for (uint32_t p = port; p < port + count && p <= 0xffff; p++) {
		if (intercept)
			pm[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			pm[p / 8] &= (uint8_t)~(1u << (p % 8));
	}
}

void virt_domain_flush_npt(struct domain *d)
{
	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		if (!v)
			continue;
		__atomic_store_n(&v->arch.asid_cpu, -1, __ATOMIC_RELEASE);
		vcpu_kick(v);
	}
}

void virt_get_guest_mode(struct vcpu *v, struct virt_guest_mode *m)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;

	m->cr0 = s->cr0;
	m->cr3 = s->cr3;
	m->cr4 = s->cr4;
	m->efer = s->efer;
	m->cs_base = s->cs.base;
	m->cs_long = (s->cs.attrib >> 9) & 1;
	m->cs_32 = (s->cs.attrib >> 10) & 1;
}
