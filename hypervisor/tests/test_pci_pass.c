/*
 * test_pci_pass.c - host unit tests of dom0's filtered view of a physical
 * PCI function (devices/pci_pass.c), against a model of a function's
 * configuration space: BAR sizing never reaches the hardware, moves and
 * refused placements, the command register's decode bits, the hidden ROM,
 * read-only bridges, the MSI and MSI-X shadows, and hostile writes.
 */
#include "hv_test_util.h"
#include "../devices/pci_pass.c"

#define IO_BASE    0xc000u           /* BAR0: 32 ports, 16-bit decoder */
#define MMIO_BASE  0xfebd1000u       /* BAR1: 4 KiB, the MSI-X table */
#define MEM64_BASE 0x800000000ull    /* BAR4/5: 16 KiB, 64-bit */

/* The hardware: 256 bytes of configuration space, BARs and read-only
 * registers behaving as a device's do; counts changes of the decoding
 * and of the BAR addresses (changes of the physical address map). */
struct model {
	uint8_t space[256];
	uint32_t wmask[6];
	unsigned map_changes;
	unsigned bars_changed, msi_calls;
	int last_msi_entry;
	uint64_t refuse_lo, refuse_hi;   /* bar_allowed() says no in here */
};

static struct model hw;
static struct pci_pass_fn fn;

static uint32_t get(unsigned reg, unsigned size)
{
	uint32_t v = 0;

	memcpy(&v, &hw.space[reg], size);
	return v;
}

static uint32_t m_read(void *ctx, unsigned reg, unsigned size)
{
	(void)ctx;
	if (reg % size || reg + size > 256) {
		unit_failf("hardware read at %#x size %u", reg, size);
		return 0;
	}
	return get(reg, size);
}

static bool decodes(uint32_t cmd, unsigned i)
{
	return (cmd & (i == 0 ? PCI_PASS_CMD_IO : PCI_PASS_CMD_MEM)) != 0;
}

static void m_write(void *ctx, unsigned reg, unsigned size, uint32_t val)
{
	uint32_t old_cmd = get(4, 2), old_bars[6];

	(void)ctx;
	if (reg % size || reg + size > 256) {
		unit_failf("hardware write at %#x size %u", reg, size);
		return;
	}
	memcpy(old_bars, &hw.space[0x10], sizeof(old_bars));
	for (unsigned k = 0; k < size; k++) {
		unsigned r = reg + k;
		uint8_t b = (uint8_t)(val >> (8 * k));
		if (r < 4 || (r >= 8 && r < 0x10) || r == 0x34 || (r >= 0x40 && r < 0x43) ||
		    (r >= 0x44 && r < 0x48) || (r >= 0x50 && r < 0x52))
			continue;                              /* read-only */
		if (r == 0x43) {                               /* MSI-X enable, mask */
			hw.space[r] = (uint8_t)((b & 0xc0) | (hw.space[r] & 0x07));
		} else if (r >= 0x10 && r < 0x28) {
			unsigned j = (r - 0x10) / 4, sh = 8 * (r % 4);
			uint8_t m = (uint8_t)(hw.wmask[j] >> sh);
			hw.space[r] = (uint8_t)((hw.space[r] & ~m) | (b & m));
		} else if (r == 6 || r == 7) {
			hw.space[r] &= (uint8_t)~(b & (r == 7 ? 0xf9 : 0x00));   /* W1C */
		} else {
			hw.space[r] = b;
		}
	}
	uint32_t cmd = get(4, 2);
	for (unsigned i = 0; i < 6; i++) {
		bool on_before = decodes(old_cmd, i), on_now = decodes(cmd, i);
		if (!hw.wmask[i])
			continue;
		if (on_before != on_now || (on_now && old_bars[i] != get(0x10 + 4 * i, 4)))
			hw.map_changes++;
	}
}

static bool m_allowed(void *ctx, const struct pci_pass_fn *f, const struct pci_pass_bar *b)
{
	(void)ctx;
	(void)f;
	return !(b->addr < hw.refuse_hi && hw.refuse_lo < b->addr + b->size);
}

