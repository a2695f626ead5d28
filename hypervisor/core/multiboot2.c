/*
 * multiboot2.c - parse the Multiboot2 boot information (see multiboot2.h).
 *
 * Layout (Multiboot2 spec 3.6): u32 total_size, u32 reserved, then tags,
 * each { u32 type; u32 size; ... } starting on an 8-byte boundary, ending
 * with a tag of type 0 and size 8. Everything comes from the boot loader,
 * so every length is checked before it is used; the parser never reads
 * outside [mbi, mbi + min(total_size, avail)).
 */
#include <stdbool.h>
#include "hv/multiboot2.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define TAG_END          0
#define TAG_CMDLINE      1
#define TAG_LOADER_NAME  2
#define TAG_MODULE       3
#define TAG_MMAP         6
#define TAG_ACPI_OLD     14
#define TAG_ACPI_NEW     15

#define MMAP_ENTRY_MIN   24   /* u64 base, u64 len, u32 type, u32 reserved */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

uint32_t mb2_total_size(const void *mbi)
{
	return rd32(mbi);
}

struct parse_ctx {
	struct boot_info *out;
	const char *why;
};

static int fail(struct parse_ctx *c, int err, const char *why)
{
	c->why = why;
	return err;
}

/* Copies a NUL-terminated string that must end within [s, s + max_in). */
static int copy_string(struct parse_ctx *c, char *dst, size_t dst_size,
		       const uint8_t *s, size_t max_in, const char *what)
{
	size_t n = strnlen((const char *)s, max_in);

	if (n == max_in)
		return fail(c, -EINVAL, what);
	if (n >= dst_size)
		return fail(c, -E2BIG, what);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int parse_module(struct parse_ctx *c, const uint8_t *tag, uint32_t size)
{
	if (size < 17)
		return fail(c, -EINVAL, "module tag too short");
	if (c->out->nr_modules == BOOT_MODULES_MAX)
		return fail(c, -E2BIG, "too many modules");
	struct boot_module *m = &c->out->modules[c->out->nr_modules];
	m->start = rd32(tag + 8);
	m->end = rd32(tag + 12);
	if (m->end < m->start)
		return fail(c, -EINVAL, "module ends before it starts");
	int err = copy_string(c, m->cmdline, sizeof(m->cmdline), tag + 16,
			      size - 16, "module command line");
	if (err)
		return err;
	c->out->nr_modules++;
	return 0;
}

static int parse_mmap(struct parse_ctx *c, const uint8_t *tag, uint32_t size)
{
	if (size < 16)
		return fail(c, -EINVAL, "memory map tag too short");
	uint32_t entry_size = rd32(tag + 8);
	if (entry_size < MMAP_ENTRY_MIN || entry_size % 8)
		return fail(c, -EINVAL, "bad memory map entry size");
	/* size - off, not off + entry_size: a huge entry_size would wrap. */
	for (uint32_t off = 16; entry_size <= size - off; off += entry_size) {
		uint64_t base = rd64(tag + off);
		uint64_t len = rd64(tag + off + 8);
		if (len == 0)
			continue;
		if (base + len < base)
			return fail(c, -EINVAL, "memory range wraps around");
		if (c->out->nr_mmap == BOOT_MMAP_MAX)
			return fail(c, -E2BIG, "too many memory map entries");
		struct boot_mem_range *r = &c->out->mmap[c->out->nr_mmap++];
		r->base = base;
		r->len = len;
		r->type = rd32(tag + off + 16);
	}
	return 0;
}

static int parse_rsdp(struct parse_ctx *c, const uint8_t *tag, uint32_t size,
		      unsigned want)
{
	if (size < 8 + want)
		return fail(c, -EINVAL, "ACPI RSDP tag too short");
	/* The ACPI 2.0 copy wins over the 1.0 one, whichever comes first. */
	if (c->out->rsdp_len >= want)
		return 0;
	memcpy(c->out->rsdp, tag + 8, want);
	c->out->rsdp_len = want;
	return 0;
}

static int parse_tag(struct parse_ctx *c, const uint8_t *tag, uint32_t type, uint32_t size)
{
	switch (type) {
	case TAG_CMDLINE:
		return copy_string(c, c->out->cmdline, sizeof(c->out->cmdline),
				   tag + 8, size - 8, "command line");
	case TAG_LOADER_NAME:
		return copy_string(c, c->out->loader, sizeof(c->out->loader),
				   tag + 8, size - 8, "boot loader name");
	case TAG_MODULE:
		return parse_module(c, tag, size);
	case TAG_MMAP:
		return parse_mmap(c, tag, size);
	case TAG_ACPI_OLD:
		return parse_rsdp(c, tag, size, 20);
	case TAG_ACPI_NEW:
		return parse_rsdp(c, tag, size, 36);
	default:
		return 0;
	}
}

int mb2_parse(const void *mbi, size_t avail, struct boot_info *out, const char **why)
{
	struct parse_ctx c = { .out = out, .why = NULL };
	const uint8_t *base = mbi;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (avail < 16 || ((uintptr_t)mbi & 7)) {
		err = fail(&c, -EINVAL, "boot information truncated or misaligned");
		goto out;
	}
	uint32_t total = rd32(base);
	if (total < 16 || total > avail) {
		err = fail(&c, -EINVAL, "bad total size");
		goto out;
	}
	for (uint32_t off = 8;;) {
		if (off + 8 > total) {
			err = fail(&c, -EINVAL, "no end tag");
			goto out;
		}
		uint32_t type = rd32(base + off);
		uint32_t size = rd32(base + off + 4);
		if (size < 8 || size > total - off) {
			err = fail(&c, -EINVAL, "tag size out of bounds");
			goto out;
		}
		if (type == TAG_END)
			break;
		err = parse_tag(&c, base + off, type, size);
		if (err)
			goto out;
		off += (size + 7) & ~7u;
	}
out:
	if (err)
		memset(out, 0, sizeof(*out));
	if (why)
		*why = c.why;
	return err;
}
