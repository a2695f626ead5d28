/*
 * dom0_pci.c - passing the physical PCI devices through to dom0 (see
 * hv/dom0_pci.h and docs/dom0.md).
 *
 * Configuration space: dom0's accesses to 0xCF8-0xCFF trap (the IOPM
 * keeps them) and go to the function's filter (devices/pci_pass.c), which
 * reads and writes the hardware through x86/pci_conf.c. Only bus 0 is
 * passed (a QEMU q35 machine has everything there); other buses read as
 * empty. A byte write to 0xCF9 with the reset bit is dom0 resetting the
 * machine: dom0 is stopped for a reboot, which resets the host.
 *
 * BARs: the hardware decodes a BAR only where bar_allowed() says: a
 * memory BAR clear of host RAM, of the first MiB and of the interrupt
 * controllers' range (0xFEC00000-0xFEFFFFFF), an I/O BAR clear of the
 * ports the hypervisor keeps (kept_ports[], the host's ACPI ports), and a
 * memory BAR clear of every other memory BAR that decodes; elsewhere that
 * decode type stays off in the hardware (pci_pass.c). A
 * memory BAR is mapped 1:1 in dom0's nested page tables while the
 * hardware decodes it and it is page aligned; when dom0 moves it, the
 * old mapping goes (with a TLB flush of dom0) and the new one comes. The pages of an MSI-X table are left out: dom0's accesses there
 * fault and are emulated against the shadow table; other registers that
 * share those pages (often the PBA) are forwarded to the hardware.
 *
 * Interrupts: an MSI or unmasked MSI-X entry that dom0 programs gets a
 * host vector from the pool below the hypervisor's own (irq_vectors.c);
 * the hardware is programmed with that vector, fixed delivery to the boot
 * CPU. The handler of that vector delivers dom0's own message (read from
 * the shadow at that moment) to dom0's virtual x2APICs, which kicks the
 * target vCPU's pCPU. dom0 masking an MSI-X entry masks the hardware
 * entry; the device then latches the interrupt in its PBA and sends it on
 * unmask, as on bare metal.
 *
 * Locking: the device table and the vector pool are set at init (boot
 * CPU); afterwards every change happens under dom0's dev_lock (the port
 * and MMIO handlers). The interrupt handler reads a binding that was
 * written before the hardware could raise its vector.
 */
#include "hv/dom0_pci.h"
#include "hv/pci_pass.h"
#include "hv/irq_vectors.h"
#include "hv/acpi.h"
#include "hv/acpi_build.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/mm.h"
#include "hv/log.h"
#include "hv/lib.h"
#include "hv/errno.h"
#include "x86/pci_conf.h"
#include "x86/paging.h"
#include "x86/apic.h"
#include "x86/trap.h"
#include "x86/virt.h"

#define MAX_FUNCTIONS     (32 * 8)
#define VECTOR_DEV_FIRST  0x30
#define PAGE              4096ull
#define NOT_MAPPED        UINT64_MAX
#define MSI_ADDR_BASE     0xfee00000u
#define MSI_ADDR_MASK     0xfff00000u
#define APIC_AREA_START   0xfec00000ull    /* IOAPIC, HPET, LAPIC: emulated */
#define APIC_AREA_END     0xff000000ull
#define CONFIG_ADDR_PORT  0xcf8
#define RESET_CONTROL     0xcf9
#define CONFIG_DATA_PORT  0xcfc

struct dom0_dev {
	struct pci_pass_fn fn;
	uint64_t mapped[PCI_PASS_BARS];      /* gpa = hpa mapped now */
	uint16_t msix_hw_nr;                 /* entries in the hardware table */
	struct vdev_mmio msix_trap;          /* the table's pages */
	volatile uint8_t *msix_hw;           /* those pages, for the hypervisor */
	uint64_t msix_hw_pa;                 /* where msix_hw points */
	uint8_t msix_vec[PCI_PASS_MSIX_MAX]; /* host vector per entry, 0: none */
	uint8_t msi_vec;
	bool refused_logged;                 /* bar_allowed() said no, logged */
};

struct binding {
	struct dom0_dev *dev;
	int entry;                           /* -1: MSI */
};

