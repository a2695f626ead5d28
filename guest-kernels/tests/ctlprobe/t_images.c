/*
 * t_images.c - IMAGE_CREATE/WRITE/SEAL/RELEASE: uploading the child test
 * kernel (child.S) in chunks, and every refusal on the way; an image that
 * is not a kernel is refused by DOMAIN_CREATE and its pages come back
 * when released.
 */
#include "probe.h"

extern const uint8_t ctlprobe_child[], ctlprobe_child_end[];

uint32_t child_image;

static uint64_t child_size(void)
{
	return (uint64_t)(ctlprobe_child_end - ctlprobe_child);
}

/* IMAGE_CREATE of size bytes: the id, or 0 (FAIL reported). */
static uint32_t create(const char *name, uint64_t size)
{
	ctl_prep(req, MUXV_CTL_IMAGE_CREATE, 0);
	req->u.image_create.size = size;
	return expect_ok(name) ? req->u.image_create.image_id : 0;
}

static int64_t write_chunk(uint32_t id, uint64_t off, const void *bytes, uint32_t len)
{
	ctl_prep(req, MUXV_CTL_IMAGE_WRITE, 0);
	req->u.image_write.image_id = id;
	req->u.image_write.offset = off;
	memcpy(probe_buf, bytes, len);
	ctl_set_buf(req, probe_buf, len, MUXV_BUF_IN);
	return ctl_do(req);
}

static int64_t image_op(uint32_t op, uint32_t id)
{
	ctl_prep(req, op, 0);
	req->u.image.image_id = id;
	return ctl_do(req);
}

static void create_refusals(void)
{
	ctl_prep(req, MUXV_CTL_IMAGE_CREATE, 0);
	expect_refused("ctl.images.create_size_zero", MUXV_EINVAL, CTL_FIELD(u.image_create.size));
	req->u.image_create.size = MUXV_CTL_IMAGE_MAX + 1ull;
	expect_refused("ctl.images.create_too_big", MUXV_E2BIG, CTL_FIELD(u.image_create.size));
	req->u.image_create.size = 4096;
	req->u.image_create.pad0 = 1;
	expect_refused("ctl.images.create_pad", MUXV_EINVAL, CTL_FIELD(u.image_create.pad0));
}

static void write_refusals(uint32_t id)
{
	ctl_prep(req, MUXV_CTL_IMAGE_WRITE, 0);
	req->u.image_write.image_id = id + 1000;
	ctl_set_buf(req, probe_buf, 16, MUXV_BUF_IN);
	expect_refused("ctl.images.write_no_such", MUXV_ENOENT, CTL_FIELD(u.image_write.image_id));
	req->u.image_write.image_id = id;
	req->u.image_write.offset = child_size() - 8;
	expect_refused("ctl.images.write_past_end", MUXV_ERANGE, CTL_FIELD(u.image_write.offset));
	req->u.image_write.offset = ~0ull - 4;
	expect_refused("ctl.images.write_offset_wraps", MUXV_ERANGE, CTL_FIELD(u.image_write.offset));
	req->u.image_write.offset = 0;
	req->hdr.buf_dir = MUXV_BUF_OUT;
	expect_refused("ctl.images.write_buf_dir", MUXV_EINVAL, CTL_FIELD(hdr.buf_dir));
	req->hdr.buf_dir = MUXV_BUF_IN;
	req->hdr.buf = 1ull << 45;
	expect_refused("ctl.images.write_bad_buf", MUXV_EFAULT, CTL_FIELD(hdr.buf));
	req->hdr.buf = (uintptr_t)probe_buf;
	req->u.image_write.pad0 = 2;
	expect_refused("ctl.images.write_pad", MUXV_EINVAL, CTL_FIELD(u.image_write.pad0));
}

