/* debug_fault.h - the `debug_fault=` test option (debug_fault.c). */
#ifndef X86_DEBUG_FAULT_H
#define X86_DEBUG_FAULT_H

#include "hv/cmdline.h"

/* Raises the exception on the given CPU (boot CPU: now; others: by IPI). */
void debug_fault_raise(enum debug_fault kind, unsigned cpu);

#endif
