/*
 * elf64.c - ELF64 program headers (see hv/elf64.h), read from the image
 * through image_read(), so a module and an uploaded image parse alike.
 */
#include "hv/elf64.h"
#include "hv/image.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PT_LOAD 1
#define ET_EXEC 2
#define EM_X86_64 62

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static int check_header(const uint8_t *b, const char **why)
{
	if (memcmp(b, "\x7f" "ELF", 4) != 0)
		return fail(why, "not an ELF file");
	if (b[4] != 2 || b[5] != 1)
		return fail(why, "not a 64-bit little-endian ELF");
	if (rd16(b + 16) != ET_EXEC)
		return fail(why, "not an executable (ET_EXEC)");
	if (rd16(b + 18) != EM_X86_64)
		return fail(why, "not an x86-64 ELF");
	if (rd16(b + 54) != PHDR_SIZE)
		return fail(why, "unexpected program header size");
	return 0;
}

static int add_segment(struct elf64_image *out, const uint8_t *ph, uint64_t len,
		       const char **why)
{
	uint64_t off = rd64(ph + 8), paddr = rd64(ph + 24);
	uint64_t filesz = rd64(ph + 32), memsz = rd64(ph + 40);

	if (memsz == 0)
		return 0;
	if (out->nr_segments == ELF64_MAX_SEGMENTS)
		return fail(why, "too many loadable segments");
	if (filesz > memsz)
		return fail(why, "segment larger in the file than in memory");
	if (off > len || filesz > len - off)
		return fail(why, "segment bytes outside the image");
	if (paddr + memsz < paddr)
		return fail(why, "segment address overflows");
	out->seg[out->nr_segments++] = (struct elf64_segment){ paddr, off, filesz, memsz };
	out->lowest = MIN(out->lowest, paddr);
	out->highest = MAX(out->highest, paddr + memsz);
	return 0;
}

int elf64_parse(const struct hv_image *img, struct elf64_image *out, const char **why)
{
	uint8_t b[EHDR_SIZE], ph[PHDR_SIZE];
	uint64_t len = img->size;
	int err;

	memset(out, 0, sizeof(*out));
	if (image_read(img, 0, b, sizeof(b)))
		return fail(why, "not an ELF file");
	err = check_header(b, why);
	if (err)
		return err;
	uint64_t phoff = rd64(b + 32);
	uint16_t phnum = rd16(b + 56);
	if (phoff > len || (uint64_t)phnum * PHDR_SIZE > len - phoff)
		return fail(why, "program headers outside the image");
	out->entry = rd64(b + 24);
	out->lowest = UINT64_MAX;
	for (uint16_t i = 0; i < phnum; i++) {
		image_read(img, phoff + (uint64_t)i * PHDR_SIZE, ph, sizeof(ph));
		if (rd32(ph) != PT_LOAD)
			continue;
		err = add_segment(out, ph, len, why);
		if (err) {
			memset(out, 0, sizeof(*out));
			return err;
		}
	}
	if (out->nr_segments == 0) {
		memset(out, 0, sizeof(*out));
		return fail(why, "no loadable segment");
	}
	return 0;
}
