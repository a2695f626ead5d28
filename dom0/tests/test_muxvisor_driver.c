/*
 * test_muxvisor_driver.c - the muxvisor driver's pure parts: domain names
 * that encode a UUID and decode back, definition files (write, read,
 * damage), and how a server's image becomes a definition (ELF test kernel,
 * bzImage, anything else refused, disk images refused).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "driver_muxvisor.h"

static void test_names(void)
{
	const char *uuids[] = {
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"0099556e-1c2d-4e5f-8a7b-123456789abc", "deadbeef-0001-4002-8003-cafef00d0004",
	};
	char name[MV_NAME_LEN + 1], back[DRV_UUID_LEN], other[MV_NAME_LEN + 1];
	unit_begin("muxvisor_domain_names_encode_uuids");
	for (size_t i = 0; i < sizeof uuids / sizeof uuids[0]; i++) {
		mv_domain_name(uuids[i], name);
		UNIT_CHECK(strlen(name) == MV_NAME_LEN && MV_NAME_LEN <= MUXV_CTL_NAME_MAX);
		struct muxv_domain_create req;
		UNIT_CHECK(muxctl_domain_init(&req, name, MUXV_KIND_LINUX) == 0);
		UNIT_CHECK(mv_name_uuid(name, back) && strcmp(back, uuids[i]) == 0);
	}
	/* uppercase input names the same domain */
	mv_domain_name("DEADBEEF-0001-4002-8003-CAFEF00D0004", other);
	mv_domain_name(uuids[3], name);
	UNIT_CHECK(strcmp(name, other) == 0);
	/* neighbours differ */
	mv_domain_name("deadbeef-0001-4002-8003-cafef00d0005", other);
	UNIT_CHECK(strcmp(name, other) != 0);
	/* not ours */
	UNIT_CHECK(!mv_name_uuid("Domain-0", back));
	UNIT_CHECK(!mv_name_uuid("mux-short", back));
	UNIT_CHECK(!mv_name_uuid("mux-0123456789abcdefghijklmnow", back));  /* w: not base32hex */
	UNIT_CHECK(!mv_name_uuid("mux-0000000000000000000000000v", back));  /* low bits set */
	unit_end();
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_defs(void)
{
	char dir[] = "/tmp/muxd-mv-XXXXXX";
	struct mv mv;
	memset(&mv, 0, sizeof mv);
	UNIT_CHECK(mkdtemp(dir) != NULL);
	snprintf(mv.dir, sizeof mv.dir, "%s", dir);
	char elf[1200], bz[1200], junk[1200];
	snprintf(elf, sizeof elf, "%s/k.elf", dir);
	snprintf(bz, sizeof bz, "%s/bzImage", dir);
	snprintf(junk, sizeof junk, "%s/junk", dir);
	unsigned char img[0x300] = { 0x7f, 'E', 'L', 'F', 2 };
	write_file(elf, img, sizeof img);
	memset(img, 0, sizeof img);
	memcpy(img + 0x202, "HdrS", 4);
	write_file(bz, img, sizeof img);
	write_file(junk, "hello", 5);

	struct drv_domain_spec spec;
	memset(&spec, 0, sizeof spec);
	strcpy(spec.uuid, "0099556e-1c2d-4e5f-8a7b-123456789abc");
	spec.params = (struct drv_params){ .vcpus = 2, .cpu_weight = 512, .cpu_reservation_pct = 50,
					   .cpu_cap_pct = 150, .mem_max_kib = 65536 };
	spec.image = (struct drv_image){ .kind = DRV_IMAGE_KERNEL, .path = elf, .initrd = "",
					 .cmdline = "a=1 b=\"x y\"" };
	struct mv_def def, back;

	unit_begin("muxvisor_definitions_from_plans_and_images");
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == 0 && def.kind == MUXV_KIND_TEST_KERNEL);
	UNIT_CHECK(def.vcpus == 2 && def.mem_kib == 65536 && def.sched.weight == 512 &&
		   def.sched.reservation == 50 && def.sched.cap == 150);
	spec.image.path = bz;
	spec.image.initrd = junk;
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == 0 && def.kind == MUXV_KIND_LINUX);
	spec.image.path = junk;
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == -ENOTSUP);
	UNIT_CHECK(strstr(drv_errmsg(), "neither") != NULL);
	spec.image.path = elf;          /* an initrd with a test kernel */
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == -ENOTSUP);
	spec.image.initrd = "";
	spec.image.cmdline = "two\nlines";
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == -EIO);
	spec.image.cmdline = "";
	spec.image.kind = DRV_IMAGE_DISK;
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == -ENOTSUP);
	UNIT_CHECK(strstr(drv_errmsg(), "disk images") != NULL);
	unit_end();

	unit_begin("muxvisor_definition_files_round_trip");
	spec.image = (struct drv_image){ .kind = DRV_IMAGE_KERNEL, .path = bz, .initrd = junk,
					 .cmdline = "console=ttyS0 muxrun=\"a; b\"" };
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == 0);
	UNIT_CHECK(mv_def_save(&mv, &def) == 0);
	UNIT_CHECK(mv_def_load(&mv, spec.uuid, &back) == 0);
	UNIT_CHECK(memcmp(&def, &back, sizeof def) == 0);
	char (*ids)[DRV_UUID_LEN];
	size_t n;
	UNIT_CHECK(mv_def_list(&mv, &ids, &n) == 0 && n == 1 && strcmp(ids[0], spec.uuid) == 0);
	free(ids);
	UNIT_CHECK(mv_def_load(&mv, "11111111-1111-1111-1111-111111111111", &back) == -ENOENT);
	char path[1300];
	snprintf(path, sizeof path, "%s/%s.def", dir, spec.uuid);
	write_file(path, "kind=linux\nbogus=1\n", 19);
	UNIT_CHECK(mv_def_load(&mv, spec.uuid, &back) == -EIO);
	UNIT_CHECK(mv_def_remove(&mv, spec.uuid) == 0 && mv_def_remove(&mv, spec.uuid) == 0);
	UNIT_CHECK(mv_def_list(&mv, &ids, &n) == 0 && n == 0);
	free(ids);
	unit_end();

	unlink(elf);
	unlink(bz);
	unlink(junk);
	rmdir(dir);
}

int main(void)
{
	test_names();
	test_defs();
	return unit_exit_code();
}
