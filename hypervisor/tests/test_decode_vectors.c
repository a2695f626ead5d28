/*
 * test_decode_vectors.c - instruction lengths of the decoder (decode.c)
 * against GNU binutils: the vectors that decode_vectors/gen_vectors.py
 * measured with as and objdump (built by hypervisor/tests/decode.mk).
 *
 * Each vector must decode to objdump's length; the same bytes cut to that
 * length must decode alike, and cut shorter must ask for more (-EAGAIN).
 * 16-bit vectors (objdump -M i8086 decodes 16-bit protected mode) are
 * checked in 16-bit protected mode, and in real mode too, where VEX, EVEX
 * and XOP encodings must be invalid instead. One test case per code size
 * and source (asm, sweep); a case fails on any mismatch, and also when it
 * has too few vectors, so that a missing or truncated vector file cannot
 * pass. Mismatches go to stderr (the log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../arch/x86/decode.c"
#include "../arch/x86/decode_tables.c"
#include "decode_vectors/test_bytes.h"

#ifndef DECODE_VECTORS
#define DECODE_VECTORS "build/tests/decode_vectors.txt"
#endif

/* Fewest vectors a section must have to count as present. */
#define MIN_ASM_VECTORS 100
#define MIN_SWEEP_VECTORS 20000
#define MAX_REPORTED 20

struct section {
	int bits;
	const char *source;
	const char *name;
	long count;
	long failed;
	char first[120];
};

static struct section sections[] = {
	{ .bits = 16, .source = "asm", .name = "vectors_16_asm" },
	{ .bits = 16, .source = "sweep", .name = "vectors_16_sweep" },
	{ .bits = 32, .source = "asm", .name = "vectors_32_asm" },
	{ .bits = 32, .source = "sweep", .name = "vectors_32_sweep" },
	{ .bits = 64, .source = "asm", .name = "vectors_64_asm" },
	{ .bits = 64, .source = "sweep", .name = "vectors_64_sweep" },
};

/* Checks one vector in one mode; on mismatch writes why and returns false. */
static bool check_vector(const uint8_t *b, size_t n, unsigned int len,
			 enum x86_mode mode, char *why, size_t whylen)
{
	struct x86_insn insn, exact;
	int rc = decode_exact(&insn, b, n, mode);

	if (rc != 0 || insn.len != len) {
		snprintf(why, whylen, "mode %d: rc %d len %u, objdump %u",
			 mode, rc, rc ? 0 : insn.len, len);
		return false;
	}
	rc = decode_exact(&exact, b, len, mode);
	if (rc != 0 || memcmp(&exact, &insn, sizeof(insn)) != 0) {
		snprintf(why, whylen, "mode %d: differs when cut to %u bytes", mode, len);
		return false;
	}
	for (unsigned int k = 0; k < len; k++) {
		rc = decode_exact(&exact, b, k, mode);
		if (rc != -EAGAIN) {
			snprintf(why, whylen, "mode %d: %u of %u bytes gave %d", mode, k, len, rc);
			return false;
		}
	}
	return true;
}

/* A 16-bit vector in real mode: the same length, or -EINVAL where 16-bit
 * protected mode decodes a VEX/EVEX/XOP escape (LES, LDS, BOUND and POP
 * with an invalid ModRM in real mode). */
static bool check_real_mode(const uint8_t *b, size_t n, unsigned int len,
			    char *why, size_t whylen)
{
	struct x86_insn insn;
	int rc;

	if (x86_decode_insn(&insn, b, n, X86_MODE_16) != 0 ||
	    insn.encoding == X86_ENC_LEGACY)
		return check_vector(b, n, len, X86_MODE_REAL, why, whylen);
	rc = decode_exact(&insn, b, n, X86_MODE_REAL);
	if (rc == -EINVAL)
		return true;
	snprintf(why, whylen, "real mode: rc %d, expected %d", rc, -EINVAL);
	return false;
}

static struct section *find_section(int bits, const char *source)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (sections[i].bits == bits && strcmp(sections[i].source, source) == 0)
			return &sections[i];
	return NULL;
}

/* Parses and checks one line "<bits> <source> <len> <hex> | <text>". */
static void check_line(const char *line)
{
	char source[16], hex[80], why[120];
	int bits;
	unsigned int len;
	uint8_t b[40];
	size_t n;
	struct section *s;
	bool ok;

	if (sscanf(line, "%d %15s %u %79s", &bits, source, &len, hex) != 4 ||
	    !(s = find_section(bits, source)))
		return;
	n = parse_hex(hex, b, sizeof(b));
	s->count++;
	if (bits == 64)
		ok = check_vector(b, n, len, X86_MODE_64, why, sizeof(why));
	else if (bits == 32)
		ok = check_vector(b, n, len, X86_MODE_32, why, sizeof(why));
	else
		ok = check_vector(b, n, len, X86_MODE_16, why, sizeof(why)) &&
		     check_real_mode(b, n, len, why, sizeof(why));
	if (ok)
		return;
	if (s->failed++ < MAX_REPORTED)
		fprintf(stderr, "mismatch: %s%s\n", line, why);
	if (s->failed == 1)
		snprintf(s->first, sizeof(s->first), "%.40s: %.70s", hex, why);
}

int main(void)
{
	const char *path = getenv("HV_DECODE_VECTORS");
	char line[512], why[200];
	FILE *f;

	f = fopen(path ? path : DECODE_VECTORS, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			check_line(line);
		fclose(f);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		struct section *s = &sections[i];
		long min = strcmp(s->source, "asm") == 0 ? MIN_ASM_VECTORS : MIN_SWEEP_VECTORS;

		unit_begin(s->name);
		if (!f)
			snprintf(why, sizeof(why), "cannot open %s (hypervisor/tests/decode.mk)",
				 path ? path : DECODE_VECTORS);
		else if (s->count < min)
			snprintf(why, sizeof(why), "only %ld vectors, expected at least %ld",
				 s->count, min);
		else
			snprintf(why, sizeof(why), "%ld of %ld wrong, first: %s",
				 s->failed, s->count, s->first);
		unit_check_at(f && s->count >= min && s->failed == 0, why, __FILE__, __LINE__);
		unit_end();
	}
	return unit_exit_code();
}
