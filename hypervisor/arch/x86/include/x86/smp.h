/* smp.h - bringing up every CPU. */
#ifndef X86_SMP_H
#define X86_SMP_H

#include <stdint.h>

struct acpi_info;
struct percpu;

/* Boot CPU: per-CPU data, GDT/TSS, IDT on the boot stack (no allocator). */
void smp_early_init_bsp(void);
/* Everything a CPU sets up for itself once memory works (both kinds). */
int smp_init_this_cpu(struct percpu *p);
/* Gives the boot CPU guarded stacks; continues in next() on the new stack. */
__attribute__((noreturn)) void smp_move_bsp_stack(void (*next)(void));
/* Starts the APs the MADT lists, up to maxcpus CPUs in all (0: no limit).
 * Returns the number of CPUs online, boot CPU included. */
unsigned smp_boot_aps(const struct acpi_info *acpi, unsigned maxcpus);
/* Sends an IPI to every other CPU and waits for each to answer. Returns
 * the number that did not answer within a second. */
unsigned smp_ipi_selftest(void);
/* Runs fn on another CPU from its IPI handler (interrupts off), without
 * waiting. One pending call per CPU: a second replaces the first.
 * Returns 0, or -1 if that CPU is not online. */
int smp_call(unsigned cpu, void (*fn)(void));
/* Interrupts on, halt until one arrives, forever. */
__attribute__((noreturn)) void smp_idle_loop(void);

#endif
