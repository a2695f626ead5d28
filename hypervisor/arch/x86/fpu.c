/*
 * fpu.c - XSAVE set-up and guest FPU state switching (see x86/fpu.h).
 *
 * Intel SDM vol. 1, 13 "Managing State Using the XSAVE Feature Set";
 * APM vol. 2, 11.5. Without XSAVE (not on any CPU with SVM and NPT that
 * we target) the hypervisor would need FXSAVE; it refuses instead.
 */
#include "x86/fpu.h"
#include "x86/cpu.h"
#include "hv/lib.h"
#include "hv/panic.h"

#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX   (1u << 28)

static uint64_t guest_mask;       /* set by the boot CPU, read-only after */
static unsigned area_size;

uint64_t fpu_get_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

void fpu_set_xcr0(uint64_t val)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32)));
}

void fpu_init_cpu(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (!(r.ecx & CPUID1_ECX_XSAVE))
		panic("this CPU has no XSAVE");
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	uint64_t supported = cpuid(0xd, 0).eax | ((uint64_t)cpuid(0xd, 0).edx << 32);
	uint64_t mask = supported & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
	if (!(r.ecx & CPUID1_ECX_AVX))
		mask &= ~XCR0_AVX;
	fpu_set_xcr0(mask);
	if (!guest_mask) {
		guest_mask = mask;
		/* EBX of leaf 0xD: size for the components XCR0 enables now. */
		area_size = cpuid(0xd, 0).ebx;
	}
	BUG_ON(fpu_get_xcr0() != mask);
}

uint64_t fpu_guest_xcr0_mask(void)
{
	return guest_mask;
}

unsigned fpu_area_size(void)
{
	return area_size;
}

void fpu_area_init(void *area)
{
	uint8_t *a = area;
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;

	memset(a, 0, area_size);
	memcpy(a + 0, &fcw, sizeof(fcw));          /* legacy area: FCW */
	memcpy(a + 24, &mxcsr, sizeof(mxcsr));     /* MXCSR */
}

bool fpu_xcr0_valid(uint64_t val)
{
	if (!(val & XCR0_X87) || (val & ~guest_mask))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	return true;
}

void fpu_save(void *area)
{
	__asm__ volatile("xsave64 %0" : "+m"(*(uint8_t(*)[512])area)
			 : "a"(~0u), "d"(~0u) : "memory");
}

void fpu_restore(const void *area)
{
	__asm__ volatile("xrstor64 %0" : : "m"(*(const uint8_t(*)[512])area),
			 "a"(~0u), "d"(~0u) : "memory");
}
