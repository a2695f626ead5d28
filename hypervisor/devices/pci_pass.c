/*
 * pci_pass.c - a physical PCI function's configuration space as dom0 sees
 * it (see hv/pci_pass.h; PCI Local Bus Specification 3.0: 6.1 header,
 * 6.2.5 BARs, 6.7 capabilities, 6.8.1 MSI, 6.8.2 MSI-X).
 *
 * dom0 owns the device, so most of its configuration space passes through
 * untouched. What the hypervisor must see or hide:
 *   - the BARs and the command register's decode bits (I/O, memory) are
 *     a shadow: dom0 reads back what it wrote, and sizing a BAR (all ones
 *     written, the size read back) never reaches the hardware. The
 *     hardware follows lazily (sync_decode): while no BAR moves, its
 *     decoding stays as it is even when dom0 turns decoding off (as
 *     Linux does around each BAR it sizes), so dom0's PCI enumeration
 *     does not change the physical address map at all (which, besides
 *     being cheaper, avoids a QEMU 7.2 TCG race: a memory-map change on
 *     one CPU can misroute another CPU's MMIO access). When dom0 has
 *     moved a BAR, the hardware's decoding goes off; when dom0 turns
 *     decoding on, the BARs are written and decoding follows dom0's bits,
 *     except for a BAR the owner refuses (over the hypervisor's memory,
 *     ports or interrupt controllers, ops->bar_allowed): that decode type
 *     stays off in the hardware. The owner (domain/dom0_pci.c) then moves
 *     dom0's 1:1 mappings of the BARs (ops->bars_changed);
 *   - the expansion ROM BAR: hidden (reads 0, writes dropped): a ROM would
 *     need its own mapping and dom0 has no use for it;
 *   - MSI: the address and data registers are a shadow dom0 writes; the
 *     hardware gets the hypervisor's own message (a host vector, see
 *     dom0_pci.c). One vector only: the Multiple Message Capable field
 *     reads 0 and Multiple Message Enable is forced to 0;
 *   - MSI-X: the table lives in a BAR; dom0's accesses to it trap (its
 *     pages are not mapped) and land in the shadow table here. Its
 *     capability's control register (enable, function mask) passes
 *     through; the table size reads at most PCI_PASS_MSIX_MAX entries.
 *   - bridges (class 06) and any function whose header is not type 0 are
 *     read-only: the host bridge and the LPC bridge hold the platform's
 *     own configuration.
 *
 * Locking: none here; the owner serialises calls per domain (dev_lock).
 */
#include "hv/pci_pass.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define REG_VENDOR    0x00
#define REG_COMMAND   0x04
#define REG_STATUS    0x06
#define REG_CLASS     0x08
#define REG_HEADER    0x0e
#define REG_BAR0      0x10
#define REG_BAR_END   0x28
#define REG_ROM       0x30
#define REG_CAP_PTR   0x34

#define CMD_IO        PCI_PASS_CMD_IO
#define CMD_MEM       PCI_PASS_CMD_MEM
#define CMD_DECODE    PCI_PASS_DECODE
#define STATUS_CAPS   0x0010

#define CAP_MSI       0x05
#define CAP_MSIX      0x11

#define MSI_CTRL_ENABLE   0x0001
#define MSI_CTRL_MMC      0x000e
#define MSI_CTRL_MME      0x0070
#define MSI_CTRL_64       0x0080
#define MSIX_CTRL_SIZE    0x07ff

#define BAR_IO            0x1
#define BAR_MEM_TYPE      0x6
#define BAR_MEM_64        0x4

static uint32_t rd(struct pci_pass_fn *f, unsigned reg, unsigned size)
{
	return f->ops->hw_read(f->ctx, reg, size);
}

static void wr(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t v)
{
	f->ops->hw_write(f->ctx, reg, size, v);
}

static bool is_type0(const struct pci_pass_fn *f)
{
	return f->header_type == 0;
}

