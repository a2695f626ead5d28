/*
 * test_bytes.h - instruction bytes for the host tests of the decoder and
 * the MMIO emulator (test_decode*.c, test_mmio_emul.c): written as hex
 * text, and decoded from a heap block of exactly their length so that
 * AddressSanitizer reports any read past the end.
 */
#ifndef TEST_BYTES_H
#define TEST_BYTES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86/decode.h"

/* Parses hex bytes ("89 54 98 7f" or "8954987f") into out; returns how
 * many. */
static inline size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;
	int used;

	while (n < max && sscanf(hex, " %2x%n", &b, &used) == 1) {
		out[n++] = (uint8_t)b;
		hex += used;
	}
	return n;
}

/* x86_decode_insn() on a copy of bytes[0..n) in a block of n bytes. */
static inline int decode_exact(struct x86_insn *insn, const uint8_t *bytes, size_t n,
			       enum x86_mode mode)
{
	uint8_t *copy = malloc(n ? n : 1);
	int rc;

	memcpy(copy, bytes, n);
	rc = x86_decode_insn(insn, copy, n, mode);
	free(copy);
	return rc;
}

#endif
