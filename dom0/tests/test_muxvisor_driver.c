/*
 * test_muxvisor_driver.c - the muxvisor driver's pure parts: domain names
 * that encode a UUID and decode back, definition files (write, read,
 * damage), and how a server's image becomes a definition (ELF test kernel,
 * bzImage, anything else refused, disk images refused), and the memory a
 * Linux domain starts with and is ballooned to (floor, ceiling, 16 MiB).
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
	spec.params.mem_min_kib = 32768;
	spec.params.mem_target_kib = 49152;
	UNIT_CHECK(mv_def_from_spec(&spec, &def) == 0);
	UNIT_CHECK(def.mem_floor_kib == 32768 && def.mem_target_kib == 49152);
	UNIT_CHECK(mv_def_save(&mv, &def) == 0);
	UNIT_CHECK(mv_def_load(&mv, spec.uuid, &back) == 0);
	UNIT_CHECK(memcmp(&def, &back, sizeof def) == 0);
	/* a file written before floors and targets were kept still loads */
	char old[1300];
	snprintf(old, sizeof old, "%s/%s.def", dir, spec.uuid);
	const char *v1 = "kind=linux\nkernel=/k\ninitrd=\ncmdline=\nvcpus=1\nmem_kib=65536\n"
			 "weight=100\nreservation=0\ncap=0\nburst_baseline=0\n";
	write_file(old, v1, strlen(v1));
	UNIT_CHECK(mv_def_load(&mv, spec.uuid, &back) == 0);
	UNIT_CHECK(back.mem_kib == 65536 && back.mem_floor_kib == 0 && back.mem_target_kib == 0);
	UNIT_CHECK(mv_def_start_bytes(&back) == 64 << 20);
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

static void test_memory(void)
{
	struct mv_def def;
	memset(&def, 0, sizeof def);
	def.kind = MUXV_KIND_LINUX;
	def.mem_kib = 512 * 1024;
	unit_begin("muxvisor_start_target_start_room_and_balloon_targets");
	UNIT_CHECK(mv_def_start_bytes(&def) == 512ull << 20);          /* no target: all */
	def.mem_target_kib = 512 * 1024;
	UNIT_CHECK(mv_def_start_bytes(&def) == 512ull << 20);          /* at the ceiling */
	def.mem_target_kib = 300 * 1024;
	UNIT_CHECK(mv_def_start_bytes(&def) == 300ull << 20);          /* pre-ballooned */
	def.mem_floor_kib = 384 * 1024;
	UNIT_CHECK(mv_def_start_bytes(&def) == 384ull << 20);          /* never below the floor */
	def.mem_floor_kib = 0;
	def.mem_target_kib = 1024;
	UNIT_CHECK(mv_def_start_bytes(&def) == MUXV_BALLOON_MIN_TARGET); /* the hypervisor's least */
	def.mem_target_kib = 300 * 1024 + 2;
	UNIT_CHECK(mv_def_start_bytes(&def) % 4096 == 0);
	def.kind = MUXV_KIND_TEST_KERNEL;                               /* no balloon */
	UNIT_CHECK(mv_def_start_bytes(&def) == 512ull << 20);
	def.kind = MUXV_KIND_LINUX;
	def.mem_kib = 8 * 1024;                                         /* too small to balloon */
	def.mem_target_kib = 4 * 1024;
	UNIT_CHECK(mv_def_start_bytes(&def) == 8ull << 20);

	/* a Linux guest starts only with its whole ceiling free, plus the
	 * headroom; short of that nothing is built (-EAGAIN: it waits) */
	memset(&def, 0, sizeof def);
	def.kind = MUXV_KIND_LINUX;
	def.mem_kib = 512 * 1024;                    /* headroom 32 + 8 MiB + initrd */
	def.mem_floor_kib = 128 * 1024;
	def.mem_target_kib = 128 * 1024;             /* pre-ballooned: still the ceiling */
	UNIT_CHECK(mv_start_need(&def, 0) == 552ull << 20);
	UNIT_CHECK(mv_start_need(&def, 2ull << 20) == 554ull << 20);
	UNIT_CHECK(mv_start_check(&def, 2ull << 30, 0) == 0);
	UNIT_CHECK(mv_start_check(&def, 552ull << 20, 0) == 0);
	UNIT_CHECK(mv_start_check(&def, (552ull << 20) - 4096, 0) == -EAGAIN);
	UNIT_CHECK(strstr(drv_errmsg(), "waiting for memory") && strstr(drv_errmsg(), "551 MiB free"));
	UNIT_CHECK(mv_start_check(&def, 552ull << 20, 2ull << 20) == -EAGAIN); /* the initrd */
	UNIT_CHECK(mv_start_check(&def, 300ull << 20, 0) == -EAGAIN);  /* the floor fits: no */
	UNIT_CHECK(mv_start_check(&def, 0, 0) == -EAGAIN);
	def.kind = MUXV_KIND_TEST_KERNEL;            /* populated whole: the hypervisor decides */
	UNIT_CHECK(mv_start_need(&def, 0) == 0 && mv_start_check(&def, 0, 0) == 0);

	/* a deflate-on-OOM guest's balloon is not memory it uses */
	struct muxv_balloon_info bi;
	struct drv_balloon b;
	memset(&bi, 0, sizeof bi);
	memset(&b, 0, sizeof b);
	bi.guest_total_bytes = 240ull << 20;      /* MemTotal: the balloon still in it */
	bi.guest_available_bytes = 95ull << 20;
	bi.guest_free_bytes = 80ull << 20;
	bi.actual_pages = 100 * 256;              /* a 100 MiB balloon */
	bi.flags = MUXV_BINFO_DEFLATE_ON_OOM;
	mv_guest_memory(&bi, &b);
	UNIT_CHECK(b.guest_total_kib == 140 * 1024 && b.guest_available_kib == 95 * 1024 &&
		   b.guest_free_kib == 80 * 1024);
	UNIT_CHECK(b.guest_total_kib - b.guest_available_kib == 45 * 1024);   /* in use */
	bi.flags = 0;                             /* MemTotal already without it */
	mv_guest_memory(&bi, &b);
	UNIT_CHECK(b.guest_total_kib == 240 * 1024);
	bi.flags = MUXV_BINFO_DEFLATE_ON_OOM;     /* statistics older than the balloon */
	bi.actual_pages = 200 * 256;
	mv_guest_memory(&bi, &b);
	UNIT_CHECK(b.guest_total_kib == 40 * 1024 && b.guest_available_kib == 40 * 1024 &&
		   b.guest_free_kib == 40 * 1024);
	bi.actual_pages = 300 * 256;
	mv_guest_memory(&bi, &b);
	UNIT_CHECK(b.guest_total_kib == 0 && b.guest_available_kib == 0);

	UNIT_CHECK(mv_target_bytes(256 * 1024, 512ull << 20) == 256ull << 20);
	UNIT_CHECK(mv_target_bytes(1024 * 1024, 512ull << 20) == 512ull << 20);
	UNIT_CHECK(mv_target_bytes(0, 512ull << 20) == MUXV_BALLOON_MIN_TARGET);
	UNIT_CHECK(mv_target_bytes(100 * 1024 + 3, 512ull << 20) == 100ull << 20);
	UNIT_CHECK(mv_target_bytes(UINT64_MAX, 512ull << 20) == 512ull << 20);
	unit_end();
}

int main(void)
{
	test_names();
	test_defs();
	test_memory();
	return unit_exit_code();
}
