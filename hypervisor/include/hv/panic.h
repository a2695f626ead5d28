/*
 * panic.h - stopping the machine on a hypervisor bug.
 *
 * A panic prints what happened (message or exception, registers, a stack
 * trace), stops every other CPU with an NMI, and ends with one line that
 * begins "PANIC:". The machine then stays halted: it never reboots by
 * itself, so the report stays on the console. Guest faults are never
 * panics: they stop only the guest's domain.
 */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* Our own invariants. The condition text and place go into the report. */
#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (__builtin_expect(!!(cond), 0))                          \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

bool panic_in_progress(void);

/*
 * Stops every other CPU as a panic does (without a report): for an orderly
 * end of the machine (dom0 powered off, rebooted, crashed). The caller
 * then prints its last line and powers off, resets or halts.
 */
void machine_stop_others(void);

#endif
