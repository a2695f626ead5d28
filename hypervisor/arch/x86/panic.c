/*
 * panic.c - reporting a hypervisor bug and stopping every CPU.
 *
 * Ordering: the first CPU to panic wins the panic_cpu race; a second panic
 * (on another CPU, or nested on the same one) just halts that CPU. The
 * winner takes the console over, sends an NMI to every other CPU (which
 * halts them even with interrupts off), waits briefly for them to report
 * stopped, prints its report, and halts. NMIs stay blocked on a CPU that
 * halts inside its NMI handler, so stopped CPUs never run again; nothing
 * resets the machine, so the report stays visible.
 */
#include <stdarg.h>
#include "hv/panic.h"
#include "hv/log.h"
#include "hv/fmt.h"
#include "hv/ksyms.h"
#include "hv/cpu.h"
#include "hv/time.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/apic.h"
#include "x86_panic.h"

static volatile int panic_cpu = -1;

static const char *const exception_names[32] = {
	[0] = "#DE divide error", [1] = "#DB debug", [2] = "NMI",
	[3] = "#BP breakpoint", [4] = "#OF overflow", [5] = "#BR bound range",
	[6] = "#UD invalid opcode", [7] = "#NM device not available",
	[8] = "#DF double fault", [10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection", [14] = "#PF page fault",
	[16] = "#MF x87 floating point", [17] = "#AC alignment check",
	[18] = "#MC machine check", [19] = "#XM SIMD floating point",
	[21] = "#CP control protection", [29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

bool panic_in_progress(void)
{
	return panic_cpu >= 0;
}

void x86_panic_stop_this_cpu(void)
{
	this_cpu()->stopped = true;
	cpu_halt_forever();
}

static unsigned stopped_cpus(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		n += percpu_areas[i].online && percpu_areas[i].stopped;
	return n;
}

/* Wins the right to report (or halts), takes the console, stops the rest. */
static void panic_begin(void)
{
	int me = cpu_current_id();
	int expected = -1;

	irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (expected == me)       /* faulted while reporting */
			log_raw("PANIC: cpu%d: fault while reporting a panic; system halted\n", me);
		x86_panic_stop_this_cpu();
	}
	log_panic_takeover();
	this_cpu()->stopped = true;
	if (cpu_online_count() > 1 && lapic_ready()) {
		lapic_send_nmi_all_but_self();
		/* Give the others ~100 ms to stop; they may be wedged. */
		uint64_t until = time_ready() ? time_now_ns() + 100000000ull : 0;
		for (unsigned spins = 0; spins < 50000000u; spins++) {
			if (stopped_cpus() >= cpu_online_count())
				break;
			if (until && time_now_ns() > until)
				break;
			cpu_relax();
		}
	}
}

void machine_stop_others(void)
{
	panic_begin();
}

static void print_address(const char *indent, uint64_t addr)
{
	uint64_t off;
	const char *name = ksyms_lookup(addr, &off);

	if (name)
		log_raw("%s%016lx %s+%#lx\n", indent, addr, name, off);
	else
		log_raw("%s%016lx\n", indent, addr);
}

/* True if a 16-byte frame record at rbp lies inside one of this CPU's
 * stacks, so reading it cannot fault. */
static bool frame_on_stack(const struct percpu *p, uint64_t rbp)
{
	if (rbp & 7)
		return false;
	if (rbp >= p->stack_lo && rbp + 16 <= p->stack_top)
		return true;
	for (unsigned i = IST_NMI; i <= IST_MC; i++)
		if (rbp >= p->ist_lo[i] && rbp + 16 <= p->ist_top[i])
			return true;
	return false;
}

/* Walks the frame-pointer chain from rbp (compiled with frame pointers). */
static void print_stack_trace(uint64_t rbp)
{
	log_raw("  stack trace:\n");
	for (unsigned depth = 0; depth < 24 && rbp; depth++) {
		if (!frame_on_stack(this_cpu(), rbp))
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (!ret)
			break;
		print_address("    ", ret);
		rbp = frame[0];
	}
}

static void print_registers(const struct trap_frame *tf)
{
	log_raw("  rip %016lx  cs %04lx  rflags %016lx\n", tf->rip, tf->cs, tf->rflags);
	log_raw("  rsp %016lx  ss %04lx  error code %#lx\n", tf->rsp, tf->ss, tf->error_code);
	log_raw("  rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	log_raw("  rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	log_raw("  rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	log_raw("  r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11, tf->r12);
	log_raw("  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14, tf->r15);
	log_raw("  cr0 %016lx  cr2 %016lx  cr3 %016lx  cr4 %016lx\n",
		read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static __attribute__((noreturn)) void panic_end(const char *what)
{
	log_raw("PANIC: cpu%d: %s; %u of %u CPUs stopped, system halted\n",
		cpu_current_id(), what, stopped_cpus(), cpu_online_count());
	cpu_halt_forever();
}

void x86_panic_exception(struct trap_frame *tf)
{
	char what[160];
	unsigned v = (unsigned)tf->vector;
	const char *name = exception_names[v] ? exception_names[v] : "reserved exception";
	uint64_t off;
	const char *fn = ksyms_lookup(tf->rip, &off);

	panic_begin();
	log_raw("\n*** hypervisor exception on cpu%d: %s (vector %u), error code %#lx\n",
		cpu_current_id(), name, v, tf->error_code);
	print_registers(tf);
	print_address("  at ", tf->rip);
	print_stack_trace(tf->rbp);
	if (fn)
		fmt_snprintf(what, sizeof(what), "%s (vector %u) at %s+%#lx", name, v, fn, off);
	else
		fmt_snprintf(what, sizeof(what), "%s (vector %u) at %#lx", name, v, tf->rip);
	panic_end(what);
}

void panic(const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	panic_begin();
	log_raw("\n*** hypervisor panic on cpu%d: %s\n", cpu_current_id(), what);
	print_stack_trace((uint64_t)__builtin_frame_address(0));
	panic_end(what);
}
