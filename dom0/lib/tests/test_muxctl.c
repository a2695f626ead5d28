/*
 * test_muxctl.c - host unit tests of libmuxctl's pure parts: the ABI's
 * struct layout, naming the field at fault, the library's own argument
 * checks, list paging, image upload in chunks, buffer directions. The
 * device is a fake installed in the handle (h->ioctl), here only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "../muxctl.c"
#include "../muxctl_fields.c"
#include "../muxctl_domain.c"
#include "../muxctl_image.c"
#include "../muxctl_io.c"
#include "../muxctl_balloon.c"

/* ---- the fake device ---- */

struct fake_write {
	uint64_t offset;
	uint32_t len;
};

static struct {
	int calls;
	struct muxv_ctl last;
	/* answers: errno to fail with (0 = succeed) at call number fail_at */
	int fail_at, fail_errno;
	uint32_t fail_field;
	/* DOMAIN_LIST: domains 1..ndomains exist (dom0 too) */
	uint32_t ndomains;
	/* IMAGE_*: what was written */
	unsigned char *image;
	uint64_t image_size;
	struct fake_write writes[16];
	int nwrites, seals, releases;
} fake;

static void fake_reset(void)
{
	free(fake.image);
	memset(&fake, 0, sizeof fake);
	fake.fail_at = -1;
}

static void fake_list(struct muxv_ctl *c)
{
	uint32_t *out = (uint32_t *)(uintptr_t)c->hdr.buf;
	uint32_t cap = c->hdr.buf_len / 4, n = 0;
	for (uint32_t id = c->u.domain_list.first_id + 1; id <= fake.ndomains && n < cap; id++)
		out[n++] = id;
	c->u.domain_list.count = n;
	c->u.domain_list.total = fake.ndomains + 1;
}

static void fake_image(struct muxv_ctl *c)
{
	switch (c->hdr.op) {
	case MUXV_CTL_IMAGE_CREATE:
		fake.image_size = c->u.image_create.size;
		fake.image = calloc(1, fake.image_size);
		c->u.image_create.image_id = 7;
		break;
	case MUXV_CTL_IMAGE_WRITE:
		memcpy(fake.image + c->u.image_write.offset, (void *)(uintptr_t)c->hdr.buf,
		       c->hdr.buf_len);
		fake.writes[fake.nwrites++] = (struct fake_write){ c->u.image_write.offset,
								   c->hdr.buf_len };
		break;
	case MUXV_CTL_IMAGE_SEAL:
		fake.seals++;
		break;
	case MUXV_CTL_IMAGE_RELEASE:
		fake.releases++;
		break;
	}
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	struct muxv_ctl *c = arg;
	(void)fd;
	if (req != MUXV_IOC_CTL) {
		errno = ENOTTY;
		return -1;
	}
	int n = fake.calls++;
	fake.last = *c;
	if (n == fake.fail_at) {
		c->hdr.err_field = fake.fail_field;
		errno = fake.fail_errno;
		return -1;
	}
	if (c->hdr.op == MUXV_CTL_DOMAIN_LIST)
		fake_list(c);
	fake_image(c);
	return 0;
}

static struct muxctl fake_handle = { .fd = -1, .ioctl = fake_ioctl };

/* ---- tests ---- */

#define OFF(m) offsetof(struct muxv_ctl, m)

static void test_layout(void)
{
	unit_begin("muxctl_abi_layout");
	UNIT_CHECK(sizeof(struct muxv_ctl) == 1024);
	UNIT_CHECK(sizeof(struct muxv_ctl_hdr) == 32);
	UNIT_CHECK(OFF(hdr.buf) == 16 && OFF(hdr.buf_len) == 24 && OFF(hdr.buf_dir) == 28);
	UNIT_CHECK(OFF(u) == 32);
	UNIT_CHECK(sizeof(struct muxv_host_info) == 120);
	UNIT_CHECK(offsetof(struct muxv_host_info, map_window_gpa) == 64);
	UNIT_CHECK(sizeof(struct muxv_sched) == 24);
	UNIT_CHECK(offsetof(struct muxv_domain_create, kind) == 32);
	UNIT_CHECK(offsetof(struct muxv_domain_create, mem_bytes) == 40);
	UNIT_CHECK(offsetof(struct muxv_domain_create, sched) == 80);
	UNIT_CHECK(offsetof(struct muxv_domain_create, cmdline) == 104);
	UNIT_CHECK(offsetof(struct muxv_domain_create, domid) == 616);
	UNIT_CHECK(sizeof(struct muxv_domain_create) == 624);
	UNIT_CHECK(sizeof(struct muxv_domain_info) % 8 == 0);
	UNIT_CHECK(sizeof(struct muxv_event) == 120);
	UNIT_CHECK(sizeof(struct muxv_ioc_map) == 32);
	unit_end();
}

