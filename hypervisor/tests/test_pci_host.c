/*
 * test_pci_host.c - host unit tests of configuration mechanism #1 and the
 * host bridge (devices/pci_host.c): every CONFIG_ADDRESS field, data-port
 * sizes and offsets, absent functions, Linux's type-1 probe.
 */
#include "hv_test_util.h"
#include "../devices/pci_host.c"

/* A function with 256 bytes of plain storage that logs its last access. */
struct mock_fn {
	uint8_t space[256];
	unsigned calls, last_off, last_size;
};

static uint32_t mock_read(void *dev, unsigned off, unsigned size)
{
	struct mock_fn *m = dev;
	uint32_t v = 0;

	m->calls++;
	m->last_off = off;
	m->last_size = size;
	if (off % size || off + size > 256) {
		unit_failf("function got offset %u size %u", off, size);
		return 0;
	}
	memcpy(&v, &m->space[off], size);
	return v;
}

static void mock_write(void *dev, unsigned off, unsigned size, uint32_t val)
{
	struct mock_fn *m = dev;

	m->calls++;
	m->last_off = off;
	m->last_size = size;
	if (off % size || off + size > 256) {
		unit_failf("function got offset %u size %u", off, size);
		return;
	}
	memcpy(&m->space[off], &val, size);
}

static struct pci_host host;
static struct mock_fn mock;

static void setup(unsigned dev)
{
	struct vdev_pci_fn fn = { mock_read, mock_write, &mock };

	pci_host_init(&host);
	memset(&mock, 0, sizeof(mock));
	for (unsigned i = 0; i < 256; i++)
		mock.space[i] = (uint8_t)(i ^ 0x5a);
	if (dev && pci_host_attach(&host, dev, &fn) != 0)
		unit_failf("attach at %u failed", dev);
}

static uint32_t addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xFC);
}

static uint32_t cfg_read(uint32_t a, unsigned off, unsigned size)
{
	pci_host_out(&host, 0xCF8, 4, a | (off & 0xFC));
	return pci_host_in(&host, (uint16_t)(0xCFC + (off & 3)), size);
}

static void test_address_register(void)
{
	unit_begin("pci_host_address_register");
	setup(0);
	pci_host_out(&host, 0xCF8, 4, 0x12345678);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 4) == (0x12345678u & 0x8FFFFFFCu));
	pci_host_out(&host, 0xCF8, 4, 0xFFFFFFFF);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 4) == 0x8FFFFFFCu);
	/* Narrow accesses and other ports in 0xCF8-0xCFB are not the register. */
	pci_host_out(&host, 0xCF8, 4, 0x80000000);
	pci_host_out(&host, 0xCFB, 1, 0x01);
	pci_host_out(&host, 0xCF8, 2, 0x1234);
	pci_host_out(&host, 0xCF9, 1, 0x06);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 4) == 0x80000000u);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 1) == 0xFFFFFFFFu);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 2) == 0xFFFFFFFFu);
	UNIT_CHECK(pci_host_in(&host, 0xCFA, 2) == 0xFFFFFFFFu);
	/* Bad sizes are refused. */
	pci_host_out(&host, 0xCF8, 3, 0);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 4) == 0x80000000u);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 8) == 0xFFFFFFFFu);
	unit_end();
}

/* arch/x86/pci/direct.c's pci_check_type1() and pci_sanity_check(). */
static void test_linux_type1_probe(void)
{
	bool found = false;

	unit_begin("pci_host_linux_type1_probe");
	setup(3);
	uint32_t saved = pci_host_in(&host, 0xCF8, 4);
	pci_host_out(&host, 0xCFB, 1, 0x01);
	pci_host_out(&host, 0xCF8, 4, 0x80000000);
	UNIT_CHECK(pci_host_in(&host, 0xCF8, 4) == 0x80000000u);
	pci_host_out(&host, 0xCF8, 4, saved);
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t class = cfg_read(addr(0, dev, 0, 0), 0x0A, 2);
		if (class == 0x0600)
			found = true;
	}
	UNIT_CHECK(found);
	unit_end();
}

