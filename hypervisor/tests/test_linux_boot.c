/*
 * test_linux_boot.c - host tests of the bzImage parser, the zero page and
 * E820 builder, guest placement, boot page tables and entry registers.
 *
 * Usage: hv_linux_boot [bzImage]. Without an argument the real-image cases
 * use build/linux-guest/bzImage (made by guest-kernels/) and print SKIP if
 * it is missing. Everything else runs on bzImages fabricated here, which
 * are then truncated and corrupted field by field and at random: each
 * must be rejected with -EINVAL and a reason, never read out of bounds
 * (the test runs under ASan/UBSan). Zero-page fields are read back at the
 * offsets of zero-page.rst and boot.rst, not through the module's structs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/linux_boot.c"
#include "../platform/linux_boot_plan.c"
#include "../platform/linux_boot_ranges.c"
#include "unit.h"

/* A check whose failure message is the reason the checked code gave. */
#define UNIT_CHECK_WHY(ok, why) unit_check_at((ok) ? true : false, (why), __FILE__, __LINE__)

#define SYN_SETUP_SECTS  4
#define SYN_SETUP        ((SYN_SETUP_SECTS + 1) * 512)
#define SYN_KERNEL       (64 * 1024)
#define SYN_LEN          (SYN_SETUP + SYN_KERNEL + 512)   /* + a trailing signature */
#define SYN_INIT_SIZE    MiB(8)
#define SYN_PREF         MiB(16)

static uint8_t syn[SYN_LEN];

static void w16(uint8_t *p, size_t off, uint16_t v) { memcpy(p + off, &v, 2); }
static void w32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void w64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static uint16_t r16(const uint8_t *p, size_t off) { uint16_t v; memcpy(&v, p + off, 2); return v; }
static uint32_t r32(const uint8_t *p, size_t off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static uint64_t r64(const uint8_t *p, size_t off) { uint64_t v; memcpy(&v, p + off, 8); return v; }

/* A minimal valid bzImage of protocol 2.15, fields at boot.rst offsets. */
static void make_synthetic(uint8_t *img, uint16_t xloadflags)
{
	memset(img, 0, SYN_LEN);
	for (size_t i = SYN_SETUP; i < SYN_LEN; i++)
		img[i] = (uint8_t)(i * 7);
	img[0x1F1] = SYN_SETUP_SECTS;
	w32(img, 0x1F4, SYN_KERNEL / 16);                  /* syssize */
	w16(img, 0x1FE, 0xAA55);
	img[0x200] = 0xEB;
	img[0x201] = 0x6A;                                 /* header ends at 0x26C */
	memcpy(img + 0x202, "HdrS", 4);
	w16(img, 0x206, 0x020F);
	img[0x211] = 0x01;                                 /* LOADED_HIGH */
	w32(img, 0x214, 0x100000);
	w32(img, 0x22C, 0x7FFFFFFF);                       /* initrd_addr_max */
	w32(img, 0x230, 0x200000);                         /* kernel_alignment */
	img[0x234] = 1;                                    /* relocatable */
	img[0x235] = 21;
	w16(img, 0x236, xloadflags);
	w32(img, 0x238, 2047);                             /* cmdline_size */
	w32(img, 0x248, 0x100);                            /* payload_offset */
	w32(img, 0x24C, 0x1000);                           /* payload_length */
	w64(img, 0x258, SYN_PREF);
	w32(img, 0x260, (uint32_t)SYN_INIT_SIZE);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* ---- parsing ---- */

static void test_parse_synthetic(void)
{
	struct linux_boot_image img;
	const char *why = NULL;

	unit_begin("linux_parse_synthetic");
	make_synthetic(syn, 0x7F);
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0);
	UNIT_CHECK(img.version == 0x020F && img.kernel_offset == SYN_SETUP);
	UNIT_CHECK(img.kernel_file_size == SYN_KERNEL && img.kernel_mem_size == SYN_INIT_SIZE);
	UNIT_CHECK(img.pref_address == SYN_PREF && img.kernel_alignment == MiB(2) && img.relocatable);
	UNIT_CHECK(img.cmdline_size == 2047 && img.initrd_addr_max == 0x7FFFFFFF);
	/* setup_sects 0 means 4 (boot.rst note 1) */
	syn[0x1F1] = 0;
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0 && img.kernel_offset == SYN_SETUP);
	/* a kernel smaller in memory than in the file still gets its file size */
	make_synthetic(syn, 0x7F);
	w32(syn, 0x260, 4096);
	UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == 0 &&
		   img.kernel_mem_size == SYN_KERNEL);
	unit_end();
}

