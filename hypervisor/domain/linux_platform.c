/*
 * linux_platform.c - the devices of a Linux domain's platform (also a test
 * kernel's started with `balloon`, domain/test_kernel.c), wired to the
 * domain's port and MMIO routing (domain/devices.c):
 *   - ACPI power management at 0x600-0x602 (as the guest's FADT says): the
 *     sleep control register's S5 powers the domain off, the reset
 *     register reboots it;
 *   - a 16550A UART at 0x3f8 (COM1, the guest's ttyS0);
 *   - the PCI host bridge on configuration mechanism #1 (0xcf8-0xcff);
 *   - virtio-console at 00:01.0, its BAR in the 32-bit PCI window;
 *   - virtio-balloon at 00:02.0 (customer domains), BAR next to it; its
 *     requests go to domain/balloon.c.
 * The device models (hypervisor/devices/) are pure; this file owns their
 * memory and their environment: guest memory, MSI delivery to the
 * virtual x2APICs, and console lines. Every call into a model happens
 * under the domain's dev_lock (domain/devices.c, arch/x86/mmio_exit.c).
 */
#include "hv/linux_guest.h"
#include "hv/dom0_pci.h"
#include "hv/acpi_build.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/dom_console.h"
#include "hv/console_input.h"
#include "hv/guest_mem.h"
#include "hv/pci_host.h"
#include "hv/uart16550.h"
#include "hv/virtio_console.h"
#include "hv/virtio_balloon.h"
#include "hv/balloon.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define COM1_PORT        0x3f8
#define CONSOLE_PCI_SLOT 1
#define BALLOON_PCI_SLOT 2

/* MSI address/data (Intel SDM vol. 3A, 10.11.1 and 10.11.2). */
#define MSI_ADDR_BASE    0xfee00000u
#define MSI_ADDR_MASK    0xfff00000u
#define MSI_DEST(a)      (((a) >> 12) & 0xff)
#define MSI_LOGICAL      (1u << 2)
#define MSI_VECTOR(d)    ((d) & 0xff)
#define MSI_DELIVERY(d)  (((d) >> 8) & 7)

struct linux_platform {
	struct domain *dom;
	uint64_t pa;                       /* pages holding this struct */
	unsigned order;
	uint8_t sleep_status;
	struct vdev_env env;
	struct pci_host pci;
	struct uart16550 uart;
	struct virtio_console vcon;
	struct virtio_balloon vbal;
	bool has_balloon;
	struct dom_console_line out;       /* device output line */
	unsigned msi_dropped;
	/* Console input waiting for room in the UART's 16-byte FIFO: the
	 * guest polls its UART, and each read makes room for more. */
	char in_ring[1024];
	unsigned in_head, in_len;
	unsigned in_dropped;
};

/* Moves waiting input into the UART as far as its FIFO has room. */
static void pump_input(struct linux_platform *p)
{
	size_t room = uart16550_rx_room(&p->uart);

	while (room && p->in_len) {
		size_t chunk = MIN(MIN(room, (size_t)p->in_len),
				   sizeof(p->in_ring) - p->in_head);
		size_t n = uart16550_input(&p->uart, p->in_ring + p->in_head, chunk);
		if (n == 0)
			break;
		p->in_head = (p->in_head + (unsigned)n) % sizeof(p->in_ring);
		p->in_len -= (unsigned)n;
		room -= n;
	}
}

static uint32_t uart_in(void *dev, uint16_t port, unsigned size)
{
	struct linux_platform *p = dev;
	uint32_t val = uart16550_in(&p->uart, port, size);

	pump_input(p);
	/* The guest polls its UART all the time; a prompt shows up here. */
	dom_console_flush_stale(p->dom, &p->out);
	return val;
}

static void uart_out(void *dev, uint16_t port, unsigned size, uint32_t val)
{
	struct linux_platform *p = dev;

	uart16550_out(&p->uart, port, size, val);
	pump_input(p);
}

static int env_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return guest_read(((struct linux_platform *)ctx)->dom, gpa, buf, len);
}

static int env_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return guest_write(((struct linux_platform *)ctx)->dom, gpa, buf, len);
}

static void env_console(void *ctx, const char *buf, size_t len)
{
	struct linux_platform *p = ctx;

	dom_console_feed(p->dom, &p->out, buf, len);
}

/* An MSI to the domain's vCPUs: fixed (or lowest-priority, taken as
 * fixed) delivery to one destination, physical or logical x2APIC-style
 * cluster addressing of the 8-bit destination. Others are dropped. */
static void env_msi(void *ctx, uint64_t address, uint32_t data)
{
	struct linux_platform *p = ctx;
	struct domain *d = p->dom;
	uint32_t dest = MSI_DEST(address), mode = MSI_DELIVERY(data);

	if ((address & MSI_ADDR_MASK) != MSI_ADDR_BASE || mode > 1 || MSI_VECTOR(data) < 16) {
		if (p->msi_dropped++ == 0)
			log_warn("domain d%u '%s': dropped an MSI (address %#lx data %#x)",
				 d->id, d->cfg.name, address, data);
		return;
	}
	for (uint32_t i = 0; i < d->cfg.nr_vcpus; i++) {
		bool hit = (address & MSI_LOGICAL) ? (dest >> (i & 7)) & 1 && i < 8 : i == dest;
		if (hit || dest == 0xff) {
			vcpu_post_interrupt(d->vcpus[i], MSI_VECTOR(data));
			if (dest != 0xff)
				return;
		}
	}
}

