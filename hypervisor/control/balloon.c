/*
 * balloon.c - BALLOON_SET and BALLOON_GET: a Linux customer domain's
 * balloon target and accounting (domain/balloon.c does the work,
 * docs/balloon.md says how the pages move; this file checks and
 * translates).
 */
#include "ctl.h"
#include "hv/balloon.h"
#include "hv/domain.h"
#include "hv/linux_guest.h"
#include "hv/spinlock.h"
#include "hv/lib.h"
#include "hv/errno.h"

_Static_assert(MUXV_BALLOON_MIN_TARGET == BALLOON_MIN_TARGET, "one smallest target");
/* stats_valid is the device's bit per virtio statistics tag. */
_Static_assert(MUXV_BSTAT_SWAP_IN == 1u << VIRTIO_BALLOON_S_SWAP_IN &&
	       MUXV_BSTAT_SWAP_OUT == 1u << VIRTIO_BALLOON_S_SWAP_OUT &&
	       MUXV_BSTAT_MAJFLT == 1u << VIRTIO_BALLOON_S_MAJFLT &&
	       MUXV_BSTAT_MINFLT == 1u << VIRTIO_BALLOON_S_MINFLT &&
	       MUXV_BSTAT_FREE == 1u << VIRTIO_BALLOON_S_MEMFREE &&
	       MUXV_BSTAT_TOTAL == 1u << VIRTIO_BALLOON_S_MEMTOT &&
	       MUXV_BSTAT_AVAIL == 1u << VIRTIO_BALLOON_S_AVAIL &&
	       MUXV_BSTAT_CACHES == 1u << VIRTIO_BALLOON_S_CACHES, "tags are bits");
#define BSTAT_KNOWN 0xffu

/* The domain hdr.domid names if it has a balloon: -ESRCH, or -ENODEV
 * (dom0, test kernels), both at hdr.domid. */
static struct domain *ballooned(struct ctl_call *k, int *err)
{
	struct domain *d = ctl_domain(k, err);

	if (d && !d->balloon) {
		*err = ctl_fail(k, -ENODEV, CTL_FIELD(hdr.domid));
		return NULL;
	}
	return d;
}

int ctl_balloon_set(struct ctl_call *k)
{
	const struct muxv_balloon_set *bs = &k->c.u.balloon_set;
	int err = ctl_check_balloon_set(&k->c, &k->err_field);
	struct domain *d = err ? NULL : ballooned(k, &err);

	if (!d)
		return err;
	if (bs->target_bytes > d->cfg.mem_bytes)
		return ctl_fail(k, -EINVAL, CTL_FIELD(u.balloon_set.target_bytes));
	/* Checked above: only a domain without the device could fail now. */
	err = balloon_set_target(d, bs->target_bytes);
	return err ? ctl_fail(k, err, err == -EINVAL ? CTL_FIELD(u.balloon_set.target_bytes)
						      : CTL_FIELD(hdr.domid)) : 0;
}

/* Whether d's guest negotiated deflate-on-OOM (then Linux keeps its
 * balloon in MemTotal). The device's features are read under dev_lock. */
static bool deflate_on_oom(struct domain *d)
{
	struct virtio_balloon *vb = linux_platform_balloon(d);
	if (!vb)
		return false;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	uint64_t features = virtio_pci_features(&vb->vp);
	spin_unlock_irqrestore(&d->dev_lock, f);
	return (features >> VIRTIO_BALLOON_F_DEFLATE_ON_OOM) & 1;
}

int ctl_balloon_get(struct ctl_call *k)
{
	struct muxv_balloon_info *bi = &k->c.u.balloon_info;
	struct balloon_info i;
	int err;
	struct domain *d = ballooned(k, &err);

	if (!d)
		return err;
	err = balloon_get(d, &i);
	if (err)
		return ctl_fail(k, err, CTL_FIELD(hdr.domid));
	const uint64_t *v = i.stats.val;
	*bi = (struct muxv_balloon_info){
		.ceiling_pages = i.ram_pages, .target_pages = i.target_pages,
		.populated_pages = i.populated_pages, .ballooned_pages = i.ballooned_pages,
		.dropped_pages = i.dropped_pages, .actual_pages = i.guest_actual,
		.npt_table_pages = i.npt_table_pages,
		.inflated = i.inflated, .deflated = i.deflated, .reported = i.reported_pages,
		.touched = i.touched, .refaulted = i.refaulted, .ignored = i.ignored,
		.pinned = i.pinned,
		.stats_valid = i.stats.valid & BSTAT_KNOWN,
		.flags = deflate_on_oom(d) ? MUXV_BINFO_DEFLATE_ON_OOM : 0,
		.stats_updates = i.stats.updates,
		.stats_age_ns = i.stats_age_ns,
		.guest_free_bytes = v[VIRTIO_BALLOON_S_MEMFREE],
		.guest_available_bytes = v[VIRTIO_BALLOON_S_AVAIL],
		.guest_total_bytes = v[VIRTIO_BALLOON_S_MEMTOT],
		.guest_caches_bytes = v[VIRTIO_BALLOON_S_CACHES],
		.guest_swap_in_bytes = v[VIRTIO_BALLOON_S_SWAP_IN],
		.guest_swap_out_bytes = v[VIRTIO_BALLOON_S_SWAP_OUT],
		.guest_major_faults = v[VIRTIO_BALLOON_S_MAJFLT],
		.guest_minor_faults = v[VIRTIO_BALLOON_S_MINFLT],
	};
	return 0;
}
