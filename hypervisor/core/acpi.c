/*
 * acpi.c - reading the host's ACPI tables (see hv/acpi.h).
 *
 * Every table comes from firmware, so nothing is trusted: a header is read
 * (36 bytes) before the length it declares, the length is bounded, the
 * whole table is checksummed, and every MADT entry is checked against the
 * end of its table before it is read. Multi-byte fields are read with
 * memcpy: tables need not be aligned.
 */
#include "hv/acpi.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define HDR_LEN        36
#define TABLE_MAX_LEN  (1u << 20)   /* no table we parse is near 1 MiB */

/* ACPI 6.4, 5.2.12: MADT interrupt controller structure types. */
#define MADT_LAPIC            0
#define MADT_IOAPIC           1
#define MADT_IRQ_OVERRIDE     2
#define MADT_LAPIC_OVERRIDE   5
#define MADT_X2APIC           9
#define MADT_ENABLED          (1u << 0)

#define FADT_DSDT             40
#define FADT_PM1A_CNT_BLK     64
#define FADT_PM1B_CNT_BLK     68
#define FADT_PM_TMR_BLK       76
#define FADT_RESET_REG        116
#define FADT_RESET_VALUE      128
#define FADT_X_DSDT           140
#define FADT_RESET_REG_SUP    (1u << 10)
#define FADT_FLAGS            112
#define FADT_X_PM_TMR_BLK     208
#define FADT_TMR_VAL_EXT      (1u << 8)
#define GAS_SPACE_IO          1

struct parser {
	acpi_map_fn map;
	void *ctx;
	struct acpi_info *out;
	const char *why;
};

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

uint32_t acpi_isa_irq_gsi(const struct acpi_info *info, uint8_t irq)
{
	for (unsigned i = 0; i < info->nr_overrides; i++)
		if (info->overrides[i].irq == irq)
			return info->overrides[i].gsi;
	return irq;
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/*
 * Maps the table at pa after checking its header: the signature (if sig is
 * not NULL), a sane length, the checksum. Returns it with *len set, or NULL.
 */
static const uint8_t *map_table(struct parser *ps, uint64_t pa, const char *sig,
				uint32_t *len)
{
	const uint8_t *hdr = ps->map(pa, HDR_LEN, ps->ctx);

	if (!hdr)
		return NULL;
	if (sig && memcmp(hdr, sig, 4) != 0)
		return NULL;
	uint32_t n = rd32(hdr + 4);
	if (n < HDR_LEN || n > TABLE_MAX_LEN)
		return NULL;
	const uint8_t *t = ps->map(pa, n, ps->ctx);
	if (!t || acpi_checksum(t, n) != 0)
		return NULL;
	*len = n;
	return t;
}

static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & MADT_ENABLED)) {
		out->nr_cpus_disabled++;
		return;
	}
	/* Firmware may list a CPU as both an xAPIC and an x2APIC entry. */
	for (unsigned i = 0; i < out->nr_cpus; i++)
		if (out->cpus[i].apic_id == apic_id)
			return;
	if (out->nr_cpus == ACPI_MAX_CPUS)
		return;
	out->cpus[out->nr_cpus++] = (struct acpi_cpu){ apic_id, uid, true };
}

static void parse_madt_entry(struct acpi_info *out, const uint8_t *e, uint8_t type,
			     uint8_t len)
{
	switch (type) {
	case MADT_LAPIC:
		if (len >= 8)
			add_cpu(out, e[3], e[2], rd32(e + 4));
		break;
	case MADT_X2APIC:
		if (len >= 16)
			add_cpu(out, rd32(e + 4), rd32(e + 12), rd32(e + 8));
		break;
	case MADT_IOAPIC:
		if (len >= 12 && out->nr_ioapics < ACPI_MAX_IOAPICS)
			out->ioapics[out->nr_ioapics++] = (struct acpi_ioapic){
				e[2], rd32(e + 4), rd32(e + 8) };
		break;
	case MADT_IRQ_OVERRIDE:
		if (len >= 10 && e[2] == 0 && out->nr_overrides < ACPI_MAX_OVERRIDES)
			out->overrides[out->nr_overrides++] = (struct acpi_irq_override){
				e[3], rd32(e + 4), rd16(e + 8) };
		break;
	case MADT_LAPIC_OVERRIDE:
		if (len >= 12)
			out->lapic_address = rd64(e + 4);
		break;
	default:
		break;
	}
}

