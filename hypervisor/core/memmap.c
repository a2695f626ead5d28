/*
 * memmap.c - free physical ranges from a firmware memory map (see memmap.h).
 *
 * Method: start with the usable ranges (page aligned inward), then cut out
 * every hole: the non-usable map ranges and the caller's reserved ranges
 * (page aligned outward, so a partly used page is never handed out).
 * Cutting a range can split it in two, so the output array has room checks.
 * Finally sort and merge. Sizes are small (at most ~200 ranges), so the
 * quadratic passes cost nothing.
 */
#include <stdbool.h>
#include "hv/memmap.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE 4096ull

/* Removes [hs, he) from every range in out[0..*n); may add ranges. */
static int cut_hole(struct phys_range *out, unsigned *n, unsigned max,
		    uint64_t hs, uint64_t he)
{
	for (unsigned i = 0; i < *n; i++) {
		struct phys_range *r = &out[i];
		if (he <= r->start || hs >= r->end)
			continue;
		bool keep_left = hs > r->start;
		bool keep_right = he < r->end;
		if (keep_left && keep_right) {
			if (*n == max)
				return -E2BIG;
			out[*n] = (struct phys_range){ he, r->end };
			(*n)++;
			r->end = hs;
		} else if (keep_left) {
			r->end = hs;
		} else if (keep_right) {
			r->start = he;
		} else {
			out[i] = out[--(*n)];
			i--;
		}
	}
	return 0;
}

/*
 * The end of a hole, base + len rounded up to a page, saturating at the top
 * of the address space: wrapping to a small value would make the hole
 * empty and leave the RAM it covers "free".
 */
static uint64_t hole_end(uint64_t base, uint64_t len)
{
	uint64_t end = len > UINT64_MAX - base ? UINT64_MAX : base + len;

	return end > UINT64_MAX - (PAGE - 1) ? UINT64_MAX : ALIGN_UP(end, PAGE);
}

static void sort_and_merge(struct phys_range *out, unsigned *n)
{
	for (unsigned i = 1; i < *n; i++) {
		struct phys_range key = out[i];
		unsigned j = i;
		while (j > 0 && out[j - 1].start > key.start) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = key;
	}
	unsigned w = 0;
	for (unsigned i = 0; i < *n; i++) {
		if (w > 0 && out[w - 1].end >= out[i].start) {
			out[w - 1].end = MAX(out[w - 1].end, out[i].end);
			continue;
		}
		out[w++] = out[i];
	}
	*n = w;
}

int memmap_free_ranges(const struct boot_mem_range *map, unsigned nr_map,
		       const struct phys_range *reserved, unsigned nr_reserved,
		       struct phys_range *out, unsigned max_out)
{
	unsigned n = 0;
	int err;

	for (unsigned i = 0; i < nr_map; i++) {
		if (map[i].type != BOOT_MEM_USABLE)
			continue;
		uint64_t s = ALIGN_UP(map[i].base, PAGE);
		uint64_t e = ALIGN_DOWN(map[i].base + map[i].len, PAGE);
		if (s < map[i].base || e <= s)   /* wrapped or under a page */
			continue;
		if (n == max_out)
			return -E2BIG;
		out[n++] = (struct phys_range){ s, e };
	}
	for (unsigned i = 0; i < nr_map; i++) {
		if (map[i].type == BOOT_MEM_USABLE)
			continue;
		err = cut_hole(out, &n, max_out, ALIGN_DOWN(map[i].base, PAGE),
			       hole_end(map[i].base, map[i].len));
		if (err)
			return err;
	}
	for (unsigned i = 0; i < nr_reserved; i++) {
		err = cut_hole(out, &n, max_out, ALIGN_DOWN(reserved[i].start, PAGE),
			       hole_end(reserved[i].end, 0));
		if (err)
			return err;
	}
	sort_and_merge(out, &n);
	return (int)n;
}

uint64_t memmap_ram_end(const struct boot_mem_range *map, unsigned nr_map)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < nr_map; i++) {
		uint32_t t = map[i].type;
		if (t == BOOT_MEM_USABLE || t == BOOT_MEM_ACPI || t == BOOT_MEM_NVS)
			end = MAX(end, map[i].base + map[i].len);
	}
	return end;
}
