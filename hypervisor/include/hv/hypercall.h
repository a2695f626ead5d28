/*
 * hypercall.h - the guest hypercall dispatcher (muxvisor/hypercall.h is
 * the ABI). The vendor exit handler has advanced RIP past the VMMCALL
 * before calling, so a call that stops the domain needs no care.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>
#include "x86/virt.h"

struct vcpu;

/* Runs hypercall nr with its four arguments; *result is the RAX value.
 * Returns what the vCPU loop should do next. */
enum virt_action hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t arg[4],
				    int64_t *result);

#endif
