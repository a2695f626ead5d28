/*
 * setup.c - the boot sequence, from boot.S's jump into C to the ready line.
 *
 * Order matters:
 *  1. per-CPU area, GDT, IDT: from here on a fault is reported, not a
 *     silent triple fault; the console comes up next so reports are seen.
 *  2. Multiboot2 information and the command line (log level first).
 *  3. SVM check on the boot CPU: without SVM and NPT there is nothing to do,
 *     so say so in one line and halt.
 *  4. ACPI tables, read through boot.S's early map (first 4 GiB).
 *  5. Free memory = usable RAM minus firmware areas, the image, modules;
 *     dom0's identity-mapped RAM is carved out of it (if there is a dom0
 *     module); then the final page tables and the page pool.
 *  6. Guarded stacks for the boot CPU, then APIC, clock, timer, SVM;
 *     dom0's PCI functions are found and sized while no other CPU runs.
 *  7. The APs, an IPI round trip to each, and the ready line.
 *  8. dom0 (docs/dom0.md), then the static domains of the other modules.
 */
#include <stdint.h>
#include "hv/acpi.h"
#include "hv/boot_info.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/cpu.h"
#include "hv/lib.h"
#include "hv/log.h"
#include "hv/memmap.h"
#include "hv/mm.h"
#include "hv/multiboot2.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "hv/schedule.h"
#include "hv/static_domains.h"
#include "hv/console_input.h"
#include "hv/dom0.h"
#include "x86/host_power.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/debug_fault.h"
#include "x86/layout.h"
#include "x86/paging.h"
#include "x86/percpu.h"
#include "x86/smp.h"
#include "x86/svm.h"
#include "x86/tsc.h"
#include "x86/rtc.h"

#define LOW_4G 0x100000000ull

void x86_boot_main(uint32_t magic, uint64_t mbi_phys);

extern char hv_image_end[];

static struct boot_info boot_info;
static struct acpi_info acpi_info;
static struct hv_options options;

static __attribute__((noreturn)) void cannot_start(const char *fmt, const char *what)
{
	log_raw("muxvisor: cannot start: ");
	log_raw(fmt, what);
	log_raw("\n");
	cpu_halt_forever();
}

static void warn_option(const char *why, const char *word, size_t len)
{
	log_warn("command line: %s '%.*s' (ignored)", why, (int)len, word);
}

static void read_boot_info(uint32_t magic, uint64_t mbi_phys)
{
	const char *why = NULL;

	if (magic != MB2_BOOTLOADER_MAGIC)
		cannot_start("%s", "not started by a Multiboot2 boot loader");
	if (mbi_phys + 8 > LOW_4G)
		cannot_start("%s", "boot information above 4 GiB");
	const void *mbi = phys_to_virt(mbi_phys);
	uint64_t size = mb2_total_size(mbi);
	if (mbi_phys + size > LOW_4G)
		cannot_start("%s", "boot information above 4 GiB");
	if (mb2_parse(mbi, size, &boot_info, &why))
		cannot_start("bad Multiboot2 information: %s", why);
}

static const void *early_acpi_map(uint64_t pa, size_t len, void *ctx)
{
	(void)ctx;
	if (pa >= LOW_4G || len > LOW_4G - pa)
		return NULL;      /* beyond boot.S's early map */
	return phys_to_virt(pa);
}

static void read_acpi(void)
{
	const char *why = NULL;

	if (!boot_info.rsdp_len)
		cannot_start("%s", "the boot loader passed no ACPI RSDP");
	if (acpi_parse(boot_info.rsdp, boot_info.rsdp_len, early_acpi_map, NULL,
		       &acpi_info, &why))
		cannot_start("bad ACPI tables: %s", why);
	log_info("ACPI %s: %u CPUs (%u disabled), %u IOAPICs, PM timer %s, HPET %s",
		 acpi_info.revision >= 2 ? "2.0+" : "1.0", acpi_info.nr_cpus,
		 acpi_info.nr_cpus_disabled, acpi_info.nr_ioapics,
		 acpi_info.pm_timer_port ? "yes" : "no",
		 acpi_info.has_hpet ? "yes" : "no");
}

/* Free RAM: usable ranges minus low memory, the image and the modules. */
static unsigned find_free_memory(struct phys_range *free, unsigned max)
{
	struct phys_range reserved[BOOT_MODULES_MAX + 2];
	unsigned n = 0;

	reserved[n++] = (struct phys_range){ 0, 0x100000 };  /* firmware, trampoline */
	reserved[n++] = (struct phys_range){ HV_PHYS_BASE, virt_to_phys(hv_image_end) };
	for (unsigned i = 0; i < boot_info.nr_modules; i++)
		reserved[n++] = (struct phys_range){ boot_info.modules[i].start,
						     boot_info.modules[i].end };
	int nr = memmap_free_ranges(boot_info.mmap, boot_info.nr_mmap, reserved, n,
				    free, max);
	if (nr <= 0)
		cannot_start("%s", "no free memory in the firmware memory map");
	return (unsigned)nr;
}

