/*
 * hostile_insn - privileged and unsupported instructions, MSRs and ports,
 * each run under rt_expect_fault(), to see that the hypervisor answers
 * every one the documented way and the guest survives them all.
 *
 * Probes and the answers they must get (docs/test-guests.md):
 *   VMRUN VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA      #UD (no SVM for guests)
 *   CPUID 0x80000001 ECX[2] (SVM)                     clear
 *   EFER: SVME reads 0; setting it                    #GP, or ignored
 *   VM_CR: read #GP or SVMDIS set; write              #GP, or ignored
 *   VM_HSAVE_PA read and write                        #GP
 *   MSRs that exist on no CPU                          #GP
 *   MONITOR/MWAIT when CPUID.1:ECX[3] is clear         #UD (else either)
 *   RDPMC of a counter that does not exist             #GP (or #UD)
 *   WBINVD, INVD                                       complete (no-ops)
 *   XSETBV with bad values                             #GP (#UD without XSAVE)
 *   MOV to CR0/CR4 with reserved or illegal bits       #GP, CR unchanged
 *   MOV to DR0-DR3 / DR6 / DR7 legal values            complete, read back
 *   MOV to DR6/DR7 bits 63:32; DR4 with CR4.DE set     #GP; #UD
 *   random MSRs (seed=<n>): read; a readable one is written back unchanged,
 *     an unreadable one written with a random value    anything but a hang
 *   random I/O ports, 1/2/4 bytes, in and out          complete (unknown
 *                                                      ports read all-ones)
 * Each probe prints `hostile_insn: <probe> -> <outcome>`; random MSRs and
 * ports print only what is not a plain #GP / all-ones, then a summary.
 * Result: PASS hostile_insn, or FAIL hostile_insn naming the first
 * inconsistency (and the count of them).
 */
#include "rt/rt.h"

#define NAME "hostile_insn"
#define VEC_WAKE 0x70
#define RANDOM_MSRS 256
#define RANDOM_PORTS 64

/* Outcomes a probe accepts. */
#define OK_UD    (1u << 0)
#define OK_GP    (1u << 1)
#define OK_NONE  (1u << 2)       /* completed without an exception */
#define OK_ANY   (OK_UD | OK_GP | OK_NONE | (1u << 3))

struct msr_op {
	uint32_t msr;
	uint64_t value;
};

struct xsetbv_op {
	uint32_t xcr;
	uint64_t value;
};

static unsigned int nr_probes, nr_faulted, nr_completed, nr_bad;
static char first_bad[160];
static uint64_t rng_state;
static uint8_t scratch_page[4096] __attribute__((aligned(4096)));
static volatile uint64_t wakeups;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void inconsistent(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records an inconsistency: counted, printed, the first kept for FAIL. */
static void inconsistent(const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	rt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!nr_bad++)
		rt_strlcpy(first_bad, what, sizeof(first_bad));
	rt_printf("hostile_insn: INCONSISTENT: %s\n", what);
}

static unsigned int outcome_bit(const struct rt_fault *f)
{
	if (f->vector == RT_FAULT_NONE)
		return OK_NONE;
	if (f->vector == RT_VEC_UD)
		return OK_UD;
	return f->vector == RT_VEC_GP ? OK_GP : 1u << 3;
}

/* Runs fn(arg) under the fault helper and judges the outcome against
 * ok (OK_* bits); quiet probes print only when inconsistent. Returns
 * the fault (vector RT_FAULT_NONE if it completed). */
static struct rt_fault probe(const char *what, void (*fn)(void *), void *arg,
			     unsigned int ok, bool quiet)
{
	struct rt_fault f;
	bool faulted = rt_expect_fault(fn, arg, &f);

	nr_probes++;
	if (faulted)
		nr_faulted++;
	else
		nr_completed++;
	if (!(outcome_bit(&f) & ok))
		inconsistent("%s -> %s", what, faulted ? rt_vector_name(f.vector) :
			     "completed");
	else if (!quiet)
		rt_printf("hostile_insn: %s -> %s\n", what,
			  faulted ? rt_vector_name(f.vector) : "completed");
	return f;
}