/* Sizes BAR i (decoding is off); returns how many BAR slots it used. */
static unsigned size_bar(struct pci_pass_fn *f, unsigned i)
{
	unsigned reg = REG_BAR0 + 4 * i;
	uint32_t orig = rd(f, reg, 4), mask, orig_hi = 0, mask_hi = 0;
	struct pci_pass_bar *b = &f->bar[i];

	wr(f, reg, 4, 0xffffffffu);
	mask = rd(f, reg, 4);
	wr(f, reg, 4, orig);
	if (mask == 0 || mask == 0xffffffffu)
		return 1;                         /* no BAR */
	if (orig & BAR_IO) {
		mask &= ~3u;
		f->bar_wmask[i] = mask;
		if (!(mask >> 16))
			mask |= 0xffff0000u;      /* 16-bit I/O decoders */
		b->io = true;
		b->size = (uint64_t)(~mask) + 1;
		b->addr = orig & ~3u;
		return 1;
	}
	b->mem64 = (orig & BAR_MEM_TYPE) == BAR_MEM_64 && i + 1 < PCI_PASS_BARS;
	if (b->mem64) {
		orig_hi = rd(f, reg + 4, 4);
		wr(f, reg + 4, 4, 0xffffffffu);
		mask_hi = rd(f, reg + 4, 4);
		wr(f, reg + 4, 4, orig_hi);
	} else {
		mask_hi = 0xffffffffu;
	}
	f->bar_wmask[i] = mask & ~0xfu;
	if (b->mem64)
		f->bar_wmask[i + 1] = mask_hi;
	uint64_t m = (uint64_t)mask_hi << 32 | (mask & ~0xfu);
	b->size = ~m + 1;
	b->addr = (uint64_t)orig_hi << 32 | (orig & ~0xfu);
	return b->mem64 ? 2 : 1;
}

/* Re-reads the BAR addresses from the hardware (after dom0 wrote one). */
static void reread_bars(struct pci_pass_fn *f)
{
	for (unsigned i = 0; i < PCI_PASS_BARS; i++) {
		struct pci_pass_bar *b = &f->bar[i];
		if (!b->size)
			continue;
		uint32_t lo = rd(f, REG_BAR0 + 4 * i, 4);
		if (b->io)
			b->addr = lo & ~3u;
		else
			b->addr = (b->mem64 ? (uint64_t)rd(f, REG_BAR0 + 4 * i + 4, 4) << 32 : 0) |
				  (lo & ~0xfu);
	}
}

static void find_caps(struct pci_pass_fn *f)
{
	if (!(rd(f, REG_STATUS, 2) & STATUS_CAPS))
		return;
	unsigned ptr = rd(f, REG_CAP_PTR, 1) & 0xfc;
	for (unsigned hops = 0; ptr >= 0x40 && hops < 48; hops++) {
		uint32_t id = rd(f, ptr, 1);
		if (id == CAP_MSI && !f->msi_cap) {
			f->msi_cap = (uint8_t)ptr;
			f->msi_64 = (rd(f, ptr + 2, 2) & MSI_CTRL_64) != 0;
		} else if (id == CAP_MSIX && !f->msix_cap) {
			uint32_t table = rd(f, ptr + 4, 4);
			f->msix_cap = (uint8_t)ptr;
			f->msix_nr = (uint16_t)MIN((rd(f, ptr + 2, 2) & MSIX_CTRL_SIZE) + 1u,
						   (unsigned)PCI_PASS_MSIX_MAX);
			f->msix_bar = table & 7;
			f->msix_offset = table & ~7u;
		}
		ptr = rd(f, ptr + 1, 1) & 0xfc;
	}
}