/* Each table must tile its struct: no gap (a field without a name), no overlap. */
static bool tiles(const struct muxctl_field *f, uint32_t start, uint32_t size)
{
	uint32_t at = start;
	for (; f->name; f++) {
		if (f->off != at || f->size == 0)
			return false;
		at += f->size;
	}
	return at == start + size;
}

static void test_field_tables(void)
{
	unit_begin("muxctl_field_tables_cover_every_byte");
	UNIT_CHECK(tiles(hdr_fields, 0, sizeof(struct muxv_ctl_hdr)));
	UNIT_CHECK(tiles(image_create_fields, 32, sizeof(struct muxv_image_create)));
	UNIT_CHECK(tiles(image_write_fields, 32, sizeof(struct muxv_image_write)));
	UNIT_CHECK(tiles(image_fields, 32, sizeof(struct muxv_image_ref)));
	UNIT_CHECK(tiles(domain_create_fields, 32, sizeof(struct muxv_domain_create)));
	UNIT_CHECK(tiles(domain_list_fields, 32, sizeof(struct muxv_domain_list)));
	UNIT_CHECK(tiles(vcpu_info_fields, 32, sizeof(struct muxv_vcpu_info)));
	UNIT_CHECK(tiles(sched_fields, 32, sizeof(struct muxv_sched)));
	UNIT_CHECK(tiles(mem_fields, 32, sizeof(struct muxv_mem)));
	UNIT_CHECK(tiles(console_fields, 32, sizeof(struct muxv_console)));
	UNIT_CHECK(tiles(events_fields, 32, sizeof(struct muxv_events)));
	UNIT_CHECK(tiles(balloon_set_fields, 32, sizeof(struct muxv_balloon_set)));
	/* every call of control.h has a name */
	for (uint32_t op = 1; op <= MUXV_CTL_BALLOON_GET; op++)
		if (muxctl_find_op(op))
			UNIT_CHECK(strcmp(muxctl_op_name(op), "control call") != 0);
	UNIT_CHECK(strcmp(muxctl_op_name(999), "control call") == 0);
	unit_end();
}

static void test_field_names(void)
{
	unit_begin("muxctl_field_name_from_err_field");
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_DOMAIN_CREATE,
					    OFF(u.domain_create.vcpus)), "domain_create.vcpus") == 0);
	/* any byte inside an array names it */
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_DOMAIN_CREATE,
					    OFF(u.domain_create.name) + 5), "domain_create.name") == 0);
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_DOMAIN_CREATE,
					    OFF(u.domain_create.sched.reservation)),
			  "domain_create.sched.reservation") == 0);
	/* the same offset means different fields in different calls */
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_SCHED_SET, OFF(u.sched.cap)), "sched.cap") == 0);
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_MEM_MAP, OFF(u.mem.count)), "mem.count") == 0);
	UNIT_CHECK(strcmp(muxctl_field_name(MUXV_CTL_DOMAIN_PAUSE, OFF(hdr.domid)), "hdr.domid") == 0);
	UNIT_CHECK(strcmp(muxctl_field_name(999, OFF(hdr.version)), "hdr.version") == 0);
	UNIT_CHECK(muxctl_field_name(MUXV_CTL_DOMAIN_PAUSE, OFF(u.sched.cap)) == NULL);
	UNIT_CHECK(muxctl_field_name(MUXV_CTL_SCHED_SET, 1024) == NULL);
	UNIT_CHECK(muxctl_field_name(MUXV_CTL_SCHED_SET, MUXV_CTL_NO_FIELD) == NULL);
	unit_end();
}