struct corruption {
	const char *name;
	size_t off;
	int width;               /* 1, 2, 4 or 8 bytes */
	uint64_t value;
	const char *reason;      /* a word the reason string must contain */
};

static const struct corruption corruptions[] = {
	{ "boot_flag", 0x1FE, 2, 0x55AA, "0xAA55" },
	{ "hdrs_magic", 0x202, 4, 0x53726449, "HdrS" },
	{ "old_protocol", 0x206, 2, 0x020B, "2.12" },
	{ "no_jump", 0x200, 1, 0xE9, "jump" },
	{ "short_header", 0x201, 1, 0x20, "jump" },
	{ "zimage", 0x211, 1, 0x00, "LOADED_HIGH" },
	{ "no_64bit_entry", 0x236, 2, 0x7E, "XLF_KERNEL_64" },
	{ "setup_past_eof", 0x1F1, 1, 200, "setup_sects" },
	{ "syssize_zero", 0x1F4, 4, 0, "syssize" },
	{ "syssize_past_eof", 0x1F4, 4, SYN_KERNEL / 16 + 64, "truncated" },
	{ "syssize_huge", 0x1F4, 4, 0xFFFFFFFF, "truncated" },
	{ "payload_outside", 0x248, 4, SYN_KERNEL - 0x10, "payload" },
	{ "payload_empty", 0x24C, 4, 0, "payload" },
	{ "payload_wraps", 0x24C, 4, 0xFFFFFFFF, "payload" },
	{ "alignment_not_pow2", 0x230, 4, 0x300000, "kernel_alignment" },
	{ "alignment_zero", 0x230, 4, 0, "kernel_alignment" },
	{ "pref_below_1mib", 0x258, 8, 0x8000, "pref_address" },
	{ "pref_unaligned", 0x258, 8, 0x1000100, "pref_address" },
	{ "pref_huge", 0x258, 8, 0xFFFFFFFFFFFFF000ull, "pref_address" },
	{ "init_size_zero", 0x260, 4, 0, "init_size" },
	{ "init_size_huge", 0x260, 4, 0xF0000000u, "init_size" },
	{ "cmdline_size_zero", 0x238, 4, 0, "cmdline_size" },
};

static void test_corruptions(void)
{
	struct linux_boot_image img;
	char name[80];

	for (size_t i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];
		const char *why = NULL;

		make_synthetic(syn, 0x7F);
		memcpy(syn + c->off, &c->value, (size_t)c->width);
		snprintf(name, sizeof(name), "linux_reject_%s", c->name);
		unit_begin(name);
		UNIT_CHECK(linux_boot_parse(syn, SYN_LEN, &img, &why) == -EINVAL);
		UNIT_CHECK(why && strstr(why, c->reason));
		unit_end();
	}
}

/* Next length to try: every one through the setup and around the end of
 * the kernel, every 61st in between. */
static size_t next_cut(size_t len)
{
	bool dense = len < SYN_SETUP + 1024 || len + 256 > SYN_SETUP + SYN_KERNEL;
	return len + (dense ? 1 : 61);
}

/* Lengths short of setup + kernel are rejected; longer ones are not. */
static void test_truncations(void)
{
	struct linux_boot_image img;
	bool ok = true;
	const char *why;

	unit_begin("linux_reject_truncations");
	make_synthetic(syn, 0x7F);
	for (size_t len = 0; len <= SYN_LEN; len = next_cut(len)) {
		uint8_t *copy = malloc(len ? len : 1);   /* exact size: ASan sees overreads */
		memcpy(copy, syn, len);
		why = NULL;
		int err = linux_boot_parse(copy, len, &img, &why);
		bool want_ok = len >= SYN_SETUP + SYN_KERNEL;
		ok &= want_ok ? err == 0 : (err == -EINVAL && why != NULL);
		free(copy);
	}
	UNIT_CHECK(ok);
	UNIT_CHECK(linux_boot_parse(NULL, 100, &img, &why) == -EINVAL);
	unit_end();
}