static struct dom0_dev *devs[MAX_FUNCTIONS];
static unsigned nr_devs;
static struct domain *dom0;
static const struct boot_info *boot;
static const struct acpi_info *host_acpi;
static struct irq_vector_pool pool;
static struct binding bindings[256];
static uint32_t target_apic;
static uint32_t cf8_latch;               /* dev_lock */
static struct acpi_build_pci windows;

/* The I/O ports the hypervisor keeps (dom0 traps there), besides the
 * host's ACPI PM and reset registers (host_acpi). */
static const struct { uint16_t port, count; } kept_ports[] = {
	{ 0x20, 2 }, { 0xa0, 2 }, { 0x4d0, 2 },      /* PICs, ELCR */
	{ 0x40, 4 }, { 0x61, 1 },                     /* PIT, its gate */
	{ 0x70, 2 },                                  /* RTC: the hypervisor's clock */
	{ 0x3f8, 8 },                                 /* COM1: the hypervisor's console */
	{ 0xcf8, 8 },                                 /* PCI config, reset control */
	{ ACPI_BUILD_DEFAULT_SLEEP_CTL_PORT, 3 },     /* dom0's emulated ACPI PM */
};

/* ---- hardware access for the filter ---- */

static uint32_t hw_read(void *ctx, unsigned reg, unsigned size)
{
	struct dom0_dev *dv = ctx;

	return pci_conf_read(dv->fn.bus, dv->fn.dev, dv->fn.fn, reg, size);
}

static void hw_write(void *ctx, unsigned reg, unsigned size, uint32_t val)
{
	struct dom0_dev *dv = ctx;

	pci_conf_write(dv->fn.bus, dv->fn.dev, dv->fn.fn, reg, size, val);
}

/* ---- BAR mappings ---- */

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* May the hardware decode [addr, addr + size) as a device's memory? */
static bool bar_placement_ok(uint64_t addr, uint64_t size)
{
	if (addr < MiB(1) || addr + size < addr || addr + size > (1ull << 46))
		return false;
	if (overlaps(addr, size, APIC_AREA_START, APIC_AREA_END - APIC_AREA_START))
		return false;
	for (unsigned i = 0; i < boot->nr_mmap; i++) {
		const struct boot_mem_range *r = &boot->mmap[i];
		if ((r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_ACPI ||
		     r->type == BOOT_MEM_NVS) && overlaps(addr, size, r->base, r->len))
			return false;
	}
	return true;
}

static bool overlaps_port(uint64_t port, uint64_t count, uint64_t kept, uint64_t kept_count)
{
	return kept_count && overlaps(port, count, kept, kept_count);
}

/* May the hardware decode I/O ports [port, port + count)? */
static bool io_placement_ok(uint64_t port, uint64_t count)
{
	if (port + count > 0x10000)
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(kept_ports); i++)
		if (overlaps_port(port, count, kept_ports[i].port, kept_ports[i].count))
			return false;
	return !overlaps_port(port, count, host_acpi->pm1a_cnt_port, 2) &&
	       !overlaps_port(port, count, host_acpi->pm1b_cnt_port, 2) &&
	       !overlaps_port(port, count, host_acpi->pm_timer_port, 4) &&
	       !overlaps_port(port, count, host_acpi->reset_port, 1);
}

/*
 * Does memory BAR `self` of function `self_fn` overlap another memory BAR
 * the hardware decodes (or, in the same function, may decode)? Two BARs
 * answering at one address would let dom0 reach one past the hypervisor's
 * view: an MSI-X table through the other BAR's 1:1 mapping.
 */
static bool overlaps_other_bar(const struct pci_pass_fn *self_fn,
			       const struct pci_pass_bar *self)
{
	for (unsigned d = 0; d < nr_devs; d++) {
		struct pci_pass_fn *f = &devs[d]->fn;
		if (f != self_fn && !pci_pass_mem_enabled(f))
			continue;
		for (unsigned i = 0; i < PCI_PASS_BARS; i++) {
			const struct pci_pass_bar *b = &f->bar[i];
			if (b != self && b->size && !b->io &&
			    overlaps(self->addr, self->size, b->addr, b->size))
				return true;
		}
	}
	return false;
}