static void m_bars_changed(void *ctx, struct pci_pass_fn *f)
{
	(void)ctx;
	(void)f;
	hw.bars_changed++;
}

static void m_msi_changed(void *ctx, struct pci_pass_fn *f, int entry)
{
	(void)ctx;
	(void)f;
	hw.msi_calls++;
	hw.last_msi_entry = entry;
}

static const struct pci_pass_ops ops = {
	.hw_read = m_read, .hw_write = m_write, .bar_allowed = m_allowed,
	.bars_changed = m_bars_changed, .msi_changed = m_msi_changed,
};

static void put(unsigned reg, unsigned size, uint32_t v)
{
	memcpy(&hw.space[reg], &v, size);
}

/* A NIC: I/O BAR0, memory BAR1 (MSI-X table, 100 entries), 64-bit BAR4;
 * MSI-X capability at 0x40, 64-bit MSI at 0x50; decoding on. */
static void setup(uint32_t class_code)
{
	memset(&hw, 0, sizeof(hw));
	hw.wmask[0] = 0x0000ffe0u;
	hw.wmask[1] = 0xfffff000u;
	hw.wmask[4] = 0xffffc000u;
	hw.wmask[5] = 0xffffffffu;
	put(0x00, 4, 0x10001af4u);
	put(0x04, 2, 0x0007);                     /* I/O, memory, bus master */
	put(0x06, 2, 0x0010);                     /* capabilities */
	put(0x08, 4, class_code << 8);
	put(0x10, 4, IO_BASE | 1);
	put(0x14, 4, MMIO_BASE);
	put(0x20, 4, (uint32_t)MEM64_BASE | 0xc);    /* 64-bit, prefetchable */
	put(0x24, 4, (uint32_t)(MEM64_BASE >> 32));
	put(0x30, 4, 0xfeb80000u);                /* a ROM */
	put(0x34, 1, 0x40);
	put(0x40, 4, (99u << 16) | 0x5011);       /* MSI-X, next 0x50, 100 entries */
	put(0x44, 4, 0x00000001);                 /* table: BAR1, offset 0 */
	put(0x50, 4, 0x00800005 | (0x3u << 17));  /* MSI, 64-bit, 8 vectors capable */
	if (pci_pass_probe(&fn, 0, 2, 0, &ops, NULL))
		unit_failf("probe failed");
	hw.map_changes = hw.bars_changed = hw.msi_calls = 0;
}

/* dom0's configuration accesses. */
static uint32_t d0_read(unsigned reg, unsigned size)
{
	return pci_pass_cfg_read(&fn, reg, size);
}

static void d0_write(unsigned reg, unsigned size, uint32_t val)
{
	pci_pass_cfg_write(&fn, reg, size, val);
}

static void test_probe(void)
{
	unit_begin("pci_pass_probe");
	setup(0x020000);
	UNIT_CHECK(fn.bar[0].io && fn.bar[0].size == 32 && fn.bar[0].addr == IO_BASE);
	UNIT_CHECK(!fn.bar[1].io && fn.bar[1].size == 4096 && fn.bar[1].addr == MMIO_BASE);
	UNIT_CHECK(fn.bar[4].mem64 && fn.bar[4].size == 16384 && fn.bar[4].addr == MEM64_BASE);
	UNIT_CHECK(fn.bar[5].size == 0 && fn.bar[2].size == 0);
	UNIT_CHECK(fn.msix_cap == 0x40 && fn.msix_bar == 1 && fn.msix_offset == 0);
	UNIT_CHECK(fn.msix_nr == PCI_PASS_MSIX_MAX);
	UNIT_CHECK(fn.msi_cap == 0x50 && fn.msi_64);
	UNIT_CHECK(!fn.read_only);
	/* Sizing at probe restored the hardware. */
	UNIT_CHECK(get(0x04, 2) == 0x0007 && get(0x14, 4) == MMIO_BASE);
	UNIT_CHECK(get(0x24, 4) == (uint32_t)(MEM64_BASE >> 32));
	unit_end();
}