/* --- SVM instructions (APM vol. 3): encodings spelled out so that no
 * assembler's mnemonic support matters. RAX points at a harmless page. --- */

static void do_vmrun(void *a) { __asm__ volatile(".byte 0x0f,0x01,0xd8" : : "a"(a) : "memory"); }
static void do_vmload(void *a) { __asm__ volatile(".byte 0x0f,0x01,0xda" : : "a"(a) : "memory"); }
static void do_vmsave(void *a) { __asm__ volatile(".byte 0x0f,0x01,0xdb" : : "a"(a) : "memory"); }
static void do_stgi(void *a) { (void)a; __asm__ volatile(".byte 0x0f,0x01,0xdc" : : : "memory"); }
static void do_clgi(void *a) { (void)a; __asm__ volatile(".byte 0x0f,0x01,0xdd" : : : "memory"); }
static void do_skinit(void *a) { __asm__ volatile(".byte 0x0f,0x01,0xde" : : "a"(a) : "memory"); }
static void do_invlpga(void *a) { __asm__ volatile(".byte 0x0f,0x01,0xdf" : : "a"(a), "c"(0) : "memory"); }

static void probe_svm(void)
{
	void *page = scratch_page;

	probe("vmrun", do_vmrun, page, OK_UD, false);
	probe("vmload", do_vmload, page, OK_UD, false);
	probe("vmsave", do_vmsave, page, OK_UD, false);
	probe("stgi", do_stgi, NULL, OK_UD, false);
	probe("clgi", do_clgi, NULL, OK_UD, false);
	probe("skinit", do_skinit, page, OK_UD, false);
	probe("invlpga", do_invlpga, page, OK_UD, false);
	if (rt_cpuid(0x80000001, 0).ecx & (1u << 2))
		inconsistent("CPUID 0x80000001 ECX advertises SVM, but SVM "
			     "instructions are documented to raise #UD");
}

/* --- MSRs --- */

static void do_rdmsr(void *arg)
{
	struct msr_op *op = arg;

	op->value = rt_rdmsr(op->msr);
}

static void do_wrmsr(void *arg)
{
	struct msr_op *op = arg;

	rt_wrmsr(op->msr, op->value);
}

static void probe_efer(void)
{
	struct msr_op op = { RT_MSR_EFER, 0 };
	uint64_t efer;

	probe("rdmsr EFER", do_rdmsr, &op, OK_NONE, false);
	efer = op.value;
	if (efer & RT_EFER_SVME)
		inconsistent("EFER.SVME reads as set (0x%lx)", efer);
	op.value = efer | RT_EFER_SVME;
	probe("wrmsr EFER|SVME", do_wrmsr, &op, OK_GP | OK_NONE, false);
	op.value = 0;
	probe("rdmsr EFER again", do_rdmsr, &op, OK_NONE, true);
	if (op.value & RT_EFER_SVME) {
		inconsistent("EFER.SVME could be set by the guest");
		op.value &= ~RT_EFER_SVME;
		probe("wrmsr EFER restore", do_wrmsr, &op, OK_ANY, true);
	}
}

