/*
 * muxctl_balloon.c - a Linux customer domain's balloon: its target and
 * its accounting (BALLOON_SET / BALLOON_GET, docs/balloon.md).
 */
#include "muxctl_int.h"

#include <errno.h>

int muxctl_balloon_set(struct muxctl *h, uint32_t domid, uint64_t target_bytes)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (target_bytes % 4096 || target_bytes < MUXV_BALLOON_MIN_TARGET)
		return muxctl_fail(MUXV_CTL_BALLOON_SET, EINVAL, "balloon_set.target_bytes",
				   "whole 4 KiB pages, at least %llu MiB",
				   (unsigned long long)(MUXV_BALLOON_MIN_TARGET >> 20));
	muxctl_req(&c, MUXV_CTL_BALLOON_SET, domid);
	c.u.balloon_set.target_bytes = target_bytes;
	return muxctl_call(h, &c);
}

int muxctl_balloon_get(struct muxctl *h, uint32_t domid, struct muxv_balloon_info *out)
{
	struct muxv_ctl c;
	muxctl_req(&c, MUXV_CTL_BALLOON_GET, domid);
	int rc = muxctl_call(h, &c);
	if (!rc)
		*out = c.u.balloon_info;
	return rc;
}