/* Random corruption of the header area: any answer is fine as long as it
 * is consistent and nothing is read outside the image. */
static void test_fuzz(void)
{
	struct linux_boot_image img;
	uint8_t buf[LINUX_BOOT_PARAMS_SIZE];
	bool ok = true;
	uint32_t seed = 12345;

	unit_begin("linux_fuzz_header");
	for (int iter = 0; iter < 20000; iter++) {
		const char *why = NULL;

		make_synthetic(syn, 0x7F);
		for (int k = 0; k < 1 + iter % 6; k++) {
			seed = seed * 1103515245u + 12345u;
			syn[0x1F1 + (seed >> 8) % 0x7B] = (uint8_t)(seed >> 20);
		}
		int err = linux_boot_parse(syn, SYN_LEN, &img, &why);
		if (err == 0)
			ok &= img.kernel_offset + img.kernel_file_size <= SYN_LEN &&
			      img.kernel_mem_size >= img.kernel_file_size;
		else
			ok &= err == -EINVAL && why != NULL;
		struct linux_boot_params_config cfg = { 0 };
		ok &= linux_boot_build_params(syn, SYN_LEN, &cfg, buf, &why) == -EINVAL;
	}
	UNIT_CHECK(ok);
	unit_end();
}

/* ---- E820 ---- */

#define E(a, s, t) { .addr = (a), .size = (s), .type = (t) }

static bool e820_is(const struct linux_boot_e820_entry *got, int n,
		    const struct linux_boot_e820_entry *want, int m)
{
	if (n != m)
		return false;
	for (int i = 0; i < n; i++)
		if (got[i].addr != want[i].addr || got[i].size != want[i].size ||
		    got[i].type != want[i].type)
			return false;
	return true;
}