static void probe_svm_msrs(void)
{
	struct msr_op op = { RT_MSR_VM_CR, 0 };
	struct rt_fault f;
	uint64_t before;

	f = probe("rdmsr VM_CR", do_rdmsr, &op, OK_GP | OK_NONE, false);
	if (f.vector == RT_FAULT_NONE && !(op.value & (1u << 4)))
		inconsistent("VM_CR readable (0x%lx) without SVMDIS", op.value);
	before = op.value;
	op.value = before ^ 0x18;                    /* LOCK and SVMDIS */
	f = probe("wrmsr VM_CR", do_wrmsr, &op, OK_GP | OK_NONE, false);
	if (f.vector == RT_FAULT_NONE) {
		op.value = 0;
		probe("rdmsr VM_CR again", do_rdmsr, &op, OK_GP | OK_NONE, true);
		if (op.value != before)
			inconsistent("VM_CR write changed it: 0x%lx -> 0x%lx",
				     before, op.value);
	}
	op = (struct msr_op){ RT_MSR_VM_HSAVE_PA, 0 };
	f = probe("rdmsr VM_HSAVE_PA", do_rdmsr, &op, OK_GP, false);
	op.value = (uintptr_t)scratch_page;
	probe("wrmsr VM_HSAVE_PA", do_wrmsr, &op, OK_GP, false);
}

/* MSR indices in no architectural range of any vendor. */
static const uint32_t bogus_msrs[] = { 0x0badc0de, 0x5a5a5a5a, 0x3fffffff, 0xfffffffe };

static void probe_bogus_msrs(void)
{
	char what[48];

	for (unsigned int i = 0; i < sizeof(bogus_msrs) / sizeof(bogus_msrs[0]); i++) {
		struct msr_op op = { bogus_msrs[i], 0x1234 };

		rt_snprintf(what, sizeof(what), "rdmsr 0x%x", op.msr);
		probe(what, do_rdmsr, &op, OK_GP, false);
		op.value = 0x1234;
		rt_snprintf(what, sizeof(what), "wrmsr 0x%x", op.msr);
		probe(what, do_wrmsr, &op, OK_GP, false);
	}
}

/* MSRs the guest relies on, or that a random write could turn against
 * it (the KVM clock MSRs write to the address they are given); their own
 * probes cover the interesting ones. */
static bool msr_spared(uint32_t msr)
{
	return msr == 0x10 || msr == 0x11 || msr == 0x12 || msr == RT_MSR_APIC_BASE ||
	       msr == RT_MSR_TSC_DEADLINE || msr == RT_MSR_EFER ||
	       (msr >= 0x800 && msr <= 0x8ff) ||
	       (msr >= 0x4b564d00 && msr <= 0x4b564dff);
}

/* A random index, mostly from the ranges where real MSRs live. */
static uint32_t random_msr(void)
{
	static const uint32_t bases[] = { 0, 0xc0000000, 0xc0010000 };
	uint64_t r = rng_next();
	uint32_t msr;

	do {
		msr = (r & 3) == 3 ? (uint32_t)(r >> 32) :
			bases[r & 3] + (uint32_t)((r >> 8) & 0x1fff);
		r = rng_next();
	} while (msr_spared(msr));
	return msr;
}

/* One random MSR: read it; write back what was read, or a random value
 * if it could not be read. Counts what it found. */
static void probe_random_msr(unsigned int *readable, unsigned int *write_only)
{
	struct msr_op op = { random_msr(), 0 };
	struct rt_fault f;
	bool read_ok;
	char what[48];

	rt_snprintf(what, sizeof(what), "rdmsr 0x%x", op.msr);
	f = probe(what, do_rdmsr, &op, OK_GP | OK_NONE, true);
	read_ok = f.vector == RT_FAULT_NONE;
	if (read_ok) {
		++*readable;
		rt_printf("hostile_insn: rdmsr 0x%x -> 0x%lx (written back)\n",
			  op.msr, op.value);
	} else {
		op.value = rng_next();
	}
	rt_snprintf(what, sizeof(what), "wrmsr 0x%x", op.msr);
	f = probe(what, do_wrmsr, &op, OK_GP | OK_NONE, true);
	if (!read_ok && f.vector == RT_FAULT_NONE) {
		++*write_only;
		rt_printf("hostile_insn: wrmsr 0x%x <- 0x%lx accepted though "
			  "unreadable\n", op.msr, op.value);
	}
}

