/*
 * api_images.c - /v1/images. Customers list and read images (to choose one
 * at provisioning) without their file paths; the admin registers and
 * removes them. The image file must exist when it is registered.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_fields.h"

static const char *const page_params[] = { "limit", "cursor", NULL };

void api_images_list(struct api_req *r)
{
	unsigned limit;
	int64_t after;
	if (!api_query_allowed(r, page_params) || !api_page(r, &limit, &after))
		return;
	struct image *v = NULL;
	size_t n = 0;
	int rc = store_image_list(r->db, after, limit, &v, &n);
	if (rc) {
		api_store_error(r, rc, "images");
		return;
	}
	json_object *items = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_image_json(&v[i], r->who.admin));
	api_list_reply(r, items, n, limit, n ? v[n - 1].id : 0);
	free(v);
}

void api_images_get(struct api_req *r)
{
	struct image im;
	int rc = store_image_get(r->db, r->ids[0], &im);
	if (rc) {
		api_store_error(r, rc, "image");
		return;
	}
	r->json = api_image_json(&im, r->who.admin);
	r->status = 200;
}

/* The files an image names must be readable now, not at the first provisioning. */
static bool image_files_ok(struct api_req *r, const struct image *im)
{
	if (access(im->path, R_OK) != 0) {
		api_error(r, 422, "invalid_value", "path", "cannot read %s", im->path);
		return false;
	}
	if (im->initrd[0] && access(im->initrd, R_OK) != 0) {
		api_error(r, 422, "invalid_value", "initrd", "cannot read %s", im->initrd);
		return false;
	}
	if (strcmp(im->kind, "disk") == 0 && (im->initrd[0] || im->cmdline[0])) {
		api_error(r, 422, "invalid_value", im->initrd[0] ? "initrd" : "cmdline",
			  "a disk image boots from its disk; initrd and cmdline are for kernel images");
		return false;
	}
	return true;
}

void api_images_create(struct api_req *r)
{
	struct image im;
	memset(&im, 0, sizeof im);
	strcpy(im.format, "raw");
	if (!api_decode(r, api_image_fields, api_image_fields_n, &im, false))
		return;
	if (!image_files_ok(r, &im))
		return;
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_image_insert(r->db, &im);
	if (rc == -EEXIST) {
		api_error(r, 409, "name_taken", "name", "an image named %s exists", im.name);
		return;
	}
	rc = api_finish_change(r, rc, 0, "image.create", "image", im.id);
	if (rc) {
		api_store_error(r, rc, "image");
		return;
	}
	r->json = api_image_json(&im, true);
	r->status = 201;
}

void api_images_delete(struct api_req *r)
{
	int rc = store_begin(r->db);
	if (!rc)
		rc = store_image_delete(r->db, r->ids[0]);
	if (rc == -EBUSY) {
		api_error(r, 409, "in_use", NULL, "image %lld is used by servers", (long long)r->ids[0]);
		return;
	}
	rc = api_finish_change(r, rc, 0, "image.delete", "image", r->ids[0]);
	if (rc) {
		api_store_error(r, rc, "image");
		return;
	}
	r->status = 204;
}
