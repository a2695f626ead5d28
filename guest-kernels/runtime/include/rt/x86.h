/*
 * rt/x86.h - thin wrappers around the x86 instructions the runtime and the
 * tests use: CPUID, MSRs, port I/O, control registers, the TSC.
 * Header-only: each is one instruction the compiler should inline.
 */
#ifndef RT_X86_H
#define RT_X86_H

#include <stdint.h>
#include <stdbool.h>

/* Exception vectors (SDM vol. 3, 6.15; APM vol. 2, 8.2). */
#define RT_VEC_DE   0
#define RT_VEC_DB   1
#define RT_VEC_NMI  2
#define RT_VEC_BP   3
#define RT_VEC_UD   6
#define RT_VEC_NM   7
#define RT_VEC_DF   8
#define RT_VEC_TS   10
#define RT_VEC_NP   11
#define RT_VEC_SS   12
#define RT_VEC_GP   13
#define RT_VEC_PF   14
#define RT_VEC_MF   16
#define RT_VEC_AC   17
#define RT_VEC_MC   18
#define RT_VEC_XM   19
#define RT_NR_EXCEPTIONS 32

#define RT_MSR_APIC_BASE     0x1b
#define RT_MSR_TSC_DEADLINE  0x6e0
#define RT_MSR_EFER          0xc0000080
#define RT_MSR_VM_CR         0xc0010114
#define RT_MSR_VM_HSAVE_PA   0xc0010117

#define RT_EFER_SVME  (1ull << 12)
#define RT_CR4_DE       (1ull << 3)
#define RT_CR4_OSXSAVE  (1ull << 18)

struct rt_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct rt_cpuid rt_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct rt_cpuid r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rt_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void rt_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32))
			 : "memory");
}

static inline uint8_t rt_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t rt_inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t rt_inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void rt_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void rt_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void rt_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rt_read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t rt_read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t rt_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t rt_read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void rt_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void rt_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* The TSC, ordered after earlier loads (LFENCE) so that a reading taken
 * after an event really is later than it. */
static inline uint64_t rt_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void rt_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline void rt_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void rt_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/* Enables interrupts and halts in one step: STI's one-instruction shadow
 * means an interrupt already pending wakes the HLT instead of slipping in
 * before it (SDM vol. 2, STI). Returns with interrupts disabled again. */
static inline void rt_safe_halt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline bool rt_irq_enabled(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1u << 9);
}

/* Halts forever with interrupts off: the vCPU never runs again. */
static inline __attribute__((noreturn)) void rt_park(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
