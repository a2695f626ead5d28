/*
 * acpi_build_out.c - the byte sink the ACPI builder writes through, and the
 * system description table header every table shares (ACPI 6.5, 5.2.6).
 *
 * The sink never writes outside [buf, buf + cap). Past the end it records
 * -ENOSPC and only counts, so a failed build still reports the size it
 * needed; with buf == NULL it only counts. Table headers are written when a
 * table ends, once its length is known, and the checksum last.
 */
#include "hv/acpi_build.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define CREATOR_ID        "MUXV"
#define CREATOR_REVISION  1

_Static_assert(sizeof(struct acpi_build_sdt_header) == 36, "SDT header is 36 bytes");
_Static_assert(offsetof(struct acpi_build_sdt_header, checksum) == 9, "SDT Checksum");
_Static_assert(offsetof(struct acpi_build_sdt_header, creator_id) == 28, "SDT Creator ID");

/* ---- the bounded sink ---- */

void acpi_build_fail(struct acpi_build_out *o, int err)
{
	if (!o->err)
		o->err = err;
}

uint8_t *acpi_build_at(struct acpi_build_out *o, size_t at, size_t n)
{
	if (!o->buf || o->err || at > o->cap || n > o->cap - at)
		return NULL;
	return o->buf + at;
}

void acpi_build_put(struct acpi_build_out *o, const void *src, size_t n)
{
	if (o->buf && (o->pos > o->cap || n > o->cap - o->pos))
		acpi_build_fail(o, -ENOSPC);
	if (o->buf && !o->err)
		memcpy(o->buf + o->pos, src, n);
	o->pos += n;
}

void acpi_build_put_u8(struct acpi_build_out *o, uint8_t v)
{
	acpi_build_put(o, &v, 1);
}

void acpi_build_put_u16(struct acpi_build_out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	acpi_build_put(o, b, sizeof(b));
}

void acpi_build_put_u32(struct acpi_build_out *o, uint32_t v)
{
	acpi_build_put_u16(o, (uint16_t)v);
	acpi_build_put_u16(o, (uint16_t)(v >> 16));
}

void acpi_build_put_u64(struct acpi_build_out *o, uint64_t v)
{
	acpi_build_put_u32(o, (uint32_t)v);
	acpi_build_put_u32(o, (uint32_t)(v >> 32));
}

void acpi_build_align(struct acpi_build_out *o, size_t align)
{
	static const uint8_t zeroes[ACPI_BUILD_TABLE_ALIGN];

	acpi_build_put(o, zeroes, ALIGN_UP(o->pos, align) - o->pos);
}

/* ---- table headers and checksums ---- */

/* The value that makes the bytes sum to zero (5.2.6: Checksum). */
uint8_t acpi_build_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

void acpi_build_put_id(char *field, size_t n, const char *s)
{
	size_t len = strnlen(s, n);

	memcpy(field, s, len);
	memset(field + len, ' ', n - len);
}

size_t acpi_build_table_begin(struct acpi_build_out *o)
{
	static const struct acpi_build_sdt_header blank;

	acpi_build_align(o, ACPI_BUILD_TABLE_ALIGN);
	size_t start = o->pos;
	acpi_build_put(o, &blank, sizeof(blank));
	return start;
}

void acpi_build_table_end(struct acpi_build_out *o, size_t start, const char sig[4],
			  uint8_t revision)
{
	const struct acpi_build_config *cfg = o->cfg;
	size_t len = o->pos - start;
	uint8_t *t = acpi_build_at(o, start, len);
	struct acpi_build_sdt_header h;

	if (!t)
		return;
	memcpy(h.signature, sig, 4);
	h.length = (uint32_t)len;
	h.revision = revision;
	h.checksum = 0;
	acpi_build_put_id(h.oem_id, sizeof(h.oem_id),
			  cfg->oem_id ? cfg->oem_id : ACPI_BUILD_DEFAULT_OEM_ID);
	acpi_build_put_id(h.oem_table_id, sizeof(h.oem_table_id),
			  cfg->oem_table_id ? cfg->oem_table_id : ACPI_BUILD_DEFAULT_OEM_TABLE_ID);
	h.oem_revision = cfg->oem_revision;
	memcpy(h.creator_id, CREATOR_ID, 4);
	h.creator_revision = CREATOR_REVISION;
	memcpy(t, &h, sizeof(h));
	t[offsetof(struct acpi_build_sdt_header, checksum)] = acpi_build_checksum(t, len);
}
