/*
 * rt/cpu.h - which vCPU is running, and how many there are.
 */
#ifndef RT_CPU_H
#define RT_CPU_H

#include <stdint.h>
#include "rt/layout.h"

/* The calling vCPU's index (0 .. rt_nr_cpus() - 1), found from the stack
 * pointer: valid on the main and IST stacks the runtime gave the vCPU. */
unsigned int rt_cpu_index(void);

/* The number of vCPUs the domain has (boot_info.nr_vcpus). */
unsigned int rt_nr_cpus(void);

/* Top (initial RSP) of vCPU cpu's main and IST stacks. */
uintptr_t rt_cpu_stack_top(unsigned int cpu);
uintptr_t rt_cpu_ist_top(unsigned int cpu);
/* The unmapped page between them. */
uintptr_t rt_cpu_stack_guard(unsigned int cpu);

#endif
