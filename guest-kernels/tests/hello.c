/*
 * hello - the smallest guest: every vCPU says hello; vCPU 0 checks what
 * the hypervisor handed over (boot_info fields, the hypercall ABI version,
 * x2APIC IDs) and that the runtime's page tables reach exactly RAM.
 *
 * Expects from the hypervisor: guest_boot.h's boot protocol (magic,
 * version, nr_vcpus, mem_bytes, free range, a boot area at the top of
 * RAM, TSC frequency, the name) and MUXV_HC_VERSION == MUXV_HC_ABI_VERSION.
 */
#include "rt/rt.h"

#define NAME "hello"

static uint32_t apic_ids[RT_MAX_CPUS];

/* The first problem with the boot information, or NULL. */
static const char *boot_info_problem(const struct muxv_boot_info *bi)
{
	if (bi->magic != MUXV_BOOT_MAGIC)
		return "bad magic";
	if (bi->version != MUXV_BOOT_VERSION)
		return "unknown version";
	if (bi->mem_bytes % RT_PAGE_SIZE)
		return "mem_bytes is not a whole number of pages";
	if (bi->free_end + MUXV_BOOT_AREA_SIZE != bi->mem_bytes)
		return "free_end is not where the boot area starts";
	if (bi->free_start % RT_PAGE_SIZE || bi->free_start > bi->free_end)
		return "free_start is not a page below free_end";
	if (bi->name[0] == '\0' || rt_strnlen(bi->name, sizeof(bi->name)) == sizeof(bi->name))
		return "name empty or not terminated";
	if (rt_strnlen(bi->cmdline, sizeof(bi->cmdline)) == sizeof(bi->cmdline))
		return "cmdline not terminated";
	return NULL;
}

/* Whether the page tables map the last byte of RAM 1:1 and nothing at
 * mem_bytes, and the last byte can be read. */
static bool ram_reachable(uint64_t mem_bytes)
{
	uint64_t pa;

	if (!rt_is_mapped(mem_bytes - 1, &pa) || pa != mem_bytes - 1)
		return false;
	if (rt_is_mapped(mem_bytes, NULL))
		return false;
	(void)*(volatile uint8_t *)(uintptr_t)(mem_bytes - 1);
	return true;
}

static void check_cpu0(void)
{
	const struct muxv_boot_info *bi = rt_boot_info();
	const char *problem = boot_info_problem(bi);
	int64_t version = rt_hc_version();
	unsigned int i;

	if (problem) {
		rt_fail(NAME, "boot info: %s", problem);
		return;
	}
	if (version != MUXV_HC_ABI_VERSION) {
		rt_fail(NAME, "MUXV_HC_VERSION returned %ld, want %d", version,
			MUXV_HC_ABI_VERSION);
		return;
	}
	if (!ram_reachable(bi->mem_bytes)) {
		rt_fail(NAME, "page tables do not map exactly [0, 0x%lx)", bi->mem_bytes);
		return;
	}
	for (i = 0; i < rt_nr_cpus(); i++) {
		if (apic_ids[i] != i) {
			rt_fail(NAME, "vCPU %u has x2APIC ID %u, want %u", i,
				apic_ids[i], i);
			return;
		}
	}
	rt_pass(NAME);
}

static void hello_main(unsigned int cpu)
{
	const struct muxv_boot_info *bi = rt_boot_info();

	apic_ids[cpu] = rt_apic_id();
	if (cpu == 0)
		rt_printf("Hello from %s (domain %u): %u vCPUs, %lu MiB RAM, "
			  "TSC %lu Hz, free 0x%lx..0x%lx\n", bi->name,
			  bi->domain_id, bi->nr_vcpus, bi->mem_bytes >> 20,
			  bi->tsc_hz, bi->free_start, bi->free_end);
	rt_barrier_all();
	rt_printf("hello: vCPU %u of %u here, x2APIC ID %u\n", cpu,
		  rt_nr_cpus(), apic_ids[cpu]);
	rt_barrier_all();
	if (cpu == 0)
		check_cpu0();
}

const struct rt_test test_desc = { .name = NAME, .main = hello_main };
