/*
 * test_image.c - host tests of images (domain/image.c): uploaded images
 * over pages of a fake pool (written and read across page boundaries,
 * refused ranges, every page given back, allocation failure part-way),
 * extents, and copies to a fake guest.
 */
#include "hv_test_util.h"
#include "../domain/image.c"

/* The fake pool: pages from aligned_alloc; physical = virtual. */
static long live_blocks;
static long fail_after = -1;    /* allocations left before one fails */

uint64_t page_alloc_zeroed(unsigned order)
{
	if (fail_after == 0)
		return 0;
	if (fail_after > 0)
		fail_after--;
	void *p = aligned_alloc(4096, 4096ul << order);
	memset(p, 0, 4096ul << order);
	live_blocks++;
	return (uint64_t)(uintptr_t)p;
}

void page_free(uint64_t pa, unsigned order)
{
	(void)order;
	live_blocks--;
	free((void *)(uintptr_t)pa);
}

void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }

/* The fake guest: 64 KiB at guest-physical 0x10000. */
static uint8_t guest[0x10000];
#define GUEST_BASE 0x10000ull

int guest_check(struct domain *d, uint64_t gpa, size_t len)
{
	(void)d;
	return gpa >= GUEST_BASE && gpa + len <= GUEST_BASE + sizeof(guest) ? 0 : -EFAULT;
}

int guest_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
	if (guest_check(d, gpa, len))
		return -EFAULT;
	memcpy(guest + (gpa - GUEST_BASE), buf, len);
	return 0;
}

static void pattern(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

static void test_uploaded(void)
{
	struct hv_image img;
	static uint8_t in[10000], out[10000];

	unit_begin("image_uploaded_write_read");
	UNIT_CHECK(image_alloc(&img, sizeof(in)) == 0);
	UNIT_CHECK(image_held_pages(&img) == 3 + 1);
	pattern(in, sizeof(in), 3);
	UNIT_CHECK(image_write(&img, 0, in, 5000) == 0);          /* across a page */
	UNIT_CHECK(image_write(&img, 5000, in + 5000, 5000) == 0);
	UNIT_CHECK(image_read(&img, 0, out, sizeof(out)) == 0);
	UNIT_CHECK(memcmp(in, out, sizeof(in)) == 0);
	UNIT_CHECK(image_read(&img, 4090, out, 20) == 0 && memcmp(out, in + 4090, 20) == 0);
	UNIT_CHECK(image_write(&img, 9999, in, 2) == -EINVAL);
	UNIT_CHECK(image_read(&img, 10001, out, 0) == -EINVAL);
	UNIT_CHECK(image_read(&img, UINT64_MAX, out, 2) == -EINVAL);
	image_free(&img);
	UNIT_CHECK(live_blocks == 0);
	unit_end();
}

static void test_alloc_failure(void)
{
	struct hv_image img;

	unit_begin("image_alloc_failure_frees_all");
	fail_after = 2;                     /* the list and one page */
	UNIT_CHECK(image_alloc(&img, 5 * 4096) == -ENOMEM);
	fail_after = -1;
	UNIT_CHECK(live_blocks == 0);
	UNIT_CHECK(image_alloc(&img, 0) == -EINVAL && live_blocks == 0);
	unit_end();
}

static void test_extent_and_guest(void)
{
	struct hv_image ext, up;
	static uint8_t bytes[6000];

	unit_begin("image_copy_to_guest");
	pattern(bytes, sizeof(bytes), 9);
	image_init_extent(&ext, bytes, sizeof(bytes));
	UNIT_CHECK(ext.sealed && image_held_pages(&ext) == 0);
	UNIT_CHECK(image_write(&ext, 0, bytes, 1) == -EINVAL);     /* read-only */
	UNIT_CHECK(image_copy_to_guest(&ext, 100, 5000, NULL, GUEST_BASE + 8) == 0);
	UNIT_CHECK(memcmp(guest + 8, bytes + 100, 5000) == 0);
	UNIT_CHECK(image_alloc(&up, sizeof(bytes)) == 0);
	UNIT_CHECK(image_write(&up, 0, bytes, sizeof(bytes)) == 0);
	memset(guest, 0, sizeof(guest));
	UNIT_CHECK(image_copy_to_guest(&up, 0, sizeof(bytes), NULL, GUEST_BASE + 4000) == 0);
	UNIT_CHECK(memcmp(guest + 4000, bytes, sizeof(bytes)) == 0);
	memset(guest, 0, sizeof(guest));
	UNIT_CHECK(image_copy_to_guest(&up, 0, sizeof(bytes), NULL,
				       GUEST_BASE + sizeof(guest) - 10) == -EFAULT);
	UNIT_CHECK(guest[sizeof(guest) - 10] == 0);               /* nothing copied */
	UNIT_CHECK(image_copy_to_guest(&up, 10, sizeof(bytes), NULL, GUEST_BASE) == -EINVAL);
	image_free(&up);
	UNIT_CHECK(live_blocks == 0);
	unit_end();
}

int main(void)
{
	test_uploaded();
	test_alloc_failure();
	test_extent_and_guest();
	return unit_exit_code();
}
