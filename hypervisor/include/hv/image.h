/*
 * image.h - a kernel or initrd as the loaders read it (test_kernel.c,
 * linux_guest.c), whatever holds its bytes:
 *   - a Multiboot2 module: one contiguous extent where the boot loader put
 *     it, kept for the hypervisor's lifetime;
 *   - an image uploaded through the control interface: a list of 4 KiB
 *     pool pages (the pool has no contiguous block above 2 MiB), freed
 *     when dom0 released it and no domain uses it any more.
 * Loaders read through image_read() and image_copy_to_guest(), so both
 * kinds load by the same code.
 *
 * Locking: an image's bytes are written only before it is sealed (one
 * control call at a time); its life (id, sealed, released, users) belongs
 * to control/images.c under the domain life-cycle lock.
 */
#ifndef HV_IMAGE_H
#define HV_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;

struct hv_image {
	uint64_t size;                 /* bytes */
	const uint8_t *extent;         /* a module's bytes, or NULL */
	uint64_t *pages;               /* uploaded: host-physical address of
					* each page, (size + 4095) / 4096 */
	uint64_t list_pa;              /* the block holding pages[] */
	unsigned list_order;
	/* Life (control/images.c, life-cycle lock). */
	uint32_t id;                   /* 0: a module, never freed */
	bool sealed;                   /* read-only, usable by domains */
	bool released;                 /* dom0 dropped its reference */
	uint32_t users;                /* domains built from it */
};

/* An image over bytes already in memory (a module). */
void image_init_extent(struct hv_image *img, const void *bytes, uint64_t size);
/* Allocates zeroed pool pages for an image of size bytes (> 0). 0, or
 * -ENOMEM with nothing allocated. */
int image_alloc(struct hv_image *img, uint64_t size);
/* Gives an uploaded image's pages back to the pool. */
void image_free(struct hv_image *img);
/* Pool pages an uploaded image holds: its data and its page list. */
uint64_t image_held_pages(const struct hv_image *img);

/* Copies [off, off + len) of the image to buf. 0, or -EINVAL if the range
 * is not inside the image (nothing copied). */
int image_read(const struct hv_image *img, uint64_t off, void *buf, size_t len);
/* Writes buf to [off, off + len) of an uploaded image. 0 or -EINVAL. */
int image_write(struct hv_image *img, uint64_t off, const void *buf, size_t len);
/* Copies [off, off + len) of the image to guest-physical gpa of d. 0,
 * -EINVAL (outside the image) or -EFAULT (outside the domain's memory),
 * with nothing copied on error. */
int image_copy_to_guest(const struct hv_image *img, uint64_t off, uint64_t len,
			struct domain *d, uint64_t gpa);

/* A domain's reference (control/images.c; no-ops for a module image):
 * taken when a domain is built from the image, dropped when it is
 * destroyed. Life-cycle lock held. */
void image_get(struct hv_image *img);
void image_put(struct hv_image *img);

#endif
