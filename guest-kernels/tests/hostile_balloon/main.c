/*
 * hostile_balloon - a virtio-balloon driver that misbehaves on purpose
 * (docs/test-guests.md, docs/balloon.md "What is checked"). Run it as a
 * static domain with the words `balloon on_crash=restart`, one vCPU; the
 * phases follow boot_info.boot_count, the domain being destroyed and
 * created again between them, so that the integration test
 * (ci/tests/hv_balloon_hostile.py) can compare the hypervisor's free-page
 * count after every destroy with the first one:
 *
 *   boot 0  baseline: a checkpoint (0), then reboots, before driving the
 *           device (the test waits for its neighbours to settle first);
 *   boot 1  a legitimate inflate and deflate, then the acts the domain
 *           survives: duplicates, deflates of pages not in the balloon, a
 *           report of ballooned pages, malformed buffers, floods; a
 *           checkpoint after each (below), and a page inflated while the
 *           other vCPU reads it; reboots with pages still in
 *           the balloon;
 *   boot 2  inflate of the first PFN past its RAM   (crashed, restarts)
 *   boot 3  deflate of PFN 0x7fffffff               (crashed, restarts)
 *   boot 4  a free page report straddling RAM's end (crashed, restarts)
 *   boot 5  PASS hostile_balloon, shuts down.
 *
 * Checkpoints: the guest prints `hostile_balloon: checkpoint <n> <what>`
 * and waits until the device's num_pages changes; the test reads the
 * hypervisor's balloon-state line (console command :balloon), judges the
 * act, then sets a new target (the first one is the legitimate inflate's
 * size, the second 0, later ones any new value) to let the guest go on.
 *
 * Run with vcpus=2: in boot 1, vCPU 1 reads a page vCPU 0 inflates
 * (tlb.c); the other boots use vCPU 0 only.
 *
 * Parameters: flood_rounds= (8) rounds of a full inflate queue of
 * duplicate PFNs; flood_kicks= (20000) notifications of an empty queue.
 */
#include "driver.h"

#define WAIT_MS 600000ul

uint32_t vb_checkpoint(struct vb *vb, unsigned n, const char *what)
{
	uint32_t was = vb_num_pages(vb);
	uint64_t end = rt_now_ns() + WAIT_MS * 1000000ul;

	rt_printf("hostile_balloon: checkpoint %u %s (num_pages=%u status=0x%x)\n", n, what, was,
		  vb_status(vb));
	while (vb_num_pages(vb) == was) {
		if (rt_now_ns() > end)
			rt_abort(NAME, "no new target after checkpoint %u in %lu s", n,
				 WAIT_MS / 1000);
		rt_delay_ns(2000000);
	}
	return vb_num_pages(vb);
}

static void hostile_balloon_main(unsigned int cpu)
{
	static struct vb vb;
	uint32_t boot = rt_boot_info()->boot_count;

	if (cpu != 0) {
		if (cpu == 1 && boot == 1)
			hb_tlb_reader();
		return;
	}
	rt_printf("hostile_balloon: boot %u\n", boot);
	if (boot >= 5) {
		rt_printf("hostile_balloon: every phase ran\n");
		rt_pass(NAME);
		return;
	}
	if (!vb_probe(&vb))
		return;
	if (boot == 0) {
		vb_checkpoint(&vb, 0, "baseline");
		rt_printf("hostile_balloon: baseline: rebooting before driving the device\n");
		rt_console_flush();
		int64_t rc = rt_hc_reboot();
		rt_error(NAME, "MUXV_HC_REBOOT returned %ld", rc);
		return;
	}
	if (boot == 1)
		hb_boot_survivable(&vb);
	else
		hb_boot_crash(&vb, boot);
}

const struct rt_test test_desc = { .name = NAME, .main = hostile_balloon_main };
