/*
 * cr_guest.c - checking a guest's CR0 and CR4 writes (see x86/cr_guest.h).
 */
#include "x86/cr_guest.h"
#include "x86/cpu.h"
#include "hv/errno.h"

#define CR0_ET      (1ull << 4)
#define CR0_NW      (1ull << 29)
#define CR0_CD      (1ull << 30)
#define CR4_PSE_BIT (1ull << 4)
#define CR4_LA57    (1ull << 12)
#define CR4_PCIDE   (1ull << 17)

uint64_t x86_cr4_allowed(void)
{
	uint64_t m = 0x7ffull;               /* VME..OSXMMEXCPT: bits 0-10 */
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid(7, 0);

	m &= ~(1ull << 6);                    /* MCE: not offered to guests */
	if (l1.ecx & (1u << 26))
		m |= CR4_OSXSAVE;
	if (l7.ebx & (1u << 0))
		m |= 1ull << 16;                  /* FSGSBASE */
	if (l7.ebx & (1u << 7))
		m |= 1ull << 20;                  /* SMEP */
	if (l7.ebx & (1u << 20))
		m |= 1ull << 21;                  /* SMAP */
	if (l7.ecx & (1u << 2))
		m |= 1ull << 11;                  /* UMIP */
	return m;
}

static int cr0_store(struct x86_cr_state *s, uint64_t val)
{
	if (val >> 32)
		return -EINVAL;                    /* reserved bits */
	if ((val & CR0_PG) && !(val & CR0_PE))
		return -EINVAL;
	if ((val & CR0_NW) && !(val & CR0_CD))
		return -EINVAL;
	bool pg_on = (val & CR0_PG) && !(s->cr0 & CR0_PG);
	bool pg_off = !(val & CR0_PG) && (s->cr0 & CR0_PG);
	if (pg_on && (s->efer & EFER_LME) && !(s->cr4 & CR4_PAE))
		return -EINVAL;                    /* long mode needs PAE */
	if (pg_off && s->cs_long)
		return -EINVAL;                    /* not from 64-bit code */
	s->cr0 = val | CR0_ET;                 /* ET reads as one */
	if (pg_on && (s->efer & EFER_LME))
		s->efer |= EFER_LMA;
	if (pg_off)
		s->efer &= ~(uint64_t)EFER_LMA;
	return 0;
}

static int cr4_store(struct x86_cr_state *s, uint64_t val)
{
	if (val & ~x86_cr4_allowed())
		return -EINVAL;
	if ((s->efer & EFER_LMA) && !(val & CR4_PAE))
		return -EINVAL;                    /* PAE stays on in long mode */
	if ((s->efer & EFER_LMA) && ((val ^ s->cr4) & CR4_LA57))
		return -EINVAL;
	s->cr4 = val;
	return 0;
}

int x86_cr_write(struct x86_cr_state *s, unsigned cr, uint64_t val)
{
	return cr == 0 ? cr0_store(s, val) : cr == 4 ? cr4_store(s, val) : -EINVAL;
}