/* Linux's __pci_read_base for every BAR: decoding off, all ones, read,
 * restore, decoding back on. dom0 reads the sizes; the hardware's map
 * never changes. */
static void test_sizing_is_shadowed(void)
{
	static const uint32_t want[6] = { 0x0000ffe1u, 0xfffff000u, 0, 0, 0xffffc00cu, 0xffffffffu };

	unit_begin("pci_pass_bar_sizing_never_reaches_hardware");
	setup(0x020000);
	uint16_t cmd = (uint16_t)d0_read(0x04, 2);
	UNIT_CHECK(cmd == 0x0007);
	for (unsigned i = 0; i < 6; i++) {
		unsigned reg = 0x10 + 4 * i;
		uint32_t orig = d0_read(reg, 4);
		d0_write(0x04, 2, cmd & ~PCI_PASS_DECODE);
		UNIT_CHECK((d0_read(0x04, 2) & PCI_PASS_DECODE) == 0);
		d0_write(reg, 4, 0xffffffffu);
		if (d0_read(reg, 4) != want[i])
			unit_failf("BAR%u sizes as %#x, want %#x", i, d0_read(reg, 4), want[i]);
		d0_write(reg, 4, orig);
		UNIT_CHECK(d0_read(reg, 4) == orig);
		d0_write(0x04, 2, cmd);
	}
	UNIT_CHECK(hw.map_changes == 0);
	UNIT_CHECK(get(0x04, 2) == 0x0007);
	UNIT_CHECK(get(0x10, 4) == (IO_BASE | 1) && get(0x14, 4) == MMIO_BASE);
	UNIT_CHECK(get(0x20, 4) == ((uint32_t)MEM64_BASE | 0xc));
	UNIT_CHECK(hw.bars_changed == 0);
	/* Other command bits reach the hardware (bus master off, INTx off). */
	d0_write(0x04, 2, 0x0403);
	UNIT_CHECK(get(0x04, 2) == 0x0403 && d0_read(0x04, 2) == 0x0403);
	unit_end();
}

/* dom0 moves BAR1: the hardware stops decoding while the BAR is elsewhere
 * in dom0's view, and decodes the new address once dom0 turns decoding on. */
static void test_move(void)
{
	unit_begin("pci_pass_bar_move");
	setup(0x020000);
	d0_write(0x04, 2, 0x0004);
	d0_write(0x14, 4, 0xe0000000u);
	UNIT_CHECK((get(0x04, 2) & PCI_PASS_DECODE) == 0);   /* stale address: off */
	UNIT_CHECK(get(0x14, 4) == MMIO_BASE);               /* not written yet */
	UNIT_CHECK(hw.bars_changed == 1);
	d0_write(0x04, 2, 0x0007);
	UNIT_CHECK(get(0x14, 4) == 0xe0000000u && fn.bar[1].addr == 0xe0000000u);
	UNIT_CHECK((get(0x04, 2) & PCI_PASS_DECODE) == PCI_PASS_DECODE);
	UNIT_CHECK(hw.bars_changed == 2);
	/* The 64-bit BAR, one half at a time, decoding off between. */
	d0_write(0x04, 2, 0x0004);
	d0_write(0x20, 4, 0x40000000u);
	d0_write(0x24, 4, 0x9);
	d0_write(0x04, 2, 0x0006);
	UNIT_CHECK(fn.bar[4].addr == 0x940000000ull);
	UNIT_CHECK(get(0x20, 4) == 0x4000000cu && get(0x24, 4) == 0x9);
	UNIT_CHECK((get(0x04, 2) & PCI_PASS_DECODE) == PCI_PASS_CMD_MEM);
	/* Moved while decoding is on (no Linux does this): done in one go. */
	d0_write(0x14, 4, 0xe0010000u);
	UNIT_CHECK(get(0x14, 4) == 0xe0010000u && (get(0x04, 2) & PCI_PASS_CMD_MEM));
	unit_end();
}

/* A BAR over what the hypervisor keeps: that decode type stays off in the
 * hardware whatever dom0 writes; the other type is unaffected. */
