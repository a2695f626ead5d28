/*
 * cpu.c - the per-vCPU stack blocks and the vCPU index derived from them
 * (rt/layout.h explains the layout).
 */
#include <stdint.h>
#include "rt/boot.h"
#include "rt/cpu.h"

/* Referenced by entry.S, which gives each vCPU the top of its block. */
uint8_t rt_stacks[RT_MAX_CPUS][RT_CPU_STACKS_SIZE] __attribute__((aligned(4096)));

unsigned int rt_cpu_index(void)
{
	uintptr_t sp, base = (uintptr_t)rt_stacks;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	/* Every vCPU runs on its own block from entry on, so anything else
	 * means the stack overflowed out of it: blame vCPU 0 rather than
	 * index out of the per-vCPU arrays. */
	if (sp < base || sp >= base + sizeof(rt_stacks))
		return 0;
	return (unsigned int)((sp - base) / RT_CPU_STACKS_SIZE);
}

unsigned int rt_nr_cpus(void)
{
	return rt_boot_info()->nr_vcpus;
}

uintptr_t rt_cpu_stack_top(unsigned int cpu)
{
	return (uintptr_t)rt_stacks[cpu] + RT_CPU_STACKS_SIZE;
}

uintptr_t rt_cpu_ist_top(unsigned int cpu)
{
	return (uintptr_t)rt_stacks[cpu] + RT_IST_STACK_SIZE;
}

uintptr_t rt_cpu_stack_guard(unsigned int cpu)
{
	return (uintptr_t)rt_stacks[cpu] + RT_IST_STACK_SIZE;
}
