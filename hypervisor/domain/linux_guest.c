/*
 * linux_guest.c - building a Linux domain (see hv/linux_guest.h), with the
 * pure builders of platform/: linux_boot.c (bzImage, zero page, page
 * tables, registers), linux_boot_plan.c (where everything goes) and
 * acpi_build.c (the firmware tables).
 *
 * Memory: RAM is [0, min(mem, 3 GiB)) and, for larger guests, the rest from
 * 4 GiB; 3..4 GiB is the hole for device BARs. The PC's 640 KiB..1 MiB
 * area is mapped as zeroed RAM too (Linux reads the BDA, scans for MP
 * tables there) but the E820 map does not offer it.
 */
#include "hv/linux_guest.h"
#include "hv/dom0.h"
#include "hv/linux_boot.h"
#include "hv/acpi_build.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/guest_mem.h"
#include "hv/image.h"
#include "hv/balloon.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/virt.h"

#define SCRATCH_ORDER 4                   /* 64 KiB for tables built here */
#define SCRATCH_SIZE  (4096u << SCRATCH_ORDER)

static void acpi_config(const struct domain_config *cfg, uint32_t *ids,
			struct acpi_build_config *c)
{
	uint32_t nr_vcpus = cfg->nr_vcpus;

	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < nr_vcpus; i++)
		ids[i] = i;
	c->nr_vcpus = nr_vcpus;
	c->x2apic_ids = ids;
	c->pci = (struct acpi_build_pci){
		.present = true, .bus_start = 0, .bus_end = 0,
		.mmio32_base = LINUX_PCI_MMIO32,
		.mmio32_size = LINUX_PCI_MMIO32_END - LINUX_PCI_MMIO32,
		.mmio64_base = LINUX_PCI_MMIO64, .mmio64_size = LINUX_PCI_MMIO64_SIZE,
	};
	c->uart = (struct acpi_build_uart){ .present = true, .port = 0x3f8, .gsi = 4 };
	c->sleep_ctl_port = ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT;
	c->sleep_sts_port = ACPI_BUILD_DEFAULT_SLEEP_STS_PORT;
	c->reset_port = ACPI_BUILD_DEFAULT_RESET_PORT;
	c->reset_value = ACPI_BUILD_DEFAULT_RESET_VALUE;
	if (cfg->privileged)
		dom0_acpi_config(c);
}

/* The bzImage's first bytes, which are all the boot protocol's parsers
 * read (linux_boot.h). */
struct head {
	uint8_t b[LINUX_BOOT_HEAD_BYTES];
};

static void read_head(const struct hv_image *image, struct head *h)
{
	memset(h, 0, sizeof(*h));
	image_read(image, 0, h->b, MIN(image->size, (uint64_t)sizeof(h->b)));
}

static uint64_t initrd_size(const struct domain_config *cfg)
{
	return cfg->initrd ? cfg->initrd->size : 0;
}

/* Where everything goes, for this configuration. */
static int make_plan(const struct domain_config *cfg, struct linux_boot_image *img,
		     struct linux_boot_plan *plan, const char **why)
{
	uint32_t ids[DOMAIN_MAX_VCPUS];
	struct acpi_build_config acpi;
	size_t acpi_size;
	size_t cmdline_len = strnlen(cfg->guest_cmdline, sizeof(cfg->guest_cmdline));

	struct head head;

	read_head(cfg->kernel, &head);
	int err = linux_boot_parse(head.b, cfg->kernel->size, img, why);
	if (err)
		return err;
	if (cmdline_len > img->cmdline_size) {
		*why = "command line longer than the kernel accepts";
		return -EINVAL;
	}
	acpi_config(cfg, ids, &acpi);
	acpi.gpa = 0x100000;
	if (acpi_build_size(&acpi, &acpi_size) || acpi_size > SCRATCH_SIZE) {
		*why = "ACPI tables too large";
		return -EINVAL;
	}
	struct linux_boot_plan_input in = {
		.mem_size = cfg->mem_bytes, .hole_start = LINUX_HOLE_START,
		.acpi_size = acpi_size, .initrd_size = initrd_size(cfg),
		.cmdline_len = cmdline_len,
	};
	if (cfg->privileged)
		return dom0_boot_plan(img, &in, plan, why);
	return linux_boot_plan(img, &in, plan, why);
}