static int parse_madt(struct parser *ps, const uint8_t *t, uint32_t len)
{
	if (len < HDR_LEN + 8) {
		ps->why = "MADT too short";
		return -EINVAL;
	}
	ps->out->lapic_address = rd32(t + HDR_LEN);
	ps->out->pcat_compat = rd32(t + HDR_LEN + 4) & 1;
	for (uint32_t off = HDR_LEN + 8; off + 2 <= len;) {
		uint8_t type = t[off], elen = t[off + 1];
		if (elen < 2 || elen > len - off) {
			ps->why = "MADT entry runs past the table";
			return -EINVAL;
		}
		parse_madt_entry(ps->out, t + off, type, elen);
		off += elen;
	}
	return 0;
}

/* An I/O port from a 32-bit FADT block field, or 0. */
static uint16_t io_block(const uint8_t *t, uint32_t len, uint32_t off)
{
	uint32_t port = len >= off + 4 ? rd32(t + off) : 0;

	return port <= 0xffff ? (uint16_t)port : 0;
}

static void parse_fadt(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	out->has_fadt = true;
	if (len >= FADT_FLAGS + 4)
		out->fadt_flags = rd32(t + FADT_FLAGS);
	if (len >= FADT_PM_TMR_BLK + 4)
		out->pm_timer_port = rd32(t + FADT_PM_TMR_BLK);
	/* The 64-bit generic address wins when it names an I/O port. */
	if (len >= FADT_X_PM_TMR_BLK + 12 && t[FADT_X_PM_TMR_BLK] == GAS_SPACE_IO) {
		uint64_t port = rd64(t + FADT_X_PM_TMR_BLK + 4);
		if (port && port <= 0xffff)
			out->pm_timer_port = (uint32_t)port;
	}
	if (out->pm_timer_port > 0xffff)
		out->pm_timer_port = 0;
	out->pm_timer_32bit = (out->fadt_flags & FADT_TMR_VAL_EXT) != 0;
	/* Power-off and reset (ACPI 6.4, 4.8.3.2 and 4.8.3.6). */
	out->pm1a_cnt_port = io_block(t, len, FADT_PM1A_CNT_BLK);
	out->pm1b_cnt_port = io_block(t, len, FADT_PM1B_CNT_BLK);
	if ((out->fadt_flags & FADT_RESET_REG_SUP) && len >= FADT_RESET_VALUE + 1 &&
	    t[FADT_RESET_REG] == GAS_SPACE_IO && rd64(t + FADT_RESET_REG + 4) <= 0xffff) {
		out->reset_port = (uint16_t)rd64(t + FADT_RESET_REG + 4);
		out->reset_value = t[FADT_RESET_VALUE];
	}
	if (len >= FADT_DSDT + 4)
		out->dsdt_address = rd32(t + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8 && rd64(t + FADT_X_DSDT))
		out->dsdt_address = rd64(t + FADT_X_DSDT);
}

/* An AML integer constant at p (ZeroOp, OneOp, BytePrefix, WordPrefix). */
static int aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *val)
{
	if (p >= end)
		return -EINVAL;
	if (p[0] == 0x00 || p[0] == 0x01) {
		*val = p[0];
		return 0;
	}
	if ((p[0] == 0x0a || p[0] == 0x0b) && p + 1 < end) {
		*val = p[1];
		return 0;
	}
	return -EINVAL;
}

int acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	const uint8_t *end = dsdt + len;

	for (size_t i = HDR_LEN + 1; i + 4 < len; i++) {
		const uint8_t *p = dsdt + i;
		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		/* NameOp, optionally with the root prefix, then PackageOp. */
		if (!(p[-1] == 0x08 || (p[-1] == 0x5c && i >= 2 && p[-2] == 0x08)))
			continue;
		p += 4;
		if (p >= end || *p++ != 0x12)
			continue;
		if (p >= end)
			break;
		p += 1 + (*p >> 6);             /* PkgLength: lead byte + 0..3 */
		p += 1;                         /* NumElements */
		if (aml_small_int(p, end, slp_typ_a))
			continue;
		p += *p <= 1 ? 1 : *p == 0x0a ? 2 : 3;
		if (aml_small_int(p, end, slp_typ_b))
			*slp_typ_b = 0;
		return 0;
	}
	return -ENOENT;
}

static void parse_hpet(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	if (len < 56)
		return;
	out->has_hpet = true;
	out->hpet_address = rd64(t + 44);
}

