/*
 * linux_boot_test_util.h - fixtures shared by the host tests of the Linux
 * boot protocol code (test_linux_boot_*.c; platform/linux_boot*.c,
 * included before this): a fabricated bzImage of protocol 2.15 with its
 * fields at boot.rst offsets, raw little-endian field access, and the
 * independent checks of a placement plan and of a zero page (read back at
 * the offsets of zero-page.rst, not through the module's structs).
 *
 * Everything is static inline so that a test using only part of it builds
 * under -Werror.
 */
#ifndef LINUX_BOOT_TEST_UTIL_H
#define LINUX_BOOT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test_util.h"

/* A check whose failure message is the reason the checked code gave. */
#define UNIT_CHECK_WHY(ok, why) unit_check_at((ok) ? true : false, (why), __FILE__, __LINE__)

#define SYN_SETUP_SECTS  4
#define SYN_SETUP        ((SYN_SETUP_SECTS + 1) * 512)
#define SYN_KERNEL       (64 * 1024)
#define SYN_LEN          (SYN_SETUP + SYN_KERNEL + 512)   /* + a trailing signature */
#define SYN_INIT_SIZE    MiB(8)
#define SYN_PREF         MiB(16)

/* One E820 entry, as the builder writes it. */
#define E(a, s, t) { .addr = (a), .size = (s), .type = (t) }

/* The fabricated bzImage most cases work on. */
static uint8_t syn[SYN_LEN] __attribute__((unused));

static inline void w16(uint8_t *p, size_t off, uint16_t v) { memcpy(p + off, &v, 2); }
static inline void w32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static inline void w64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static inline uint16_t r16(const uint8_t *p, size_t off) { uint16_t v; memcpy(&v, p + off, 2); return v; }
static inline uint32_t r32(const uint8_t *p, size_t off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static inline uint64_t r64(const uint8_t *p, size_t off) { uint64_t v; memcpy(&v, p + off, 8); return v; }

/* A minimal valid bzImage of protocol 2.15, fields at boot.rst offsets. */
static inline void make_synthetic(uint8_t *img, uint16_t xloadflags)
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

/* ---- placement and zero page, checked independently ---- */

static inline bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* Every piece in RAM per the plan's own map and no two pieces overlap. */
static inline bool plan_consistent(const struct linux_boot_plan *p, const struct linux_boot_image *img,
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

/* Builds a zero page for image at plan p; checks it at zero-page.rst
 * offsets. */
static inline bool params_match(const uint8_t *image, size_t len, const struct linux_boot_plan *p,
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

#endif