static void test_error_text(void)
{
	struct muxv_sched s = { .weight = 256, .reservation = 900 };
	unit_begin("muxctl_error_names_the_field");
	fake_reset();
	fake.fail_at = 0;
	fake.fail_errno = ENOSPC;
	fake.fail_field = OFF(u.sched.reservation);
	int rc = muxctl_sched_set(&fake_handle, 3, &s);
	UNIT_CHECK(rc == -ENOSPC);
	UNIT_CHECK(strcmp(muxctl_errfield(), "sched.reservation") == 0);
	UNIT_CHECK(strstr(muxctl_errmsg(), "sched set: ") == muxctl_errmsg());
	UNIT_CHECK(strstr(muxctl_errmsg(), "refused by admission control") != NULL);
	UNIT_CHECK(strstr(muxctl_errmsg(), "(field sched.reservation)") != NULL);
	UNIT_CHECK(fake.last.hdr.domid == 3 && fake.last.u.sched.reservation == 900);
	/* ENOSPC elsewhere (too many domains) is not called admission control */
	fake_reset();
	fake.fail_at = 0;
	fake.fail_errno = ENOSPC;
	fake.fail_field = MUXV_CTL_NO_FIELD;
	struct muxv_domain_create r;
	UNIT_CHECK(muxctl_domain_init(&r, "full", MUXV_KIND_TEST_KERNEL) == 0);
	r.mem_bytes = 1 << 20;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -ENOSPC);
	UNIT_CHECK(strstr(muxctl_errmsg(), "admission") == NULL);
	UNIT_CHECK(strstr(muxctl_errmsg(), "no room") != NULL);
	/* an error without a field names none; the next success clears it */
	fake_reset();
	fake.fail_at = 0;
	fake.fail_errno = ESRCH;
	fake.fail_field = MUXV_CTL_NO_FIELD;
	UNIT_CHECK(muxctl_domain_pause(&fake_handle, 9) == -ESRCH);
	UNIT_CHECK(strcmp(muxctl_errmsg(), "domain pause: no such domain") == 0);
	UNIT_CHECK(muxctl_errfield()[0] == '\0');
	UNIT_CHECK(muxctl_domain_pause(&fake_handle, 9) == 0 && muxctl_errmsg()[0] == '\0');
	/* an offset the library has no name for is still shown */
	fake_reset();
	fake.fail_at = 0;
	fake.fail_errno = EINVAL;
	fake.fail_field = 900;
	UNIT_CHECK(muxctl_domain_unpause(&fake_handle, 2) == -EINVAL);
	UNIT_CHECK(strstr(muxctl_errmsg(), "(field offset 900)") != NULL);
	unit_end();
}

static void test_create_checks(void)
{
	struct muxv_domain_create r;
	char longname[40], longcmd[MUXV_CTL_CMDLINE_MAX + 2];
	unit_begin("muxctl_create_argument_checks");
	fake_reset();
	memset(longname, 'a', 32);
	longname[32] = '\0';
	UNIT_CHECK(muxctl_domain_init(&r, "", MUXV_KIND_TEST_KERNEL) == -EINVAL);
	UNIT_CHECK(muxctl_domain_init(&r, longname, MUXV_KIND_TEST_KERNEL) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.name") == 0);
	UNIT_CHECK(muxctl_domain_init(&r, "a b", MUXV_KIND_TEST_KERNEL) == -EINVAL);
	UNIT_CHECK(muxctl_domain_init(&r, "caf\xc3\xa9", MUXV_KIND_TEST_KERNEL) == -EINVAL);
	longname[31] = '\0';
	UNIT_CHECK(muxctl_domain_init(&r, longname, MUXV_KIND_TEST_KERNEL) == 0);
	UNIT_CHECK(muxctl_domain_init(&r, "web-1.a_b", MUXV_KIND_TEST_KERNEL) == 0);
	UNIT_CHECK(r.sched.weight == 256 && r.vcpus == 1 && r.on_reboot == MUXV_ON_RESTART);
	memset(longcmd, 'x', sizeof longcmd - 1);
	longcmd[sizeof longcmd - 1] = '\0';
	UNIT_CHECK(muxctl_set_cmdline(&r, longcmd) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.cmdline") == 0);
	longcmd[MUXV_CTL_CMDLINE_MAX] = '\0';
	UNIT_CHECK(muxctl_set_cmdline(&r, longcmd) == 0);

	r.mem_bytes = 16 << 20;
	r.vcpus = 0;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.vcpus") == 0);
	r.vcpus = 2;
	r.mem_bytes = (16 << 20) + 1;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.mem_bytes") == 0);
	r.mem_bytes = 16 << 20;
	r.sched.weight = 70000;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	r.sched.weight = 256;
	r.initrd_image = 4;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.initrd_image") == 0);
	r.initrd_image = 0;
	r.kind = 9;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	UNIT_CHECK(fake.calls == 0);   /* refused before asking */
	r.kind = MUXV_KIND_TEST_KERNEL;
	r.pad0 = 5;                    /* the library zeroes padding */
	uint32_t id = 99;
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, &id) == 0);
	UNIT_CHECK(fake.calls == 1 && fake.last.u.domain_create.pad0 == 0);
	UNIT_CHECK(fake.last.hdr.op == MUXV_CTL_DOMAIN_CREATE && fake.last.hdr.buf_dir == MUXV_BUF_NONE);
	UNIT_CHECK(id == 0);  /* what the fake answered */

	struct muxv_sched s = { .weight = 0 };
	UNIT_CHECK(muxctl_sched_set(&fake_handle, 1, &s) == -EINVAL);
	UNIT_CHECK(muxctl_mem_populate(&fake_handle, 1, 0, 0) == -EINVAL);
	UNIT_CHECK(muxctl_mem_populate(&fake_handle, 1, 0, MUXV_CTL_MAP_MAX + 1) == -EINVAL);
	void *p;
	UNIT_CHECK(muxctl_map(&fake_handle, 1, 0, 0, &p) == -EINVAL);
	UNIT_CHECK(muxctl_console_write(&fake_handle, 1, "x", 0) == -EINVAL);
	UNIT_CHECK(muxctl_image_create(&fake_handle, (uint64_t)MUXV_CTL_IMAGE_MAX + 1, &id) == -E2BIG);
	UNIT_CHECK(fake.calls == 1);
	unit_end();
}

