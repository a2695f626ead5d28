/*
 * image.c - the bytes of a kernel or initrd image (see hv/image.h): an
 * extent, or a list of pool pages reached through the direct map.
 * Host-tested (tests/test_image.c) with a fake pool.
 */
#include "hv/image.h"
#include "hv/guest_mem.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE 4096ull

static uint64_t nr_pages(uint64_t size)
{
	return (size + PAGE - 1) / PAGE;
}

/* The order of the block that holds n page addresses. */
static unsigned list_order(uint64_t n)
{
	unsigned order = 0;

	while ((PAGE << order) < n * sizeof(uint64_t))
		order++;
	return order;
}

void image_init_extent(struct hv_image *img, const void *bytes, uint64_t size)
{
	memset(img, 0, sizeof(*img));
	img->extent = bytes;
	img->size = size;
	img->sealed = true;
}

int image_alloc(struct hv_image *img, uint64_t size)
{
	uint64_t n = nr_pages(size);
	unsigned order = list_order(n);

	if (size == 0 || order > PAGE_ORDER_MAX)
		return -EINVAL;
	memset(img, 0, sizeof(*img));
	img->list_pa = page_alloc_zeroed(order);
	if (!img->list_pa)
		return -ENOMEM;
	img->list_order = order;
	img->pages = phys_to_virt(img->list_pa);
	img->size = size;
	for (uint64_t i = 0; i < n; i++) {
		img->pages[i] = page_alloc_zeroed(0);
		if (!img->pages[i]) {
			image_free(img);
			return -ENOMEM;
		}
	}
	return 0;
}

void image_free(struct hv_image *img)
{
	if (!img->pages)
		return;
	for (uint64_t i = 0; i < nr_pages(img->size) && img->pages[i]; i++)
		page_free(img->pages[i], 0);
	page_free(img->list_pa, img->list_order);
	img->pages = NULL;
	img->list_pa = 0;
}

uint64_t image_held_pages(const struct hv_image *img)
{
	return img->pages ? nr_pages(img->size) + (1ull << img->list_order) : 0;
}

/* The image's bytes at off, contiguous up to *n bytes (at most want). */
static uint8_t *span(const struct hv_image *img, uint64_t off, uint64_t want, uint64_t *n)
{
	if (img->extent) {
		*n = want;
		return (uint8_t *)img->extent + off;
	}
	*n = MIN(want, PAGE - off % PAGE);
	return (uint8_t *)phys_to_virt(img->pages[off / PAGE]) + off % PAGE;
}

static bool in_image(const struct hv_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

int image_read(const struct hv_image *img, uint64_t off, void *buf, size_t len)
{
	uint64_t done = 0, n;

	if (!in_image(img, off, len))
		return -EINVAL;
	while (done < len) {
		const uint8_t *p = span(img, off + done, len - done, &n);
		memcpy((uint8_t *)buf + done, p, n);
		done += n;
	}
	return 0;
}

int image_write(struct hv_image *img, uint64_t off, const void *buf, size_t len)
{
	uint64_t done = 0, n;

	if (!img->pages || !in_image(img, off, len))
		return -EINVAL;
	while (done < len) {
		uint8_t *p = span(img, off + done, len - done, &n);
		memcpy(p, (const uint8_t *)buf + done, n);
		done += n;
	}
	return 0;
}

int image_copy_to_guest(const struct hv_image *img, uint64_t off, uint64_t len,
			struct domain *d, uint64_t gpa)
{
	uint64_t done = 0, n;

	if (!in_image(img, off, len))
		return -EINVAL;
	if (guest_check(d, gpa, len))
		return -EFAULT;
	while (done < len) {
		const uint8_t *p = span(img, off + done, len - done, &n);
		int err = guest_write(d, gpa + done, p, n);
		if (err)
			return err;
		done += n;
	}
	return 0;
}
