/*
 * mem_balance.c - see mem_balance.h. Each round hands the memory left to
 * the servers not yet at their ceiling by weight; a server whose share
 * would pass its ceiling is fixed there and the round is redone without
 * it. At most n rounds, since each fixes one server or ends.
 */
#include "mem_balance.h"

#include <stdbool.h>
#include <stdlib.h>

void mem_balance(const struct mem_want *in, size_t n, uint64_t pool_mib, uint64_t *target)
{
	uint64_t floors = 0, ceilings = 0;
	for (size_t i = 0; i < n; i++) {
		floors += in[i].floor_mib;
		ceilings += in[i].ceiling_mib;
		target[i] = in[i].floor_mib;
	}
	if (ceilings <= pool_mib) {
		for (size_t i = 0; i < n; i++)
			target[i] = in[i].ceiling_mib;
		return;
	}
	uint64_t left = pool_mib > floors ? pool_mib - floors : 0;
	bool *fixed = calloc(n + 1, sizeof *fixed);
	if (!fixed)
		return;  /* floors only: safe, if stingy */
	for (bool again = true; again && left > 0;) {
		again = false;
		uint64_t wsum = 0;
		for (size_t i = 0; i < n; i++)
			if (!fixed[i])
				wsum += in[i].weight;
		if (wsum == 0)
			break;
		for (size_t i = 0; i < n && !again; i++) {
			uint64_t room = in[i].ceiling_mib - in[i].floor_mib;
			if (!fixed[i] && left / wsum * in[i].weight + left % wsum * in[i].weight / wsum >= room) {
				fixed[i] = true;
				target[i] = in[i].ceiling_mib;
				left -= room;
				again = true;
			}
		}
		if (again)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!fixed[i])
				target[i] = in[i].floor_mib +
					    left / wsum * in[i].weight + left % wsum * in[i].weight / wsum;
	}
	free(fixed);
}