static void test_balloon(void)
{
	struct muxv_domain_create r;
	struct muxv_balloon_info bi;
	unit_begin("muxctl_balloon_calls");
	fake_reset();
	/* the library's own checks: nothing reaches the device */
	UNIT_CHECK(muxctl_balloon_set(&fake_handle, 3, MUXV_BALLOON_MIN_TARGET - 4096) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "balloon_set.target_bytes") == 0);
	UNIT_CHECK(muxctl_balloon_set(&fake_handle, 3, (64 << 20) + 1) == -EINVAL);
	UNIT_CHECK(muxctl_domain_init(&r, "lin", MUXV_KIND_LINUX) == 0);
	r.mem_bytes = 256 << 20;
	r.kernel_image = 1;
	r.populate_bytes = 8 << 20;     /* a start target below 16 MiB */
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "domain_create.populate_bytes") == 0);
	UNIT_CHECK(fake.calls == 0);
	r.populate_bytes = 64 << 20;    /* pre-ballooned at 64 MiB */
	UNIT_CHECK(muxctl_domain_create(&fake_handle, &r, NULL) == 0);
	UNIT_CHECK(fake.last.u.domain_create.populate_bytes == 64 << 20);
	/* the calls as the hypervisor sees them */
	UNIT_CHECK(muxctl_balloon_set(&fake_handle, 3, 96 << 20) == 0);
	UNIT_CHECK(fake.last.hdr.op == MUXV_CTL_BALLOON_SET && fake.last.hdr.domid == 3);
	UNIT_CHECK(fake.last.u.balloon_set.target_bytes == 96 << 20 &&
		   fake.last.u.balloon_set.pad0 == 0 && fake.last.hdr.buf_dir == MUXV_BUF_NONE);
	UNIT_CHECK(muxctl_balloon_get(&fake_handle, 3, &bi) == 0);
	UNIT_CHECK(fake.last.hdr.op == MUXV_CTL_BALLOON_GET && fake.last.hdr.domid == 3);
	/* a refusal names the field */
	fake.fail_at = fake.calls;
	fake.fail_errno = ENODEV;
	fake.fail_field = OFF(hdr.domid);
	UNIT_CHECK(muxctl_balloon_get(&fake_handle, 1, &bi) == -ENODEV);
	UNIT_CHECK(strcmp(muxctl_errfield(), "hdr.domid") == 0);
	UNIT_CHECK(strstr(muxctl_errmsg(), "balloon get: ") == muxctl_errmsg());
	fake.fail_at = fake.calls;
	fake.fail_errno = EINVAL;
	fake.fail_field = OFF(u.balloon_set.target_bytes);
	UNIT_CHECK(muxctl_balloon_set(&fake_handle, 3, 1ull << 40) == -EINVAL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "balloon_set.target_bytes") == 0);
	unit_end();
}

