/*
 * hostile_mem - one access to a guest-physical address outside the
 * domain's RAM. The hypervisor must stop the domain with a reason naming
 * the address (or answer with an exception); the access must never reach
 * whatever the host has there.
 *
 * Parameters: target=<gpa> (a number, "end" for the first byte past RAM,
 * or "far" for the last page below the guest's MAXPHYADDR, CPUID
 * 0x80000008), mode=read|write (default read). Targets the integration
 * tests use: end, far, 0xfee00000 (the host's xAPIC), 0xfec00000
 * (IOAPIC), 0xfed00000 (HPET), 0xb0000000 (PCI ECAM).
 *
 * vCPU 0 maps the page (uncached) in its own page tables, prints
 *   hostile_mem: about to <mode> 4 bytes at 0x<gpa> ...
 * and makes one 4-byte access. Results:
 *   (none: the domain is stopped)    what the test expects
 *   PASS hostile_mem                 the access raised an exception (named
 *                                    on the line before): answered with an error
 *   FAIL hostile_mem: access to 0x<gpa> returned ...
 *   SKIP hostile_mem                 target beyond MAXPHYADDR: the guest's
 *                                    own page walk faulted (#PF, RSVD) first
 *   ERROR hostile_mem                bad parameters, target inside RAM
 */
#include "rt/rt.h"

#define NAME "hostile_mem"
#define PF_RSVD (1u << 3)     /* #PF error code: a reserved bit was set */

struct access {
	uint64_t gpa;
	bool write;
	uint32_t value;
};

static unsigned int maxphyaddr(void)
{
	if (rt_cpuid(0x80000000, 0).eax < 0x80000008)
		return 36;
	return rt_cpuid(0x80000008, 0).eax & 0xff;
}

/* The target= parameter as an address. */
static uint64_t parse_target(void)
{
	char val[32];
	uint64_t gpa;

	if (!rt_param("target", val, sizeof(val)))
		rt_abort(NAME, "no target= parameter");
	if (!rt_strcmp(val, "end"))
		return rt_boot_info()->mem_bytes;
	if (!rt_strcmp(val, "far"))
		return (1ull << maxphyaddr()) - RT_PAGE_SIZE;
	if (!rt_parse_u64(val, &gpa))
		rt_abort(NAME, "bad target=%s (a number, end or far)", val);
	return gpa;
}

static bool parse_write(void)
{
	char val[16];

	if (!rt_param("mode", val, sizeof(val)) || !rt_strcmp(val, "read"))
		return false;
	if (!rt_strcmp(val, "write"))
		return true;
	rt_abort(NAME, "bad mode=%s (read or write)", val);
}

static void do_access(void *arg)
{
	struct access *a = arg;
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)a->gpa;

	if (a->write)
		*p = a->value;
	else
		a->value = *p;
}

static void hostile_mem_main(unsigned int cpu)
{
	struct access a = { 0, false, 0x5a5a5a5a };
	uint64_t mem = rt_boot_info()->mem_bytes;
	struct rt_fault f;
	bool beyond;

	if (cpu != 0)
		return;
	a.gpa = parse_target();
	a.write = parse_write();
	if (a.gpa < mem)
		rt_abort(NAME, "target 0x%lx is inside RAM [0, 0x%lx)", a.gpa, mem);
	beyond = a.gpa >> maxphyaddr();
	if (rt_map_identity(a.gpa, sizeof(uint32_t), true))
		rt_abort(NAME, "no RAM left for the page tables to map 0x%lx", a.gpa);
	rt_printf("hostile_mem: about to %s 4 bytes at 0x%lx, outside RAM [0, 0x%lx); "
		  "the hypervisor should stop this domain\n",
		  a.write ? "write" : "read", a.gpa, mem);
	rt_console_flush();
	if (!rt_expect_fault(do_access, &a, &f)) {
		rt_fail(NAME, "access to 0x%lx returned (%s 0x%x)", a.gpa,
			a.write ? "wrote" : "read", a.value);
		return;
	}
	if (beyond && f.vector == RT_VEC_PF && (f.error_code & PF_RSVD)) {
		rt_skip(NAME, "0x%lx is beyond MAXPHYADDR (%u bits): the guest's own "
			"page walk faults (#PF error=0x%lx) before the hypervisor "
			"sees it", a.gpa, maxphyaddr(), f.error_code);
		return;
	}
	if (f.vector == RT_VEC_PF)
		rt_abort(NAME, "#PF error=0x%lx cr2=0x%lx: the guest's own mapping "
			 "of 0x%lx is wrong", f.error_code, f.cr2, a.gpa);
	rt_printf("hostile_mem: access to 0x%lx answered with %s error=0x%lx\n",
		  a.gpa, rt_vector_name(f.vector), f.error_code);
	rt_pass(NAME);
}

const struct rt_test test_desc = { .name = NAME, .main = hostile_mem_main };
