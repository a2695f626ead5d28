/*
 * ksyms.c - symbol lookup for stack traces (see hv/ksyms.h).
 *
 * The table is sorted by address; a binary search finds the last symbol at
 * or below the address. Weak empty definitions let the first link (which
 * has no table yet) succeed.
 */
#include <stddef.h>
#include "hv/ksyms.h"

struct ksym {
	uint64_t addr;
	uint32_t name_off;
	uint32_t pad;
};

extern const struct ksym hv_ksyms_table[] __attribute__((weak));
extern const char hv_ksyms_names[] __attribute__((weak));
extern const uint32_t hv_ksyms_count __attribute__((weak));
extern const char hv_text_start[], hv_text_end[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	if (!&hv_ksyms_count || addr < (uint64_t)hv_text_start ||
	    addr >= (uint64_t)hv_text_end)
		return NULL;
	unsigned n = hv_ksyms_count;
	if (n == 0 || addr < hv_ksyms_table[0].addr)
		return NULL;
	unsigned lo = 0, hi = n - 1;    /* answer in [lo, hi] */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo + 1) / 2;
		if (hv_ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	*offset = addr - hv_ksyms_table[lo].addr;
	return hv_ksyms_names + hv_ksyms_table[lo].name_off;
}