static void probe_random_msrs(void)
{
	unsigned int readable = 0, write_only = 0;

	for (unsigned int i = 0; i < RANDOM_MSRS; i++)
		probe_random_msr(&readable, &write_only);
	rt_printf("hostile_insn: random MSRs: %u probed, %u readable, %u "
		  "unreadable but writable\n", RANDOM_MSRS, readable, write_only);
}

/* --- MONITOR/MWAIT, RDPMC, caches --- */

static void do_monitor(void *a)
{
	__asm__ volatile(".byte 0x0f,0x01,0xc8" : : "a"(a), "c"(0), "d"(0) : "memory");
}

/* MWAIT with a TSC-deadline wake-up 10 ms on and interrupts on, so that
 * an MWAIT that really waits ends. */
static void do_mwait(void *a)
{
	(void)a;
	if (rt_apic_has_tsc_deadline())
		rt_apic_set_deadline(rt_rdtsc() + rt_ns_to_tsc(10 * RT_NS_PER_MS));
	rt_irq_enable();
	__asm__ volatile(".byte 0x0f,0x01,0xc9" : : "a"(0), "c"(0) : "memory");
	rt_irq_disable();
}

static void do_rdpmc(void *a)
{
	uint32_t lo, hi;

	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"((uint32_t)(uintptr_t)a));
}

static void do_wbinvd(void *a) { (void)a; __asm__ volatile("wbinvd" : : : "memory"); }
static void do_invd(void *a) { (void)a; __asm__ volatile("invd" : : : "memory"); }

static void on_wake(unsigned int vector)
{
	(void)vector;
	wakeups++;
}

static void probe_misc(void)
{
	bool monitor = rt_cpuid(1, 0).ecx & (1u << 3);
	unsigned int mon_ok = monitor ? OK_ANY : OK_UD;

	rt_irq_register(VEC_WAKE, on_wake);
	if (rt_apic_has_tsc_deadline())
		rt_apic_timer_deadline_mode(VEC_WAKE);
	probe("monitor", do_monitor, scratch_page, mon_ok, false);
	probe("mwait", do_mwait, NULL, mon_ok, false);
	rt_irq_disable();          /* a faulting MWAIT returns with IF set */
	rt_apic_set_deadline(0);
	probe("rdpmc 0", do_rdpmc, (void *)0, OK_ANY, false);
	probe("rdpmc 0x40001234 (no such counter)", do_rdpmc,
	      (void *)0x40001234, OK_GP | OK_UD, false);
	probe("wbinvd", do_wbinvd, NULL, OK_NONE, false);
	probe("invd", do_invd, NULL, OK_NONE, false);
}

/* --- XSETBV --- */

static void do_xsetbv(void *arg)
{
	struct xsetbv_op *op = arg;

	__asm__ volatile("xsetbv" : : "c"(op->xcr), "a"((uint32_t)op->value),
			 "d"((uint32_t)(op->value >> 32)) : "memory");
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* With XSAVE offered, CR4.OSXSAVE is set for the probes (then cleared
 * again) so that the bad values meet XSETBV's own checks: #GP. */
static void probe_xsetbv(void)
{
	bool xsave = rt_cpuid(1, 0).ecx & (1u << 26);
	unsigned int bad_ok = xsave ? OK_GP : OK_UD;
	uint64_t cr4 = rt_read_cr4(), before = 0;
	struct xsetbv_op op;

	if (xsave) {
		rt_write_cr4(cr4 | RT_CR4_OSXSAVE);
		before = xgetbv0();
	}
	op = (struct xsetbv_op){ 0, 0 };
	probe("xsetbv xcr0=0 (x87 bit clear)", do_xsetbv, &op, bad_ok, false);
	op = (struct xsetbv_op){ 0, 1ull << 63 | 3 };
	probe("xsetbv xcr0 reserved bit 63", do_xsetbv, &op, bad_ok, false);
	op = (struct xsetbv_op){ 0, 1 | 4 };
	probe("xsetbv xcr0=x87|AVX without SSE", do_xsetbv, &op, bad_ok, false);
	op = (struct xsetbv_op){ 0x10, 1 };
	probe("xsetbv xcr 0x10", do_xsetbv, &op, bad_ok, false);
	if (xsave) {
		if (xgetbv0() != before)
			inconsistent("XCR0 changed by refused XSETBVs: 0x%lx -> 0x%lx",
				     before, xgetbv0());
		rt_write_cr4(cr4);
	}
}

/* --- control and debug registers --- */

static void do_write_cr0(void *arg)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(*(uint64_t *)arg) : "memory");
}

