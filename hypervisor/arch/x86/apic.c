/*
 * apic.c - local APIC access, IPIs and the one-shot timer.
 *
 * The same register numbers serve both modes: xAPIC register at MMIO
 * offset R is x2APIC MSR 0x800 + R/16 (APM vol. 2, 16.11 "x2APIC"), except
 * the ICR, which is one 64-bit MSR in x2APIC mode and two 32-bit registers
 * (destination in the high one) in xAPIC mode.
 *
 * QEMU's TCG offers no x2APIC to the host, so xAPIC MMIO is what runs in
 * our tests; x2APIC is used when CPUID has it.
 */
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/io.h"
#include "x86/trap.h"
#include "x86/paging.h"
#include "hv/acpi.h"
#include "hv/time.h"
#include "hv/log.h"
#include "hv/panic.h"
#include "hv/errno.h"

#define APIC_ID      0x020
#define APIC_VERSION 0x030
#define APIC_TPR     0x080
#define APIC_EOI     0x0b0
#define APIC_SVR     0x0f0
#define  SVR_ENABLE  (1u << 8)
#define APIC_ESR     0x280
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define  ICR_FIXED   (0u << 8)
#define  ICR_NMI     (4u << 8)
#define  ICR_INIT    (5u << 8)
#define  ICR_STARTUP (6u << 8)
#define  ICR_BUSY    (1u << 12)
#define  ICR_ASSERT  (1u << 14)
#define  ICR_LEVEL   (1u << 15)
#define  ICR_ALL_BUT_SELF (3u << 18)
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define  LVT_MASKED  (1u << 16)
#define  LVT_NMI     (4u << 8)
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE  0x3e0
#define  DIVIDE_BY_1 0xb

#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))

static volatile uint32_t *xapic_regs;   /* set once by the boot CPU */
static bool x2apic;
static bool ready;
static uint64_t timer_hz;               /* APIC timer ticks per second */

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR(reg));
	return xapic_regs[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		xapic_regs[reg / 4] = v;
}

static void apic_write_icr(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | low);
		return;
	}
	uint64_t flags = irq_save();
	while (xapic_regs[APIC_ICR_LO / 4] & ICR_BUSY)
		cpu_relax();
	xapic_regs[APIC_ICR_HI / 4] = dest << 24;
	xapic_regs[APIC_ICR_LO / 4] = low;
	irq_restore(flags);
}

static void disable_legacy_pic(void)
{
	outb(0x21, 0xff);   /* mask every 8259 line; we never use them */
	outb(0xa1, 0xff);
}

int lapic_init_global(const struct acpi_info *acpi)
{
	x2apic = (cpuid(1, 0).ecx >> 21) & 1;
	if (!x2apic) {
		uint64_t base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
		if (acpi->lapic_address && acpi->lapic_address != base)
			log_warn("MADT APIC address %#lx differs from MSR %#lx; using the MSR",
				 acpi->lapic_address, base);
		xapic_regs = paging_map_mmio(base, 4096);
		if (!xapic_regs)
			return -ENOMEM;
	}
	if (acpi->pcat_compat)
		disable_legacy_pic();
	log_info("local APIC: %s mode", x2apic ? "x2APIC" : "xAPIC");
	return 0;
}

static void apic_error_interrupt(struct trap_frame *tf)
{
	(void)tf;
	apic_write(APIC_ESR, 0);
	log_warn("local APIC error, ESR %#x", apic_read(APIC_ESR));
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	if (x2apic)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_NMI);
	apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_1);
	if (!ready) {
		trap_set_handler(VECTOR_APIC_ERROR, apic_error_interrupt);
		ready = true;
	}
}

bool lapic_ready(void)
{
	return ready;
}

bool lapic_x2apic_mode(void)
{
	return x2apic;
}

uint32_t lapic_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	apic_write_icr(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void lapic_send_nmi_all_but_self(void)
{
	apic_write_icr(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

/* INIT-SIPI-SIPI with the delays of the MP start-up protocol. */
void lapic_send_init(uint32_t apic_id)
{
	apic_write_icr(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
}

void lapic_start_ap(uint32_t apic_id, uint32_t trampoline_pa)
{
	lapic_send_init(apic_id);
	time_delay_us(10000);
	for (int i = 0; i < 2; i++) {
		apic_write_icr(apic_id, ICR_STARTUP | (trampoline_pa >> 12));
		time_delay_us(200);
	}
}

void lapic_timer_calibrate(void)
{
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_1);
	apic_write(APIC_TIMER_INITIAL, 0xffffffff);
	uint64_t t0 = time_now_ns();
	time_delay_us(10000);
	uint32_t left = apic_read(APIC_TIMER_CURRENT);
	uint64_t t1 = time_now_ns();
	apic_write(APIC_TIMER_INITIAL, 0);
	timer_hz = (uint64_t)(0xffffffffu - left) * 1000000000ull / (t1 - t0);
	if (!timer_hz)
		panic("local APIC timer does not count");
	log_info("local APIC timer: %lu kHz", timer_hz / 1000);
}

uint64_t lapic_timer_hz(void)
{
	return timer_hz;
}

void lapic_timer_oneshot(uint64_t ns)
{
	if (!ns) {
		apic_write(APIC_TIMER_INITIAL, 0);
		return;
	}
	uint64_t ticks = (uint64_t)((unsigned __int128)ns * timer_hz / 1000000000u);
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;      /* fires early; the handler re-arms */
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER);     /* one-shot, unmasked */
	apic_write(APIC_TIMER_INITIAL, (uint32_t)ticks);
}