static void test_bridge_header(void)
{
	uint32_t a = addr(0, 0, 0, 0);

	unit_begin("pci_host_bridge_header");
	setup(0);
	UNIT_CHECK(cfg_read(a, 0x00, 4) == ((uint32_t)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID));
	UNIT_CHECK(cfg_read(a, 0x00, 2) == PCI_HOST_VENDOR_ID);
	UNIT_CHECK(cfg_read(a, 0x02, 2) == PCI_HOST_DEVICE_ID);
	UNIT_CHECK(cfg_read(a, 0x01, 1) == (PCI_HOST_VENDOR_ID >> 8));
	UNIT_CHECK(cfg_read(a, 0x03, 1) == (PCI_HOST_DEVICE_ID >> 8));
	UNIT_CHECK(cfg_read(a, 0x08, 4) == (0x06000000u | PCI_HOST_REVISION));
	UNIT_CHECK(cfg_read(a, 0x0B, 1) == 0x06);
	UNIT_CHECK(cfg_read(a, 0x0A, 1) == 0x00);
	UNIT_CHECK(cfg_read(a, 0x0E, 1) == 0x00);          /* header type 0 */
	UNIT_CHECK(cfg_read(a, 0x06, 2) == 0x0000);        /* no capability list */
	UNIT_CHECK(cfg_read(a, 0x2C, 4) == cfg_read(a, 0x00, 4));
	for (unsigned bar = 0x10; bar < 0x28; bar += 4) {
		pci_host_out(&host, 0xCF8, 4, a | bar);
		pci_host_out(&host, 0xCFC, 4, 0xFFFFFFFF);
		UNIT_CHECK(pci_host_in(&host, 0xCFC, 4) == 0);
	}
	UNIT_CHECK(cfg_read(a, 0x3D, 1) == 0);             /* no interrupt pin */
	/* The command register keeps I/O, memory and bus-master enables. */
	pci_host_out(&host, 0xCF8, 4, a | 0x04);
	pci_host_out(&host, 0xCFC, 2, 0xFFFF);
	UNIT_CHECK(cfg_read(a, 0x04, 4) == 0x0007);
	/* Identification is read-only. */
	pci_host_out(&host, 0xCF8, 4, a);
	pci_host_out(&host, 0xCFC, 4, 0);
	UNIT_CHECK(cfg_read(a, 0x00, 2) == PCI_HOST_VENDOR_ID);
	unit_end();
}

/* Every field of CONFIG_ADDRESS decides who answers. */
static void test_field_decode(void)
{
	unit_begin("pci_host_field_decode");
	setup(5);
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint32_t v = cfg_read(addr(0, dev, fn, 0), 0, 4);
			bool want_present = fn == 0 && (dev == 0 || dev == 5);

			if ((v != 0xFFFFFFFFu) != want_present)
				unit_failf("00:%02x.%u read 0x%08x", dev, fn, v);
		}
	}
	for (unsigned bus = 1; bus < 256; bus++)
		if (cfg_read(addr(bus, 5, 0, 0), 0, 4) != 0xFFFFFFFFu)
			unit_failf("bus %u answered", bus);
	/* Enable bit clear: nothing decodes. */
	mock.calls = 0;
	UNIT_CHECK(cfg_read(addr(0, 5, 0, 0) & ~0x80000000u, 0, 4) == 0xFFFFFFFFu);
	/* AMD extended register bits: register >= 256, nothing there. */
	UNIT_CHECK(cfg_read(addr(0, 5, 0, 0) | 0x01000000u, 0, 4) == 0xFFFFFFFFu);
	UNIT_CHECK(cfg_read(addr(0, 0, 0, 0) | 0x0F000000u, 0, 4) == 0xFFFFFFFFu);
	UNIT_CHECK(mock.calls == 0);
	/* Every register number reaches the function at the right offset. */
	for (unsigned reg = 0; reg < 256; reg += 4) {
		uint32_t want;

		memcpy(&want, &mock.space[reg], 4);
		if (cfg_read(addr(0, 5, 0, 0), reg, 4) != want || mock.last_off != reg)
			unit_failf("register 0x%02x", reg);
	}
	unit_end();
}

static void test_data_sizes_offsets(void)
{
	uint32_t a = addr(0, 7, 0, 0x40);

	unit_begin("pci_host_data_sizes_offsets");
	setup(7);
	pci_host_out(&host, 0xCF8, 4, a);
	for (unsigned lane = 0; lane < 4; lane++) {
		UNIT_CHECK(pci_host_in(&host, (uint16_t)(0xCFC + lane), 1) == mock.space[0x40 + lane]);
		UNIT_CHECK(mock.last_off == 0x40 + lane && mock.last_size == 1);
	}
	UNIT_CHECK(pci_host_in(&host, 0xCFE, 2) == (uint32_t)(mock.space[0x42] | mock.space[0x43] << 8));
	UNIT_CHECK(mock.last_off == 0x42 && mock.last_size == 2);
	/* Unaligned within the dword: split into bytes. */
	mock.calls = 0;
	UNIT_CHECK(pci_host_in(&host, 0xCFD, 2) == (uint32_t)(mock.space[0x41] | mock.space[0x42] << 8));
	UNIT_CHECK(mock.calls == 2);
	/* Lanes past 0xCFF read as 0xFF and are never sent to the function. */
	UNIT_CHECK(pci_host_in(&host, 0xCFF, 2) == (uint32_t)(mock.space[0x43] | 0xFF00));
	UNIT_CHECK(pci_host_in(&host, 0xCFE, 4) ==
		   (uint32_t)(mock.space[0x42] | mock.space[0x43] << 8 | 0xFFFF0000u));
	/* Writes land on the same lanes. */
	pci_host_out(&host, 0xCFD, 1, 0xAB);
	UNIT_CHECK(mock.space[0x41] == 0xAB);
	pci_host_out(&host, 0xCFE, 2, 0xBEEF);
	UNIT_CHECK(mock.space[0x42] == 0xEF && mock.space[0x43] == 0xBE);
	pci_host_out(&host, 0xCFC, 4, 0x01020304);
	UNIT_CHECK(mock.space[0x40] == 4 && mock.space[0x43] == 1);
	pci_host_out(&host, 0xCFF, 4, 0xAAAAAA55);
	UNIT_CHECK(mock.space[0x43] == 0x55 && mock.space[0x40] == 4);
	pci_host_out(&host, 0xCFD, 2, 0x6677);
	UNIT_CHECK(mock.space[0x41] == 0x77 && mock.space[0x42] == 0x66);
	/* Bad sizes do nothing. */
	mock.calls = 0;
	pci_host_out(&host, 0xCFC, 3, 0);
	UNIT_CHECK(pci_host_in(&host, 0xCFC, 0) == 0xFFFFFFFFu);
	UNIT_CHECK(mock.calls == 0);
	unit_end();
}

