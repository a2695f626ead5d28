/*
 * test_mem_balance.c - balloon targets: no pressure, proportional shares,
 * capping and redistribution, floors always met, never above the pool.
 */
#include <stdlib.h>

#include "unit.h"
#include "mem_balance.h"

static void test_no_pressure(void)
{
	unit_begin("mem_balance_no_pressure_gives_ceilings");
	struct mem_want w[2] = { { 256, 512, 1 }, { 1024, 2048, 5 } };
	uint64_t t[2];
	mem_balance(w, 2, 2560, t);   /* exactly the sum of ceilings */
	UNIT_CHECK(t[0] == 512 && t[1] == 2048);
	unit_end();
}

static void test_shares(void)
{
	unit_begin("mem_balance_shares_by_weight_above_floors");
	struct mem_want w[2] = { { 1000, 9000, 1 }, { 1000, 9000, 3 } };
	uint64_t t[2];
	mem_balance(w, 2, 6000, t);   /* 4000 over the floors, 1:3 */
	UNIT_CHECK(t[0] == 2000 && t[1] == 4000);
	unit_end();
}

static void test_capping(void)
{
	unit_begin("mem_balance_capped_server_leaves_rest_to_others");
	struct mem_want w[3] = { { 100, 200, 10 }, { 100, 5000, 1 }, { 100, 5000, 1 } };
	uint64_t t[3];
	mem_balance(w, 3, 2300, t);   /* the heavy one caps at 200; 1900 left shared 1:1 */
	UNIT_CHECK(t[0] == 200 && t[1] == 1050 && t[2] == 1050);
	unit_end();
}

static void test_random_invariants(void)
{
	unit_begin("mem_balance_invariants_random");
	srand(9);
	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + (size_t)(rand() % 20);
		struct mem_want w[20];
		uint64_t t[20], floors = 0, ceilings = 0;
		for (size_t i = 0; i < n; i++) {
			w[i].floor_mib = (uint64_t)(rand() % 4096);
			w[i].ceiling_mib = w[i].floor_mib + (uint64_t)(rand() % 8192);
			w[i].weight = 1 + (uint64_t)(rand() % 65535);
			floors += w[i].floor_mib;
			ceilings += w[i].ceiling_mib;
		}
		uint64_t pool = floors + (uint64_t)rand() % (ceilings - floors + 2);
		mem_balance(w, n, pool, t);
		uint64_t sum = 0;
		for (size_t i = 0; i < n; i++) {
			UNIT_CHECK(t[i] >= w[i].floor_mib && t[i] <= w[i].ceiling_mib);
			sum += t[i];
		}
		UNIT_CHECK(sum <= (pool > ceilings ? ceilings : pool));
		/* work-conserving up to rounding: at most one MiB per server left over */
		UNIT_CHECK(sum + n >= (pool > ceilings ? ceilings : pool));
	}
	unit_end();
}

int main(void)
{
	test_no_pressure();
	test_shares();
	test_capping();
	test_random_invariants();
	return unit_exit_code();
}