static void do_write_cr4(void *arg)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(*(uint64_t *)arg) : "memory");
}

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)

static void probe_cr(void)
{
	uint64_t cr0 = rt_read_cr0(), cr4 = rt_read_cr4(), v;

	v = cr0 | 1ull << 32;
	probe("mov cr0, reserved bit 32", do_write_cr0, &v, OK_GP, false);
	v = cr0 & ~CR0_PE;
	probe("mov cr0, PG without PE", do_write_cr0, &v, OK_GP, false);
	v = (cr0 & ~CR0_CD) | CR0_NW;
	probe("mov cr0, NW without CD", do_write_cr0, &v, OK_GP, false);
	v = cr4 | 1ull << 63;
	probe("mov cr4, reserved bit 63", do_write_cr4, &v, OK_GP, false);
	v = cr4 | CR4_VMXE;
	probe("mov cr4, VMXE (reserved on AMD)", do_write_cr4, &v, OK_GP, false);
	v = cr4 ^ CR4_LA57;
	probe("mov cr4, LA57 toggled in long mode", do_write_cr4, &v, OK_GP, false);
	if (rt_read_cr0() != cr0 || rt_read_cr4() != cr4)
		inconsistent("CR0/CR4 changed: 0x%lx/0x%lx -> 0x%lx/0x%lx", cr0,
			     cr4, rt_read_cr0(), rt_read_cr4());
}

struct dr_op {
	unsigned int reg;
	uint64_t value;
};

