/*
 * dom0.h - the privileged domain: Debian's Linux booted from the
 * Multiboot2 module whose line starts with the word `dom0`, with its RAM
 * identity-mapped and the physical devices passed through (docs/dom0.md).
 *
 * Boot order (arch/x86/setup.c): dom0_carve() takes dom0's RAM out of the
 * free list before the page pool exists; dom0_probe_devices() finds its
 * PCI functions before the other CPUs start; dom0_start() builds and starts
 * dom0 once every CPU is up, then gives dom0's module memory to the pool.
 * The Linux loader (domain/linux_guest.c) asks dom0_* below for what
 * differs from a customer guest.
 */
#ifndef HV_DOM0_H
#define HV_DOM0_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/boot_info.h"
#include "hv/cmdline.h"
#include "hv/memmap.h"
#include "hv/linux_boot.h"

struct domain;
struct acpi_build_config;

/* The module holding dom0's kernel (line `dom0 <Linux command line>`),
 * or -1. */
int dom0_kernel_module(const struct boot_info *bi);
/* The module holding dom0's initramfs (line `initrd=dom0`), or -1. */
int dom0_initrd_module(const struct boot_info *bi);
/* True for a module line that belongs to dom0 (its kernel or its
 * `initrd=dom0`): static_domains.c skips those. (domain/dom0_modules.c) */
bool dom0_module_line(const char *line);

/* Before the page pool: carves dom0's RAM out of free[] (see dom0_mem.h)
 * if there is a dom0 module. Logs what dom0 got. */
void dom0_carve(const struct boot_info *bi, const struct hv_options *opt,
		struct phys_range *free, unsigned *nr_free, unsigned max_free);

struct acpi_info;
/* Boot CPU, before the other CPUs start (sizing the BARs changes the
 * physical address map, best done while nothing else runs): finds the PCI
 * functions dom0 will own (dom0_pci.h), if there is a dom0. */
void dom0_probe_devices(const struct boot_info *bi, const struct acpi_info *acpi);
/* Creates and starts dom0 (if carved); nr_cpus is the host's. Then the
 * memory of dom0's modules goes to the page pool. Returns dom0 or NULL. */
struct domain *dom0_start(const struct boot_info *bi,
			  const struct hv_options *opt, unsigned nr_cpus);

/* ---- for the Linux loader ---- */

/* Placement in dom0's RAM (linux_boot_plan_ranges). */
int dom0_boot_plan(const struct linux_boot_image *img, const struct linux_boot_plan_input *in,
		   struct linux_boot_plan *plan, const char **why);
/* dom0's E820 map for plan; the number of entries or -E2BIG. */
int dom0_boot_e820(const struct linux_boot_plan *plan, struct linux_boot_e820_entry *out,
		   unsigned max);
/* Maps dom0's RAM 1:1 and backs its BIOS area with zeroed pages. */
int dom0_populate(struct domain *d);
/* dom0's PCI windows (between host RAM and device ranges). */
void dom0_acpi_config(struct acpi_build_config *c);

/* dom0's vCPUs are all parked after a power-off, reboot or crash: the
 * host follows (powered off, reset, or halted / reset per dom0_crash=).
 * Never returns. */
__attribute__((noreturn)) void dom0_stopped(struct domain *d);

#endif
