/*
 * memory.c - the memory calls: MEM_POPULATE, and MEM_MAP/MEM_UNMAP of a
 * domain's pages into a window of dom0's guest-physical space.
 *
 * The window: the guest sees the host's MAXPHYADDR (CPUID 0x80000008
 * EAX[7:0]); the window starts at three quarters of that space and is at
 * most 64 GiB (an eighth of it). With QEMU's 40 bits that is 768 GiB ..
 * 832 GiB: above any RAM this hypervisor runs on, above the Linux
 * platform's 64-bit PCI window (512 GiB + 64 GiB), and below MAXPHYADDR so
 * that dom0's own page tables can point there.
 */
#include "ctl.h"
#include "hv/lib.h"
#include "x86/cpu.h"

#define WINDOW_MAX (64ull << 30)

void ctl_map_window(uint64_t *gpa, uint64_t *pages)
{
	unsigned bits = cpuid(0x80000008, 0).eax & 0xff;

	*gpa = 3ull << (bits - 2);
	*pages = MIN(WINDOW_MAX, 1ull << (bits - 3)) >> 12;
}
