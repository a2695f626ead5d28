/*
 * images.c - the image calls: kernels and initrds uploaded by dom0 and
 * kept in hypervisor memory (hv/image.h) for the domains that boot them.
 *
 * An image's life: IMAGE_CREATE allocates its pages (zeroed) and gives it
 * an id; IMAGE_WRITE fills it; IMAGE_SEAL makes it read-only and usable by
 * DOMAIN_CREATE; IMAGE_RELEASE drops dom0's reference: the id is gone at
 * once, the pages when the last domain built from it is destroyed.
 * Ids are never reused while the hypervisor runs.
 *
 * Locking: the life-cycle lock (every control call holds it, and so does
 * whatever destroys a domain, where image_put runs).
 */
#include "ctl.h"
#include "hv/image.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define CTL_MAX_IMAGES 64

static struct hv_image *images[CTL_MAX_IMAGES];     /* life-cycle lock */
static uint32_t next_image_id = 1;

uint64_t ctl_image_pages(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < CTL_MAX_IMAGES; i++)
		if (images[i])
			n += image_held_pages(images[i]) + 1;   /* + its struct */
	return n;
}

/* The live (not released) image with this id, or NULL. */
struct hv_image *ctl_image_find(uint32_t id)
{
	for (unsigned i = 0; i < CTL_MAX_IMAGES; i++)
		if (images[i] && images[i]->id == id && !images[i]->released)
			return images[i];
	return NULL;
}

static void image_destroy(struct hv_image *img)
{
	for (unsigned i = 0; i < CTL_MAX_IMAGES; i++)
		if (images[i] == img)
			images[i] = NULL;
	image_free(img);
	page_free(virt_to_phys(img), 0);
}

void image_get(struct hv_image *img)
{
	if (img->id)
		img->users++;
}

void image_put(struct hv_image *img)
{
	if (!img->id)
		return;
	img->users--;
	if (img->released && img->users == 0)
		image_destroy(img);
}

int ctl_image_create(struct ctl_call *k)
{
	struct muxv_image_create *ic = &k->c.u.image_create;
	int err = ctl_check_image_create(&k->c, &k->err_field);
	int slot = -1;

	if (err)
		return err;
	for (int i = 0; i < CTL_MAX_IMAGES && slot < 0; i++)
		if (!images[i])
			slot = i;
	if (slot < 0)
		return ctl_fail(k, -ENOSPC, CTL_FIELD(hdr.op));
	uint64_t pa = page_alloc_zeroed(0);
	if (!pa)
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.image_create.size));
	struct hv_image *img = phys_to_virt(pa);
	if (image_alloc(img, ic->size)) {
		page_free(pa, 0);
		return ctl_fail(k, -ENOMEM, CTL_FIELD(u.image_create.size));
	}
	img->id = next_image_id++;
	images[slot] = img;
	ic->image_id = img->id;
	log_debug("control: image %u created, %lu bytes", img->id, ic->size);
	return 0;
}

/* The image u.image_write.image_id / u.image.image_id names (both at the
 * start of the union), or NULL with -ENOENT. */
static struct hv_image *find(struct ctl_call *k, int *err)
{
	struct hv_image *img = ctl_image_find(k->c.u.image.image_id);

	*err = img ? 0 : ctl_fail(k, -ENOENT, CTL_FIELD(u.image.image_id));
	return img;
}

int ctl_image_write(struct ctl_call *k)
{
	const struct muxv_image_write *iw = &k->c.u.image_write;
	int err = ctl_check_image_write(&k->c, &k->err_field);
	struct hv_image *img = err ? NULL : find(k, &err);

	if (!img)
		return err;
	if (img->sealed)
		return ctl_fail(k, -EBUSY, CTL_FIELD(u.image_write.image_id));
	if (iw->offset > img->size || k->buf_len > img->size - iw->offset)
		return ctl_fail(k, -ERANGE, CTL_FIELD(u.image_write.offset));
	image_write(img, iw->offset, k->buf, k->buf_len);
	return 0;
}

int ctl_image_seal(struct ctl_call *k)
{
	int err = ctl_check_image_ref(&k->c, &k->err_field);
	struct hv_image *img = err ? NULL : find(k, &err);

	if (!img)
		return err;
	if (img->sealed)
		return ctl_fail(k, -EBUSY, CTL_FIELD(u.image.image_id));
	img->sealed = true;
	return 0;
}

int ctl_image_release(struct ctl_call *k)
{
	int err = ctl_check_image_ref(&k->c, &k->err_field);
	struct hv_image *img = err ? NULL : find(k, &err);

	if (!img)
		return err;
	img->released = true;
	if (img->users == 0)
		image_destroy(img);
	return 0;
}