static void test_e820(void)
{
	struct linux_boot_e820_entry out[LINUX_BOOT_E820_MAX];
	const uint32_t RAM = LINUX_BOOT_E820_RAM, RES = LINUX_BOOT_E820_RESERVED;
	const uint32_t ACPI = LINUX_BOOT_E820_ACPI;

	unit_begin("linux_e820_merge");
	{	/* a reserved range carves RAM; unsorted input comes out sorted */
		const struct linux_boot_e820_entry map[] = {
			E(GiB(4), GiB(1), RAM), E(0, GiB(1), RAM), E(MiB(1), KiB(64), ACPI) };
		const struct linux_boot_e820_entry want[] = {
			E(0, MiB(1), RAM), E(MiB(1), KiB(64), ACPI),
			E(MiB(1) + KiB(64), GiB(1) - MiB(1) - KiB(64), RAM), E(GiB(4), GiB(1), RAM) };
		UNIT_CHECK(e820_is(out, linux_boot_e820(map, 3, out, 128), want, 4));
	}
	{	/* adjacent and overlapping RAM merges; same-type overlap merges */
		const struct linux_boot_e820_entry map[] = {
			E(0, 0x1000, RAM), E(0x1000, 0x1000, RAM), E(0x1800, 0x1000, RAM),
			E(0x10000, 0x100, RES), E(0x10080, 0x100, RES) };
		const struct linux_boot_e820_entry want[] = {
			E(0, 0x2800, RAM), E(0x10000, 0x180, RES) };
		UNIT_CHECK(e820_is(out, linux_boot_e820(map, 5, out, 128), want, 2));
	}
	{	/* a reserved range over a gap stays; a range at the top of memory */
		const struct linux_boot_e820_entry map[] = {
			E(0xFFFFFFFFFFFFF000ull, 0xFFF, RES), E(0, 0x1000, RAM) };
		UNIT_CHECK(linux_boot_e820(map, 2, out, 128) == 2 && out[1].size == 0xFFF);
	}
	unit_end();

	unit_begin("linux_e820_reject");
	const struct linux_boot_e820_entry conflict[] = { E(0, 0x2000, RES), E(0x1000, 0x2000, ACPI) };
	UNIT_CHECK(linux_boot_e820(conflict, 2, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry empty[] = { E(0, 0, RAM) };
	UNIT_CHECK(linux_boot_e820(empty, 1, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry wrap[] = { E(0xFFFFFFFFFFFFF000ull, 0x2000, RAM) };
	UNIT_CHECK(linux_boot_e820(wrap, 1, out, 128) == -EINVAL);
	const struct linux_boot_e820_entry badtype[] = { E(0, 0x1000, 6) };
	UNIT_CHECK(linux_boot_e820(badtype, 1, out, 128) == -EINVAL);
	UNIT_CHECK(linux_boot_e820(NULL, 1, out, 128) == -EINVAL);
	struct linux_boot_e820_entry many[129];
	for (int i = 0; i < 129; i++)
		many[i] = (struct linux_boot_e820_entry)E((uint64_t)i * 0x2000, 0x1000, RAM);
	UNIT_CHECK(linux_boot_e820(many, 129, out, 128) == -E2BIG);
	UNIT_CHECK(linux_boot_e820(many, 128, out, 128) == 128);
	unit_end();
}

/* ---- placement ---- */

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* Every piece in RAM per the plan's own map and no two pieces overlap. */
static bool plan_consistent(const struct linux_boot_plan *p, const struct linux_boot_image *img,
			    const struct linux_boot_plan_input *in)
{
	struct linux_boot_e820_entry e[LINUX_BOOT_E820_MAX];
	const uint64_t pieces[][2] = {
		{ p->paging_addr, p->paging_size }, { p->stack_top - KiB(4), KiB(4) },
		{ p->params_addr, KiB(4) }, { p->cmdline_addr, in->cmdline_len + 1 },
		{ p->acpi_addr, p->acpi_size }, { p->kernel_addr, img->kernel_mem_size },
		{ p->initrd_addr, in->initrd_size },
	};
	int n = linux_boot_e820(p->map, p->map_count, e, LINUX_BOOT_E820_MAX);
	uint64_t ram = 0;

	for (int i = 0; i < n; i++)
		ram += e[i].type == LINUX_BOOT_E820_RAM ? e[i].size : 0;
	if (n < 0 || ram + p->acpi_size + KiB(384) != in->mem_size)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
		bool inside = pieces[i][1] == 0;
		uint32_t want = i == 4 ? LINUX_BOOT_E820_ACPI : LINUX_BOOT_E820_RAM;
		for (int k = 0; k < n && !inside; k++)
			inside = e[k].type == want && pieces[i][0] >= e[k].addr &&
				 pieces[i][0] + pieces[i][1] <= e[k].addr + e[k].size;
		if (!inside)
			return false;
		for (size_t j = 0; j < i; j++)
			if (pieces[j][1] && pieces[i][1] &&
			    overlaps(pieces[i][0], pieces[i][1], pieces[j][0], pieces[j][1]))
				return false;
	}
	return true;
}

static void test_plan_sizes(void)
{
	static const uint64_t sizes[] = { MiB(64), MiB(128), MiB(512), GiB(1), GiB(3),
					  GiB(4), GiB(16) };
	struct linux_boot_image img;
	const char *why = NULL;
	char name[64];

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct linux_boot_plan_input in = { .mem_size = sizes[i], .hole_start = GiB(3),
						    .acpi_size = 5000, .initrd_size = MiB(5) + 123,
						    .cmdline_len = 100 };
		struct linux_boot_plan p;
		uint64_t low_top = MIN(sizes[i], GiB(3));
		uint64_t initrd_top = MIN(low_top, GiB(2));

		snprintf(name, sizeof(name), "linux_plan_%llu_mib", (unsigned long long)(sizes[i] >> 20));
		unit_begin(name);
		UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
		UNIT_CHECK(p.kernel_addr == SYN_PREF && p.kernel_end == SYN_PREF + SYN_INIT_SIZE);
		UNIT_CHECK(p.acpi_addr == MiB(1) && p.acpi_size == KiB(8));
		UNIT_CHECK(p.initrd_addr == ALIGN_DOWN(initrd_top - in.initrd_size, KiB(4)));
		UNIT_CHECK(p.initrd_addr + in.initrd_size - 1 <= img.initrd_addr_max);
		UNIT_CHECK(p.map_count == (sizes[i] > GiB(3) ? 4u : 3u));
		UNIT_CHECK(sizes[i] <= GiB(3) ||
			   (p.map[3].addr == GiB(4) && p.map[3].size == sizes[i] - GiB(3)));
		UNIT_CHECK(plan_consistent(&p, &img, &in));
		unit_end();
	}
}

/* dom0-style RAM: low memory, 1-2 MiB, then from 40 MiB (the hypervisor
 * image and modules in between). */
static void test_plan_ranges(void)
{
	const struct linux_boot_ram ram[] = {
		{ 0, 0x9f000 }, { MiB(1), MiB(2) }, { MiB(40), MiB(100) }, { MiB(120), MiB(130) },
	};
	struct linux_boot_plan_input in = { .acpi_size = 5000, .initrd_size = MiB(5),
					    .cmdline_len = 10 };
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = NULL;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	unit_begin("linux_plan_ranges");
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == 0);
	UNIT_CHECK(p.acpi_addr == MiB(1) && p.params_addr == 0x9000);
	UNIT_CHECK(p.kernel_addr == MiB(40) && p.kernel_end == MiB(40) + SYN_INIT_SIZE);
	/* The initrd as high as it fits: the top of the last range. */
	UNIT_CHECK(p.initrd_addr == MiB(125) && p.map_count == 0);
	/* A 12 MiB initrd only fits in the third range, above the kernel. */
	in.initrd_size = MiB(12);
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == 0);
	UNIT_CHECK(p.initrd_addr == MiB(88));
	/* At pref_address when that is RAM. */
	const struct linux_boot_ram flat[] = { { 0, 0x9f000 }, { MiB(1), MiB(64) } };
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, flat, 2, &p, &why) == 0);
	UNIT_CHECK(p.kernel_addr == SYN_PREF && p.initrd_addr == MiB(52));
	/* Too small, and no low RAM. */
	in.initrd_size = MiB(60);
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram, ARRAY_SIZE(ram), &p, &why) == -ENOSPC);
	in.initrd_size = 0;
	UNIT_CHECK(linux_boot_plan_ranges(&img, &in, ram + 1, 3, &p, &why) == -ENOSPC);
	unit_end();
}

