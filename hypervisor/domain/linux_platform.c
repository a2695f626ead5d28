/*
 * linux_platform.c - the devices of a Linux domain's platform, wired to
 * the domain's port and MMIO routing (domain/devices.c):
 *   - ACPI power management (ports 0x600-0x602, as the guest's FADT says):
 *     the sleep control register's S5 powers the domain off, the reset
 *     register reboots it.
 * The device models live in hypervisor/devices/ and are pure; this file
 * owns their memory and their environment (guest memory, MSIs, console).
 */
#include "hv/linux_guest.h"
#include "hv/acpi_build.h"
#include "hv/domain.h"
#include "hv/mm.h"
#include "hv/lib.h"
#include "hv/errno.h"

struct linux_platform {
	struct domain *dom;
	uint64_t pa;                       /* pages holding this struct */
	unsigned order;
	uint8_t sleep_status;
};

static uint32_t pm_in(void *dev, uint16_t port, unsigned size)
{
	struct linux_platform *p = dev;

	(void)size;
	return port == ACPI_BUILD_DEFAULT_SLEEP_STS_PORT ? p->sleep_status : 0;
}

static void pm_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct linux_platform *p = dev;
	struct domain *d = p->dom;

	(void)size;
	if (port == ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT && acpi_build_sleep_ctl_is_s5((uint8_t)val))
		domain_stop(d, DOMAIN_SHUTDOWN, d->cfg.on_poweroff, "poweroff");
	else if (port == ACPI_BUILD_DEFAULT_RESET_PORT &&
		 (uint8_t)val == ACPI_BUILD_DEFAULT_RESET_VALUE)
		domain_stop(d, DOMAIN_SHUTDOWN, DOMAIN_STOP_RESTART, "reboot");
	else if (port == ACPI_BUILD_DEFAULT_SLEEP_STS_PORT)
		p->sleep_status &= (uint8_t)~val;      /* write 1 to clear */
}

int linux_platform_create(struct domain *d)
{
	unsigned order = sizeof(struct linux_platform) <= 4096 ? 0 : 1;
	uint64_t pa = page_alloc_zeroed(order);

	if (!pa)
		return -ENOMEM;
	struct linux_platform *p = phys_to_virt(pa);
	p->dom = d;
	p->pa = pa;
	p->order = order;
	d->platform = p;
	struct vdev_pio pm = { ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT, 3, pm_in, pm_out, p };
	return domain_add_pio(d, &pm);
}

void linux_platform_destroy(struct domain *d)
{
	struct linux_platform *p = d->platform;

	if (!p)
		return;
	d->platform = NULL;
	page_free(p->pa, p->order);
}