static bool bar_allowed(void *ctx, const struct pci_pass_fn *f, const struct pci_pass_bar *b)
{
	struct dom0_dev *dv = ctx;
	bool ok = b->io ? io_placement_ok(b->addr, b->size)
			: bar_placement_ok(b->addr, b->size) && !overlaps_other_bar(f, b);

	if (!ok && !dv->refused_logged) {
		dv->refused_logged = true;
		log_warn("dom0: %02x:%02x.%u: %s BAR at %#lx (%#lx bytes) overlaps what the "
			 "hypervisor keeps or another BAR; its %s decoding stays off",
			 f->bus, f->dev, f->fn,
			 b->io ? "I/O" : "memory", b->addr, b->size, b->io ? "I/O" : "memory");
	}
	return ok;
}

static uint64_t bar_pages(const struct pci_pass_bar *b)
{
	return ALIGN_UP(b->size, PAGE);
}

/* The MSI-X table's pages inside BAR i, as [s, e) offsets; s == e none. */
static void msix_pages(const struct dom0_dev *dv, unsigned i, uint64_t *s, uint64_t *e)
{
	*s = *e = 0;
	if (!dv->fn.msix_cap || dv->fn.msix_bar != i)
		return;
	*s = ALIGN_DOWN((uint64_t)dv->fn.msix_offset, PAGE);
	*e = ALIGN_UP((uint64_t)dv->fn.msix_offset + 16ull * dv->msix_hw_nr, PAGE);
}

static int map_bar(struct dom0_dev *dv, unsigned i, uint64_t addr)
{
	uint64_t size = bar_pages(&dv->fn.bar[i]), ts, te;
	int err = 0;

	msix_pages(dv, i, &ts, &te);
	if (ts > 0)
		err = npt_map_foreign(&dom0->npt, addr, addr, ts, true);
	if (!err && te < size)
		err = npt_map_foreign(&dom0->npt, addr + te, addr + te, size - te, true);
	if (te > ts) {
		uint64_t pa = addr + ts;
		if (dv->msix_hw_pa != pa) {
			dv->msix_hw = paging_map_mmio(pa, te - ts);
			dv->msix_hw_pa = dv->msix_hw ? pa : 0;
		}
		__atomic_store_n(&dv->msix_trap.size, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&dv->msix_trap.base, pa, __ATOMIC_RELEASE);
		__atomic_store_n(&dv->msix_trap.size, te - ts, __ATOMIC_RELEASE);
	}
	return err;
}

static void bars_changed(void *ctx, struct pci_pass_fn *f)
{
	struct dom0_dev *dv = ctx;
	bool decode = pci_pass_mem_enabled(f), flush = false;

	for (unsigned i = 0; i < PCI_PASS_BARS; i++) {
		const struct pci_pass_bar *b = &f->bar[i];
		if (!b->size || b->io)
			continue;
		uint64_t want = decode && b->addr % PAGE == 0 &&
				bar_placement_ok(b->addr, bar_pages(b)) ? b->addr : NOT_MAPPED;
		if (want == dv->mapped[i])
			continue;
		if (dv->mapped[i] != NOT_MAPPED) {
			npt_unmap_foreign(&dom0->npt, dv->mapped[i], bar_pages(b));
			if (f->msix_cap && f->msix_bar == i)
				__atomic_store_n(&dv->msix_trap.size, 0, __ATOMIC_RELEASE);
			flush = true;
		}
		dv->mapped[i] = NOT_MAPPED;
		if (want == NOT_MAPPED) {
			if (decode)
				log_warn("dom0: %02x:%02x.%u BAR%u at %#lx (%#lx bytes) not mapped: "
					 "not page aligned or not allowed", f->bus, f->dev, f->fn, i,
					 b->addr, b->size);
			continue;
		}
		if (map_bar(dv, i, want))
			log_err("dom0: %02x:%02x.%u BAR%u: cannot map it", f->bus, f->dev, f->fn, i);
		else
			dv->mapped[i] = want;
	}
	if (flush && dom0->state != DOMAIN_CREATED)
		virt_domain_flush_npt(dom0);
}

/* ---- MSI and MSI-X ---- */

static bool msi_address_ok(uint64_t addr)
{
	return (addr & MSI_ADDR_MASK) == MSI_ADDR_BASE;
}