static void test_plan_limits(void)
{
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = NULL;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = MiB(64), .hole_start = GiB(3),
					    .acpi_size = 4096, .initrd_size = 0, .cmdline_len = 10 };
	unit_begin("linux_plan_limits");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && p.initrd_addr == 0);
	in.mem_size = SYN_PREF + SYN_INIT_SIZE;           /* exactly enough */
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	in.mem_size -= KiB(4);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC && strstr(why, "init_size"));
	in.mem_size = MiB(64);
	in.initrd_size = MiB(64) - (SYN_PREF + SYN_INIT_SIZE) + KiB(4);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC && strstr(why, "initrd"));
	in.initrd_size = 0;
	in.acpi_size = MiB(15) + 1;                       /* ACPI runs into 16 MiB */
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && p.kernel_addr == MiB(18));
	img.relocatable = false;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -ENOSPC);
	img.relocatable = true;
	in.acpi_size = 4096;
	in.cmdline_len = 2048;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	in.cmdline_len = 10;
	in.hole_start = GiB(5);
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	in.hole_start = GiB(3);
	in.acpi_size = 0;
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == -EINVAL);
	unit_end();
}

/* ---- zero page ---- */

/* Builds a zero page for image at plan p; checks it at zero-page.rst
 * offsets. */
