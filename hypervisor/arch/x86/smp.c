/*
 * smp.c - per-CPU set-up and starting the application processors.
 *
 * The boot CPU starts the APs one at a time: it gives each its stacks and
 * per-CPU area, writes the trampoline's parameter block, sends
 * INIT-SIPI-SIPI, and waits for the AP to report through boot_status:
 *   0  not started            1  running in C, setting itself up
 *   2  ready (SVM on)        -1  failed (it logged why and halted)
 * An AP that never answers is cancelled and not counted.
 *
 * Invariant: a CPU runs ap_entry() on a per-CPU area only while the boot
 * CPU waits for that area's AP, so every area run on is counted (or
 * reported failed). The parameter block's state word enforces it: the
 * boot CPU opens the block (AP_PARAMS_OPEN) before the STARTUP IPIs; the
 * AP's trampoline takes it (OPEN -> TAKEN, lock cmpxchg) before anything
 * else, or parks itself (cli; hlt) if it is not open. When its time is up
 * the boot CPU closes the block the same way (OPEN -> CLOSED); whichever
 * exchange comes first wins. An AP that lost is also sent INIT, so it
 * cannot start later, when the trampoline's page (low RAM) may belong to
 * dom0. An AP that took the block after the timeout is waited for: it
 * runs our code and reports within bounded time. A late AP of an earlier
 * attempt that takes the block opened for the next CPU runs on that
 * CPU's area and is counted in its place (smp_init_this_cpu() records
 * its own APIC ID); the CPU the block was meant for then parks.
 */
#include "x86/smp.h"
#include "x86/percpu.h"
#include "x86/trap.h"
#include "x86/apic.h"
#include "x86/paging.h"
#include "x86/layout.h"
#include "x86/cpu.h"
#include "x86/svm.h"
#include "hv/acpi.h"
#include "hv/cpu.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/time.h"
#include "hv/lib.h"
#include "hv/panic.h"
#include "hv/schedule.h"
#include "x86/fpu.h"

#define AP_START_TIMEOUT_NS 10000000000ull  /* TCG on a loaded host: 2 s was too short */

/* The trampoline's parameter block (ap_trampoline.S, param_*). */
struct ap_params {
	uint64_t cr3;
	uint64_t efer;
	uint64_t stack;
	uint64_t entry;
	uint64_t arg;
	uint32_t state;          /* AP_PARAMS_*: lock cmpxchg on both sides */
	uint32_t reserved;
};
_Static_assert(offsetof(struct ap_params, state) == 40, "param_state in ap_trampoline.S");

extern const char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_params[];
extern char boot_stack_top[];

static unsigned nr_online;
static uint8_t boot_ist_stacks[3][4096] __attribute__((aligned(16)));

__attribute__((noreturn)) void x86_switch_stack(uint64_t top, void (*fn)(void));

int cpu_current_id(void)
{
	return (int)this_cpu()->id;
}

unsigned cpu_online_count(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}

void smp_early_init_bsp(void)
{
	struct percpu *p = &percpu_areas[0];

	p->id = 0;
	percpu_install(p);
	/* Temporary IST stacks until the guarded ones exist. */
	for (unsigned i = 0; i < 3; i++) {
		p->ist_lo[IST_NMI + i] = (uint64_t)boot_ist_stacks[i];
		p->ist_top[IST_NMI + i] = (uint64_t)boot_ist_stacks[i] + 4096;
	}
	p->stack_lo = (uint64_t)boot_stack_top - BOOT_STACK_SIZE;
	p->stack_top = (uint64_t)boot_stack_top;
	idt_init();
	gdt_init_cpu(p);
	idt_load();
}

static void ipi_call_interrupt(struct trap_frame *tf)
{
	struct percpu *p = this_cpu();
	void (*fn)(void) = __atomic_exchange_n(&p->call_fn, NULL, __ATOMIC_ACQ_REL);

	(void)tf;
	p->ipi_calls++;
	if (fn)
		fn();
}

int smp_call(unsigned cpu, void (*fn)(void))
{
	if (cpu >= MAX_CPUS || !percpu_areas[cpu].online)
		return -1;
	__atomic_store_n(&percpu_areas[cpu].call_fn, fn, __ATOMIC_RELEASE);
	lapic_send_ipi(percpu_areas[cpu].apic_id, VECTOR_IPI_CALL);
	return 0;
}

/* One-shot timer check: this CPU's timer must fire within 1 ms + slack. */
static void check_timer(void)
{
	uint64_t before = this_cpu()->timer_fired;
	uint64_t start = time_now_ns();

	timer_arm(start + 1000000);
	irq_enable();
	while (this_cpu()->timer_fired == before &&
	       time_now_ns() - start < 1000000000ull)
		__asm__ volatile("hlt");
	irq_disable();
	if (this_cpu()->timer_fired == before)
		log_warn("one-shot timer did not fire within 1 s");
	else
		log_debug("one-shot timer fired after %lu us",
			  (time_now_ns() - start) / 1000);
}

int smp_init_this_cpu(struct percpu *p)
{
	const char *missing;
	int err;

	write_cr4(read_cr4() | CR4_PGE);
	fpu_init_cpu();
	lapic_init_cpu();
	p->apic_id = lapic_id();
	if (p->id == 0)
		lapic_timer_calibrate();
	if (!svm_check_cpu(&missing)) {
		log_err("this CPU lacks %s; leaving it offline", missing);
		return -1;
	}
	err = svm_enable_cpu(p);
	if (err) {
		log_err("cannot enable SVM (%d)", err);
		return err;
	}
	check_timer();
	return 0;
}