static uint8_t bind_vector(struct dom0_dev *dv, int entry)
{
	uint8_t v = irq_vector_alloc(&pool);

	if (!v) {
		log_err("dom0: %02x:%02x.%u: out of host vectors for MSI", dv->fn.bus, dv->fn.dev,
			dv->fn.fn);
		return 0;
	}
	bindings[v] = (struct binding){ dv, entry };
	return v;
}

static void msix_hw_write(struct dom0_dev *dv, int entry, unsigned field, uint32_t val)
{
	uint64_t off = (dv->fn.msix_offset & (PAGE - 1)) + 16ull * (unsigned)entry + 4 * field;

	if (dv->msix_hw)
		*(volatile uint32_t *)(dv->msix_hw + off) = val;
}

static void msix_changed(struct dom0_dev *dv, int e)
{
	const struct pci_pass_msix_entry *m = &dv->fn.msix[e];
	uint64_t addr = (uint64_t)m->addr_hi << 32 | m->addr_lo;

	if ((m->ctrl & 1) || !msi_address_ok(addr)) {
		msix_hw_write(dv, e, 3, 1);            /* masked */
		return;
	}
	if (!dv->msix_vec[e]) {
		dv->msix_vec[e] = bind_vector(dv, e);
		if (!dv->msix_vec[e])
			return;
		msix_hw_write(dv, e, 3, 1);
		msix_hw_write(dv, e, 0, MSI_ADDR_BASE | target_apic << 12);
		msix_hw_write(dv, e, 1, 0);
		msix_hw_write(dv, e, 2, dv->msix_vec[e]);   /* fixed, edge */
	}
	msix_hw_write(dv, e, 3, 0);
}

static void msi_changed_plain(struct dom0_dev *dv)
{
	uint64_t addr;
	uint32_t data;
	struct pci_pass_fn *f = &dv->fn;

	pci_pass_msi_message(f, &addr, &data);
	if (!msi_address_ok(addr) || dv->msi_vec)
		return;                 /* nothing to program, or programmed */
	dv->msi_vec = bind_vector(dv, -1);
	if (!dv->msi_vec)
		return;
	hw_write(dv, f->msi_cap + 4, 4, MSI_ADDR_BASE | target_apic << 12);
	if (f->msi_64)
		hw_write(dv, f->msi_cap + 8, 4, 0);
	hw_write(dv, pci_pass_msi_data_reg(f), 2, dv->msi_vec);
}

static void msi_changed(void *ctx, struct pci_pass_fn *f, int entry)
{
	struct dom0_dev *dv = ctx;

	(void)f;
	if (entry < 0)
		msi_changed_plain(dv);
	else
		msix_changed(dv, entry);
}

static const struct pci_pass_ops pass_ops = {
	.hw_read = hw_read, .hw_write = hw_write, .bar_allowed = bar_allowed,
	.bars_changed = bars_changed, .msi_changed = msi_changed,
};

/* A forwarded interrupt: dom0's message, as it stands now. */
static void forward_interrupt(struct trap_frame *tf)
{
	const struct binding *b = &bindings[tf->vector & 0xff];
	uint64_t addr;
	uint32_t data;

	if (!b->dev || !dom0)
		return;
	if (b->entry < 0) {
		pci_pass_msi_message(&b->dev->fn, &addr, &data);
	} else {
		const struct pci_pass_msix_entry *m = &b->dev->fn.msix[b->entry];
		addr = (uint64_t)m->addr_hi << 32 | m->addr_lo;
		data = m->data;
	}
	linux_platform_msi(dom0, addr, data);
}

/* ---- the MSI-X table trap ---- */

static int msix_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct dom0_dev *dv = dev;
	uint64_t t = off - (dv->fn.msix_offset & (PAGE - 1));

	if (off >= (dv->fn.msix_offset & (PAGE - 1)) && t < 16ull * dv->msix_hw_nr)
		return pci_pass_msix_read(&dv->fn, t, size, val);
	if (!dv->msix_hw || (size != 4 && size != 8) || off % size)
		return -EINVAL;
	*val = size == 4 ? *(volatile uint32_t *)(dv->msix_hw + off)
			 : *(volatile uint64_t *)(dv->msix_hw + off);
	return 0;
}

