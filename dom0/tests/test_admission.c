/*
 * test_admission.c - plan engine rules and admission arithmetic: exact fit,
 * one over, zero capacity, huge numbers, and the order limits are named in.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "admission.h"
#include "plan.h"

static struct plan plan_of(int64_t vcpus, int64_t res, int64_t floor, int64_t ceiling)
{
	struct plan p;
	memset(&p, 0, sizeof p);
	p.vcpus = vcpus;
	p.cpu_weight = 100;
	p.cpu_reservation_pct = res;
	p.mem_floor_mib = floor;
	p.mem_ceiling_mib = ceiling;
	p.mem_weight = p.disk_weight = p.net_weight = 100;
	p.disk_gib = 10;
	return p;
}

/* 4 pCPUs, 8 GiB, 8 vCPUs/pCPU, 1.5 x memory, all CPU reservable. */
static const struct adm_host host = { 4, 8192, 800, 150, 100 };

static void test_exact_fit(void)
{
	unit_begin("admission_exact_fit_is_admitted");
	struct adm_usage used = { 1, 31, 300, 8192 - 512, 12288 - 1024 };
	struct plan p = plan_of(1, 100, 512, 1024);
	struct adm_refusal why;
	UNIT_CHECK(adm_check(&host, &used, &p, &why) == 0);
	unit_end();
}

static void test_one_over_each(void)
{
	unit_begin("admission_one_over_names_limit_and_amount");
	struct adm_refusal why;
	struct plan p = plan_of(1, 101, 0, 64);
	struct adm_usage used = { 0, 0, 300, 0, 0 };
	UNIT_CHECK(adm_check(&host, &used, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "cpu_reservation") == 0 && why.over_by == 1 &&
		   why.capacity == 400 && why.committed == 300 && why.requested == 101);
	UNIT_CHECK(strstr(why.message, "over by 1 percent") != NULL);

	p = plan_of(1, 0, 513, 1024);
	struct adm_usage used2 = { 0, 0, 0, 8192 - 512, 0 };
	UNIT_CHECK(adm_check(&host, &used2, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "memory_floor") == 0 && why.over_by == 1);

	p = plan_of(2, 0, 0, 64);
	struct adm_usage used3 = { 0, 31, 0, 0, 0 };
	UNIT_CHECK(adm_check(&host, &used3, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "vcpu_ratio") == 0 && why.over_by == 1 && why.capacity == 32);

	p = plan_of(1, 0, 0, 1025);
	struct adm_usage used4 = { 0, 0, 0, 0, 12288 - 1024 };
	UNIT_CHECK(adm_check(&host, &used4, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "memory_ratio") == 0 && why.over_by == 1 &&
		   why.capacity == 12288);
	unit_end();
}

static void test_zero(void)
{
	unit_begin("admission_zero_capacity_and_zero_plan");
	struct adm_host none = { 0, 0, 800, 150, 100 };
	struct adm_usage used = { 0, 0, 0, 0, 0 };
	struct adm_refusal why;
	struct plan p = plan_of(1, 0, 0, 64);
	UNIT_CHECK(adm_check(&none, &used, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "vcpu_ratio") == 0);   /* 0 reservation, 0 floor fit */
	struct adm_host no_res = { 4, 8192, 800, 150, 0 };
	p = plan_of(1, 1, 0, 64);
	UNIT_CHECK(adm_check(&no_res, &used, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "cpu_reservation") == 0 && why.capacity == 0);
	p = plan_of(1, 0, 0, 64);
	UNIT_CHECK(adm_check(&no_res, &used, &p, &why) == 0);
	unit_end();
}

static void test_huge(void)
{
	unit_begin("admission_huge_numbers_saturate_not_wrap");
	struct adm_host big = { UINT64_MAX / 2, UINT64_MAX / 2, UINT64_MAX, UINT64_MAX, UINT64_MAX };
	struct adm_usage used = { 0, UINT64_MAX - 1, 0, 0, 0 };
	struct adm_refusal why;
	struct plan p = plan_of(256, 25600, 1 << 20, 1 << 24);
	struct adm_capacity cap;
	adm_capacity(&big, &cap);
	UNIT_CHECK(cap.reservation_pct == UINT64_MAX && cap.ceiling_mib == UINT64_MAX / 100);
	/* UINT64_MAX-1 + 256 would wrap to 254 and pass; saturated it is refused */
	struct adm_host ratio_cap = { 1000, 1 << 30, 100, 150, 100 };
	UNIT_CHECK(adm_check(&ratio_cap, &used, &p, &why) == -ENOSPC);
	UNIT_CHECK(strcmp(why.limit, "vcpu_ratio") == 0);
	used.vcpus = 0;
	UNIT_CHECK(adm_check(&big, &used, &p, &why) == 0);
	unit_end();
}

static void test_plan_rules(void)
{
	unit_begin("plan_check_rules_between_fields");
	struct plan_problem why;
	struct plan p = plan_of(2, 200, 512, 1024);
	UNIT_CHECK(plan_check(&p, &why) == 0);
	p.cpu_reservation_pct = 201;
	UNIT_CHECK(plan_check(&p, &why) == -EINVAL && strcmp(why.field, "cpu_reservation_pct") == 0);
	p = plan_of(2, 100, 512, 1024);
	p.cpu_cap_pct = 50;
	UNIT_CHECK(plan_check(&p, &why) == -EINVAL && strcmp(why.field, "cpu_cap_pct") == 0);
	p.cpu_cap_pct = 201;
	UNIT_CHECK(plan_check(&p, &why) == -EINVAL && strcmp(why.field, "cpu_cap_pct") == 0);
	p.cpu_cap_pct = 200;
	p.cpu_burst_baseline_pct = 99;
	UNIT_CHECK(plan_check(&p, &why) == -EINVAL && strcmp(why.field, "cpu_burst_baseline_pct") == 0);
	p.cpu_burst_baseline_pct = 150;
	UNIT_CHECK(plan_check(&p, &why) == 0);
	p.mem_floor_mib = 1025;
	UNIT_CHECK(plan_check(&p, &why) == -EINVAL && strcmp(why.field, "mem_floor_mib") == 0);
	p.mem_floor_mib = 1024;                 /* floor == ceiling: fixed memory */
	UNIT_CHECK(plan_check(&p, &why) == 0);
	unit_end();
}

static void test_params(void)
{
	unit_begin("plan_to_params_units");
	struct plan p = plan_of(4, 100, 512, 2048);
	p.cpu_cap_pct = 250;
	p.disk_gib = 40;
	p.net_mbit_per_s = 100;
	struct drv_params d;
	plan_to_params(&p, &d);
	UNIT_CHECK(d.vcpus == 4 && d.cpu_cap_pct == 250 && d.cpu_reservation_pct == 100);
	UNIT_CHECK(d.mem_max_kib == 2048 * 1024 && d.mem_min_kib == 512 * 1024);
	UNIT_CHECK(d.mem_target_kib == d.mem_max_kib);
	UNIT_CHECK(d.disk_bytes == 40ULL << 30);
	UNIT_CHECK(d.net_bytes_per_s == 12500000);
	unit_end();
}

int main(void)
{
	test_exact_fit();
	test_one_over_each();
	test_zero();
	test_huge();
	test_plan_rules();
	test_params();
	return unit_exit_code();
}
