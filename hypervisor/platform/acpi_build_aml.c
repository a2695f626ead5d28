/*
 * acpi_build_aml.c - the guest's DSDT, assembled by hand into AML.
 *
 * Encoding (ACPI 6.5, chapter 20). Each construct has one small emitter:
 * names (20.2.2), integers and strings (20.2.3), package lengths (20.2.4),
 * Scope/Device/Name/Package/Buffer (20.2.5). A PkgLength precedes a body
 * whose size is not known yet, so aml_pkg_begin() reserves the longest
 * encoding (4 bytes) and aml_pkg_end() writes the real one and moves the
 * body down over the unused bytes. Nested blocks close innermost first, so
 * an outer block's saved offset is never moved. In counting mode or after
 * an overflow only the offsets are adjusted, so sizes stay exact.
 *
 * Resource templates (6.4) are Buffers of resource descriptors ended by an
 * End Tag. Their BufferSize is emitted as a WordConst and filled in when
 * the template ends (any integer encoding is valid AML, 20.2.5.4).
 *
 * The namespace:
 *   \_SB_.PCI0  PCI host bridge (6.1.5 _HID, 6.2.2 _CRS): PNP0A03, or
 *               PNP0A08 with _CID PNP0A03 when it has ECAM. _CRS: its bus
 *               range, the consumed config ports 0xCF8-0xCFF (Linux drops
 *               them from the windows), I/O windows 0x0000-0x0CF7 and
 *               0x0D00-0xFFFF, the 32-bit and optional 64-bit MMIO windows.
 *   \_SB_.COM1  the 16550 (PNP0501). Linux finds COM1 without ACPI too, but
 *               with IRQ 4, which does not exist on a hardware-reduced
 *               platform (no 8259; an I/O APIC's pins have no fixed Linux
 *               IRQ numbers then). The ACPI device replaces the legacy
 *               port's resources: its interrupt when there is an I/O APIC,
 *               none (polled) otherwise.
 *   \_SB_.MBRD  motherboard resources (PNP0C02): the power-management
 *               ports and the ECAM window, so Linux reserves them.
 *   \_SB_.Cnnn  one processor device (ACPI0007) per vCPU, _UID = the
 *               MADT UID, as 5.2.12.12 requires for x2APIC processors.
 *   \_S5_       Package {SLP_TYP, SLP_TYP, 0, 0} (7.4.2.5, 16.1.6).
 */
#include "hv/acpi_build.h"
#include "hv/lib.h"
#include "hv/errno.h"

/* AML opcodes and prefixes (20.2). */
#define AML_ZERO_OP          0x00
#define AML_ONE_OP           0x01
#define AML_NAME_OP          0x08
#define AML_BYTE_PREFIX      0x0A
#define AML_WORD_PREFIX      0x0B
#define AML_DWORD_PREFIX     0x0C
#define AML_STRING_PREFIX    0x0D
#define AML_QWORD_PREFIX     0x0E
#define AML_SCOPE_OP         0x10
#define AML_BUFFER_OP        0x11
#define AML_PACKAGE_OP       0x12
#define AML_DUAL_NAME_PREFIX 0x2E
#define AML_MULTI_NAME_PREFIX 0x2F
#define AML_EXT_OP_PREFIX    0x5B
#define AML_DEVICE_OP        0x82   /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR        '\\'

#define PKGLEN_MAX_BYTES     4

/* ---- package lengths (20.2.4) ---- */

/*
 * Encodes a PkgLength for a body of body bytes into enc. The value counts
 * the PkgLength bytes too. One byte holds 6 bits; otherwise bits 7:6 of
 * the lead byte give the number of following bytes, its bits 3:0 the low
 * nibble, and each following byte 8 more bits. Returns the encoding's
 * size, or 0 if the length does not fit in 28 bits.
 */