static int msix_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct dom0_dev *dv = dev;
	uint64_t t = off - (dv->fn.msix_offset & (PAGE - 1));

	if (off >= (dv->fn.msix_offset & (PAGE - 1)) && t < 16ull * dv->msix_hw_nr)
		return pci_pass_msix_write(&dv->fn, t, size, val);
	if (!dv->msix_hw || (size != 4 && size != 8) || off % size)
		return -EINVAL;
	if (size == 4)
		*(volatile uint32_t *)(dv->msix_hw + off) = (uint32_t)val;
	else
		*(volatile uint64_t *)(dv->msix_hw + off) = val;
	return 0;
}

/* ---- configuration ports ---- */

static struct dom0_dev *selected(uint32_t addr)
{
	if (!(addr & 0x80000000u) || (addr & 0x0fff0000u))
		return NULL;          /* disabled, extended register, bus != 0 */
	uint8_t dev = (addr >> 11) & 31, fn = (addr >> 8) & 7;
	for (unsigned i = 0; i < nr_devs; i++)
		if (devs[i]->fn.dev == dev && devs[i]->fn.fn == fn)
			return devs[i];
	return NULL;
}

static uint32_t cfg_in(void *unused, uint16_t port, unsigned size)
{
	(void)unused;
	if (port == CONFIG_ADDR_PORT && size == 4)
		return cf8_latch;
	if (port < CONFIG_DATA_PORT)
		return 0xffffffffu;
	unsigned lane = port - CONFIG_DATA_PORT;
	struct dom0_dev *dv = selected(cf8_latch);
	if (!dv || lane % size || lane + size > 4)
		return 0xffffffffu;
	return pci_pass_cfg_read(&dv->fn, (cf8_latch & 0xfc) + lane, size);
}

static void cfg_out(void *unused, uint16_t port, unsigned size, uint32_t val)
{
	(void)unused;
	if (port == CONFIG_ADDR_PORT && size == 4) {
		cf8_latch = val & 0x8ffffffcu;
		return;
	}
	if (port == RESET_CONTROL && size == 1) {
		if (val & 0x04)
			domain_stop(dom0, DOMAIN_SHUTDOWN, DOMAIN_STOP_RESTART,
				    "reboot (reset control register)");
		return;
	}
	if (port < CONFIG_DATA_PORT)
		return;
	unsigned lane = port - CONFIG_DATA_PORT;
	struct dom0_dev *dv = selected(cf8_latch);
	if (dv && lane % size == 0 && lane + size <= 4)
		pci_pass_cfg_write(&dv->fn, (cf8_latch & 0xfc) + lane, size, val);
}

/* ---- set-up ---- */

static void probe_one(uint8_t dev, uint8_t fn)
{
	uint64_t pa = page_alloc_zeroed(1);

	_Static_assert(sizeof(struct dom0_dev) <= 8192, "a device fits two pages");
	if (!pa)
		return;
	struct dom0_dev *dv = phys_to_virt(pa);
	if (pci_pass_probe(&dv->fn, 0, dev, fn, &pass_ops, dv)) {
		page_free(pa, 1);
		return;
	}
	for (unsigned i = 0; i < PCI_PASS_BARS; i++)
		dv->mapped[i] = NOT_MAPPED;
	if (dv->fn.msix_cap) {
		dv->msix_hw_nr = (uint16_t)((hw_read(dv, dv->fn.msix_cap + 2, 2) & 0x7ff) + 1);
		dv->msix_trap = (struct vdev_mmio){ .read = msix_read, .write = msix_write,
						     .dev = dv };
	}
	devs[nr_devs++] = dv;
	log_info("dom0: PCI %02x:%02x.%u %04x:%04x class %06x%s%s%s", 0, dev, fn,
		 dv->fn.vendor, dv->fn.device, dv->fn.class_code,
		 dv->fn.read_only ? " (read-only)" : "", dv->fn.msi_cap ? " MSI" : "",
		 dv->fn.msix_cap ? " MSI-X" : "");
}

