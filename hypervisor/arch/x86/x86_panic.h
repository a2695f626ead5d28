/* x86_panic.h - the architecture side of panics (panic.c). */
#ifndef X86_PANIC_INTERNAL_H
#define X86_PANIC_INTERNAL_H

#include "x86/trap.h"

/* Reports an exception raised by the hypervisor itself and stops. */
__attribute__((noreturn)) void x86_panic_exception(struct trap_frame *tf);
/* Called in the NMI handler of a CPU that another CPU's panic stops. */
__attribute__((noreturn)) void x86_panic_stop_this_cpu(void);

#endif
