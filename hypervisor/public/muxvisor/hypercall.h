/*
 * muxvisor/hypercall.h - the hypercall ABI between a guest and Muxvisor.
 *
 * Public interface: shared by the hypervisor, the project's test guests
 * and (later) the dom0 kernel module. Documented in docs/guest-abi.md.
 *
 * Calling convention (the one Linux's KVM guest code also uses):
 *   instruction  VMMCALL (0F 01 D9)
 *   RAX          hypercall number (below)
 *   RBX, RCX, RDX, RSI   arguments 1..4
 *   RAX          result: >= 0 success, < 0 a negated errno value
 *   every other register is preserved.
 * Only guest kernel mode (CPL 0) may call; from CPL 3 every call returns
 * -MUXV_EPERM. A bad argument returns an error and changes nothing.
 *
 * Versioning: MUXV_HC_ABI_VERSION grows by one whenever a call is added
 * or an existing call's meaning changes; numbers are never reused. A guest
 * asks MUXV_HC_VERSION first.
 */
#ifndef MUXVISOR_HYPERCALL_H
#define MUXVISOR_HYPERCALL_H

#define MUXV_HC_ABI_VERSION 1

/* Numbers start at 0x100, clear of the KVM hypercalls (1..12) that Linux
 * may issue; those return -MUXV_ENOSYS unless the platform advertises them. */
#define MUXV_HC_VERSION         0x100  /* () -> MUXV_HC_ABI_VERSION */
#define MUXV_HC_CONSOLE_WRITE   0x101  /* (gpa, len) -> len written */
#define MUXV_HC_YIELD           0x102  /* () -> 0: give up the CPU now */
#define MUXV_HC_TIME_NS         0x103  /* () -> ns of the hypervisor clock */
#define MUXV_HC_REPORT_COUNTER  0x104  /* (name gpa, value) -> 0 */
#define MUXV_HC_SHUTDOWN        0x105  /* (code) -> does not return */
#define MUXV_HC_REBOOT          0x106  /* () -> does not return */
/* 0x107 is MUXV_HC_CONTROL, dom0 only: muxvisor/control.h. */

/* MUXV_HC_CONSOLE_WRITE: at most this many bytes per call (-MUXV_E2BIG). */
#define MUXV_CONSOLE_WRITE_MAX  4096
/* MUXV_HC_CONSOLE_WRITE's rate limit, per domain: MUXV_CONSOLE_BURST
 * bytes at once after a quiet spell, then MUXV_CONSOLE_RATE bytes a
 * second. What exceeds it is dropped: the call returns the bytes it wrote,
 * or -MUXV_EAGAIN (11, muxvisor/control.h) when it could write none. */
#define MUXV_CONSOLE_RATE       16384
#define MUXV_CONSOLE_BURST      65536
/* MUXV_HC_REPORT_COUNTER: name is NUL-terminated, 1..31 characters of
 * [A-Za-z0-9_.-] (-MUXV_EINVAL otherwise). */
#define MUXV_COUNTER_NAME_MAX   31

/* MUXV_HC_SHUTDOWN codes: 0 is a clean power-off; anything else is logged
 * as the guest's exit code (a failed test, say). */
#define MUXV_SHUTDOWN_POWEROFF  0

/* Error values (negated in RAX): Linux's errno numbers. */
#define MUXV_EPERM    1
#define MUXV_E2BIG    7
#define MUXV_EFAULT   14
#define MUXV_EINVAL   22
#define MUXV_ENOSYS   38

#endif
