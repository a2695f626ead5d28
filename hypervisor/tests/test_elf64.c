/*
 * test_elf64.c - host tests of the ELF64 segment reader (domain/elf64.c):
 * well-formed images, every rejection, and truncation at every length.
 * The bytes are given as an extent image (domain/image.c).
 */
#include "hv_test_util.h"
#include "../domain/image.c"
#include "../domain/elf64.c"

/* What image.c calls besides extents; never reached here. */
uint64_t page_alloc_zeroed(unsigned order) { (void)order; return 0; }
void page_free(uint64_t pa, unsigned order) { (void)pa; (void)order; }
void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }
int guest_check(struct domain *d, uint64_t gpa, size_t len) { (void)d; (void)gpa; (void)len; return -EFAULT; }
int guest_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	(void)d; (void)gpa; (void)buf; (void)len;
	return -EFAULT;
}

static int parse(const void *bytes, size_t len, struct elf64_image *out, const char **why)
{
	struct hv_image image;

	image_init_extent(&image, bytes, len);
	return elf64_parse(&image, out, why);
}

/* A hand-built executable: header, n program headers, then payload. */
struct builder {
	uint8_t buf[4096];
	size_t len;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void build_header(struct builder *b, uint16_t phnum)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->buf, "\x7f" "ELF", 4);
	b->buf[4] = 2;                  /* 64-bit */
	b->buf[5] = 1;                  /* little endian */
	b->buf[6] = 1;
	put16(b->buf + 16, 2);          /* ET_EXEC */
	put16(b->buf + 18, 62);         /* x86-64 */
	put64(b->buf + 24, 0x100000);   /* entry */
	put64(b->buf + 32, 64);         /* phoff */
	put16(b->buf + 54, 56);
	put16(b->buf + 56, phnum);
	b->len = 64 + 56ull * phnum;
}

static void build_phdr(struct builder *b, unsigned i, uint32_t type, uint64_t off,
		       uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	uint8_t *ph = b->buf + 64 + 56 * i;

	put32(ph, type);
	put64(ph + 8, off);
	put64(ph + 16, paddr);          /* vaddr: ignored */
	put64(ph + 24, paddr);
	put64(ph + 32, filesz);
	put64(ph + 40, memsz);
	if (off + filesz > b->len && off + filesz <= sizeof(b->buf))
		b->len = off + filesz;
}

static void build_valid(struct builder *b)
{
	build_header(b, 3);
	build_phdr(b, 0, 1, 0x200, 0x100000, 0x100, 0x100);     /* text */
	build_phdr(b, 1, 4, 0, 0, 0, 0);                         /* PT_NOTE */
	build_phdr(b, 2, 1, 0x300, 0x101000, 0x80, 0x2000);      /* data+bss */
}

static void test_valid(void)
{
	struct builder b;
	struct elf64_image img;
	const char *why = NULL;

	unit_begin("elf64_valid_image");
	build_valid(&b);
	UNIT_CHECK(parse(b.buf, b.len, &img, &why) == 0);
	UNIT_CHECK(img.entry == 0x100000);
	UNIT_CHECK(img.nr_segments == 2);
	UNIT_CHECK(img.seg[1].paddr == 0x101000 && img.seg[1].memsz == 0x2000 &&
		   img.seg[1].filesz == 0x80 && img.seg[1].offset == 0x300);
	UNIT_CHECK(img.lowest == 0x100000 && img.highest == 0x103000);
	unit_end();
}

/* Applies a corruption to a valid image and expects a refusal. */
static void expect_refused(const char *name, void (*corrupt)(struct builder *))
{
	struct builder b;
	struct elf64_image img;
	const char *why = NULL;

	unit_begin(name);
	build_valid(&b);
	corrupt(&b);
	UNIT_CHECK(parse(b.buf, b.len, &img, &why) == -EINVAL);
	UNIT_CHECK(why != NULL);
	UNIT_CHECK(img.nr_segments == 0);
	unit_end();
}

static void bad_magic(struct builder *b) { b->buf[1] = 'X'; }
static void class32(struct builder *b) { b->buf[4] = 1; }
static void big_endian(struct builder *b) { b->buf[5] = 2; }
static void shared_object(struct builder *b) { put16(b->buf + 16, 3); }
static void wrong_machine(struct builder *b) { put16(b->buf + 18, 3); }
static void phentsize(struct builder *b) { put16(b->buf + 54, 32); }
static void phdrs_past_end(struct builder *b) { put64(b->buf + 32, b->len - 8); }
static void phnum_huge(struct builder *b) { put16(b->buf + 56, 0xffff); }
static void filesz_over_memsz(struct builder *b) { build_phdr(b, 0, 1, 0x200, 0x100000, 0x200, 0x100); }
static void bytes_past_end(struct builder *b) { build_phdr(b, 0, 1, 0xf00, 0x100000, 0x200, 0x200); }
static void offset_wraps(struct builder *b) { build_phdr(b, 0, 1, UINT64_MAX - 4, 0x100000, 16, 16); }
static void paddr_wraps(struct builder *b) { build_phdr(b, 0, 1, 0x200, UINT64_MAX - 8, 0x10, 0x100); }
static void no_load(struct builder *b) { put32(b->buf + 64, 4); put32(b->buf + 64 + 112, 4); }
static void too_many(struct builder *b)
{
	build_header(b, 20);
	for (unsigned i = 0; i < 20; i++)
		build_phdr(b, i, 1, 0x600, 0x100000 + i * 0x1000, 0x10, 0x10);
}

static void test_truncated(void)
{
	struct builder b;
	struct elf64_image img;
	const char *why;
	bool all_refused = true;

	unit_begin("elf64_truncated_at_every_length");
	build_valid(&b);
	for (size_t n = 0; n < b.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);       /* exact size: ASan sees overreads */
		memcpy(copy, b.buf, n);
		if (parse(copy, n, &img, &why) != -EINVAL)
			all_refused = false;
		free(copy);
	}
	UNIT_CHECK(all_refused);
	unit_end();
}

int main(void)
{
	test_valid();
	expect_refused("elf64_bad_magic", bad_magic);
	expect_refused("elf64_32bit_class", class32);
	expect_refused("elf64_big_endian", big_endian);
	expect_refused("elf64_not_executable", shared_object);
	expect_refused("elf64_wrong_machine", wrong_machine);
	expect_refused("elf64_bad_phentsize", phentsize);
	expect_refused("elf64_phdrs_past_end", phdrs_past_end);
	expect_refused("elf64_phnum_past_end", phnum_huge);
	expect_refused("elf64_filesz_over_memsz", filesz_over_memsz);
	expect_refused("elf64_segment_bytes_past_end", bytes_past_end);
	expect_refused("elf64_segment_offset_wraps", offset_wraps);
	expect_refused("elf64_segment_address_wraps", paddr_wraps);
	expect_refused("elf64_no_loadable_segment", no_load);
	expect_refused("elf64_too_many_segments", too_many);
	test_truncated();
	return unit_exit_code();
}