static void parse_mcfg(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	for (uint32_t off = HDR_LEN + 8; off + 16 <= len; off += 16) {
		if (rd16(t + off + 8) != 0)
			continue;                /* only PCI segment 0 */
		out->has_mcfg = true;
		out->mcfg_base = rd64(t + off);
		out->mcfg_bus_start = t[off + 10];
		out->mcfg_bus_end = t[off + 11];
		return;
	}
}

/* Looks at one table listed in the XSDT/RSDT; unknown ones are skipped. */
static int parse_listed(struct parser *ps, uint64_t pa, bool *have_madt)
{
	const uint8_t *hdr = ps->map(pa, HDR_LEN, ps->ctx);
	uint32_t len;
	const uint8_t *t;
	char sig[4];

	if (!hdr)
		return 0;
	/* A copy: hdr is stale once map_table() has mapped again. */
	memcpy(sig, hdr, 4);
	if (memcmp(sig, "APIC", 4) == 0) {
		t = map_table(ps, pa, "APIC", &len);
		if (!t)
			return 0;        /* a broken MADT counts as none */
		int err = parse_madt(ps, t, len);
		if (err)
			return err;
		*have_madt = true;
	} else if (memcmp(sig, "FACP", 4) == 0 && (t = map_table(ps, pa, "FACP", &len))) {
		parse_fadt(ps->out, t, len);
		if (ps->out->dsdt_address &&
		    (t = map_table(ps, ps->out->dsdt_address, "DSDT", &len)))
			ps->out->has_s5 = acpi_find_s5(t, len, &ps->out->s5_slp_typ_a,
						       &ps->out->s5_slp_typ_b) == 0;
	} else if (memcmp(sig, "HPET", 4) == 0 && (t = map_table(ps, pa, "HPET", &len))) {
		parse_hpet(ps->out, t, len);
	} else if (memcmp(sig, "MCFG", 4) == 0 && (t = map_table(ps, pa, "MCFG", &len))) {
		parse_mcfg(ps->out, t, len);
	}
	return 0;
}

/* Finds the root table: the XSDT (ACPI 2.0+) if intact, else the RSDT. */
static const uint8_t *find_root(struct parser *ps, const uint8_t *rsdp, size_t rsdp_len,
				uint32_t *len, unsigned *entry_size)
{
	const uint8_t *t = NULL;

	if (rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8) != 0 ||
	    acpi_checksum(rsdp, 20) != 0) {
		ps->why = "bad RSDP";
		return NULL;
	}
	ps->out->revision = rsdp[15];
	if (rsdp[15] >= 2 && rsdp_len >= 36 && rd32(rsdp + 20) == 36 &&
	    acpi_checksum(rsdp, 36) == 0 && rd64(rsdp + 24)) {
		t = map_table(ps, rd64(rsdp + 24), "XSDT", len);
		*entry_size = 8;
	}
	if (!t) {
		t = map_table(ps, rd32(rsdp + 16), "RSDT", len);
		*entry_size = 4;
	}
	if (!t)
		ps->why = "no intact XSDT or RSDT";
	return t;
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out, const char **why)
{
	struct parser ps = { .map = map, .ctx = ctx, .out = out, .why = NULL };
	uint32_t len;
	unsigned entry_size;
	bool have_madt = false;
	int err = -EINVAL;

	memset(out, 0, sizeof(*out));
	const uint8_t *root = find_root(&ps, rsdp, rsdp_len, &len, &entry_size);
	if (!root)
		goto out;
	/* Copy the entries first: map() may reuse its window for the next table. */
	uint64_t entries[64];
	unsigned n = (len - HDR_LEN) / entry_size;
	if (n > ARRAY_SIZE(entries))
		n = ARRAY_SIZE(entries);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = root + HDR_LEN + i * entry_size;
		entries[i] = entry_size == 8 ? rd64(e) : rd32(e);
	}
	out->nr_tables = n;
	for (unsigned i = 0; i < n; i++) {
		err = parse_listed(&ps, entries[i], &have_madt);
		if (err)
			goto out;
	}
	err = 0;
	if (!have_madt) {
		ps.why = "no intact MADT";
		err = -EINVAL;
	} else if (out->nr_cpus == 0) {
		ps.why = "MADT lists no enabled CPU";
		err = -EINVAL;
	}
out:
	if (err)
		memset(out, 0, sizeof(*out));
	if (why)
		*why = ps.why;
	return err;
}
