/*
 * io.c - the memory the acts use, one-buffer requests to the device, and
 * result lines.
 */
#include "driver.h"

#define LINUX_BATCH 256

uint64_t hb_area(void)
{
	uint64_t base = (rt_free_end() - HB_AREA_BYTES) & ~(RT_LARGE_PAGE_SIZE - 1);

	if (rt_free_end() < HB_AREA_BYTES || base < rt_free_start())
		rt_abort(NAME, "RAM too small for a 16 MiB area above 0x%lx: use mem=64M",
			 rt_free_start());
	return base;
}

uint32_t *hb_array(void)
{
	static uint8_t *arr;

	if (arr)
		return (uint32_t *)arr;
	arr = rt_page_alloc();
	if (!arr)
		rt_abort(NAME, "out of pages for PFN arrays");
	for (unsigned i = 1; i < HB_ARRAY_PAGES; i++) {
		uint8_t *p = rt_page_alloc();
		if (p != arr + i * RT_PAGE_SIZE)
			rt_abort(NAME, "PFN array pages are not contiguous");
	}
	return (uint32_t *)arr;
}

bool hb_send(struct vb *vb, unsigned q, const void *buf, uint32_t len, bool device_writes)
{
	struct vq *vq = &vb->q[q];

	if (!vq_post(vq, (uint64_t)(uintptr_t)buf, len, device_writes))
		return false;
	vq_kick(vq);
	return vq_wait_used(vq, 1, 10000);
}

bool hb_pages(struct vb *vb, unsigned q, uint32_t first_pfn, uint32_t count)
{
	uint32_t *arr = hb_array();

	for (uint32_t done = 0; done < count;) {
		uint32_t n = count - done < LINUX_BATCH ? count - done : LINUX_BATCH;
		for (uint32_t i = 0; i < n; i++)
			arr[i] = first_pfn + done + i;
		if (!hb_send(vb, q, arr, n * 4, false))
			return false;
		done += n;
	}
	return true;
}

void hb_judge(const char *act, bool ok, const char *why, struct vb *vb)
{
	char name[48];

	rt_snprintf(name, sizeof(name), NAME ".%s", act);
	if (ok)
		rt_pass(name);
	else
		rt_fail(name, "%s (device status 0x%x)", why, vb_status(vb));
}
