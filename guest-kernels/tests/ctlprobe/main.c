/*
 * ctlprobe - the control interface (muxvisor/control.h) tested from the
 * privileged domain: run it as a static domain with the `privileged`
 * word. vCPU 0 calls every control call, with good arguments and with
 * bad ones (each must be refused with the right error and err_field,
 * changing nothing), and reports `PASS ctl.<part>.<case>` lines.
 *
 * Parameters: settle=<name> waits (60 s at most) for that domain to have
 * shut down before starting, so that no other domain changes the host
 * while refusals are judged.
 */
#include "probe.h"

#define NAME "ctlprobe"

static void wait_settle(void)
{
	char name[32];

	if (!rt_param("settle", name, sizeof(name)))
		return;
	int64_t id = probe_find_domain(name);
	if (id < 0 || !probe_wait_state((uint32_t)id, MUXV_STATE_SHUTDOWN, 60000))
		rt_error(NAME, "domain '%s' (id %ld) did not shut down", name, id);
}

static void ctlprobe_main(unsigned int cpu)
{
	if (cpu != 0)
		return;
	wait_settle();
	part_header();
	part_host();
	part_domains();
	part_images();
	part_memmap();
	part_lifecycle();
}

const struct rt_test test_desc = { .name = NAME, .main = ctlprobe_main };