/* QEMU's TCG names itself in the hypervisor CPUID range; bare metal has
 * nothing there (AMD: zeros; Intel: its highest basic leaf's values). */
static bool host_is_qemu_tcg(void)
{
	struct cpuid_regs r = cpuid(0x40000000, 0);
	char sig[12];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	return memcmp(sig, "TCGTCGTCGTCG", 12) == 0;
}

/*
 * Whether the boot CPU stays out of guest work (boot_cpu=). Under QEMU
 * 7.2's TCG it must: another CPU's emulated x87 state load (FXRSTOR,
 * XRSTOR, FRSTOR, FLDENV) rewrites CPU 0's hidden SVM flags unlocked, so
 * that CPU 0 can lose or regain nested paging around a VMRUN or #VMEXIT
 * (docs/development.md, "Known emulator problems"). A CPU that never
 * enters a guest has nothing there to lose.
 */
static bool keep_boot_cpu(unsigned cpus)
{
	bool tcg = host_is_qemu_tcg();
	bool keep = options.boot_cpu == BOOT_CPU_HOUSEKEEPING ||
		    (options.boot_cpu == BOOT_CPU_AUTO && tcg);

	if (keep && cpus < 2) {
		log_warn("boot CPU: the only CPU, so it runs vCPUs%s",
			 tcg ? " (QEMU TCG: give the machine a second CPU)" : "");
		return false;
	}
	if (keep)
		log_info("boot CPU: housekeeping only, no vCPUs (%s)",
			 options.boot_cpu == BOOT_CPU_AUTO ? "QEMU TCG, boot_cpu=guests overrides"
							   : "boot_cpu=housekeeping");
	return keep;
}

static __attribute__((noreturn)) void boot_continue(void)
{
	struct percpu *bsp = this_cpu();

	log_info("memory: %lu MiB managed, %lu MiB free",
		 page_total_count() >> 8, page_free_count() >> 8);
	if (lapic_init_global(&acpi_info))
		panic("cannot map the local APIC");
	timer_init();
	tsc_calibrate(&acpi_info);
	rtc_init();
	svm_log_features();
	if (smp_init_this_cpu(bsp))
		panic("the boot CPU could not be set up");
	bsp->boot_status = 2;
	dom0_probe_devices(&boot_info, &acpi_info);

	unsigned cpus = smp_boot_aps(&acpi_info, options.maxcpus);
	unsigned silent = smp_ipi_selftest();
	if (silent == 0 && cpus > 1)
		log_info("IPI: all %u other CPUs answered", cpus - 1);

	/* cpus from here on: the CPUs that run vCPUs. */
	cpus = schedule_init(keep_boot_cpu(cpus), options.sched_stats_ms);
	log_raw("muxvisor: ready cpus=%u mem=%luM\n", cpus, page_free_count() >> 8);
	console_input_init(&acpi_info);
	debug_fault_raise(options.debug_fault, options.debug_fault_cpu);
	host_power_init(&acpi_info);
	dom0_start(&boot_info, &options, cpus);
	if (boot_info.nr_modules)
		log_info("static domains: %u of %u modules started",
			 static_domains_start(&boot_info), boot_info.nr_modules);
	schedule_loop();
}

void x86_boot_main(uint32_t magic, uint64_t mbi_phys)
{
	static struct phys_range free[BOOT_MMAP_MAX + BOOT_MODULES_MAX + 2];
	const char *missing;

	smp_early_init_bsp();
	console_init();
	log_raw("\nmuxvisor: starting\n");
	read_boot_info(magic, mbi_phys);
	cmdline_default_options(&options);
	cmdline_parse_options(boot_info.cmdline, &options, warn_option);
	log_set_level(options.loglevel);
	log_info("command line: '%s', %u modules", boot_info.cmdline, boot_info.nr_modules);

	if (!svm_check_cpu(&missing))
		cannot_start("this CPU lacks %s", missing);
	read_acpi();
	unsigned nr_free = find_free_memory(free, ARRAY_SIZE(free));
	dom0_carve(&boot_info, &options, free, &nr_free, ARRAY_SIZE(free));
	paging_init(&boot_info, free, nr_free);
	smp_move_bsp_stack(boot_continue);
}
