/*
 * hv_test_util.h - helpers shared by the host unit tests of hypervisor
 * modules (hypervisor/tests/test_*.c), on top of ci/unit.h:
 *
 *   unit_failf()      fail the current case with a formatted reason (the
 *                     seed of a randomized case, the offending value...)
 *   test_rand()       a seeded PRNG, identical on every host, so a failing
 *                     random sequence can be replayed from its seed
 *   test_phys_*()     a malloc'd arena standing in for physical memory, for
 *                     modules that reach "physical" pages through to_virt
 *   test_read_file()  a whole file (fixtures, tool output) in memory
 *
 * Everything is static inline so that a test including this header but
 * using only part of it builds under -Werror.
 */
#ifndef HV_TEST_UTIL_H
#define HV_TEST_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* Fails the current case (first failure wins, as with UNIT_CHECK). */
static inline void unit_failf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void unit_failf(const char *fmt, ...)
{
	va_list ap;

	if (unit_state.failed)
		return;
	unit_state.failed = true;
	va_start(ap, fmt);
	vsnprintf(unit_state.why, sizeof unit_state.why, fmt, ap);
	va_end(ap);
}

/* xorshift64*: small, fast, and the same sequence everywhere. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* A number in [0, n), n > 0. */
static inline uint64_t test_rand_below(uint64_t *state, uint64_t n)
{
	return test_rand(state) % n;
}

/*
 * The fake physical memory: one arena per test program, page aligned so
 * that "physical" page offsets and host page offsets agree.
 */
struct test_phys {
	uint8_t *mem;
	uint64_t size;
};

static inline struct test_phys *test_phys(void)
{
	static struct test_phys phys;
	return &phys;
}

/* (Re)creates the arena with size bytes, filled with 0xa5 (not zero, so
 * code that forgets to initialise a page it is given shows up). */
static inline void test_phys_init(uint64_t size)
{
	struct test_phys *ph = test_phys();

	if (ph->size != size) {
		free(ph->mem);
		ph->mem = aligned_alloc(4096, size);
		if (!ph->mem) {
			fprintf(stderr, "test_phys_init: out of memory\n");
			abort();
		}
	}
	memset(ph->mem, 0xa5, size);
	ph->size = size;
}

static inline void test_phys_fini(void)
{
	free(test_phys()->mem);
	test_phys()->mem = NULL;
	test_phys()->size = 0;
}

/*
 * to_virt over the arena. A physical address outside it is a bug in the
 * module under test: report it loudly and stop, rather than let ASan name
 * some unrelated heap block.
 */
static inline void *test_phys_to_virt(uint64_t pa)
{
	struct test_phys *ph = test_phys();

	if (pa >= ph->size) {
		fprintf(stderr, "to_virt(0x%llx): outside the %llu-byte test arena\n",
			(unsigned long long)pa, (unsigned long long)ph->size);
		abort();
	}
	return ph->mem + pa;
}

/* The whole file at path in a malloc'd buffer, a NUL byte after its
 * bytes (so text reads as a string), their number in *len (if len is not
 * NULL). NULL if it cannot be opened or read whole. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n >= 0)
		p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p) {
		p[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return p;
}

#endif
