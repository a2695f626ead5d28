/*
 * test_kernel.c - starting a test-kernel domain (muxvisor/guest_boot.h):
 * the ELF64 segments at their physical addresses, and the boot area at the
 * top of RAM holding identity page tables, a GDT and the boot information.
 *
 * Boot area layout (offsets from its start, mem_bytes - 64 KiB):
 *   0x0000  PML4        0x1000  PDPT       0x2000..0xdfff  page directories
 *   0xe000  GDT         0xf000  struct muxv_boot_info
 * Twelve page directories of 2 MiB pages map up to 12 GiB, which bounds
 * a test kernel's memory.
 *
 * With `balloon` (cfg.balloon) the domain also gets the Linux platform's
 * devices (domain/linux_platform.c: the PCI host bridge on ports
 * 0xcf8-0xcff, virtio-console at 00:01.0, virtio-balloon at 00:02.0, the
 * UART and the ACPI PM ports) and its RAM goes through the balloon's
 * bookkeeping (domain/balloon.c) exactly as a Linux customer domain's:
 * [0, mem_target) populated at creation (all of it without mem_target),
 * the rest dropped until touched. Its RAM must then end below the 32-bit
 * PCI window where the BARs live. This is how hostile balloon drivers are
 * tested (guest-kernels/tests/hostile_balloon/).
 */
#include <muxvisor/guest_boot.h>
#include "hv/test_kernel.h"
#include "hv/elf64.h"
#include "hv/image.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/guest_mem.h"
#include "hv/balloon.h"
#include "hv/linux_guest.h"
#include "hv/time.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/virt.h"
#include "x86/cpu.h"

#define AREA_PML4   0x0000
#define AREA_PDPT   0x1000
#define AREA_PD     0x2000
#define AREA_NR_PD  12
#define AREA_GDT    0xe000
#define AREA_INFO   0xf000
_Static_assert(TEST_KERNEL_MAX_MEM == (uint64_t)AREA_NR_PD << 30, "one PD per GiB");

#define PTE_P  1ull
#define PTE_RW 2ull
#define PTE_PS 0x80ull

_Static_assert(AREA_INFO + sizeof(struct muxv_boot_info) <= MUXV_BOOT_AREA_SIZE,
	       "boot info fits the boot area");

int test_kernel_check(const struct hv_image *image, uint64_t mem_bytes, const char **why)
{
	struct elf64_image elf;
	int err = elf64_parse(image, &elf, why);

	if (err)
		return err;
	if (mem_bytes > TEST_KERNEL_MAX_MEM || mem_bytes < 2 * MUXV_BOOT_AREA_SIZE) {
		*why = "memory size out of range for a test kernel (128 KiB .. 12 GiB)";
		return -EINVAL;
	}
	if (elf.highest > mem_bytes - MUXV_BOOT_AREA_SIZE) {
		*why = "a segment lies outside RAM or over the boot area";
		return -EINVAL;
	}
	if (elf.entry < elf.lowest || elf.entry >= elf.highest) {
		*why = "the entry point is not in a loaded segment";
		return -EINVAL;
	}
	return 0;
}

static int copy_segments(struct domain *d, const struct elf64_image *elf)
{
	for (unsigned i = 0; i < elf->nr_segments; i++) {
		const struct elf64_segment *s = &elf->seg[i];
		int err = image_copy_to_guest(d->cfg.kernel, s->offset, s->filesz, d, s->paddr);
		if (err)
			return err;
	}
	return 0;
}

/* Identity map of all RAM with 2 MiB pages, and the 3-entry GDT. */
static int build_tables(struct domain *d, uint64_t area)
{
	uint64_t mem = d->cfg.mem_bytes, e;
	unsigned nr_pd = (unsigned)((mem + (1ull << 30) - 1) >> 30);
	int err;

	e = (area + AREA_PDPT) | PTE_P | PTE_RW;
	err = guest_write(d, area + AREA_PML4, &e, 8);
	for (unsigned g = 0; g < nr_pd && !err; g++) {
		e = (area + AREA_PD + g * 0x1000ull) | PTE_P | PTE_RW;
		err = guest_write(d, area + AREA_PDPT + g * 8, &e, 8);
	}
	for (uint64_t gpa = 0; gpa < mem && !err; gpa += 0x200000) {
		e = gpa | PTE_P | PTE_RW | PTE_PS;
		err = guest_write(d, area + AREA_PD + (gpa >> 21) * 8, &e, 8);
	}
	uint64_t gdt[3] = { 0, 0x00209b0000000000ull, 0x00cf93000000ffffull };
	return err ? err : guest_write(d, area + AREA_GDT, gdt, sizeof(gdt));
}

