/*
 * multiboot2.h - parsing the Multiboot2 boot information (Multiboot2
 * specification 1.0, section 3.6 "Boot information format").
 */
#ifndef HV_MULTIBOOT2_H
#define HV_MULTIBOOT2_H

#include <stddef.h>
#include <stdint.h>
#include "hv/boot_info.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289

/*
 * Validates the boot information at mbi (avail readable bytes) and copies
 * what the hypervisor uses into *out. Every tag is bounds-checked against
 * the structure's total size and avail; unknown tags are skipped.
 * Returns 0, or a negative errno with *why naming the problem:
 * -EINVAL malformed (truncated, misaligned, bad sizes, unterminated
 * strings, missing end tag), -E2BIG more entries or longer strings than
 * boot_info holds. On error *out is left zeroed.
 */
int mb2_parse(const void *mbi, size_t avail, struct boot_info *out, const char **why);

/* Total size field of the structure, read before knowing how much to map. */
uint32_t mb2_total_size(const void *mbi);

#endif