static int check_cfg(const struct domain_config *cfg, const char **why)
{
	struct linux_boot_image img;
	struct linux_boot_plan plan;

	if (cfg->mem_target && (cfg->mem_target > cfg->mem_bytes || cfg->privileged ||
				cfg->mem_target < BALLOON_MIN_TARGET || cfg->mem_target % 4096)) {
		*why = "memory target out of range (16 MiB .. mem, customer domains only)";
		return -EINVAL;
	}
	return make_plan(cfg, &img, &plan, why);
}

/* A customer domain's RAM goes through the balloon's bookkeeping, which
 * populates the start target and leaves the rest for the guest's first
 * touch; the privileged domain's is all populated. */
static int populate(struct domain *d)
{
	uint64_t mem = d->cfg.mem_bytes, low = MIN(mem, LINUX_HOLE_START);
	uint64_t target = d->cfg.mem_target ? d->cfg.mem_target : mem;

	if (d->cfg.privileged)
		return dom0_populate(d);
	return balloon_domain_init(d, low, mem > low ? (1ull << 32) + mem - low : 0, target);
}

/* Builds one table set in scratch memory and copies it to gpa. */
static int write_tables(struct domain *d, const struct linux_boot_image *img,
			const struct linux_boot_plan *plan, uint8_t *scratch, const char **why)
{
	uint32_t ids[DOMAIN_MAX_VCPUS];
	struct acpi_build_config acpi;
	struct acpi_build_result res;
	int err;

	acpi_config(&d->cfg, ids, &acpi);
	acpi.gpa = plan->acpi_addr;
	err = acpi_build_tables(&acpi, scratch, SCRATCH_SIZE, &res);
	if (!err)
		err = guest_write(d, plan->acpi_addr, scratch, res.size);
	if (!err)
		err = linux_boot_build_paging(scratch, SCRATCH_SIZE, plan->paging_addr,
					      plan->identity_map_size);
	if (!err)
		err = guest_write(d, plan->paging_addr, scratch, plan->paging_size);
	if (err) {
		*why = "cannot build the firmware tables";
		return err;
	}
	struct linux_boot_params_config pc = {
		.map = plan->map, .map_count = plan->map_count,
		.cmdline_addr = plan->cmdline_addr,
		.cmdline_len = strnlen(d->cfg.guest_cmdline, sizeof(d->cfg.guest_cmdline)),
		.initrd_addr = plan->initrd_addr, .initrd_size = initrd_size(&d->cfg),
		.kernel_addr = plan->kernel_addr, .acpi_rsdp_addr = res.rsdp_gpa,
	};
	struct head head;
	(void)img;
	if (d->cfg.privileged) {
		/* dom0's map is the host's (dom0.c); scratch is free again. */
		struct linux_boot_e820_entry *map = (void *)scratch;
		int n = dom0_boot_e820(plan, map, SCRATCH_SIZE / 2 / sizeof(*map));
		if (n < 0) {
			*why = "dom0's memory map is too large";
			return n;
		}
		pc.map = map;
		pc.map_count = (size_t)n;
		scratch += SCRATCH_SIZE / 2;
	}
	read_head(d->cfg.kernel, &head);
	err = linux_boot_build_params(head.b, d->cfg.kernel->size, &pc, scratch, why);
	return err ? err : guest_write(d, plan->params_addr, scratch, LINUX_BOOT_PARAMS_SIZE);
}