static int write_boot_info(struct domain *d, uint64_t area, const struct elf64_image *elf)
{
	struct muxv_boot_info info;

	memset(&info, 0, sizeof(info));
	info.magic = MUXV_BOOT_MAGIC;
	info.version = MUXV_BOOT_VERSION;
	info.nr_vcpus = d->cfg.nr_vcpus;
	info.mem_bytes = d->cfg.mem_bytes;
	info.free_start = ALIGN_UP(elf->highest, 4096ull);
	info.free_end = area;
	info.tsc_hz = time_tsc_hz();
	info.domain_id = d->id;
	info.boot_count = d->cfg.boot_count;
	memcpy(info.name, d->cfg.name, sizeof(info.name) - 1);
	memcpy(info.cmdline, d->cfg.guest_cmdline,
	       MIN(sizeof(info.cmdline) - 1, sizeof(d->cfg.guest_cmdline)));
	return guest_write(d, area + AREA_INFO, &info, sizeof(info));
}

static int test_kernel_load(struct domain *d)
{
	struct elf64_image elf;
	const char *why;
	uint64_t area = d->cfg.mem_bytes - MUXV_BOOT_AREA_SIZE;
	int err = test_kernel_check(d->cfg.kernel, d->cfg.mem_bytes, &why);

	if (!err)
		err = elf64_parse(d->cfg.kernel, &elf, &why);
	if (!err)
		err = copy_segments(d, &elf);
	if (!err)
		err = build_tables(d, area);
	if (!err)
		err = write_boot_info(d, area, &elf);
	if (err)
		return err;
	for (unsigned i = 0; i < d->cfg.nr_vcpus; i++) {
		struct virt_boot_state b = {
			.mode = VIRT_BOOT_LONG64, .rip = elf.entry, .rsp = 0,
			.rdi = i, .rsi = area + AREA_INFO, .cr3 = area + AREA_PML4,
			.cr0 = CR0_PE | CR0_MP | CR0_NE | (1ul << 4) /* ET */ | CR0_WP | CR0_PG,
			.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT,
			.efer = EFER_LME | EFER_LMA | EFER_NXE,
			.gdt_base = area + AREA_GDT, .gdt_limit = 3 * 8 - 1,
			.cs = { MUXV_BOOT_SEL_CODE, 0x029b },   /* 64-bit code */
			.ds = { MUXV_BOOT_SEL_DATA, 0x0c93 },   /* flat data */
		};
		virt_vcpu_set_boot_state(d->vcpus[i], &b);
	}
	return 0;
}

/* RAM populated at creation: [0, this) and the boot area. */
static uint64_t populated_low(const struct domain_config *cfg)
{
	uint64_t area = cfg->mem_bytes - MUXV_BOOT_AREA_SIZE;

	return cfg->populate_bytes && cfg->populate_bytes < area ? cfg->populate_bytes
								 : cfg->mem_bytes;
}

static int check_cfg(const struct domain_config *cfg, const char **why)
{
	struct elf64_image elf;

	if (cfg->initrd) {
		*why = "a test kernel takes no initrd";
		return -EINVAL;
	}
	if (cfg->balloon && (cfg->privileged || cfg->populate_bytes ||
			     cfg->mem_bytes > LINUX_PCI_MMIO32)) {
		*why = "a test kernel with a balloon is a customer domain, all RAM below 3 GiB";
		return -EINVAL;
	}
	if (cfg->mem_target && (!cfg->balloon || cfg->mem_target % 4096 ||
				cfg->mem_target < BALLOON_MIN_TARGET ||
				cfg->mem_target > cfg->mem_bytes)) {
		*why = "mem_target= needs the balloon word and 16 MiB .. mem";
		return -EINVAL;
	}
	int err = test_kernel_check(cfg->kernel, cfg->mem_bytes, why);
	if (!err)
		err = elf64_parse(cfg->kernel, &elf, why);
	if (!err && elf.highest > populated_low(cfg)) {
		*why = "the populated memory does not hold the kernel's segments";
		err = -EINVAL;
	}
	return err;
}

/* RAM at creation: [0, populated_low) and the boot area; with a balloon
 * the balloon's bookkeeping populates [0, target) and the rest is
 * populated when first touched (the boot area by test_kernel_load). */
static int populate(struct domain *d)
{
	uint64_t low = populated_low(&d->cfg), area = d->cfg.mem_bytes - MUXV_BOOT_AREA_SIZE;
	int err;

	if (d->cfg.balloon)
		return balloon_domain_init(d, d->cfg.mem_bytes, 0,
					   d->cfg.mem_target ? d->cfg.mem_target : d->cfg.mem_bytes);
	err = npt_populate(&d->npt, 0, low);
	if (!err && low < d->cfg.mem_bytes)
		err = npt_populate(&d->npt, area, MUXV_BOOT_AREA_SIZE);
	return err;
}

static int build(struct domain *d)
{
	int err = populate(d);

	if (!err)
		err = test_kernel_load(d);
	if (!err && d->cfg.balloon)
		err = linux_platform_create(d);
	return err;
}

/* Both are no-ops for a domain without a balloon. */
static void teardown(struct domain *d)
{
	linux_platform_destroy(d);
	balloon_domain_free(d);
}

const struct domain_loader test_kernel_loader = {
	.check = check_cfg,
	.build = build,
	.teardown = teardown,
	.all_vcpus_start = true,
};
