/*
 * crash.c - boots 2-4: with 16 pages in the balloon, one request naming
 * memory outside the domain's RAM. The hypervisor must crash the domain
 * with a reason naming it (docs/balloon.md); the guest must never run on
 * after the notification. The domain restarts (on_crash=restart) into the
 * next boot.
 *
 *   boot 2  inflate of [a page of the area, the first PFN past RAM]
 *   boot 3  deflate of PFN 0x7fffffff
 *   boot 4  free page report of [mem - 4 KiB, mem + 4 KiB)
 */
#include "driver.h"

#define PAGE RT_PAGE_SIZE

void hb_boot_crash(struct vb *vb, unsigned boot)
{
	uint32_t pfn0 = (uint32_t)(hb_area() / PAGE);
	uint64_t mem = rt_boot_info()->mem_bytes;
	uint32_t *arr = hb_array();
	bool back = false;

	if (!vb_start(vb, 1u << VB_F_REPORTING, 1u << VB_Q_INFLATE | 1u << VB_Q_DEFLATE |
		      1u << VB_Q_REPORT) || !hb_pages(vb, VB_Q_INFLATE, pfn0, 16)) {
		rt_fail(NAME ".crash", "boot %u: the device did not take 16 good pages (status 0x%x)",
			boot, vb_status(vb));
		return;
	}
	vb_set_actual(vb, 16);
	rt_printf("hostile_balloon: boot %u: 16 pages in the balloon\n", boot);
	switch (boot) {
	case 2:
		arr[0] = pfn0 + 20;
		arr[1] = (uint32_t)(mem / PAGE);
		rt_printf("hostile_balloon: inflating PFNs 0x%x and 0x%x, the first past RAM "
			  "[0, 0x%lx); the hypervisor should crash this domain\n", arr[0], arr[1], mem);
		rt_console_flush();
		back = hb_send(vb, VB_Q_INFLATE, arr, 8, false);
		break;
	case 3:
		arr[0] = 0x7fffffff;
		rt_printf("hostile_balloon: deflating PFN 0x%x, outside RAM [0, 0x%lx); the "
			  "hypervisor should crash this domain\n", arr[0], mem);
		rt_console_flush();
		back = hb_send(vb, VB_Q_DEFLATE, arr, 4, false);
		break;
	default:
		rt_printf("hostile_balloon: reporting 0x%lx+0x%x free, across the end of RAM "
			  "[0, 0x%lx); the hypervisor should crash this domain\n", mem - PAGE,
			  2 * PAGE, mem);
		rt_console_flush();
		back = hb_send(vb, VB_Q_REPORT, (void *)(uintptr_t)(mem - PAGE), 2 * PAGE, true);
		break;
	}
	rt_fail(NAME ".crash", "boot %u: the domain ran on after the request (buffer %s, "
		"device status 0x%x)", boot, back ? "returned" : "not returned", vb_status(vb));
}