static size_t pkglen_encode(size_t body, uint8_t enc[PKGLEN_MAX_BYTES])
{
	if (body + 1 < 0x40) {
		enc[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (size_t n = 2; n <= PKGLEN_MAX_BYTES; n++) {
		size_t total = body + n;

		if (total >= ((size_t)1 << (4 + 8 * (n - 1))))
			continue;
		enc[0] = (uint8_t)(((n - 1) << 6) | (total & 0x0F));
		for (size_t i = 1; i < n; i++)
			enc[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
		return n;
	}
	return 0;
}

static size_t aml_pkg_begin(struct acpi_build_out *o)
{
	static const uint8_t reserve[PKGLEN_MAX_BYTES];
	size_t start = o->pos;

	acpi_build_put(o, reserve, sizeof(reserve));
	return start;
}

static void aml_pkg_end(struct acpi_build_out *o, size_t start)
{
	size_t body = o->pos - start - PKGLEN_MAX_BYTES;
	uint8_t enc[PKGLEN_MAX_BYTES];
	size_t n = pkglen_encode(body, enc);
	uint8_t *p = acpi_build_at(o, start, PKGLEN_MAX_BYTES + body);

	if (n == 0) {
		acpi_build_fail(o, -EINVAL);
		return;
	}
	if (p) {
		memcpy(p, enc, n);
		memmove(p + n, p + PKGLEN_MAX_BYTES, body);
	}
	o->pos -= PKGLEN_MAX_BYTES - n;
}

/* ---- names, integers, strings (20.2.2, 20.2.3) ---- */

static bool name_char_ok(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* Emits one NameSeg from s (1-4 characters, padded with '_'); returns
 * the characters used, or 0 if s does not start with a valid segment. */
static size_t aml_name_seg(struct acpi_build_out *o, const char *s)
{
	char seg[4] = { '_', '_', '_', '_' };
	size_t n = 0;

	while (s[n] && s[n] != '.' && n < 4) {
		if (!name_char_ok(s[n], n == 0))
			return 0;
		seg[n] = s[n];
		n++;
	}
	if (n == 0 || (s[n] && s[n] != '.'))
		return 0;
	acpi_build_put(o, seg, sizeof(seg));
	return n;
}

/* Emits a NameString: "\\_SB_.PCI0", "PCI0", "_HID"; at most 255 segments. */
static void aml_name(struct acpi_build_out *o, const char *path)
{
	size_t segs = 1;

	if (*path == AML_ROOT_CHAR)
		acpi_build_put_u8(o, (uint8_t)*path++);
	for (const char *p = path; *p; p++)
		segs += *p == '.';
	if (segs > 255) {
		acpi_build_fail(o, -EINVAL);
		return;
	}
	if (segs == 2)
		acpi_build_put_u8(o, AML_DUAL_NAME_PREFIX);
	if (segs > 2) {
		acpi_build_put_u8(o, AML_MULTI_NAME_PREFIX);
		acpi_build_put_u8(o, (uint8_t)segs);
	}
	for (size_t i = 0; i < segs; i++) {
		size_t used = aml_name_seg(o, path);

		if (used == 0) {
			acpi_build_fail(o, -EINVAL);
			return;
		}
		path += used + (path[used] == '.');
	}
}

/* Emits the shortest integer encoding of v (ZeroOp, OneOp, Byte..QWord). */
static void aml_integer(struct acpi_build_out *o, uint64_t v)
{
	if (v == 0 || v == 1) {
		acpi_build_put_u8(o, v ? AML_ONE_OP : AML_ZERO_OP);
	} else if (v <= 0xFF) {
		acpi_build_put_u8(o, AML_BYTE_PREFIX);
		acpi_build_put_u8(o, (uint8_t)v);
	} else if (v <= 0xFFFF) {
		acpi_build_put_u8(o, AML_WORD_PREFIX);
		acpi_build_put_u16(o, (uint16_t)v);
	} else if (v <= 0xFFFFFFFFu) {
		acpi_build_put_u8(o, AML_DWORD_PREFIX);
		acpi_build_put_u32(o, (uint32_t)v);
	} else {
		acpi_build_put_u8(o, AML_QWORD_PREFIX);
		acpi_build_put_u64(o, v);
	}
}

static void aml_string(struct acpi_build_out *o, const char *s)
{
	acpi_build_put_u8(o, AML_STRING_PREFIX);
	acpi_build_put(o, s, strlen(s) + 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Emits a compressed EISA ID ("PNP0A03") as a DWordConst, the value the
 * ASL EISAID() macro produces (19.6.35): three letters of 5 bits each
 * ('A' = 1) then four hex digits, stored most significant byte first.
 */
static void aml_eisaid(struct acpi_build_out *o, const char *id)
{
	uint32_t v = 0;

	if (strnlen(id, 8) != 7) {
		acpi_build_fail(o, -EINVAL);
		return;
	}
	for (int i = 0; i < 7; i++) {
		int d = i < 3 ? (id[i] >= 'A' && id[i] <= 'Z' ? id[i] - '@' : -1)
			      : hex_digit(id[i]);
		if (d < 0) {
			acpi_build_fail(o, -EINVAL);
			return;
		}
		v = (v << (i < 3 ? 5 : 4)) | (uint32_t)d;
	}
	uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	acpi_build_put_u8(o, AML_DWORD_PREFIX);
	acpi_build_put(o, be, sizeof(be));
}

/* ---- Name, Scope, Device, Package (20.2.5) ---- */

static void aml_name_integer(struct acpi_build_out *o, const char *name, uint64_t v)
{
	acpi_build_put_u8(o, AML_NAME_OP);
	aml_name(o, name);
	aml_integer(o, v);
}

static void aml_name_eisaid(struct acpi_build_out *o, const char *name, const char *id)
{
	acpi_build_put_u8(o, AML_NAME_OP);
	aml_name(o, name);
	aml_eisaid(o, id);
}

static void aml_name_string(struct acpi_build_out *o, const char *name, const char *s)
{
	acpi_build_put_u8(o, AML_NAME_OP);
	aml_name(o, name);
	aml_string(o, s);
}

/* Scope(path) { ... }: returns the offset to pass to aml_block_end(). */
static size_t aml_scope_begin(struct acpi_build_out *o, const char *path)
{
	acpi_build_put_u8(o, AML_SCOPE_OP);
	size_t start = aml_pkg_begin(o);
	aml_name(o, path);
	return start;
}

/* Device(name) { ... } */
static size_t aml_device_begin(struct acpi_build_out *o, const char *name)
{
	acpi_build_put_u8(o, AML_EXT_OP_PREFIX);
	acpi_build_put_u8(o, AML_DEVICE_OP);
	size_t start = aml_pkg_begin(o);
	aml_name(o, name);
	return start;
}

static void aml_block_end(struct acpi_build_out *o, size_t start)
{
	aml_pkg_end(o, start);
}

/* Name(name, Package(n) { v[0], ... }) of integers. */
static void aml_name_package(struct acpi_build_out *o, const char *name,
			     const uint64_t *v, uint8_t n)
{
	acpi_build_put_u8(o, AML_NAME_OP);
	aml_name(o, name);
	acpi_build_put_u8(o, AML_PACKAGE_OP);
	size_t start = aml_pkg_begin(o);
	acpi_build_put_u8(o, n);                /* NumElements */
	for (uint8_t i = 0; i < n; i++)
		aml_integer(o, v[i]);
	aml_pkg_end(o, start);
}

/* ---- resource templates (6.4) ---- */

struct aml_buffer {
	size_t pkg;          /* PkgLength offset */
	size_t size_at;      /* offset of the WordConst's value */
	size_t data;         /* first byte of the buffer's contents */
};

/* Name(name, ResourceTemplate() { ... }): Name, Buffer, WordConst size. */
static struct aml_buffer aml_template_begin(struct acpi_build_out *o, const char *name)
{
	struct aml_buffer b;

	acpi_build_put_u8(o, AML_NAME_OP);
	aml_name(o, name);
	acpi_build_put_u8(o, AML_BUFFER_OP);
	b.pkg = aml_pkg_begin(o);
	acpi_build_put_u8(o, AML_WORD_PREFIX);
	b.size_at = o->pos;
	acpi_build_put_u16(o, 0);
	b.data = o->pos;
	return b;
}

/* End Tag (6.4.2.9), checksum 0 meaning "not checked", then the size. */
static void aml_template_end(struct acpi_build_out *o, struct aml_buffer b)
{
	acpi_build_put_u8(o, 0x79);
	acpi_build_put_u8(o, 0);
	size_t size = o->pos - b.data;
	uint8_t *p = acpi_build_at(o, b.size_at, 2);

	if (size > 0xFFFF)
		acpi_build_fail(o, -EINVAL);
	if (p) {
		p[0] = (uint8_t)size;
		p[1] = (uint8_t)(size >> 8);
	}
	aml_pkg_end(o, b.pkg);
}

/* I/O Port Descriptor (6.4.2.5): fixed base, 16-bit decode. */
struct rd_io {
	uint8_t tag;                     /* 0x47 */
	uint8_t info;                    /* bit 0: decodes 16 address bits */
	uint16_t min, max;
	uint8_t align, length;
} __attribute__((packed));
_Static_assert(sizeof(struct rd_io) == 8, "I/O port descriptor is 8 bytes");

static void rd_io(struct acpi_build_out *o, uint16_t base, uint8_t len)
{
	struct rd_io d = { .tag = 0x47, .info = 1, .min = base, .max = base,
			   .align = 1, .length = len };
	acpi_build_put(o, &d, sizeof(d));
}

/* Address space descriptors (6.4.3.5): the common flags. */
#define RD_TYPE_MEMORY      0
#define RD_TYPE_IO          1
#define RD_TYPE_BUS         2
#define RD_GEN_CONSUMER     (1u << 0)   /* clear: ResourceProducer */
#define RD_GEN_MIN_FIXED    (1u << 2)
#define RD_GEN_MAX_FIXED    (1u << 3)
#define RD_IO_ENTIRE_RANGE  3           /* _RNG: ISA and non-ISA ranges */
#define RD_MEM_READ_WRITE   1           /* _RW; _MEM 0: non-cacheable */

/* Word Address Space Descriptor (6.4.3.5.3). */
struct rd_word {
	uint8_t tag;                     /* 0x88 */
	uint16_t length;                 /* 13 */
	uint8_t type, gen_flags, type_flags;
	uint16_t granularity, min, max, translation, range_len;
} __attribute__((packed));
_Static_assert(sizeof(struct rd_word) == 16, "Word address descriptor is 16 bytes");

static void rd_word(struct acpi_build_out *o, uint8_t type, uint8_t type_flags,
		    uint16_t min, uint16_t max)
{
	struct rd_word d = {
		.tag = 0x88, .length = sizeof(d) - 3, .type = type,
		.gen_flags = RD_GEN_MIN_FIXED | RD_GEN_MAX_FIXED, .type_flags = type_flags,
		.min = min, .max = max, .range_len = (uint16_t)(max - min + 1),
	};
	acpi_build_put(o, &d, sizeof(d));
}

/* DWord Address Space Descriptor (6.4.3.5.2), memory. */
struct rd_dword {
	uint8_t tag;                     /* 0x87 */
	uint16_t length;                 /* 23 */
	uint8_t type, gen_flags, type_flags;
	uint32_t granularity, min, max, translation, range_len;
} __attribute__((packed));
_Static_assert(sizeof(struct rd_dword) == 26, "DWord address descriptor is 26 bytes");

static void rd_dword_memory(struct acpi_build_out *o, uint32_t base, uint32_t size)
{
	struct rd_dword d = {
		.tag = 0x87, .length = sizeof(d) - 3, .type = RD_TYPE_MEMORY,
		.gen_flags = RD_GEN_MIN_FIXED | RD_GEN_MAX_FIXED,
		.type_flags = RD_MEM_READ_WRITE,
		.min = base, .max = base + size - 1, .range_len = size,
	};
	acpi_build_put(o, &d, sizeof(d));
}

/* QWord Address Space Descriptor (6.4.3.5.1), memory. */
struct rd_qword {
	uint8_t tag;                     /* 0x8A */
	uint16_t length;                 /* 43 */
	uint8_t type, gen_flags, type_flags;
	uint64_t granularity, min, max, translation, range_len;
} __attribute__((packed));
_Static_assert(sizeof(struct rd_qword) == 46, "QWord address descriptor is 46 bytes");

static void rd_qword_memory(struct acpi_build_out *o, bool consumer, uint64_t base,
			    uint64_t size)
{
	struct rd_qword d = {
		.tag = 0x8A, .length = sizeof(d) - 3, .type = RD_TYPE_MEMORY,
		.gen_flags = RD_GEN_MIN_FIXED | RD_GEN_MAX_FIXED |
			     (consumer ? RD_GEN_CONSUMER : 0),
		.type_flags = RD_MEM_READ_WRITE,
		.min = base, .max = base + size - 1, .range_len = size,
	};
	acpi_build_put(o, &d, sizeof(d));
}

/* Extended Interrupt Descriptor (6.4.3.6): one edge, active-high,
 * exclusive interrupt consumed by the device. */
struct rd_ext_irq {
	uint8_t tag;                     /* 0x89 */
	uint16_t length;                 /* 6 */
	uint8_t flags;                   /* bit 0 consumer, bit 1 edge */
	uint8_t count;
	uint32_t gsi;
} __attribute__((packed));
_Static_assert(sizeof(struct rd_ext_irq) == 9, "Extended interrupt descriptor is 9 bytes");

static void rd_ext_irq(struct acpi_build_out *o, uint32_t gsi)
{
	struct rd_ext_irq d = { .tag = 0x89, .length = sizeof(d) - 3, .flags = 0x03,
				.count = 1, .gsi = gsi };
	acpi_build_put(o, &d, sizeof(d));
}

/* ---- the devices ---- */

static void dsdt_pci_root(struct acpi_build_out *o, const struct acpi_build_pci *pci)
{
	size_t dev = aml_device_begin(o, "PCI0");

	aml_name_eisaid(o, "_HID", pci->ecam_base ? "PNP0A08" : "PNP0A03");
	if (pci->ecam_base)
		aml_name_eisaid(o, "_CID", "PNP0A03");
	aml_name_integer(o, "_UID", 0);
	aml_name_integer(o, "_BBN", pci->bus_start);

	struct aml_buffer crs = aml_template_begin(o, "_CRS");
	rd_word(o, RD_TYPE_BUS, 0, pci->bus_start, pci->bus_end);
	rd_io(o, 0x0CF8, 8);
	rd_word(o, RD_TYPE_IO, RD_IO_ENTIRE_RANGE, 0x0000, 0x0CF7);
	rd_word(o, RD_TYPE_IO, RD_IO_ENTIRE_RANGE, 0x0D00, 0xFFFF);
	if (pci->mmio32_size)
		rd_dword_memory(o, pci->mmio32_base, pci->mmio32_size);
	if (pci->mmio64_size)
		rd_qword_memory(o, false, pci->mmio64_base, pci->mmio64_size);
	aml_template_end(o, crs);
	aml_block_end(o, dev);
}

static void dsdt_uart(struct acpi_build_out *o, const struct acpi_build_config *cfg)
{
	size_t dev = aml_device_begin(o, "COM1");

	aml_name_eisaid(o, "_HID", "PNP0501");
	aml_name_integer(o, "_UID", 0);
	struct aml_buffer crs = aml_template_begin(o, "_CRS");
	rd_io(o, cfg->uart.port, 8);
	if (cfg->ioapic.present)
		rd_ext_irq(o, cfg->uart.gsi);
	aml_template_end(o, crs);
	aml_block_end(o, dev);
}

static void dsdt_motherboard(struct acpi_build_out *o, const struct acpi_build_config *cfg)
{
	const struct acpi_build_pci *pci = &cfg->pci;
	size_t dev = aml_device_begin(o, "MBRD");

	aml_name_eisaid(o, "_HID", "PNP0C02");
	aml_name_integer(o, "_UID", 0);
	struct aml_buffer crs = aml_template_begin(o, "_CRS");
	rd_io(o, cfg->sleep_ctl_port, 1);
	rd_io(o, cfg->sleep_sts_port, 1);
	rd_io(o, cfg->reset_port, 1);
	if (pci->present && pci->ecam_base)
		rd_qword_memory(o, true, pci->ecam_base + MiB(pci->bus_start),
				MiB((uint64_t)pci->bus_end - pci->bus_start + 1));
	aml_template_end(o, crs);
	aml_block_end(o, dev);
}

static void dsdt_cpu(struct acpi_build_out *o, uint32_t index)
{
	static const char hex[] = "0123456789ABCDEF";
	char name[5] = { 'C', hex[(index >> 8) & 0xF], hex[(index >> 4) & 0xF],
			 hex[index & 0xF], '\0' };
	size_t dev = aml_device_begin(o, name);

	aml_name_string(o, "_HID", "ACPI0007");
	aml_name_integer(o, "_UID", index);
	aml_block_end(o, dev);
}

void acpi_build_dsdt(struct acpi_build_out *o)
{
	const struct acpi_build_config *cfg = o->cfg;
	const uint64_t s5[4] = { ACPI_BUILD_SLP_TYP_S5, ACPI_BUILD_SLP_TYP_S5, 0, 0 };
	size_t sb = aml_scope_begin(o, "\\_SB_");

	if (cfg->pci.present)
		dsdt_pci_root(o, &cfg->pci);
	if (cfg->uart.present)
		dsdt_uart(o, cfg);
	dsdt_motherboard(o, cfg);
	for (uint32_t i = 0; i < cfg->nr_vcpus; i++)
		dsdt_cpu(o, i);
	aml_block_end(o, sb);
	aml_name_package(o, "\\_S5_", s5, 4);
}