static void test_list_paging(void)
{
	uint32_t *ids;
	size_t n;
	unit_begin("muxctl_domain_list_pages_and_includes_dom0");
	fake_reset();
	fake.ndomains = 2500;
	UNIT_CHECK(muxctl_domain_list(&fake_handle, &ids, &n) == 0);
	UNIT_CHECK(n == 2501);
	bool ascending = true;
	for (size_t i = 0; i < n; i++)
		ascending = ascending && ids[i] == i;
	UNIT_CHECK(ascending);
	UNIT_CHECK(fake.calls == 3);
	UNIT_CHECK(fake.last.hdr.buf_dir == MUXV_BUF_OUT);
	free(ids);
	fake_reset();
	UNIT_CHECK(muxctl_domain_list(&fake_handle, &ids, &n) == 0 && n == 1 && ids[0] == 0);
	free(ids);
	fake_reset();
	fake.ndomains = 5;
	fake.fail_at = 0;
	fake.fail_errno = EPERM;
	UNIT_CHECK(muxctl_domain_list(&fake_handle, &ids, &n) == -EPERM);
	unit_end();
}

static void test_image_upload(void)
{
	char path[] = "/tmp/muxctl-test-XXXXXX";
	int fd = mkstemp(path);
	size_t size = 150000;
	unsigned char *data = malloc(size);
	for (size_t i = 0; i < size; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	UNIT_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);

	unit_begin("muxctl_image_upload_in_chunks");
	fake_reset();
	uint32_t id = 0;
	UNIT_CHECK(muxctl_image_upload(&fake_handle, path, &id) == 0);
	UNIT_CHECK(id == 7 && fake.image_size == size);
	UNIT_CHECK(fake.nwrites == 3);
	UNIT_CHECK(fake.writes[0].offset == 0 && fake.writes[0].len == MUXV_CTL_BUF_MAX);
	UNIT_CHECK(fake.writes[2].offset == 2 * MUXV_CTL_BUF_MAX &&
		   fake.writes[2].len == size - 2 * MUXV_CTL_BUF_MAX);
	UNIT_CHECK(fake.image && memcmp(fake.image, data, size) == 0);
	UNIT_CHECK(fake.seals == 1 && fake.releases == 0);
	unit_end();

	unit_begin("muxctl_image_upload_failure_leaves_nothing");
	fake_reset();
	fake.fail_at = 2;            /* create, write, write <- fails */
	fake.fail_errno = ERANGE;
	fake.fail_field = OFF(u.image_write.offset);
	UNIT_CHECK(muxctl_image_upload(&fake_handle, path, &id) == -ERANGE);
	UNIT_CHECK(fake.releases == 1 && fake.seals == 0);
	UNIT_CHECK(strstr(muxctl_errmsg(), "image write: out of range") != NULL);
	UNIT_CHECK(strcmp(muxctl_errfield(), "image_write.offset") == 0);
	fake_reset();
	UNIT_CHECK(muxctl_image_upload(&fake_handle, "/nonexistent/kernel", &id) == -ENOENT);
	UNIT_CHECK(strstr(muxctl_errmsg(), "/nonexistent/kernel") != NULL);
	UNIT_CHECK(muxctl_image_upload(&fake_handle, "/tmp", &id) == -EINVAL);
	UNIT_CHECK(fake.calls == 0);
	unit_end();
	unlink(path);
	free(data);
}

static void test_buffers(void)
{
	char buf[64];
	struct muxv_event ev[4];
	uint64_t seq = 5;
	unit_begin("muxctl_buffer_directions");
	fake_reset();
	UNIT_CHECK(muxctl_console_read(&fake_handle, 4, &seq, buf, sizeof buf, NULL) == 0);
	UNIT_CHECK(fake.last.hdr.buf_dir == MUXV_BUF_OUT && fake.last.hdr.buf_len == sizeof buf);
	UNIT_CHECK(fake.last.u.console.seq == 5 && fake.last.hdr.domid == 4);
	UNIT_CHECK(muxctl_console_write(&fake_handle, 4, "ls\n", 3) == 0);
	UNIT_CHECK(fake.last.hdr.buf_dir == MUXV_BUF_IN && fake.last.hdr.buf_len == 3);
	UNIT_CHECK(muxctl_events_read(&fake_handle, &seq, ev, 4, NULL) == 0);
	UNIT_CHECK(fake.last.hdr.buf_dir == MUXV_BUF_OUT && fake.last.hdr.buf_len == sizeof ev);
	UNIT_CHECK(muxctl_events_read(&fake_handle, &seq, ev, 100000, NULL) == 0);
	UNIT_CHECK(fake.last.hdr.buf_len <= MUXV_CTL_BUF_MAX);
	UNIT_CHECK(fake.last.hdr.version == MUXV_CTL_VERSION);
	unit_end();
}

int main(void)
{
	test_layout();
	test_field_tables();
	test_field_names();
	test_error_text();
	test_create_checks();
	test_list_paging();
	test_image_upload();
	test_buffers();
	test_balloon();
	fake_reset();
	return unit_exit_code();
}