static bool params_match(const uint8_t *image, size_t len, const struct linux_boot_plan *p,
			 uint64_t initrd_size, uint8_t *bp, const char **why)
{
	struct linux_boot_params_config cfg = {
		.map = p->map, .map_count = p->map_count, .cmdline_addr = p->cmdline_addr,
		.cmdline_len = 42, .initrd_addr = p->initrd_addr, .initrd_size = initrd_size,
		.kernel_addr = p->kernel_addr, .acpi_rsdp_addr = 0x100ABC,
	};
	size_t hdr_end = 0x202u + image[0x201];

	if (linux_boot_build_params(image, len, &cfg, bp, why) != 0)
		return false;
	for (size_t off = 0x1F1; off < hdr_end; off++) {
		bool loader_field = (off >= 0x1FA && off < 0x1FC) || off == 0x210 ||
				    off == 0x211 || (off >= 0x214 && off < 0x220) ||
				    (off >= 0x228 && off < 0x22C);
		if (!loader_field && bp[off] != image[off])
			return *why = "setup header not copied", false;
	}
	for (size_t off = MAX(hdr_end, (size_t)0x26C); off < 0x290; off++)
		if (bp[off] != 0)
			return *why = "bytes past the header not zero", false;
	if (bp[0x210] != 0xFF || bp[0x1EF] != 0 || r16(bp, 0x1FA) != 0xFFFF ||
	    !(bp[0x211] & 1) || (bp[0x211] & 0x80))
		return *why = "type_of_loader, sentinel, vid_mode or loadflags", false;
	if (r32(bp, 0x228) != p->cmdline_addr || r32(bp, 0x0C8) != 0 ||
	    r32(bp, 0x214) != p->kernel_addr)
		return *why = "cmd_line_ptr or code32_start", false;
	if (r32(bp, 0x218) != (uint32_t)p->initrd_addr || r32(bp, 0x21C) != initrd_size ||
	    r32(bp, 0x0C0) != 0 || r32(bp, 0x0C4) != 0)
		return *why = "ramdisk fields", false;
	if (r64(bp, 0x070) != 0x100ABC)
		return *why = "acpi_rsdp_addr", false;
	struct linux_boot_e820_entry e[LINUX_BOOT_E820_MAX];
	int n = linux_boot_e820(p->map, p->map_count, e, LINUX_BOOT_E820_MAX);
	if (bp[0x1E8] != n || memcmp(bp + 0x2D0, e, (size_t)n * 20) != 0 ||
	    r32(bp, 0x2D0 + 16) != LINUX_BOOT_E820_RAM || r64(bp, 0x2D0) != 0)
		return *why = "e820 table", false;
	return true;
}

static void test_params_synthetic(void)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_image img;
	struct linux_boot_plan p;
	const char *why = "";

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = GiB(1), .hole_start = GiB(3),
					    .acpi_size = 4096, .initrd_size = MiB(3), .cmdline_len = 42 };
	unit_begin("linux_params_synthetic");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	UNIT_CHECK_WHY(params_match(syn, SYN_LEN, &p, MiB(3), bp, &why), why);
	unit_end();
}

static void test_params_rejections(void)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_e820_entry map[] = { E(0, GiB(8), LINUX_BOOT_E820_RAM) };
	struct linux_boot_params_config cfg = {
		.map = map, .map_count = 1, .cmdline_addr = 0xA000, .cmdline_len = 10,
		.initrd_addr = GiB(5), .initrd_size = MiB(1), .kernel_addr = SYN_PREF,
	};
	const char *why = NULL;

	unit_begin("linux_params_placement_rules");
	make_synthetic(syn, 0x01);                         /* no XLF_CAN_BE_LOADED_ABOVE_4G */
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "initrd_addr_max"));
	make_synthetic(syn, 0x03);                         /* with it: ext_ fields used */
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0);
	UNIT_CHECK(r32(bp, 0x218) == 0x40000000 && r32(bp, 0x0C0) == 1 &&
		   r32(bp, 0x21C) == MiB(1) && r32(bp, 0x0C4) == 0);
	cfg.cmdline_addr = GiB(6);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0 &&
		   r32(bp, 0x228) == 0x80000000 && r32(bp, 0x0C8) == 1);
	make_synthetic(syn, 0x01);
	cfg.initrd_addr = MiB(100);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "4 GiB"));
	cfg.cmdline_addr = 0xA000;
	cfg.cmdline_len = 2048;
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "cmdline_size"));
	cfg.cmdline_len = 10;
	cfg.kernel_addr = SYN_PREF + KiB(4);
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "aligned"));
	cfg.kernel_addr = SYN_PREF;
	cfg.map_count = 0;
	memset(bp, 0x5A, sizeof(bp));
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == -EINVAL &&
		   strstr(why, "memory map"));
	bool zero = true;
	for (size_t i = 0; i < sizeof(bp); i++)
		zero &= bp[i] == 0;
	UNIT_CHECK(zero);
	cfg.map_count = 1;
	UNIT_CHECK(linux_boot_build_params(syn, SYN_LEN, &cfg, bp, &why) == 0);
	unit_end();
}

