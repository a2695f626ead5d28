/*
 * test_kernel.h - loading an ELF64 test kernel into a domain and building
 * its boot area (muxvisor/guest_boot.h is the contract with the guest).
 */
#ifndef HV_TEST_KERNEL_H
#define HV_TEST_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct domain;
struct hv_image;

/* The largest test-kernel domain: twelve page directories of 2 MiB pages
 * in the boot area map 12 GiB. */
#define TEST_KERNEL_MAX_MEM (12ull << 30)

/* Checks the image can be loaded into a domain of mem_bytes: 0, or
 * -EINVAL with *why (not ELF64 x86-64, bad headers, segments outside RAM
 * or over the boot area). */
int test_kernel_check(const struct hv_image *image, uint64_t mem_bytes, const char **why);

/* How test-kernel domains are built: RAM [0, mem), the image's segments,
 * the boot area, every vCPU at the entry point. */
extern const struct domain_loader test_kernel_loader;

#endif
