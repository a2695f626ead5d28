/*
 * virtio_balloon.h - a virtio memory balloon (virtio 1.2, 5.5 "Traditional
 * Memory Balloon Device") on the virtio-pci transport, as Linux 6.1's
 * virtio_balloon driver uses it. Design at the top of
 * devices/virtio_balloon.c; what the hypervisor does with the pages is
 * domain/balloon.c's business (docs/balloon.md).
 */
#ifndef HV_VIRTIO_BALLOON_H
#define HV_VIRTIO_BALLOON_H

#include <stddef.h>
#include <stdint.h>
#include "hv/virtio_pci.h"

#define VIRTIO_ID_BALLOON               5

/* Feature bits (5.5.3). Offered: STATS_VQ, DEFLATE_ON_OOM, REPORTING. */
#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ       1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON    4
#define VIRTIO_BALLOON_F_REPORTING      5

/*
 * Queues. The spec numbers them inflateq 0, deflateq 1, statsq 2,
 * free_page_vq 3, reporting_vq 4, each only if its feature is negotiated;
 * Linux (vp_find_vqs: queue_idx counts only the queues it asks for) and
 * QEMU number the present ones consecutively. FREE_PAGE_HINT is never
 * offered, so the reporting queue is 3.
 */
#define VIRTIO_BALLOON_INFLATE_QUEUE    0
#define VIRTIO_BALLOON_DEFLATE_QUEUE    1
#define VIRTIO_BALLOON_STATS_QUEUE      2
#define VIRTIO_BALLOON_REPORT_QUEUE     3
#define VIRTIO_BALLOON_NUM_QUEUES       4

#define VIRTIO_BALLOON_QUEUE_SIZE       128
#define VIRTIO_BALLOON_PFN_SHIFT        12      /* PFNs are of 4 KiB pages */
#define VIRTIO_BALLOON_MAX_PFNS_PER_BUF 4096    /* Linux sends at most 256 */
#define VIRTIO_BALLOON_PFN_BATCH        64      /* PFNs handed to the owner at once */
#define VIRTIO_BALLOON_MAX_STATS        32      /* entries read from one stats buffer */

/* Statistics tags (5.5.6.3). */
#define VIRTIO_BALLOON_S_SWAP_IN        0
#define VIRTIO_BALLOON_S_SWAP_OUT       1
#define VIRTIO_BALLOON_S_MAJFLT         2
#define VIRTIO_BALLOON_S_MINFLT         3
#define VIRTIO_BALLOON_S_MEMFREE        4
#define VIRTIO_BALLOON_S_MEMTOT         5
#define VIRTIO_BALLOON_S_AVAIL          6
#define VIRTIO_BALLOON_S_CACHES         7
#define VIRTIO_BALLOON_S_HTLB_PGALLOC   8
#define VIRTIO_BALLOON_S_HTLB_PGFAIL    9
#define VIRTIO_BALLOON_S_NR             10

/* Device configuration (5.5.4), little-endian. */
struct virtio_balloon_config {
	uint32_t num_pages;            /* device: pages the balloon should hold */
	uint32_t actual;               /* driver: pages it holds */
	uint32_t free_page_hint_cmd_id;    /* with FREE_PAGE_HINT (never) */
	uint32_t poison_val;           /* with PAGE_POISON (never) */
};
_Static_assert(sizeof(struct virtio_balloon_config) == 16, "balloon config is 16 bytes");
_Static_assert(offsetof(struct virtio_balloon_config, actual) == 4, "actual");

/* One statistics entry in the guest's buffer: le16 tag, le64 value, packed. */
#define VIRTIO_BALLOON_STAT_SIZE        10

/* The guest's last statistics. */
struct virtio_balloon_stats {
	uint64_t val[VIRTIO_BALLOON_S_NR];
	uint32_t valid;                /* bit t: val[t] was reported */
	uint64_t updates;              /* buffers received so far */
};

/*
 * What the device asks of its owner. Each returns 0, or a negative errno
 * for a guest error (a page the guest does not own), on which the device
 * stops taking requests (DEVICE_NEEDS_RESET); the owner may also stop the
 * domain. Calls come with the owner's device lock held.
 */
struct virtio_balloon_ops {
	void *ctx;
	/* The guest put n pages (4 KiB guest PFNs) in the balloon. */
	int (*inflate)(void *ctx, const uint32_t *pfns, unsigned n);
	/* The guest took n pages back out. */
	int (*deflate)(void *ctx, const uint32_t *pfns, unsigned n);
	/* The guest reports [gpa, gpa + len) free (free page reporting). */
	int (*report)(void *ctx, uint64_t gpa, uint64_t len);
	/* New statistics arrived (may be NULL). */
	void (*stats)(void *ctx, const struct virtio_balloon_stats *s);
};

/* Owned by the caller; vp is what the owner wires, the rest is private
 * (read-only for the owner under its device lock). */
struct virtio_balloon {
	struct virtio_pci vp;
	const struct virtio_balloon_ops *ops;
	uint32_t num_pages;            /* the target, set by the owner */
	uint32_t actual;               /* what the driver last wrote */
	struct virtio_balloon_stats stats;
	bool stats_held;               /* the driver's stats buffer is ours */
	struct virtq_chain stats_chain;
	uint64_t inflated, deflated;   /* pages passed on, since init */
	uint64_t reported_bytes;
};

/* Sets the device up (PCI reset state, target 0). 0 or -EINVAL. */
int virtio_balloon_init(struct virtio_balloon *vb, const struct vdev_env *env,
			const struct virtio_balloon_ops *ops);

/* Sets the balloon's target size in 4 KiB pages and tells the driver
 * (configuration change interrupt) if it changed. */
void virtio_balloon_set_target(struct virtio_balloon *vb, uint32_t pages);

/*
 * Asks the driver for fresh statistics by returning its stats buffer
 * (5.5.6.3). Returns 0, or -EAGAIN when the device holds no buffer (no
 * driver, STATS_VQ not negotiated, or a request already outstanding).
 */
int virtio_balloon_request_stats(struct virtio_balloon *vb);

#endif
