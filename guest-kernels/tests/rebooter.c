/*
 * rebooter - reboots itself through MUXV_HC_REBOOT until
 * boot_info.boot_count reaches cycles=<n> (default 100), then passes and
 * shuts down. The hypervisor destroys and re-creates the domain on every
 * reboot, so the integration test can compare the free-page count after
 * the cycles with the one before.
 *
 * Prints: rebooter: boot <count> of <cycles>
 * Result: PASS rebooter after the last boot; FAIL rebooter if
 * MUXV_HC_REBOOT returned. (Whether the boots were counted one by one the
 * integration test sees from the lines.)
 */
#include "rt/rt.h"

#define NAME "rebooter"

static void rebooter_main(unsigned int cpu)
{
	uint64_t cycles = rt_param_u64("cycles", 100);
	uint32_t count = rt_boot_info()->boot_count;
	int64_t rc;

	if (cpu != 0)
		return;
	rt_printf("rebooter: boot %u of %lu\n", count, cycles);
	if (count >= cycles) {
		rt_pass(NAME);
		return;
	}
	rc = rt_hc_reboot();
	rt_fail(NAME, "MUXV_HC_REBOOT returned %ld at boot %u", rc, count);
}

const struct rt_test test_desc = { .name = NAME, .main = rebooter_main };
