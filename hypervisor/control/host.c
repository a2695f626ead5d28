/*
 * host.c - MUXV_CTL_HOST_INFO: the host's capacity, what is used, the
 * limits the other calls apply, and the hypervisor's version.
 */
#include <muxvisor/guest_boot.h>
#include "ctl.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "hv/schedule.h"
#include "hv/test_kernel.h"
#include "hv/mm.h"
#include "hv/time.h"
#include "hv/lib.h"

#define HV_VERSION_STRING "muxvisor 0.1"

_Static_assert(sizeof(HV_VERSION_STRING) <= sizeof(((struct muxv_host_info *)0)->version),
	       "the version string fits");

void ctl_limits(struct ctl_limits *lim)
{
	lim->max_vcpus = DOMAIN_MAX_VCPUS;
	lim->max_mem_bytes = DOMAIN_MAX_MEM;
	lim->max_test_kernel_mem = TEST_KERNEL_MAX_MEM;
	lim->test_kernel_cmdline_max = sizeof(((struct muxv_boot_info *)0)->cmdline) - 1;
}

int ctl_host_info(struct ctl_call *k)
{
	struct muxv_host_info *hi = &k->c.u.host_info;
	struct domain *dom0 = k->caller->dom;
	uint64_t f = sched_lock_irqsave();
	uint32_t npcpus = schedule_state()->npcpus;
	uint32_t reserved = schedule_state()->reserved_pct;

	sched_unlock_irqrestore(f);
	memset(hi, 0, sizeof(*hi));
	hi->ctl_version = MUXV_CTL_VERSION;
	hi->pcpus = npcpus;
	hi->mem_total_pages = page_total_count();
	hi->pool_free_pages = page_free_count();
	hi->dom0_pages = dom0->cfg.mem_bytes >> 12;
	hi->image_pages = ctl_image_pages();
	hi->reserved_pct = reserved;
	hi->capacity_pct = npcpus * 100;
	hi->nr_domains = domain_count();
	hi->max_domains = DOMAIN_MAX_DOMAINS;
	hi->max_vcpus = DOMAIN_MAX_VCPUS;
	ctl_map_window(&hi->map_window_gpa, &hi->map_window_pages);
	hi->uptime_ns = time_now_ns();
	memcpy(hi->version, HV_VERSION_STRING, sizeof(HV_VERSION_STRING));
	return 0;
}