void smp_move_bsp_stack(void (*next)(void))
{
	struct percpu *p = &percpu_areas[0];

	if (paging_map_cpu_stacks(p))
		panic("no memory for the boot CPU's stacks");
	for (unsigned i = IST_NMI; i <= IST_MC; i++)
		p->tss.ist[i - 1] = p->ist_top[i];
	trap_set_handler(VECTOR_IPI_CALL, ipi_call_interrupt);
	p->online = true;
	__atomic_store_n(&nr_online, 1, __ATOMIC_RELEASE);
	x86_switch_stack(p->stack_top, next);
}

/* Where an AP arrives from the trampoline, on its own stack. */
static __attribute__((noreturn)) void ap_entry(struct percpu *p)
{
	percpu_install(p);
	gdt_init_cpu(p);
	idt_load();
	p->boot_status = 1;
	if (smp_init_this_cpu(p)) {
		p->boot_status = -1;
		cpu_halt_forever();
	}
	p->online = true;
	__atomic_add_fetch(&nr_online, 1, __ATOMIC_ACQ_REL);
	p->boot_status = 2;
	schedule_loop();
}

/* Waits until p's AP reported ready (2) or failed (-1), or until the
 * deadline (time_now_ns()); returns whether it reported. */
static bool wait_ap_status(struct percpu *p, uint64_t deadline)
{
	while (time_now_ns() < deadline) {
		int st = __atomic_load_n(&p->boot_status, __ATOMIC_ACQUIRE);
		if (st == 2 || st == -1)
			return true;
		cpu_relax();
	}
	return false;
}

/* Starts one AP; returns true when it reported ready. */
static bool start_ap(struct percpu *p, uint32_t apic_id)
{
	struct ap_params *params = phys_to_virt(AP_TRAMPOLINE_PHYS +
		(uint64_t)(ap_trampoline_params - ap_trampoline_start));

	if (paging_map_cpu_stacks(p)) {
		log_err("cpu%u: no memory for its stacks", p->id);
		return false;
	}
	p->apic_id = apic_id;
	params->cr3 = paging_root();
	params->efer = rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE);
	params->stack = p->stack_top;
	params->entry = (uint64_t)ap_entry;
	params->arg = (uint64_t)p;
	/* Open last: the parameters are complete before any AP can take them. */
	__atomic_store_n(&params->state, AP_PARAMS_OPEN, __ATOMIC_SEQ_CST);

	lapic_start_ap(apic_id, AP_TRAMPOLINE_PHYS);
	if (wait_ap_status(p, time_now_ns() + AP_START_TIMEOUT_NS))
		return p->boot_status == 2;

	uint32_t open = AP_PARAMS_OPEN;
	if (__atomic_compare_exchange_n(&params->state, &open, AP_PARAMS_CLOSED, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		lapic_send_init(apic_id);      /* it never starts later */
		log_err("CPU with APIC ID %u did not start", apic_id);
		return false;
	}
	/* An AP took the block just now: it is running our code; wait. */
	log_warn("CPU with APIC ID %u started late; waiting for it", apic_id);
	wait_ap_status(p, UINT64_MAX);
	return p->boot_status == 2;
}

unsigned smp_boot_aps(const struct acpi_info *acpi, unsigned maxcpus)
{
	size_t len = (size_t)(ap_trampoline_end - ap_trampoline_start);
	uint32_t self = lapic_id();
	unsigned next_id = 1;

	memcpy(phys_to_virt(AP_TRAMPOLINE_PHYS), ap_trampoline_start, len);
	paging_identity_low(1);
	for (unsigned i = 0; i < acpi->nr_cpus; i++) {
		if (acpi->cpus[i].apic_id == self)
			continue;
		if (next_id >= MAX_CPUS || (maxcpus && next_id >= maxcpus))
			break;
		struct percpu *p = &percpu_areas[next_id];
		p->id = next_id;
		if (start_ap(p, acpi->cpus[i].apic_id))
			next_id++;
	}
	paging_identity_low(0);
	return cpu_online_count();
}

unsigned smp_ipi_selftest(void)
{
	uint64_t before[MAX_CPUS];
	unsigned missing = 0;

	for (unsigned i = 1; i < MAX_CPUS; i++) {
		before[i] = percpu_areas[i].ipi_calls;
		if (percpu_areas[i].online)
			lapic_send_ipi(percpu_areas[i].apic_id, VECTOR_IPI_CALL);
	}
	uint64_t deadline = time_now_ns() + 1000000000ull;
	for (unsigned i = 1; i < MAX_CPUS; i++) {
		if (!percpu_areas[i].online)
			continue;
		while (percpu_areas[i].ipi_calls == before[i] && time_now_ns() < deadline)
			cpu_relax();
		if (percpu_areas[i].ipi_calls == before[i]) {
			log_err("cpu%u did not answer an IPI", i);
			missing++;
		}
	}
	return missing;
}

void smp_idle_loop(void)
{
	for (;;) {
		irq_enable();
		__asm__ volatile("hlt");
	}
}
