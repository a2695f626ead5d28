/*
 * dom0.c - building the privileged domain (see hv/dom0.h, docs/dom0.md).
 *
 * dom0 is a Linux domain like a customer's (domain/linux_guest.c, the same
 * platform code) with four differences, all asked for here:
 *   - its RAM is host RAM mapped 1:1, carved at boot (core/dom0_mem.c);
 *     the PC BIOS area [end of low RAM, 1 MiB) is backed by zeroed pages of
 *     its own, so Linux's scans there find nothing of the host's;
 *   - its E820 map lists that RAM and the host's non-RAM ranges, never the
 *     pool's RAM;
 *   - its PCI host bridge is the physical configuration space, filtered
 *     (domain/dom0_pci.c), its PCI windows are the host's free address
 *     space;
 *   - its power-off, reboot and crash end the machine (dom0_stopped).
 *
 * Locking: the layout is written once at boot on the boot CPU, before any
 * other CPU runs, and only read afterwards.
 */
#include "hv/dom0.h"
#include "hv/dom0_mem.h"
#include "hv/dom0_pci.h"
#include "hv/domain.h"
#include "hv/guest_mem.h"
#include "hv/image.h"
#include "hv/acpi_build.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "hv/panic.h"
#include "x86/host_power.h"

#define KEEP_BYTES     MiB(64)     /* the hypervisor's pool, at least */
#define KEEP_LOW_BYTES MiB(32)     /* of it below 4 GiB (boot allocator) */

static struct dom0_mem_layout layout;
static const struct boot_info *boot;   /* for the E820 map: the host's */
static bool crash_reboot;
/* dom0 is built once, from its modules (a dom0 reboot resets the host). */
static struct hv_image kernel_image, initrd_image;

void dom0_carve(const struct boot_info *bi, const struct hv_options *opt,
		struct phys_range *free, unsigned *nr_free, unsigned max_free)
{
	if (dom0_kernel_module(bi) < 0)
		return;
	boot = bi;
	int err = dom0_mem_carve(bi->mmap, bi->nr_mmap, free, nr_free, max_free, opt->dom0_mem,
				 KEEP_BYTES, KEEP_LOW_BYTES, &layout);
	if (err) {
		log_err("dom0: cannot carve %lu MiB of RAM (%d); no dom0", opt->dom0_mem >> 20, err);
		memset(&layout, 0, sizeof(layout));
		return;
	}
	if (layout.bytes < opt->dom0_mem)
		log_warn("dom0: the host can spare only %lu MiB of the %lu MiB dom0_mem= asks",
			 layout.bytes >> 20, opt->dom0_mem >> 20);
	for (unsigned i = 0; i < layout.nr_ram; i++)
		log_info("dom0: RAM %#lx-%#lx (identity-mapped)", layout.ram[i].start,
			 layout.ram[i].end);
}

/* ---- for the Linux loader ---- */

int dom0_boot_plan(const struct linux_boot_image *img, const struct linux_boot_plan_input *in,
		   struct linux_boot_plan *plan, const char **why)
{
	struct linux_boot_ram ram[DOM0_MEM_RANGES_MAX];

	for (unsigned i = 0; i < layout.nr_ram; i++)
		ram[i] = (struct linux_boot_ram){ layout.ram[i].start, layout.ram[i].end };
	return linux_boot_plan_ranges(img, in, ram, layout.nr_ram, plan, why);
}

int dom0_boot_e820(const struct linux_boot_plan *plan, struct linux_boot_e820_entry *out,
		   unsigned max)
{
	return dom0_mem_e820(boot->mmap, boot->nr_mmap, &layout, plan->acpi_addr,
			     plan->acpi_size, out, max);
}

int dom0_populate(struct domain *d)
{
	int err = 0;

	for (unsigned i = 0; i < layout.nr_ram && !err; i++)
		err = npt_map_foreign(&d->npt, layout.ram[i].start, layout.ram[i].start,
				      layout.ram[i].end - layout.ram[i].start, false);
	if (!err && layout.bios_start < DOM0_BIOS_END)
		err = npt_populate(&d->npt, layout.bios_start, DOM0_BIOS_END - layout.bios_start);
	/* The host's real-mode IVT and BIOS data area: Linux reads the BDA
	 * (EBDA pointer, base memory size); zero means "defaults". */
	if (!err)
		err = guest_zero(d, 0, 0x1000);
	return err;
}

void dom0_acpi_config(struct acpi_build_config *c)
{
	dom0_pci_windows(&c->pci);
}

/* ---- life ---- */

void dom0_probe_devices(const struct boot_info *bi, const struct acpi_info *acpi)
{
	int err;

	if (dom0_kernel_module(bi) < 0 || !layout.nr_ram)
		return;
	err = dom0_pci_init(bi, acpi);
	if (err)
		log_err("dom0: PCI passthrough unavailable (%d)", err);
}

struct domain *dom0_start(const struct boot_info *bi,
			  const struct hv_options *opt, unsigned nr_cpus)
{
	int k = dom0_kernel_module(bi), r = dom0_initrd_module(bi), err;
	struct domain_config cfg;
	const char *line;

	if (k < 0 || !layout.nr_ram)
		return NULL;
	crash_reboot = opt->dom0_crash_reboot;
	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = DOMAIN_LINUX;
	cfg.privileged = true;
	memcpy(cfg.name, "dom0", 5);
	cfg.nr_vcpus = MIN(opt->dom0_vcpus, nr_cpus);
	if (cfg.nr_vcpus < opt->dom0_vcpus)
		log_warn("dom0: %u vCPUs (dom0_vcpus=%u, but the host has %u CPUs)",
			 cfg.nr_vcpus, opt->dom0_vcpus, nr_cpus);
	cfg.mem_bytes = layout.bytes;
	sched_params_default(&cfg.sched);
	cfg.on_poweroff = DOMAIN_STOP_KEEP;
	cfg.on_crash = DOMAIN_STOP_KEEP;
	line = bi->modules[k].cmdline + 4;         /* after the word "dom0" */
	while (*line == ' ')
		line++;
	memcpy(cfg.guest_cmdline, line, MIN(strlen(line), sizeof(cfg.guest_cmdline) - 1));
	image_init_extent(&kernel_image, phys_to_virt(bi->modules[k].start),
			  bi->modules[k].end - bi->modules[k].start);
	cfg.kernel = &kernel_image;
	if (r >= 0) {
		image_init_extent(&initrd_image, phys_to_virt(bi->modules[r].start),
				  bi->modules[r].end - bi->modules[r].start);
		cfg.initrd = &initrd_image;
	}
	struct domain *d = domain_create(&cfg, &err);
	if (!d || domain_start(d)) {
		log_err("dom0: not started (%d)", err);
		return NULL;
	}
	/* Loaded: its modules' memory is free now (dom0 reboots the host,
	 * so it never needs them again). Static domains keep theirs: they
	 * are created again from them when they reboot. */
	mm_add_free_range(bi->modules[k].start, bi->modules[k].end);
	if (r >= 0)
		mm_add_free_range(bi->modules[r].start, bi->modules[r].end);
	return d;
}

void dom0_stopped(struct domain *d)
{
	if (d->state == DOMAIN_CRASHED) {
		log_raw("muxvisor: dom0 crashed: %s\n", d->reason);
		if (crash_reboot)
			host_reset();
		machine_stop_others();
		log_raw("muxvisor: dom0 is gone; system halted (dom0_crash=reboot resets instead)\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (d->action == DOMAIN_STOP_RESTART)
		host_reset();
	host_poweroff();
}