/* ---- paging and registers ---- */

/* Walks the 4-level tables in buf (guest address gpa) like the CPU. */
static bool translate(const uint8_t *buf, uint64_t gpa, uint64_t va, uint64_t *pa)
{
	uint64_t cr3 = gpa + KiB(4);
	uint64_t pml4e = r64(buf, cr3 - gpa + 8 * ((va >> 39) & 511));
	if (!(pml4e & 1) || !(pml4e & 2))
		return false;
	uint64_t pdpte = r64(buf, (pml4e & ~0xFFFull) - gpa + 8 * ((va >> 30) & 511));
	if (!(pdpte & 1) || (pdpte & 0x80))
		return false;
	uint64_t pde = r64(buf, (pdpte & ~0xFFFull) - gpa + 8 * ((va >> 21) & 511));
	if (!(pde & 1) || !(pde & 0x80) || !(pde & 2))
		return false;
	*pa = (pde & ~0x1FFFFFull & 0x000FFFFFFFFFFFFFull) | (va & 0x1FFFFF);
	return true;
}

static void test_paging(void)
{
	size_t size = linux_boot_paging_size(GiB(4));
	uint8_t *buf = malloc(size);
	uint64_t pa = 0;
	bool ok = true;

	unit_begin("linux_boot_paging");
	UNIT_CHECK(size == 7 * KiB(4));
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1000, GiB(4)) == 0);
	const uint64_t probes[] = { 0, 0x1234567, MiB(16) + 0x200, GiB(3) + 0x1FFFFF, GiB(4) - 1 };
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		ok &= translate(buf, 0x1000, probes[i], &pa) && pa == probes[i];
	UNIT_CHECK(ok);
	UNIT_CHECK(!translate(buf, 0x1000, GiB(4), &pa));  /* not mapped */
	UNIT_CHECK(r64(buf, 0x00) == 0 && r64(buf, 0x08) == 0);
	UNIT_CHECK(r64(buf, 0x10) == 0x00AF9B000000FFFFull);   /* __BOOT_CS */
	UNIT_CHECK(r64(buf, 0x18) == 0x00CF93000000FFFFull);   /* __BOOT_DS */
	UNIT_CHECK(linux_boot_build_paging(buf, size - 1, 0x1000, GiB(4)) == -EINVAL);
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1800, GiB(4)) == -EINVAL);
	UNIT_CHECK(linux_boot_build_paging(buf, size, 0x1000, 0) == -EINVAL);
	UNIT_CHECK(linux_boot_paging_size(GiB(512) + 1) == 516 * KiB(4));
	UNIT_CHECK(linux_boot_build_paging(buf, SIZE_MAX, 0, GiB(513)) == -EINVAL);
	free(buf);
	unit_end();
}

static void test_cpu_state(void)
{
	struct linux_boot_image img;
	struct linux_boot_plan p;
	struct linux_boot_cpu cpu;
	const char *why;

	make_synthetic(syn, 0x7F);
	linux_boot_parse(syn, SYN_LEN, &img, &why);
	struct linux_boot_plan_input in = { .mem_size = GiB(1), .hole_start = GiB(3),
					    .acpi_size = 4096 };
	unit_begin("linux_cpu_state");
	UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0);
	linux_boot_cpu_state(&p, &cpu);
	UNIT_CHECK(cpu.rip == SYN_PREF + 0x200 && cpu.rsi == p.params_addr);
	UNIT_CHECK(cpu.rsp == p.stack_top && cpu.rflags == 0x2);
	UNIT_CHECK(cpu.cr0 == 0x80000031 && cpu.cr4 == 0x20 && cpu.efer == 0x500);
	UNIT_CHECK(cpu.cr3 == p.paging_addr + KiB(4) && cpu.gdtr_base == p.paging_addr);
	UNIT_CHECK(cpu.gdtr_limit == 31);
	UNIT_CHECK(cpu.cs.selector == 0x10 && cpu.cs.attrib == 0xA9B && cpu.cs.limit == 0xFFFFFFFF);
	UNIT_CHECK(cpu.ds.selector == 0x18 && cpu.ds.attrib == 0xC93 && cpu.ds.base == 0);
	unit_end();
}

