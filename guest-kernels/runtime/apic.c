/*
 * apic.c - x2APIC access (rt/apic.h). Register MSRs are 0x800 + the xAPIC
 * offset / 16 (SDM vol. 3, table 11-6 "Local APIC Register Address Map
 * Supported by x2APIC").
 */
#include "rt/apic.h"
#include "rt/trap.h"
#include "rt/x86.h"

#define MSR_X2APIC_ID        0x802
#define MSR_X2APIC_TPR       0x808
#define MSR_X2APIC_EOI       0x80b
#define MSR_X2APIC_SVR       0x80f
#define MSR_X2APIC_ICR       0x830
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_TMICT     0x838    /* initial count */
#define MSR_X2APIC_TMCCT     0x839    /* current count */
#define MSR_X2APIC_TDCR      0x83e    /* divide configuration */
#define MSR_X2APIC_SELF_IPI  0x83f

#define APIC_BASE_EXTD   (1ull << 10)   /* x2APIC mode */
#define APIC_BASE_EN     (1ull << 11)
#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define LVT_ONESHOT      (0u << 17)
#define LVT_PERIODIC     (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define TDCR_DIVIDE_BY_1 0xb
#define ICR_FIXED_EDGE_PHYSICAL 0    /* delivery 000, physical, edge, no shorthand */

#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

int rt_apic_init(void)
{
	uint64_t base;

	if (!(rt_cpuid(1, 0).ecx & CPUID1_ECX_X2APIC))
		return -1;
	base = rt_rdmsr(RT_MSR_APIC_BASE);
	if ((base & (APIC_BASE_EN | APIC_BASE_EXTD)) != (APIC_BASE_EN | APIC_BASE_EXTD))
		rt_wrmsr(RT_MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	rt_wrmsr(MSR_X2APIC_TPR, 0);
	rt_wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED);
	rt_wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | RT_VEC_SPURIOUS);
	return 0;
}

uint32_t rt_apic_id(void)
{
	return (uint32_t)rt_rdmsr(MSR_X2APIC_ID);
}

void rt_apic_eoi(void)
{
	rt_wrmsr(MSR_X2APIC_EOI, 0);
}

void rt_apic_send_ipi(uint32_t dest, uint8_t vector)
{
	/* x2APIC ICR is one 64-bit MSR: destination in bits 63:32. */
	rt_wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | ICR_FIXED_EDGE_PHYSICAL |
		 vector);
}

void rt_apic_self_ipi(uint8_t vector)
{
	rt_wrmsr(MSR_X2APIC_SELF_IPI, vector);
}

bool rt_apic_has_tsc_deadline(void)
{
	return rt_cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE;
}

void rt_apic_timer_deadline_mode(uint8_t vector)
{
	rt_wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TSC_DEADLINE | vector);
	/* The LVT write must be seen before any later IA32_TSC_DEADLINE
	 * write (SDM vol. 3, 11.5.4.1): MFENCE orders them. */
	__asm__ volatile("mfence" : : : "memory");
}

void rt_apic_set_deadline(uint64_t tsc)
{
	rt_wrmsr(RT_MSR_TSC_DEADLINE, tsc);
}

/* Programs the divider and LVT, then the initial count, which starts it. */
static void timer_start(uint32_t lvt, uint32_t count)
{
	rt_wrmsr(MSR_X2APIC_TDCR, TDCR_DIVIDE_BY_1);
	rt_wrmsr(MSR_X2APIC_LVT_TIMER, lvt);
	rt_wrmsr(MSR_X2APIC_TMICT, count);
}

void rt_apic_timer_oneshot(uint8_t vector, uint32_t count)
{
	timer_start(LVT_ONESHOT | vector, count);
}

void rt_apic_timer_periodic(uint8_t vector, uint32_t count)
{
	timer_start(LVT_PERIODIC | vector, count);
}

void rt_apic_timer_stop(void)
{
	rt_wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED);
	rt_wrmsr(MSR_X2APIC_TMICT, 0);
}

uint32_t rt_apic_timer_current(void)
{
	return (uint32_t)rt_rdmsr(MSR_X2APIC_TMCCT);
}