void linux_platform_msi(struct domain *d, uint64_t address, uint32_t data)
{
	if (d->platform)
		env_msi(d->platform, address, data);
}

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
		domain_poweroff(d, "poweroff");
	else if (port == ACPI_BUILD_DEFAULT_RESET_PORT &&
		 (uint8_t)val == ACPI_BUILD_DEFAULT_RESET_VALUE)
		domain_reboot(d, "reboot");
	else if (port == ACPI_BUILD_DEFAULT_SLEEP_STS_PORT)
		p->sleep_status &= (uint8_t)~val;      /* write 1 to clear */
}

static int attach_balloon(struct linux_platform *p)
{
	struct domain *d = p->dom;
	int err = virtio_balloon_init(&p->vbal, &p->env, balloon_device_ops(d));

	if (!err)
		err = virtio_pci_set_bar(&p->vbal.vp, LINUX_PCI_MMIO32 + VIRTIO_PCI_BAR_SIZE);
	if (!err) {
		struct vdev_pci_fn fn = virtio_pci_fn(&p->vbal.vp);
		err = pci_host_attach(&p->pci, BALLOON_PCI_SLOT, &fn);
	}
	if (!err)
		err = domain_add_mmio(d, virtio_pci_mmio(&p->vbal.vp));
	if (!err) {
		/* A pre-ballooned domain: the driver inflates by the rest. */
		uint64_t target = d->cfg.mem_target ? d->cfg.mem_target : d->cfg.mem_bytes;
		virtio_balloon_set_target(&p->vbal, (uint32_t)((d->cfg.mem_bytes - target) >> 12));
		p->has_balloon = true;
	}
	return err;
}

static int attach_devices(struct linux_platform *p)
{
	struct domain *d = p->dom;
	struct vdev_pio pm = { ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT, 3, pm_in, pm_out, p };
	int err;

	uart16550_init(&p->uart, COM1_PORT, &p->env);
	struct vdev_pio uart = { COM1_PORT, 8, uart_in, uart_out, p };
	if (d->cfg.privileged) {
		/* dom0: the physical PCI devices instead of the virtual bus. */
		err = domain_add_pio(d, &pm);
		if (!err)
			err = domain_add_pio(d, &uart);
		return err ? err : dom0_pci_attach(d);
	}
	pci_host_init(&p->pci);
	err = virtio_console_init(&p->vcon, &p->env);
	if (!err)
		err = virtio_pci_set_bar(&p->vcon.vp, LINUX_PCI_MMIO32);
	if (!err) {
		struct vdev_pci_fn fn = virtio_pci_fn(&p->vcon.vp);
		err = pci_host_attach(&p->pci, CONSOLE_PCI_SLOT, &fn);
	}
	struct vdev_pio pci = pci_host_pio(&p->pci);
	if (!err)
		err = domain_add_pio(d, &pm);
	if (!err)
		err = domain_add_pio(d, &uart);
	if (!err)
		err = domain_add_pio(d, &pci);
	if (!err)
		err = domain_add_mmio(d, virtio_pci_mmio(&p->vcon.vp));
	if (!err && balloon_device_ops(d))
		err = attach_balloon(p);
	return err;
}

int linux_platform_create(struct domain *d)
{
	size_t size = sizeof(struct linux_platform);
	unsigned order = 0;

	while ((4096u << order) < size)
		order++;
	uint64_t pa = page_alloc_zeroed(order);
	if (!pa)
		return -ENOMEM;
	struct linux_platform *p = phys_to_virt(pa);
	p->dom = d;
	p->pa = pa;
	p->order = order;
	p->env = (struct vdev_env){ .ctx = p, .mem_read = env_read, .mem_write = env_write,
				    .msi = env_msi, .console_out = env_console };
	d->platform = p;
	int err = attach_devices(p);
	if (!err)
		console_input_domain_added(d);
	return err;
}

void linux_platform_destroy(struct domain *d)
{
	struct linux_platform *p = d->platform;

	if (!p)
		return;
	console_input_domain_removed(d);
	d->platform = NULL;
	page_free(p->pa, p->order);
}

size_t linux_platform_input_room(struct domain *d)
{
	struct linux_platform *p = d->platform;

	if (!p)
		return 0;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	size_t room = sizeof(p->in_ring) - p->in_len;
	spin_unlock_irqrestore(&d->dev_lock, f);
	return room;
}

struct virtio_balloon *linux_platform_balloon(struct domain *d)
{
	struct linux_platform *p = d->platform;

	return p && p->has_balloon ? &p->vbal : NULL;
}

size_t linux_platform_input(struct domain *d, const char *buf, size_t len)
{
	struct linux_platform *p = d->platform;

	if (!p)
		return 0;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	size_t n = 0;
	for (; n < len && p->in_len < sizeof(p->in_ring); n++) {
		p->in_ring[(p->in_head + p->in_len) % sizeof(p->in_ring)] = buf[n];
		p->in_len++;
	}
	p->in_dropped += (unsigned)(len - n);
	pump_input(p);
	spin_unlock_irqrestore(&d->dev_lock, f);
	return n;
}
