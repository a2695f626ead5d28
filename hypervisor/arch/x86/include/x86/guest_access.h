/*
 * guest_access.h - reading a guest's memory by the addresses its own code
 * uses: linear addresses through the guest's page tables, and the
 * instruction at its CS:RIP.
 */
#ifndef X86_GUEST_ACCESS_H
#define X86_GUEST_ACCESS_H

#include <stdint.h>
#include <stdbool.h>

struct vcpu;
struct virt_guest_mode;

/*
 * Translates linear address la with the guest's paging mode (none,
 * 32-bit, PAE, 4-level; large pages included). 0 and *gpa, or -EFAULT if
 * a table entry is not present or a table is not guest RAM.
 */
int guest_linear_to_gpa(struct vcpu *v, const struct virt_guest_mode *m,
			uint64_t la, uint64_t *gpa);

/* Reads up to max bytes of the instruction at CS:RIP (stopping early only
 * where the next page is unreadable). 0 with *got >= 1, or -EFAULT. */
int guest_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned max, unsigned *got);

#endif
