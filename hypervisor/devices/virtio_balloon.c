/*
 * virtio_balloon.c - a traditional memory balloon device (virtio 1.2, 5.5)
 * over virtio-pci, shaped after what Linux 6.1's virtio_balloon does.
 *
 * Features (5.5.3): STATS_VQ, DEFLATE_ON_OOM and REPORTING. Not offered:
 * MUST_TELL_HOST (so the driver may use a page before telling us it
 * deflated it: the owner repopulates any page the guest touches),
 * FREE_PAGE_HINT (a migration aid) and PAGE_POISON (reported pages come
 * back zeroed, which a guest that poisons free pages would not expect;
 * Linux then leaves reporting off on its own).
 *
 * Configuration (5.5.4): num_pages is the target the owner sets
 * (virtio_balloon_set_target, with a configuration change interrupt);
 * actual is the one field the driver writes. Other writes are ignored.
 *
 * Queues. inflateq (0) and deflateq (1) carry device-readable arrays of
 * le32 PFNs of 4 KiB pages; each chain's readable part must be a whole
 * number of PFNs, at most VIRTIO_BALLOON_MAX_PFNS_PER_BUF of them. PFNs go
 * to the owner in batches of VIRTIO_BALLOON_PFN_BATCH; the chain then goes
 * back used. statsq (2): the driver offers one buffer of (le16 tag, le64
 * value) entries; the device keeps it (stats_held) and gives it back when
 * the owner wants fresh figures (virtio_balloon_request_stats), after which
 * the driver refills and re-offers it. Unknown tags are skipped (5.5.6.3).
 * reporting_vq (3): each buffer of a chain is a range of free guest memory
 * (Linux offers them device-writable, as scatterlist entries of at least
 * 2 MiB); each range goes to the owner, the chain back used with length 0.
 *
 * Guest errors: a malformed buffer (PFN array of odd length or too long,
 * a stats buffer not made of whole entries) or anything the owner refuses
 * makes the transport set DEVICE_NEEDS_RESET: the device stops serving the
 * guest until reset; the owner decides whether the domain goes on.
 *
 * Bounds. Each notification serves at most Queue Size chains, so a guest
 * that floods a queue costs its own vCPU time in queue-sized slices.
 *
 * Locking: none of its own; the owner serialises calls.
 */
#include "hv/virtio_balloon.h"
#include "hv/errno.h"
#include "hv/lib.h"

#define PCI_CLASS_OTHER  0x00ff00u       /* unclassified device, as QEMU's */

static struct virtio_balloon *to_balloon(struct virtio_pci *vp)
{
	return container_of(vp, struct virtio_balloon, vp);
}

/* Hands the PFN array in chain c to the owner's inflate or deflate. */
static int take_pfns(struct virtio_balloon *vb, struct virtq *vq,
		     const struct virtq_chain *c, bool inflate)
{
	uint32_t pfns[VIRTIO_BALLOON_PFN_BATCH];
	uint64_t total = c->read_len / 4;

	if (c->read_len % 4 || total > VIRTIO_BALLOON_MAX_PFNS_PER_BUF)
		return -EINVAL;
	for (uint64_t done = 0; done < total;) {
		unsigned n = (unsigned)MIN(total - done, (uint64_t)VIRTIO_BALLOON_PFN_BATCH);
		long got = virtq_chain_read(vq, vb->vp.env, c, done * 4, pfns, n * 4u);
		int err;

		if (got < 0)
			return (int)got;
		if (got != (long)n * 4)
			return -EINVAL;
		err = inflate ? vb->ops->inflate(vb->ops->ctx, pfns, n)
			      : vb->ops->deflate(vb->ops->ctx, pfns, n);
		if (err)
			return err;
		if (inflate)
			vb->inflated += n;
		else
			vb->deflated += n;
		done += n;
	}
	return 0;
}

/* Hands every buffer of a reporting chain to the owner as a free range. */
static int take_report(struct virtio_balloon *vb, struct virtq *vq, const struct virtq_chain *c)
{
	struct virtq_iter it;
	struct virtq_buf b;
	int rc;

	virtq_iter_init(&it, vq, c);
	while ((rc = virtq_iter_next(&it, vb->vp.env, &b)) == 1) {
		int err = vb->ops->report(vb->ops->ctx, b.gpa, b.len);

		if (err)
			return err;
		vb->reported_bytes += b.len;
	}
	return rc;
}

/* Reads the statistics in chain c (kept by the device afterwards). */
static int take_stats(struct virtio_balloon *vb, struct virtq *vq, const struct virtq_chain *c)
{
	uint8_t e[VIRTIO_BALLOON_STAT_SIZE];
	uint64_t n = c->read_len / VIRTIO_BALLOON_STAT_SIZE;

	if (c->read_len % VIRTIO_BALLOON_STAT_SIZE)
		return -EINVAL;
	n = MIN(n, (uint64_t)VIRTIO_BALLOON_MAX_STATS);
	for (uint64_t i = 0; i < n; i++) {
		long got = virtq_chain_read(vq, vb->vp.env, c, i * sizeof(e), e, sizeof(e));
		uint16_t tag;
		uint64_t val;

		if (got < 0)
			return (int)got;
		memcpy(&tag, e, 2);
		memcpy(&val, e + 2, 8);
		if (tag < VIRTIO_BALLOON_S_NR) {
			vb->stats.val[tag] = val;
			vb->stats.valid |= 1u << tag;
		}
	}
	vb->stats.updates++;
	if (vb->ops->stats)
		vb->ops->stats(vb->ops->ctx, &vb->stats);
	return 0;
}