static void test_refused(void)
{
	unit_begin("pci_pass_bar_refused");
	setup(0x020000);
	hw.refuse_lo = 0xfee00000u;
	hw.refuse_hi = 0xfef00000u;
	d0_write(0x04, 2, 0x0004);
	d0_write(0x14, 4, 0xfee00000u);             /* the local APIC */
	d0_write(0x04, 2, 0x0007);
	UNIT_CHECK((get(0x04, 2) & PCI_PASS_DECODE) == PCI_PASS_CMD_IO);
	UNIT_CHECK(d0_read(0x04, 2) == 0x0007);        /* dom0's view */
	d0_write(0x04, 2, 0x0007);
	UNIT_CHECK(!(get(0x04, 2) & PCI_PASS_CMD_MEM));
	/* Moved back: decoding again. */
	d0_write(0x14, 4, MMIO_BASE);
	UNIT_CHECK(get(0x04, 2) & PCI_PASS_CMD_MEM);
	/* A BAR left in its sizing state with decoding on never decodes. */
	d0_write(0x14, 4, 0xffffffffu);
	UNIT_CHECK(!(get(0x04, 2) & PCI_PASS_CMD_MEM));
	UNIT_CHECK(get(0x14, 4) == MMIO_BASE);
	unit_end();
}

static void test_rom_and_read_only(void)
{
	unit_begin("pci_pass_rom_hidden_bridges_read_only");
	setup(0x020000);
	UNIT_CHECK(d0_read(0x30, 4) == 0);
	d0_write(0x30, 4, 0xfeb00001u);
	UNIT_CHECK(get(0x30, 4) == 0xfeb80000u);
	setup(0x060100);                           /* an ISA bridge */
	UNIT_CHECK(fn.read_only);
	d0_write(0x04, 2, 0);
	d0_write(0x60, 4, 0x12345678u);
	UNIT_CHECK(get(0x04, 2) == 0x0007 && get(0x60, 4) == 0);
	unit_end();
}

/* Status bits are write-one-to-clear: a dword write to the command
 * register passes the status half through unchanged. */
static void test_status_w1c(void)
{
	unit_begin("pci_pass_status_write_through");
	setup(0x020000);
	put(0x06, 2, 0x2010);                     /* a received master abort */
	d0_write(0x04, 4, 0x20000007u);
	UNIT_CHECK(get(0x06, 2) == 0x0010);
	UNIT_CHECK(hw.map_changes == 0);
	unit_end();
}

static void test_msi(void)
{
	uint64_t addr;
	uint32_t data;

	unit_begin("pci_pass_msi_shadow");
	setup(0x020000);
	/* One vector only: Multiple Message Capable reads 0; Enable forced 0. */
	UNIT_CHECK((d0_read(0x52, 2) & 0x000e) == 0);
	d0_write(0x52, 2, 0x0071);
	UNIT_CHECK((get(0x52, 2) & 0x0070) == 0 && (get(0x52, 2) & 1));
	UNIT_CHECK(hw.msi_calls == 1 && hw.last_msi_entry == -1);
	/* Address and data stay in the shadow. */
	d0_write(0x54, 4, 0xfee01000u);
	d0_write(0x58, 4, 0);
	d0_write(0x5c, 2, 0x4041);
	UNIT_CHECK(get(0x54, 4) == 0 && get(0x5c, 2) == 0);
	UNIT_CHECK(d0_read(0x54, 4) == 0xfee01000u && d0_read(0x5c, 2) == 0x4041);
	pci_pass_msi_message(&fn, &addr, &data);
	UNIT_CHECK(addr == 0xfee01000u && data == 0x4041);
	UNIT_CHECK(hw.msi_calls == 4);
	/* A byte write straddling nothing else lands in one byte. */
	d0_write(0x5d, 1, 0x00);
	pci_pass_msi_message(&fn, &addr, &data);
	UNIT_CHECK(data == 0x0041);
	unit_end();
}