/* Uploads the child in chunks of at most a buffer: the id, or 0. */
static uint32_t upload_child(void)
{
	struct muxv_host_info a, b;

	probe_host_info(&a);
	uint32_t id = create("ctl.images.create", child_size());
	if (!id)
		return 0;
	probe_host_info(&b);
	check("ctl.images.create", b.image_pages >= a.image_pages + child_size() / 4096 &&
	      b.pool_free_pages < a.pool_free_pages, "image pages %lu -> %lu, free %lu -> %lu",
	      a.image_pages, b.image_pages, a.pool_free_pages, b.pool_free_pages);
	write_refusals(id);
	for (uint64_t off = 0; off < child_size(); off += PROBE_BUF_SIZE) {
		uint64_t n = child_size() - off < PROBE_BUF_SIZE ? child_size() - off : PROBE_BUF_SIZE;
		int64_t r = write_chunk(id, off, ctlprobe_child + off, (uint32_t)n);
		if (r) {
			check("ctl.images.write", false, "at %lu: %ld", off, r);
			return 0;
		}
	}
	rt_pass("ctl.images.write");
	return id;
}

static void seal(uint32_t id)
{
	check("ctl.images.seal", image_op(MUXV_CTL_IMAGE_SEAL, id) == 0, "seal refused");
	ctl_prep(req, MUXV_CTL_IMAGE_SEAL, 0);
	req->u.image.image_id = id;
	expect_refused("ctl.images.seal_twice", MUXV_EBUSY, CTL_FIELD(u.image.image_id));
	req->u.image.pad0 = 1;
	expect_refused("ctl.images.seal_pad", MUXV_EINVAL, CTL_FIELD(u.image.pad0));
	ctl_prep(req, MUXV_CTL_IMAGE_WRITE, 0);
	req->u.image_write.image_id = id;
	ctl_set_buf(req, probe_buf, 16, MUXV_BUF_IN);
	expect_refused("ctl.images.write_sealed", MUXV_EBUSY, CTL_FIELD(u.image_write.image_id));
}

/* Fills req with a DOMAIN_CREATE of a 1-vCPU test kernel from image. */
void probe_prep_create(const char *name, uint32_t image)
{
	ctl_prep(req, MUXV_CTL_DOMAIN_CREATE, 0);
	struct muxv_domain_create *dc = &req->u.domain_create;
	rt_strlcpy(dc->name, name, sizeof(dc->name));
	dc->kind = MUXV_KIND_TEST_KERNEL;
	dc->vcpus = 1;
	dc->mem_bytes = 8u << 20;
	dc->kernel_image = image;
	dc->on_poweroff = MUXV_ON_KEEP;
	dc->on_crash = MUXV_ON_KEEP;
	dc->on_reboot = MUXV_ON_KEEP;
	dc->sched.weight = 256;
	dc->sched.cap = 50;          /* leave the other pCPU's time to dom0 */
}

/* An image of junk: refused as a kernel; released, its pages return. */
static void junk_image(void)
{
	struct muxv_host_info a, b;

	probe_host_info(&a);
	uint32_t id = create("ctl.images.junk_create", 3 * 4096 + 5);
	if (!id)
		return;
	memset(probe_buf, 0x3c, 64);
	write_chunk(id, 4096 - 32, probe_buf, 64);
	probe_prep_create("junk", id);
	expect_refused("ctl.images.create_domain_unsealed", MUXV_ENOENT,
		       CTL_FIELD(u.domain_create.kernel_image));
	image_op(MUXV_CTL_IMAGE_SEAL, id);
	probe_prep_create("junk", id);
	expect_refused("ctl.images.create_domain_not_a_kernel", MUXV_EINVAL,
		       CTL_FIELD(u.domain_create.kernel_image));
	check("ctl.images.release", image_op(MUXV_CTL_IMAGE_RELEASE, id) == 0, "refused");
	probe_host_info(&b);
	check("ctl.images.release_frees", a.image_pages == b.image_pages &&
	      a.pool_free_pages == b.pool_free_pages, "image pages %lu -> %lu, free %lu -> %lu",
	      a.image_pages, b.image_pages, a.pool_free_pages, b.pool_free_pages);
	ctl_prep(req, MUXV_CTL_IMAGE_RELEASE, 0);
	req->u.image.image_id = id;
	expect_refused("ctl.images.release_twice", MUXV_ENOENT, CTL_FIELD(u.image.image_id));
	probe_prep_create("junk", id);
	expect_refused("ctl.images.create_domain_released", MUXV_ENOENT,
		       CTL_FIELD(u.domain_create.kernel_image));
}

void part_images(void)
{
	create_refusals();
	junk_image();
	child_image = upload_child();
	if (child_image)
		seal(child_image);
}