int pci_pass_probe(struct pci_pass_fn *f, uint8_t bus, uint8_t dev, uint8_t fn,
		   const struct pci_pass_ops *ops, void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	f->ops = ops;
	f->ctx = ctx;
	uint32_t id = rd(f, REG_VENDOR, 4);
	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return -ENODEV;
	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	f->class_code = rd(f, REG_CLASS, 4) >> 8;
	f->header_type = rd(f, REG_HEADER, 1) & 0x7f;
	f->read_only = (f->class_code >> 16) == 0x06 || !is_type0(f);
	for (unsigned i = 0; i < PCI_PASS_MSIX_MAX; i++)
		f->msix[i].ctrl = 1;                    /* masked at reset */
	if (is_type0(f)) {
		uint32_t cmd = rd(f, REG_COMMAND, 2);
		wr(f, REG_COMMAND, 2, cmd & ~(CMD_IO | CMD_MEM));
		for (unsigned i = 0; i < PCI_PASS_BARS;)
			i += size_bar(f, i);
		wr(f, REG_COMMAND, 2, cmd);
		for (unsigned i = 0; i < PCI_PASS_BARS; i++)
			f->bar_reg[i] = rd(f, REG_BAR0 + 4 * i, 4);
		f->cmd_decode = (uint16_t)(cmd & CMD_DECODE);
	}
	find_caps(f);
	if (f->msix_cap && (f->msix_bar >= PCI_PASS_BARS || !f->bar[f->msix_bar].size ||
			    f->bar[f->msix_bar].io))
		f->msix_cap = 0;                        /* table in no usable BAR */
	return 0;
}

bool pci_pass_mem_enabled(struct pci_pass_fn *f)
{
	return (rd(f, REG_COMMAND, 2) & CMD_MEM) != 0;
}

bool pci_pass_msi_enabled(struct pci_pass_fn *f)
{
	return f->msi_cap && (rd(f, f->msi_cap + 2, 2) & MSI_CTRL_ENABLE);
}

static unsigned msi_shadow_len(const struct pci_pass_fn *f)
{
	return f->msi_64 ? 12 : 8;
}

unsigned pci_pass_msi_data_reg(const struct pci_pass_fn *f)
{
	return f->msi_cap + (f->msi_64 ? 0x0c : 0x08);
}

void pci_pass_msi_message(const struct pci_pass_fn *f, uint64_t *addr, uint32_t *data)
{
	uint32_t lo, hi = 0;
	uint16_t d;

	memcpy(&lo, f->msi_shadow, 4);
	if (f->msi_64)
		memcpy(&hi, f->msi_shadow + 4, 4);
	memcpy(&d, f->msi_shadow + (f->msi_64 ? 8 : 4), 2);
	*addr = (uint64_t)hi << 32 | lo;
	*data = d;
}

/* What dom0 reads for config byte reg whose hardware value is hw. */
static uint8_t read_byte(struct pci_pass_fn *f, unsigned reg, uint8_t hw)
{
	if (is_type0(f) && reg >= REG_ROM && reg < REG_ROM + 4)
		return 0;
	if (is_type0(f) && reg >= REG_BAR0 && reg < REG_BAR_END)
		return (uint8_t)(f->bar_reg[(reg - REG_BAR0) / 4] >> (8 * (reg % 4)));
	if (is_type0(f) && reg == REG_COMMAND)
		return (uint8_t)((hw & ~CMD_DECODE) | f->cmd_decode);
	if (f->msi_cap) {
		unsigned s = f->msi_cap + 4u;
		if (reg >= s && reg < s + msi_shadow_len(f))
			return f->msi_shadow[reg - s];
		if (reg == f->msi_cap + 2u)
			return hw & (uint8_t)~MSI_CTRL_MMC;
	}
	if (f->msix_cap) {
		uint16_t size = (uint16_t)(f->msix_nr - 1);
		if (reg == f->msix_cap + 2u)
			return (uint8_t)size;
		if (reg == f->msix_cap + 3u)
			return (uint8_t)((hw & ~7u) | (size >> 8));
	}
	return hw;
}

uint32_t pci_pass_cfg_read(struct pci_pass_fn *f, unsigned reg, unsigned size)
{
	uint32_t hw = rd(f, reg, size), v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)read_byte(f, reg + i, (uint8_t)(hw >> (8 * i))) << (8 * i);
	return v;
}

static bool overlaps(unsigned reg, unsigned size, unsigned s, unsigned e)
{
	return reg < e && s < reg + size;
}

/* ---- BARs and decoding (type 0 functions only) ---- */

/* dom0 is sizing BAR i: every writable address bit set (in either half of
 * a 64-bit BAR). Never an address a BAR may have: it is not passed on. */
