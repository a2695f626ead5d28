/*
 * guest_mem.h - copying to and from a domain's guest-physical memory.
 * Only what the domain's nested page tables map is reachable (its RAM, and
 * for dom0 the pages it mapped through the control interface); anything
 * else is -EFAULT, never host memory.
 */
#ifndef HV_GUEST_MEM_H
#define HV_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct domain;

int guest_read(struct domain *d, uint64_t gpa, void *buf, size_t len);
int guest_write(struct domain *d, uint64_t gpa, const void *buf, size_t len);
/* 0 if every byte of [gpa, gpa+len) is reachable, else -EFAULT. */
int guest_check(struct domain *d, uint64_t gpa, size_t len);
/* Zeroes [gpa, gpa+len). */
int guest_zero(struct domain *d, uint64_t gpa, size_t len);

#endif
