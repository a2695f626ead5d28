/*
 * cpu.h - which CPU is running, for generic code.
 */
#ifndef HV_CPU_H
#define HV_CPU_H

/* Logical number of the running CPU (0 = boot CPU), or -1 before its
 * per-CPU data is set up. */
int cpu_current_id(void);
/* Number of CPUs brought online. */
unsigned cpu_online_count(void);

#endif