/* Serves up to a queue's worth of chains on queue q. */
static int drain(struct virtio_balloon *vb, unsigned q)
{
	struct virtq *vq = virtio_pci_queue(&vb->vp, q);
	struct virtq_chain c;
	bool pushed = false;
	int rc = 0;

	if (!vq)
		return 0;
	for (unsigned budget = vq->size; budget; budget--) {
		rc = virtq_pop(vq, vb->vp.env, &c);
		if (rc <= 0)
			break;
		if (q == VIRTIO_BALLOON_STATS_QUEUE) {
			/* A second buffer while one is held: give the old one back. */
			if (vb->stats_held && virtq_push(vq, vb->vp.env, &vb->stats_chain, 0) == 0)
				pushed = true;
			rc = take_stats(vb, vq, &c);
			vb->stats_chain = c;
			vb->stats_held = rc == 0;
		} else {
			rc = q == VIRTIO_BALLOON_REPORT_QUEUE ? take_report(vb, vq, &c)
				: take_pfns(vb, vq, &c, q == VIRTIO_BALLOON_INFLATE_QUEUE);
			if (!rc)
				rc = virtq_push(vq, vb->vp.env, &c, 0);
			pushed |= rc == 0;
		}
		if (rc)
			break;
	}
	if (pushed)
		virtio_pci_notify_queue(&vb->vp, q);
	return rc < 0 ? rc : 0;
}

static int balloon_notify(struct virtio_pci *vp, unsigned q)
{
	return drain(to_balloon(vp), q);
}

/* Linux offers its first stats buffer and may inflate before DRIVER_OK;
 * those kicks were dropped by the transport, so look at every queue now. */
static void balloon_driver_ok(struct virtio_pci *vp)
{
	struct virtio_balloon *vb = to_balloon(vp);

	for (unsigned q = 0; q < VIRTIO_BALLOON_NUM_QUEUES; q++) {
		if (drain(vb, q) < 0) {
			virtio_pci_needs_reset(vp);
			return;
		}
	}
}

static void balloon_reset(struct virtio_pci *vp)
{
	struct virtio_balloon *vb = to_balloon(vp);

	vb->actual = 0;
	vb->stats_held = false;
}

static uint32_t balloon_config_read(struct virtio_pci *vp, unsigned offset, unsigned size)
{
	struct virtio_balloon *vb = to_balloon(vp);
	struct virtio_balloon_config cfg = { .num_pages = vb->num_pages, .actual = vb->actual };
	uint32_t v = 0;

	memcpy(&v, (const uint8_t *)&cfg + offset, size);
	return v;
}

static void balloon_config_write(struct virtio_pci *vp, unsigned offset, unsigned size,
				 uint32_t val)
{
	if (offset == offsetof(struct virtio_balloon_config, actual) && size == 4)
		to_balloon(vp)->actual = val;
}

static const struct virtio_pci_device balloon_device = {
	.device_id = VIRTIO_ID_BALLOON,
	.class_code = PCI_CLASS_OTHER,
	.features = 1ull << VIRTIO_BALLOON_F_STATS_VQ | 1ull << VIRTIO_BALLOON_F_DEFLATE_ON_OOM |
		    1ull << VIRTIO_BALLOON_F_REPORTING,
	.num_queues = VIRTIO_BALLOON_NUM_QUEUES,
	.queue_max_size = VIRTIO_BALLOON_QUEUE_SIZE,
	.config_size = sizeof(struct virtio_balloon_config),
	.config_read = balloon_config_read,
	.config_write = balloon_config_write,
	.queue_notify = balloon_notify,
	.driver_ok = balloon_driver_ok,
	.reset = balloon_reset,
};

int virtio_balloon_init(struct virtio_balloon *vb, const struct vdev_env *env,
			const struct virtio_balloon_ops *ops)
{
	if (!ops || !ops->inflate || !ops->deflate || !ops->report)
		return -EINVAL;
	memset(&vb->stats, 0, sizeof(vb->stats));
	vb->ops = ops;
	vb->num_pages = 0;
	vb->actual = 0;
	vb->stats_held = false;
	vb->inflated = vb->deflated = vb->reported_bytes = 0;
	return virtio_pci_init(&vb->vp, &balloon_device, env);
}

void virtio_balloon_set_target(struct virtio_balloon *vb, uint32_t pages)
{
	if (vb->num_pages == pages)
		return;
	vb->num_pages = pages;
	virtio_pci_config_changed(&vb->vp);
}

int virtio_balloon_request_stats(struct virtio_balloon *vb)
{
	struct virtq *vq = virtio_pci_queue(&vb->vp, VIRTIO_BALLOON_STATS_QUEUE);

	if (!vq || !vb->stats_held)
		return -EAGAIN;
	vb->stats_held = false;
	if (virtq_push(vq, vb->vp.env, &vb->stats_chain, 0)) {
		virtio_pci_needs_reset(&vb->vp);
		return -EAGAIN;
	}
	virtio_pci_notify_queue(&vb->vp, VIRTIO_BALLOON_STATS_QUEUE);
	return 0;
}
