/*
 * guest_access.c - walking the guest's own page tables (APM vol. 2, 5
 * "Page Translation and Protection"): no paging, 32-bit (4 KiB and 4 MiB
 * pages), PAE (3 levels) and long mode (4 levels, 2 MiB and 1 GiB pages).
 * Permissions are not checked: the walk only serves instructions the guest
 * already executed (intercepts) or accesses that already faulted (MMIO).
 */
#include "x86/guest_access.h"
#include "x86/virt.h"
#include "x86/cpu.h"
#include "hv/vcpu.h"
#include "hv/guest_mem.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define P   (1ull << 0)
#define PS  (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull
#define CR4_PSE (1ull << 4)

static int read_entry(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t *e)
{
	*e = 0;
	return guest_read(v->dom, gpa, e, size);
}

static int walk_long(struct vcpu *v, uint64_t cr3, uint64_t la, uint64_t *gpa)
{
	uint64_t table = cr3 & ADDR_MASK, e;

	for (int level = 4; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		if (read_entry(v, table + ((la >> shift) & 511) * 8, 8, &e) || !(e & P))
			return -EFAULT;
		if (level == 1 || (level <= 3 && (e & PS))) {
			uint64_t mask = (1ull << shift) - 1;
			*gpa = ((e & ADDR_MASK) & ~mask) | (la & mask);
			return 0;
		}
		table = e & ADDR_MASK;
	}
	return -EFAULT;
}

static int walk_pae(struct vcpu *v, uint64_t cr3, uint64_t la, uint64_t *gpa)
{
	uint64_t e;

	if (read_entry(v, (cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8, 8, &e) || !(e & P))
		return -EFAULT;
	if (read_entry(v, (e & ADDR_MASK) + ((la >> 21) & 511) * 8, 8, &e) || !(e & P))
		return -EFAULT;
	if (e & PS) {
		*gpa = (e & ADDR_MASK & ~0x1fffffull) | (la & 0x1fffff);
		return 0;
	}
	if (read_entry(v, (e & ADDR_MASK) + ((la >> 12) & 511) * 8, 8, &e) || !(e & P))
		return -EFAULT;
	*gpa = (e & ADDR_MASK) | (la & 0xfff);
	return 0;
}

static int walk_32(struct vcpu *v, uint64_t cr3, uint64_t cr4, uint64_t la, uint64_t *gpa)
{
	uint64_t e;

	la &= 0xffffffff;
	if (read_entry(v, (cr3 & 0xfffff000) + (la >> 22) * 4, 4, &e) || !(e & P))
		return -EFAULT;
	if ((e & PS) && (cr4 & CR4_PSE)) {
		*gpa = (e & 0xffc00000) | (la & 0x3fffff);
		return 0;
	}
	if (read_entry(v, (e & 0xfffff000) + ((la >> 12) & 1023) * 4, 4, &e) || !(e & P))
		return -EFAULT;
	*gpa = (e & 0xfffff000) | (la & 0xfff);
	return 0;
}

int guest_linear_to_gpa(struct vcpu *v, const struct virt_guest_mode *m,
			uint64_t la, uint64_t *gpa)
{
	if (!(m->cr0 & CR0_PG)) {
		*gpa = la & 0xffffffff;
		return 0;
	}
	if (m->efer & EFER_LMA)
		return walk_long(v, m->cr3, la, gpa);
	if (m->cr4 & CR4_PAE)
		return walk_pae(v, m->cr3, la, gpa);
	return walk_32(v, m->cr3, m->cr4, la, gpa);
}

int guest_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned max, unsigned *got)
{
	struct virt_guest_mode m;

	virt_get_guest_mode(v, &m);
	uint64_t la = m.cs_base + v->arch.regs.rip;
	if (!(m.efer & EFER_LMA && m.cs_long))
		la &= 0xffffffff;
	*got = 0;
	while (*got < max) {
		uint64_t gpa;
		unsigned in_page = 4096 - (unsigned)((la + *got) & 0xfff);
		unsigned n = MIN(max - *got, in_page);
		if (guest_linear_to_gpa(v, &m, la + *got, &gpa) ||
		    guest_read(v->dom, gpa, buf + *got, n))
			break;
		*got += n;
	}
	return *got ? 0 : -EFAULT;
}
