/* mmio_exit.h - emulating a guest's access to a device's MMIO range. */
#ifndef X86_MMIO_EXIT_H
#define X86_MMIO_EXIT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * Emulates the instruction at the guest's RIP, which faulted on gpa,
 * against the device owning gpa, advancing RIP. Returns 0; -ENOENT if no
 * device owns gpa (the caller stops the domain: not its memory); another
 * negative errno with *why if the access could not be emulated.
 */
int x86_mmio_exit(struct vcpu *v, uint64_t gpa, bool write, const char **why);

#endif
