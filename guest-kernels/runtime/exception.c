/*
 * exception.c - the report of an exception no test expected: everything
 * needed to find it (vector, error code, RIP, CR2, registers), then an
 * ERROR line and the end of the domain.
 */
#include "rt/console.h"
#include "rt/cpu.h"
#include "rt/hypercall.h"
#include "rt/result.h"
#include "rt/test.h"
#include "rt/trap.h"
#include "rt/x86.h"

static const char *const names[RT_NR_EXCEPTIONS] = {
	[RT_VEC_DE] = "#DE", [RT_VEC_DB] = "#DB", [RT_VEC_NMI] = "NMI",
	[RT_VEC_BP] = "#BP", [4] = "#OF", [5] = "#BR", [RT_VEC_UD] = "#UD",
	[RT_VEC_NM] = "#NM", [RT_VEC_DF] = "#DF", [RT_VEC_TS] = "#TS",
	[RT_VEC_NP] = "#NP", [RT_VEC_SS] = "#SS", [RT_VEC_GP] = "#GP",
	[RT_VEC_PF] = "#PF", [RT_VEC_MF] = "#MF", [RT_VEC_AC] = "#AC",
	[RT_VEC_MC] = "#MC", [RT_VEC_XM] = "#XM", [20] = "#VE", [21] = "#CP",
	[29] = "#VC", [30] = "#SX",
};

static volatile bool reporting[RT_MAX_CPUS];

const char *rt_vector_name(unsigned int vector)
{
	if (vector < RT_NR_EXCEPTIONS && names[vector])
		return names[vector];
	return vector < RT_NR_EXCEPTIONS ? "#reserved" : "interrupt";
}

static void print_registers(const struct rt_frame *f)
{
	rt_printf("rt:   rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
		  f->rax, f->rbx, f->rcx, f->rdx);
	rt_printf("rt:   rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n",
		  f->rsi, f->rdi, f->rbp, f->rsp);
	rt_printf("rt:   r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n",
		  f->r8, f->r9, f->r10, f->r11);
	rt_printf("rt:   r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n",
		  f->r12, f->r13, f->r14, f->r15);
	rt_printf("rt:   cs=%lx ss=%lx rflags=%lx cr0=%lx cr3=%lx cr4=%lx\n",
		  f->cs, f->ss, f->rflags, rt_read_cr0(), rt_read_cr3(),
		  rt_read_cr4());
}

/* A fault address on a stack guard page means that stack overflowed. */
static void print_stack_hint(uint64_t cr2)
{
	unsigned int cpu;

	for (cpu = 0; cpu < RT_MAX_CPUS; cpu++)
		if (cr2 - rt_cpu_stack_guard(cpu) < RT_GUARD_SIZE)
			rt_printf("rt:   cr2 is vCPU %u's stack guard page: its "
				  "stack overflowed\n", cpu);
}

void rt_exception_report(const struct rt_frame *f)
{
	unsigned int cpu = rt_cpu_index();
	unsigned int v = (unsigned int)f->vector;
	uint64_t cr2 = rt_read_cr2();

	/* A fault while reporting one: printing is what broke, so end the
	 * domain without another word. */
	if (reporting[cpu]) {
		rt_hc_shutdown(RT_EXIT_ERROR);
		rt_park();
	}
	reporting[cpu] = true;
	rt_console_flush();
	rt_printf("rt: vCPU %u: unexpected exception %s (vector %u) error=0x%lx "
		  "rip=0x%lx cr2=0x%lx\n", cpu, rt_vector_name(v), v,
		  f->error_code, f->rip, cr2);
	print_registers(f);
	print_stack_hint(cr2);
	rt_abort(test_desc.name, "unexpected exception %s (vector %u) error=0x%lx "
		 "at rip 0x%lx cr2=0x%lx on vCPU %u", rt_vector_name(v), v,
		 f->error_code, f->rip, cr2, cpu);
}