/* ---- the real kernel ---- */

static void test_real_image(const char *path)
{
	static uint8_t bp[LINUX_BOOT_PARAMS_SIZE];
	struct linux_boot_image img;
	size_t len = 0;
	const char *why = "";
	uint8_t *image = read_file(path, &len);

	if (!image) {
		printf("SKIP linux_real_bzimage: no %s (built by guest-kernels/)\n", path);
		printf("SKIP linux_real_bzimage_truncations: no %s\n", path);
		return;
	}
	unit_begin("linux_real_bzimage");
	UNIT_CHECK_WHY(linux_boot_parse(image, len, &img, &why) == 0, why);
	UNIT_CHECK(img.version >= 0x020C && (img.xloadflags & LINUX_BOOT_XLF_KERNEL_64));
	UNIT_CHECK(img.kernel_offset == (uint64_t)(image[0x1F1] + 1) * 512);
	UNIT_CHECK(img.kernel_offset + img.kernel_file_size <= len);
	UNIT_CHECK(img.kernel_mem_size >= img.kernel_file_size && img.relocatable);
	fprintf(stderr, "real bzImage: protocol %#x, kernel at file offset %#llx, %llu bytes, "
		"needs %llu bytes at %#llx, align %#x, cmdline_size %u\n", img.version,
		(unsigned long long)img.kernel_offset, (unsigned long long)img.kernel_file_size,
		(unsigned long long)img.kernel_mem_size, (unsigned long long)img.pref_address,
		img.kernel_alignment, img.cmdline_size);
	static const uint64_t sizes[] = { MiB(256), GiB(1), GiB(4), GiB(16) };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct linux_boot_plan p;
		struct linux_boot_plan_input in = { .mem_size = sizes[i], .hole_start = 0xB0000000,
						    .acpi_size = 3000, .initrd_size = MiB(2),
						    .cmdline_len = 42 };
		UNIT_CHECK(linux_boot_plan(&img, &in, &p, &why) == 0 && plan_consistent(&p, &img, &in));
		UNIT_CHECK_WHY(params_match(image, len, &p, MiB(2), bp, &why), why);
	}
	/* 64 MiB cannot hold pref_address + init_size of a stock kernel */
	struct linux_boot_plan p;
	struct linux_boot_plan_input small = { .mem_size = MiB(64), .hole_start = GiB(3),
					       .acpi_size = 3000 };
	UNIT_CHECK(img.pref_address + img.kernel_mem_size <= MiB(64) ||
		   linux_boot_plan(&img, &small, &p, &why) == -ENOSPC);
	unit_end();

	unit_begin("linux_real_bzimage_truncations");
	bool ok = true;
	const size_t cuts[] = { 0, 0x1F0, 0x26B, 0x26C, 0x400, img.kernel_offset - 1,
				img.kernel_offset, img.kernel_offset + img.kernel_file_size - 1 };
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		uint8_t *copy = malloc(cuts[i] ? cuts[i] : 1);
		memcpy(copy, image, cuts[i]);
		why = NULL;
		ok &= linux_boot_parse(copy, cuts[i], &img, &why) == -EINVAL && why;
		free(copy);
	}
	UNIT_CHECK(ok);
	unit_end();
	free(image);
}

int main(int argc, char **argv)
{
	char path[1024];
	const char *slash = strrchr(argv[0], '/');

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (slash)
		snprintf(path, sizeof(path), "%.*s/../../linux-guest/bzImage",
			 (int)(slash - argv[0]), argv[0]);
	else
		snprintf(path, sizeof(path), "build/linux-guest/bzImage");

	test_parse_synthetic();
	test_corruptions();
	test_truncations();
	test_fuzz();
	test_e820();
	test_plan_sizes();
	test_plan_limits();
	test_plan_ranges();
	test_params_synthetic();
	test_params_rejections();
	test_paging();
	test_cpu_state();
	test_real_image(path);
	return unit_exit_code();
}