/* MOV to/from DRn needs n in the instruction: one case per register. */
static void do_write_dr(void *arg)
{
	struct dr_op *op = arg;

	switch (op->reg) {
	case 0: __asm__ volatile("mov %0, %%dr0" : : "r"(op->value)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" : : "r"(op->value)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" : : "r"(op->value)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" : : "r"(op->value)); break;
	case 4: __asm__ volatile("mov %0, %%dr4" : : "r"(op->value)); break;
	case 6: __asm__ volatile("mov %0, %%dr6" : : "r"(op->value)); break;
	default: __asm__ volatile("mov %0, %%dr7" : : "r"(op->value)); break;
	}
}

static void do_read_dr(void *arg)
{
	struct dr_op *op = arg;

	switch (op->reg) {
	case 0: __asm__ volatile("mov %%dr0, %0" : "=r"(op->value)); break;
	case 1: __asm__ volatile("mov %%dr1, %0" : "=r"(op->value)); break;
	case 2: __asm__ volatile("mov %%dr2, %0" : "=r"(op->value)); break;
	case 3: __asm__ volatile("mov %%dr3, %0" : "=r"(op->value)); break;
	case 6: __asm__ volatile("mov %%dr6, %0" : "=r"(op->value)); break;
	default: __asm__ volatile("mov %%dr7, %0" : "=r"(op->value)); break;
	}
}

/* Writes a legal value to DRn and expects to read it back. DR7 keeps
 * every breakpoint disabled, so nothing ever triggers. */
static void probe_dr_legal(unsigned int reg, uint64_t value, uint64_t mask)
{
	struct dr_op op = { reg, value };
	char what[48];

	rt_snprintf(what, sizeof(what), "mov dr%u, 0x%lx", reg, value);
	probe(what, do_write_dr, &op, OK_NONE, false);
	op.value = 0;
	probe("mov from dr", do_read_dr, &op, OK_NONE, true);
	if ((op.value & mask) != (value & mask))
		inconsistent("dr%u reads 0x%lx after writing 0x%lx", reg,
			     op.value, value);
}

static void probe_dr(void)
{
	uint64_t cr4 = rt_read_cr4();
	struct dr_op op;

	for (unsigned int r = 0; r < 4; r++)
		probe_dr_legal(r, 0x100000 + 0x1000 * r + (rng_next() & 0xff0), ~0ull);
	probe_dr_legal(6, 0xffff0ff0, 0xe00f);     /* the bits software may set */
	probe_dr_legal(7, 0x400, 0xffff2bff);
	op = (struct dr_op){ 6, 1ull << 32 | 0xffff0ff0 };
	probe("mov dr6, bit 32", do_write_dr, &op, OK_GP, false);
	op = (struct dr_op){ 7, 1ull << 32 | 0x400 };
	probe("mov dr7, bit 32", do_write_dr, &op, OK_GP, false);
	rt_write_cr4(cr4 | RT_CR4_DE);
	op = (struct dr_op){ 4, 0 };
	probe("mov dr4 with CR4.DE", do_write_dr, &op, OK_UD, false);
	rt_write_cr4(cr4);
}

/* --- I/O ports --- */

struct port_op {
	uint16_t port;
	unsigned int size;
	uint32_t value;
	bool out;
};

static void do_port(void *arg)
{
	struct port_op *op = arg;

	if (op->out) {
		if (op->size == 1)
			rt_outb(op->port, (uint8_t)op->value);
		else if (op->size == 2)
			rt_outw(op->port, (uint16_t)op->value);
		else
			rt_outl(op->port, op->value);
	} else {
		op->value = op->size == 1 ? rt_inb(op->port) :
			    op->size == 2 ? rt_inw(op->port) : rt_inl(op->port);
	}
}

static void probe_ports(void)
{
	unsigned int ones = 0;
	char what[48];

	for (unsigned int i = 0; i < RANDOM_PORTS; i++) {
		uint64_t r = rng_next();
		struct port_op op = { (uint16_t)r, 1u << ((r >> 16) % 3), 0, false };
		uint32_t all = op.size == 4 ? 0xffffffffu : (1u << (8 * op.size)) - 1;

		rt_snprintf(what, sizeof(what), "in%u 0x%x", op.size, op.port);
		probe(what, do_port, &op, OK_NONE, true);
		if (op.value == all)
			ones++;
		else
			rt_printf("hostile_insn: %s -> 0x%x (not all-ones)\n", what, op.value);
		op.out = true;
		op.value = (uint32_t)(r >> 32);
		rt_snprintf(what, sizeof(what), "out%u 0x%x", op.size, op.port);
		probe(what, do_port, &op, OK_NONE, true);
	}
	rt_printf("hostile_insn: random ports: %u probed, %u read all-ones\n",
		  RANDOM_PORTS, ones);
}

static void hostile_insn_main(unsigned int cpu)
{
	if (cpu != 0)
		return;
	rng_state = rt_param_u64("seed", 0x5eed);
	if (!rng_state)
		rt_abort(NAME, "seed=0 would make the generator stick at 0");
	rt_printf("hostile_insn: seed=0x%lx\n", rng_state);
	probe_svm();
	probe_efer();
	probe_svm_msrs();
	probe_bogus_msrs();
	probe_random_msrs();
	probe_misc();
	probe_xsetbv();
	probe_cr();
	probe_dr();
	probe_ports();
	rt_printf("hostile_insn: %u probes: %u faulted, %u completed, %u inconsistent\n",
		  nr_probes, nr_faulted, nr_completed, nr_bad);
	if (nr_bad)
		rt_fail(NAME, "%u inconsistent, first: %s", nr_bad, first_bad);
	else
		rt_pass(NAME);
}

const struct rt_test test_desc = { .name = NAME, .main = hostile_insn_main };
