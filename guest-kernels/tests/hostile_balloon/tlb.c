/*
 * tlb.c - boot 1 with two vCPUs: a page that vCPU 1 keeps reading, in a
 * loop that makes no exits, is inflated by vCPU 0. Before the device
 * returns the buffer the hypervisor must have shot down vCPU 1's nested
 * TLB entry (kicking it out of the guest), so vCPU 1's next read faults
 * and finds a fresh zeroed page. A vCPU still holding the old entry would
 * read the old contents from a page that is back in the pool. (Under QEMU
 * TCG this shows only the outcome: TCG flushes its TLB at every world
 * switch and vCPU 1 is descheduled often, so a missing shoot-down went
 * unnoticed when tried; on hardware it would not.)
 */
#include "driver.h"

#define OFF_X       400                  /* pages into the area */
#define X_PATTERN   0x5a5aa5a5c3c33c3cull
#define WAIT_NS     60000000000ull     /* for the other vCPU's next step */
#define GO_WAIT_NS  900000000000ull    /* vCPU 1 for vCPU 0's earlier acts */

static volatile struct {
	uint32_t go, reading, inflated, done;
	uint64_t seen_after, reads;
} race;

static volatile uint64_t *page_x(void)
{
	return (volatile uint64_t *)(uintptr_t)(hb_area() + OFF_X * RT_PAGE_SIZE);
}

static bool wait_flag(volatile uint32_t *flag, uint64_t ns)
{
	uint64_t end = rt_now_ns() + ns;
	unsigned spins = 0;

	while (!*flag) {
		if (rt_now_ns() > end)
			return false;
		rt_relax(&spins);
	}
	return true;
}

void hb_tlb_reader(void)
{
	volatile uint64_t *x = page_x();
	uint64_t reads = 0;

	if (!wait_flag(&race.go, GO_WAIT_NS))
		return;
	(void)*x;
	race.reading = 1;
	while (!race.inflated) {          /* no exits: only reads and PAUSE */
		(void)*x;
		reads++;
		rt_pause();
	}
	race.seen_after = *x;
	race.reads = reads;
	__asm__ volatile("" ::: "memory");
	race.done = 1;
}

void hb_tlb_race(struct vb *vb)
{
	volatile uint64_t *x = page_x();
	bool ok;

	if (rt_nr_cpus() < 2) {
		rt_fail(NAME ".tlb_race", "needs a second vCPU (vcpus=2)");
		return;
	}
	*x = X_PATTERN;
	race.go = 1;
	if (!wait_flag(&race.reading, WAIT_NS)) {
		rt_fail(NAME ".tlb_race", "vCPU 1 did not start reading in 60 s");
		return;
	}
	ok = hb_pages(vb, VB_Q_INFLATE, (uint32_t)((uintptr_t)x / RT_PAGE_SIZE), 1);
	race.inflated = 1;
	ok = ok && wait_flag(&race.done, WAIT_NS);
	rt_printf("hostile_balloon: tlb_race: vCPU 1 read PFN 0x%lx %lu times while it was "
		  "inflated, then 0x%lx\n", (uint64_t)(uintptr_t)x / RT_PAGE_SIZE, race.reads,
		  race.seen_after);
	if (!ok)
		rt_fail(NAME ".tlb_race", "the inflate or vCPU 1 did not finish (status 0x%x)",
			vb_status(vb));
	else if (race.seen_after != 0)
		rt_fail(NAME ".tlb_race", "vCPU 1 still read 0x%lx from the inflated page",
			race.seen_after);
	else
		rt_pass(NAME ".tlb_race");
}
