/*
 * start.c - start-up of every vCPU and the end of the test.
 *
 * Ordering: vCPU 0 checks and copies the boot info, fills the GDT and
 * IDT and builds the page tables, then releases the others (init_state,
 * release/acquire); until then they spin on the boot page tables, which
 * also map RAM 1:1. Every vCPU then loads the tables and enables its
 * APIC; a barrier makes sure all are set up before any test code runs,
 * and a second one that all have finished before vCPU 0 shuts down.
 */
#include <stdint.h>
#include "rt/apic.h"
#include "rt/boot.h"
#include "rt/console.h"
#include "rt/cpu.h"
#include "rt/desc.h"
#include "rt/paging.h"
#include "rt/result.h"
#include "rt/string.h"
#include "rt/sync.h"
#include "rt/test.h"
#include "rt/x86.h"

void rt_start(uint64_t cpu, const struct muxv_boot_info *bi);

extern const char rt_image_end[];

static struct muxv_boot_info info;
static volatile uint32_t init_done;

const struct muxv_boot_info *rt_boot_info(void)
{
	return &info;
}

/* vCPU 0: everything shared. Ends the domain with ERROR if the boot
 * information is not what guest_boot.h promises. */
static void boot_cpu_init(const struct muxv_boot_info *bi)
{
	if (bi->magic != MUXV_BOOT_MAGIC || bi->version != MUXV_BOOT_VERSION)
		rt_abort(test_desc.name, "boot info at %p: magic 0x%lx version %u, "
			 "want 0x%llx version %u", (const void *)bi, bi->magic,
			 bi->version, MUXV_BOOT_MAGIC, MUXV_BOOT_VERSION);
	memcpy(&info, bi, sizeof(info));
	info.name[sizeof(info.name) - 1] = '\0';
	info.cmdline[sizeof(info.cmdline) - 1] = '\0';
	if (info.nr_vcpus == 0 || info.nr_vcpus > RT_MAX_CPUS)
		rt_abort(test_desc.name, "%u vCPUs; the runtime supports 1..%u",
			 info.nr_vcpus, RT_MAX_CPUS);
	if (info.free_start < (uintptr_t)rt_image_end ||
	    info.free_start > info.free_end || info.free_end > info.mem_bytes)
		rt_abort(test_desc.name, "free RAM 0x%lx..0x%lx does not fit the "
			 "image (ends 0x%lx) and RAM (0x%lx bytes)", info.free_start,
			 info.free_end, (uintptr_t)rt_image_end, info.mem_bytes);
	if (!info.tsc_hz)
		rt_abort(test_desc.name, "boot info gives no TSC frequency");
	rt_gdt_init();
	rt_idt_init();
	if (rt_paging_build(info.mem_bytes))
		rt_abort(test_desc.name, "no free RAM left for the page tables");
	rt_printf("rt: %s on domain %u (%s): %u vCPUs, %lu MiB, boot %u, cmdline \"%s\"\n",
		  test_desc.name, info.domain_id, info.name, info.nr_vcpus,
		  info.mem_bytes >> 20, info.boot_count, info.cmdline);
}

/* Every vCPU: its own view of the shared tables, and its APIC. */
static void cpu_init(unsigned int cpu)
{
	rt_gdt_load(cpu);
	rt_idt_load();
	rt_paging_load();
	if (rt_apic_init())
		rt_abort(test_desc.name, "vCPU %u: CPUID.1 offers no x2APIC", cpu);
}

/* Called by entry.S on every vCPU with its own stack; never returns. */
void rt_start(uint64_t cpu, const struct muxv_boot_info *bi)
{
	unsigned int spins = 0;

	if (cpu == 0) {
		boot_cpu_init(bi);
		__atomic_store_n(&init_done, 1, __ATOMIC_RELEASE);
	} else {
		while (!__atomic_load_n(&init_done, __ATOMIC_ACQUIRE))
			rt_relax(&spins);
	}
	cpu_init((unsigned int)cpu);
	rt_barrier_all();
	test_desc.main((unsigned int)cpu);
	rt_irq_disable();
	rt_console_flush();
	rt_barrier_all();
	if (cpu == 0)
		rt_exit();
	rt_park();
}
