/*
 * elf64.h - reading the loadable segments of an ELF64 executable (System V
 * ABI, "ELF-64 Object File Format" 1.5; x86-64 psABI) held in an image
 * (hv/image.h). Pure: every offset and size is checked against the image
 * before use.
 */
#ifndef HV_ELF64_H
#define HV_ELF64_H

#include <stddef.h>
#include <stdint.h>

#define ELF64_MAX_SEGMENTS 16

struct hv_image;

struct elf64_segment {
	uint64_t paddr;          /* where it goes (physical address) */
	uint64_t offset;         /* where its bytes are in the image */
	uint64_t filesz;         /* bytes from the image */
	uint64_t memsz;          /* bytes in memory; the rest is zero */
};

struct elf64_image {
	uint64_t entry;
	unsigned nr_segments;
	struct elf64_segment seg[ELF64_MAX_SEGMENTS];
	uint64_t lowest, highest;   /* span of all segments in memory */
};

/*
 * Parses an x86-64 executable (ET_EXEC, little endian) into out.
 * Returns 0, or -EINVAL with *why for anything malformed: bad magic,
 * class, machine, type or header sizes; program headers or segment bytes
 * outside the image; memsz < filesz; address overflow; no PT_LOAD; more
 * than ELF64_MAX_SEGMENTS loadable segments.
 */
int elf64_parse(const struct hv_image *img, struct elf64_image *out, const char **why);

#endif