static void test_msix(void)
{
	uint64_t v;

	unit_begin("pci_pass_msix_table");
	setup(0x020000);
	/* The table size shown is clamped; the rest of the control word and
	 * the enable and mask bits pass through. */
	UNIT_CHECK((d0_read(0x42, 2) & 0x7ff) == PCI_PASS_MSIX_MAX - 1);
	d0_write(0x42, 2, 0xc000);
	UNIT_CHECK((get(0x42, 2) & 0xc000) == 0xc000);
	/* Entries start masked; writes land in the shadow, ctrl keeps bit 0. */
	UNIT_CHECK(pci_pass_msix_read(&fn, 12, 4, &v) == 0 && v == 1);
	UNIT_CHECK(pci_pass_msix_write(&fn, 16, 8, 0x00000000fee00000ull) == 0);
	UNIT_CHECK(pci_pass_msix_write(&fn, 24, 4, 0x41) == 0);
	UNIT_CHECK(hw.last_msi_entry == 1);
	UNIT_CHECK(pci_pass_msix_write(&fn, 28, 4, 0xfffffffeu) == 0);
	UNIT_CHECK(fn.msix[1].ctrl == 0 && fn.msix[1].data == 0x41);
	UNIT_CHECK(fn.msix[1].addr_lo == 0xfee00000u && fn.msix[1].addr_hi == 0);
	UNIT_CHECK(pci_pass_msix_read(&fn, 16, 8, &v) == 0 && v == 0xfee00000u);
	/* Bad sizes and alignment are refused and change nothing. */
	unsigned calls = hw.msi_calls;
	UNIT_CHECK(pci_pass_msix_write(&fn, 16, 2, 0) == -EINVAL);
	UNIT_CHECK(pci_pass_msix_write(&fn, 18, 4, 0) == -EINVAL);
	UNIT_CHECK(pci_pass_msix_write(&fn, 20, 8, 0) == -EINVAL);
	UNIT_CHECK(pci_pass_msix_read(&fn, 16, 1, &v) == -EINVAL);
	UNIT_CHECK(fn.msix[1].addr_lo == 0xfee00000u && hw.msi_calls == calls);
	/* Past the shown entries: reads 0, writes dropped. */
	UNIT_CHECK(pci_pass_msix_write(&fn, 16ull * PCI_PASS_MSIX_MAX, 4, 5) == 0);
	UNIT_CHECK(pci_pass_msix_read(&fn, 16ull * PCI_PASS_MSIX_MAX + 12, 4, &v) == 0 && v == 0);
	UNIT_CHECK(pci_pass_msix_read(&fn, 1ull << 40, 4, &v) == 0 && v == 0);
	UNIT_CHECK(hw.msi_calls == calls);
	unit_end();
}

/* Random configuration writes of every size: never a hardware access out
 * of bounds or unaligned, and nothing but the ROM, the shadowed registers
 * and read-only ones differ between dom0's view and the hardware. */
static void test_random_writes(void)
{
	uint64_t seed = 0x5eed0d0;

	unit_begin("pci_pass_random_writes");
	setup(0x020000);
	hw.refuse_lo = 0xfec00000u;
	hw.refuse_hi = 0xff000000u;
	for (unsigned n = 0; n < 20000; n++) {
		static const unsigned sizes[3] = { 1, 2, 4 };
		unsigned size = sizes[test_rand_below(&seed, 3)];
		unsigned reg = (unsigned)test_rand_below(&seed, 256) & ~(size - 1);
		uint32_t val = (uint32_t)test_rand(&seed);
		d0_write(reg, size, val);
		(void)d0_read(reg, size);
		/* Whenever the hardware decodes memory, no memory BAR it
		 * decodes is in the refused range. */
		if (get(0x04, 2) & PCI_PASS_CMD_MEM) {
			uint64_t a1 = get(0x14, 4) & 0xfffff000u;
			if (a1 < hw.refuse_hi && hw.refuse_lo < a1 + 4096)
				unit_failf("seed %#lx step %u: BAR1 decodes at %#lx", seed, n, a1);
		}
	}
	unit_end();
}

int main(void)
{
	test_probe();
	test_sizing_is_shadowed();
	test_move();
	test_refused();
	test_rom_and_read_only();
	test_status_w1c();
	test_msi();
	test_msix();
	test_random_writes();
	return unit_exit_code();
}