static bool bar_sizing(const struct pci_pass_fn *f, unsigned i)
{
	const uint32_t *r = f->bar_reg, *m = f->bar_wmask;

	return (r[i] & m[i]) == m[i] ||
	       (f->bar[i].mem64 && m[i + 1] && (r[i + 1] & m[i + 1]) == m[i + 1]);
}

/* The address dom0 gave BAR i. */
static uint64_t bar_shadow_addr(const struct pci_pass_fn *f, unsigned i)
{
	uint64_t a = f->bar_reg[i] & f->bar_wmask[i];

	if (f->bar[i].mem64)
		a |= (uint64_t)(f->bar_reg[i + 1] & f->bar_wmask[i + 1]) << 32;
	return a;
}

/* dom0 writes BAR registers: only their writable bits, into the shadow. */
static void write_bars(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t val)
{
	for (unsigned k = 0; k < size; k++) {
		unsigned r = reg + k - REG_BAR0, j = r / 4, shift = 8 * (r % 4);
		uint32_t m = f->bar_wmask[j] & (0xffu << shift);

		f->bar_reg[j] = (f->bar_reg[j] & ~m) | ((((val >> (8 * k)) & 0xffu) << shift) & m);
	}
}

/* dom0 writes the command register (and, with a dword, the status
 * register): everything but the decode bits reaches the hardware now. */
static void write_command(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t val)
{
	uint32_t hw = rd(f, REG_COMMAND, 2), cmd = (hw & ~CMD_DECODE) | f->cmd_decode;

	for (unsigned k = 0; k < size; k++) {
		uint32_t byte = (val >> (8 * k)) & 0xffu;
		if (reg + k == REG_COMMAND)
			cmd = (cmd & 0xff00u) | byte;
		else if (reg + k == REG_COMMAND + 1)
			cmd = (cmd & 0x00ffu) | byte << 8;
	}
	f->cmd_decode = (uint16_t)(cmd & CMD_DECODE);
	wr(f, REG_COMMAND, 2, (cmd & ~CMD_DECODE) | (hw & CMD_DECODE));
	if (reg == REG_COMMAND && size == 4)
		wr(f, REG_STATUS, 2, val >> 16);       /* its bits are write-1-to-clear */
}

/*
 * Brings the hardware's BARs and decoding in line with dom0's shadow:
 *   - a BAR dom0 moved (not one it is sizing): decoding off, so that the
 *     device never answers at a stale or half-written address;
 *   - dom0's decoding on: the moved BARs are written, then each decode
 *     type dom0 asks for is turned on unless one of its BARs is being
 *     sized or is refused by the owner;
 *   - otherwise the hardware's decoding is left as it is.
 * Tells the owner when the hardware changed.
 */
static void sync_decode(struct pci_pass_fn *f)
{
	uint32_t hw = rd(f, REG_COMMAND, 2), cur = hw & CMD_DECODE, want = cur;
	bool moved = false;

	for (unsigned i = 0; i < PCI_PASS_BARS; i++)
		if (f->bar[i].size && !bar_sizing(f, i) && bar_shadow_addr(f, i) != f->bar[i].addr)
			moved = true;
	if (moved) {
		want = 0;
		if (cur)
			wr(f, REG_COMMAND, 2, hw & ~CMD_DECODE);
		cur = 0;
	}
	if (f->cmd_decode) {
		for (unsigned i = 0; moved && i < PCI_PASS_BARS; i++) {   /* decoding is off */
			if (!f->bar[i].size || bar_sizing(f, i))
				continue;
			wr(f, REG_BAR0 + 4 * i, 4, f->bar_reg[i]);
			if (f->bar[i].mem64)
				wr(f, REG_BAR0 + 4 * i + 4, 4, f->bar_reg[i + 1]);
		}
		reread_bars(f);
		want = f->cmd_decode;
		for (unsigned i = 0; i < PCI_PASS_BARS; i++) {
			const struct pci_pass_bar *b = &f->bar[i];
			uint32_t bit = b->io ? CMD_IO : CMD_MEM;
			if (b->size && (want & bit) &&
			    (bar_sizing(f, i) || !f->ops->bar_allowed(f->ctx, f, b)))
				want &= ~bit;
		}
	}
	if (want != cur)
		wr(f, REG_COMMAND, 2, (hw & ~CMD_DECODE) | want);
	if (want != (hw & CMD_DECODE) || moved)
		f->ops->bars_changed(f->ctx, f);
}