static void test_absent_writes_ignored(void)
{
	unit_begin("pci_host_absent_writes_ignored");
	setup(9);
	mock.calls = 0;
	for (unsigned dev = 0; dev < 32; dev++) {
		if (dev == 9)
			continue;
		pci_host_out(&host, 0xCF8, 4, addr(0, dev, 0, 0x10));
		pci_host_out(&host, 0xCFC, 4, 0);
	}
	pci_host_out(&host, 0xCF8, 4, addr(0, 9, 1, 0x10));
	pci_host_out(&host, 0xCFC, 4, 0);
	pci_host_out(&host, 0xCF8, 4, addr(1, 9, 0, 0x10));
	pci_host_out(&host, 0xCFC, 4, 0);
	pci_host_out(&host, 0xCF8, 4, addr(0, 9, 0, 0x10) & ~0x80000000u);
	pci_host_out(&host, 0xCFC, 4, 0);
	UNIT_CHECK(mock.calls == 0);
	UNIT_CHECK(mock.space[0x10] == (0x10 ^ 0x5a));
	unit_end();
}

static void test_attach_errors(void)
{
	struct vdev_pci_fn fn = { mock_read, mock_write, &mock };
	struct vdev_pci_fn bad = { NULL, mock_write, &mock };

	unit_begin("pci_host_attach_errors");
	setup(0);
	UNIT_CHECK(pci_host_attach(&host, 0, &fn) == -EINVAL);
	UNIT_CHECK(pci_host_attach(&host, 32, &fn) == -EINVAL);
	UNIT_CHECK(pci_host_attach(&host, 1, &bad) == -EINVAL);
	UNIT_CHECK(pci_host_attach(&host, 1, NULL) == -EINVAL);
	UNIT_CHECK(pci_host_attach(&host, 31, &fn) == 0);
	UNIT_CHECK(pci_host_attach(&host, 31, &fn) == -EBUSY);
	struct vdev_pio p = pci_host_pio(&host);
	UNIT_CHECK(p.base == 0xCF8 && p.count == 8 && p.dev == &host);
	unit_end();
}

/* Random addresses against an independent decoder. */
static void test_random_decode(void)
{
	uint64_t seed = 0x6d75787669736f72ull;

	unit_begin("pci_host_random_decode");
	setup(12);
	for (int i = 0; i < 20000; i++) {
		uint32_t a = (uint32_t)test_rand(&seed);
		unsigned port = 0xCFC + (unsigned)test_rand_below(&seed, 4);
		bool hit = (a & 0x80000000u) && !(a & 0x0F000000u) && !(a & 0x00FF0700u) &&
			   ((a >> 11 & 31) == 12 || (a >> 11 & 31) == 0);
		uint32_t v;

		pci_host_out(&host, 0xCF8, 4, a);
		v = pci_host_in(&host, (uint16_t)port, 1);
		if (!hit && v != 0xFFFFFFFFu)
			unit_failf("seed step %d: 0x%08x answered 0x%x", i, a, v);
		if (hit && (a >> 11 & 31) == 12 && v != mock.space[(a & 0xFC) + port - 0xCFC])
			unit_failf("seed step %d: 0x%08x read 0x%x", i, a, v);
	}
	unit_end();
}

int main(void)
{
	test_address_register();
	test_linux_type1_probe();
	test_bridge_header();
	test_field_decode();
	test_data_sizes_offsets();
	test_absent_writes_ignored();
	test_attach_errors();
	test_random_decode();
	return unit_exit_code();
}