/* Windows around the firmware's BAR assignment, clear of host RAM. */
static void compute_windows(void)
{
	uint64_t ram_low = 0, ram_end = 0, low32 = APIC_AREA_START, lo64 = UINT64_MAX, hi64 = 0;

	for (unsigned i = 0; i < boot->nr_mmap; i++) {
		const struct boot_mem_range *r = &boot->mmap[i];
		if (r->type != BOOT_MEM_USABLE && r->type != BOOT_MEM_ACPI &&
		    r->type != BOOT_MEM_NVS)
			continue;
		ram_end = MAX(ram_end, r->base + r->len);
		if (r->base < GiB(4))
			ram_low = MAX(ram_low, MIN(r->base + r->len, GiB(4)));
	}
	for (unsigned d = 0; d < nr_devs; d++) {
		for (unsigned i = 0; i < PCI_PASS_BARS; i++) {
			const struct pci_pass_bar *b = &devs[d]->fn.bar[i];
			if (!b->size || b->io || !b->addr)
				continue;
			if (b->addr < GiB(4) && b->addr >= ram_low)
				low32 = MIN(low32, b->addr);
			else if (b->addr >= GiB(4)) {
				lo64 = MIN(lo64, b->addr);
				hi64 = MAX(hi64, b->addr + b->size);
			}
		}
	}
	uint64_t base32 = MIN(ALIGN_UP(ram_low, MiB(256)), ALIGN_DOWN(low32, MiB(1)));
	uint64_t base64 = MIN(ALIGN_UP(MAX(ram_end, GiB(4)), GiB(1)), ALIGN_DOWN(lo64, GiB(1)));
	windows = (struct acpi_build_pci){
		.present = true, .bus_start = 0, .bus_end = 0,
		.mmio32_base = (uint32_t)base32,
		.mmio32_size = (uint32_t)(APIC_AREA_START - base32),
		.mmio64_base = base64,
		.mmio64_size = MAX(ALIGN_UP(hi64, GiB(1)), base64 + GiB(64)) - base64,
	};
	log_info("dom0: PCI windows %#x-%#lx, %#lx-%#lx", windows.mmio32_base,
		 (uint64_t)(APIC_AREA_START - 1), windows.mmio64_base,
		 windows.mmio64_base + windows.mmio64_size - 1);
}

int dom0_pci_init(const struct boot_info *bi, const struct acpi_info *acpi)
{
	boot = bi;
	host_acpi = acpi;
	target_apic = lapic_id();
	irq_vector_pool_init(&pool, VECTOR_DEV_FIRST, VECTOR_HV_FIRST);
	for (unsigned v = VECTOR_DEV_FIRST; v < VECTOR_HV_FIRST; v++)
		trap_set_handler(v, forward_interrupt);
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t id = pci_conf_read(0, dev, fn, 0, 4);
			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			probe_one(dev, fn);
			if (fn == 0 && !(pci_conf_read(0, dev, 0, 0x0e, 1) & 0x80))
				break;          /* single-function device */
		}
	}
	compute_windows();
	return 0;
}

void dom0_pci_windows(struct acpi_build_pci *pci)
{
	*pci = windows;
}

/* The ports dom0 reaches directly: all but the hypervisor's. */
static void set_port_permissions(struct domain *d)
{
	virt_domain_pio_intercept(d, 0, 0x10000, false);
	for (unsigned i = 0; i < ARRAY_SIZE(kept_ports); i++)
		virt_domain_pio_intercept(d, kept_ports[i].port, kept_ports[i].count, true);
	/* The host's ACPI PM registers the hypervisor uses (power-off, its
	 * clock calibration, reset). */
	if (host_acpi->pm1a_cnt_port)
		virt_domain_pio_intercept(d, host_acpi->pm1a_cnt_port, 2, true);
	if (host_acpi->pm1b_cnt_port)
		virt_domain_pio_intercept(d, host_acpi->pm1b_cnt_port, 2, true);
	if (host_acpi->pm_timer_port)
		virt_domain_pio_intercept(d, host_acpi->pm_timer_port, 4, true);
	if (host_acpi->reset_port)
		virt_domain_pio_intercept(d, host_acpi->reset_port, 1, true);
}

int dom0_pci_attach(struct domain *d)
{
	struct vdev_pio cfg = { CONFIG_ADDR_PORT, 8, cfg_in, cfg_out, NULL };
	int err = domain_add_pio(d, &cfg);

	dom0 = d;
	set_port_permissions(d);
	for (unsigned i = 0; i < nr_devs && !err; i++) {
		struct dom0_dev *dv = devs[i];
		bars_changed(dv, &dv->fn);
		if (dv->fn.msix_cap)
			err = domain_add_mmio(d, &dv->msix_trap);
	}
	return err;
}