static int load(struct domain *d, const struct linux_boot_image *img,
		const struct linux_boot_plan *plan, const char **why)
{
	size_t cmdline_len = strnlen(d->cfg.guest_cmdline, sizeof(d->cfg.guest_cmdline));
	int err = image_copy_to_guest(d->cfg.kernel, img->kernel_offset, img->kernel_file_size,
				      d, plan->kernel_addr);

	if (!err && d->cfg.initrd)
		err = image_copy_to_guest(d->cfg.initrd, 0, d->cfg.initrd->size, d,
					  plan->initrd_addr);
	if (!err)
		err = guest_write(d, plan->cmdline_addr, d->cfg.guest_cmdline, cmdline_len + 1);
	if (err) {
		*why = "cannot copy the kernel, initrd or command line";
		return err;
	}
	uint64_t scratch_pa = page_alloc_zeroed(SCRATCH_ORDER);
	if (!scratch_pa)
		return -ENOMEM;
	err = write_tables(d, img, plan, phys_to_virt(scratch_pa), why);
	page_free(scratch_pa, SCRATCH_ORDER);
	return err;
}

/*
 * The PC reset vector (0xffff0, entered in real mode at F000:FFF0) holds
 * firmware on a real machine. Linux jumps there to reboot when it finds
 * no other way: on a hardware-reduced ACPI platform without EFI it prefers
 * "EFI", then this "BIOS" path, before it ever tries the ACPI reset
 * register. Our firmware is this stub, which writes the reset register:
 *     mov al, <value>; mov dx, <port>; out dx, al; 1: hlt; jmp 1b
 */
static int write_reset_vector(struct domain *d)
{
	const uint8_t stub[] = {
		0xb0, ACPI_BUILD_DEFAULT_RESET_VALUE,
		0xba, ACPI_BUILD_DEFAULT_RESET_PORT & 0xff, ACPI_BUILD_DEFAULT_RESET_PORT >> 8,
		0xee, 0xf4, 0xeb, 0xfd,
	};

	return guest_write(d, 0xffff0, stub, sizeof(stub));
}

static void start_bsp(struct domain *d, const struct linux_boot_plan *plan)
{
	struct linux_boot_cpu cpu;

	linux_boot_cpu_state(plan, &cpu);
	struct virt_boot_state b = {
		.mode = VIRT_BOOT_LONG64, .rip = cpu.rip, .rsp = cpu.rsp, .rsi = cpu.rsi,
		.cr0 = cpu.cr0, .cr3 = cpu.cr3, .cr4 = cpu.cr4, .efer = cpu.efer,
		.gdt_base = cpu.gdtr_base, .gdt_limit = cpu.gdtr_limit,
		.cs = { cpu.cs.selector, cpu.cs.attrib },
		.ds = { cpu.ds.selector, cpu.ds.attrib },
	};
	virt_vcpu_set_boot_state(d->vcpus[0], &b);
}

static int build(struct domain *d)
{
	struct linux_boot_image img;
	struct linux_boot_plan plan;
	const char *why = "out of memory";
	int err = make_plan(&d->cfg, &img, &plan, &why);

	if (!err)
		err = populate(d);
	if (!err)
		err = load(d, &img, &plan, &why);
	if (!err)
		err = write_reset_vector(d);
	if (!err)
		err = linux_platform_create(d);
	if (err) {
		log_err("domain '%s': cannot build the Linux guest: %s (%d)", d->cfg.name, why, err);
		return err;
	}
	start_bsp(d, &plan);
	log_info("domain '%s': Linux %u.%02u boot protocol, kernel at %#lx, initrd %lu KiB at %#lx",
		 d->cfg.name, img.version >> 8, img.version & 0xff, plan.kernel_addr,
		 initrd_size(&d->cfg) >> 10, plan.initrd_addr);
	return 0;
}

static void teardown(struct domain *d)
{
	linux_platform_destroy(d);
	balloon_domain_free(d);
}

const struct domain_loader linux_guest_loader = {
	.check = check_cfg,
	.build = build,
	.teardown = teardown,
	.all_vcpus_start = false,
};