/* A write touching MSI's control word: MME forced to one vector. */
static void write_msi_ctrl(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t val)
{
	unsigned c = f->msi_cap + 2u;
	uint32_t ctrl = rd(f, c, 2);

	for (unsigned i = 0; i < size; i++) {
		if (reg + i == c)
			ctrl = (ctrl & 0xff00) | ((val >> (8 * i)) & 0xff);
		else if (reg + i == c + 1)
			ctrl = (ctrl & 0x00ff) | (((val >> (8 * i)) & 0xff) << 8);
	}
	wr(f, c, 2, ctrl & ~(uint32_t)MSI_CTRL_MME);
	f->ops->msi_changed(f->ctx, f, -1);
}

void pci_pass_cfg_write(struct pci_pass_fn *f, unsigned reg, unsigned size, uint32_t val)
{
	if (f->read_only)
		return;
	if (is_type0(f) && overlaps(reg, size, REG_ROM, REG_ROM + 4))
		return;
	if (f->msi_cap && overlaps(reg, size, f->msi_cap + 2u, f->msi_cap + 4u)) {
		write_msi_ctrl(f, reg, size, val);
		return;
	}
	if (f->msi_cap && overlaps(reg, size, f->msi_cap + 4u,
				   f->msi_cap + 4u + msi_shadow_len(f))) {
		unsigned s = f->msi_cap + 4u;
		for (unsigned i = 0; i < size; i++)
			if (reg + i >= s && reg + i < s + msi_shadow_len(f))
				f->msi_shadow[reg + i - s] = (uint8_t)(val >> (8 * i));
		f->ops->msi_changed(f->ctx, f, -1);
		return;
	}
	if (overlaps(reg, size, REG_BAR0, REG_BAR_END)) {
		write_bars(f, reg, size, val);
		sync_decode(f);
		return;
	}
	if (overlaps(reg, size, REG_COMMAND, REG_COMMAND + 2)) {
		write_command(f, reg, size, val);
		sync_decode(f);
		return;
	}
	wr(f, reg, size, val);
}

/* ---- the MSI-X table (16 bytes an entry: address, upper address,
 * data, vector control; PCI 3.0, 6.8.2.6-6.8.2.9) ---- */

static uint32_t *entry_field(struct pci_pass_fn *f, uint64_t off)
{
	uint64_t e = off / 16;

	if (e >= f->msix_nr)
		return NULL;
	struct pci_pass_msix_entry *m = &f->msix[e];
	uint32_t *fields[4] = { &m->addr_lo, &m->addr_hi, &m->data, &m->ctrl };
	return fields[(off % 16) / 4];
}

int pci_pass_msix_read(struct pci_pass_fn *f, uint64_t off, unsigned size, uint64_t *val)
{
	if ((size != 4 && size != 8) || off % size)
		return -EINVAL;
	*val = 0;
	for (unsigned i = 0; i < size / 4; i++) {
		uint32_t *p = entry_field(f, off + 4 * i);
		if (p)
			*val |= (uint64_t)*p << (32 * i);
	}
	return 0;
}

int pci_pass_msix_write(struct pci_pass_fn *f, uint64_t off, unsigned size, uint64_t val)
{
	if ((size != 4 && size != 8) || off % size)
		return -EINVAL;
	if (off / 16 >= f->msix_nr)
		return 0;
	for (unsigned i = 0; i < size / 4; i++) {
		uint64_t o = off + 4 * i;
		uint32_t v = (uint32_t)(val >> (32 * i));
		*entry_field(f, o) = (o % 16 == 12) ? (v & 1) : v;
	}
	f->ops->msi_changed(f->ctx, f, (int)(off / 16));
	return 0;
}
