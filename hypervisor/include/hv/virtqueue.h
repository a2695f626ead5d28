/*
 * virtqueue.h - the device side of a split virtqueue (virtio 1.2, 2.7
 * "Split Virtqueues"), over guest memory reached only through a
 * struct vdev_env. The design, the validation rules and the error policy
 * are at the top of devices/virtqueue.c.
 */
#ifndef HV_VIRTQUEUE_H
#define HV_VIRTQUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "hv/vdev.h"

#define VIRTQ_MAX_SIZE          32768  /* 2.7: Queue Size at most 32768 */

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT       1
#define VIRTQ_DESC_F_WRITE      2
#define VIRTQ_DESC_F_INDIRECT   4

/* Available ring flags (2.7.6) and used ring flags (2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1

/* Feature bits this module implements (6 "Reserved Feature Bits"). */
#define VIRTQ_F_INDIRECT_DESC   28
#define VIRTQ_F_EVENT_IDX       29

/* The descriptor table entry (2.7.5), little-endian in guest memory. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes");
_Static_assert(offsetof(struct virtq_desc, len) == 8, "virtq_desc.len");
_Static_assert(offsetof(struct virtq_desc, flags) == 12, "virtq_desc.flags");
_Static_assert(offsetof(struct virtq_desc, next) == 14, "virtq_desc.next");

/* A used ring element (2.7.8). */
struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem is 8 bytes");

/* Offsets in the available ring: flags, idx, ring[size], used_event. */
#define VIRTQ_AVAIL_IDX         2
#define VIRTQ_AVAIL_RING        4
/* Offsets in the used ring: flags, idx, ring[size], avail_event. */
#define VIRTQ_USED_IDX          2
#define VIRTQ_USED_RING         4

/* One queue's device-side state. Owned by the device; fields private to
 * virtqueue.c except where noted. */
struct virtq {
	uint64_t desc, avail, used;    /* guest-physical, set by virtq_init */
	uint16_t size;                 /* power of two, 1..VIRTQ_MAX_SIZE */
	bool event_idx;                /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;                 /* VIRTIO_F_INDIRECT_DESC negotiated */
	uint16_t last_avail;           /* next available ring slot to take */
	uint16_t used_idx;             /* next used ring slot to fill */
	uint16_t signalled;            /* used_idx at the last notify decision */
	int error;                     /* first guest error, sticky; 0 = none */
};

/* A chain taken from the available ring by virtq_pop(). */
struct virtq_chain {
	uint16_t head;                 /* descriptor index, the used element's id */
	uint32_t ndesc;                /* descriptors in it (indirect entries too) */
	uint64_t read_len;             /* bytes in device-readable buffers */
	uint64_t write_len;            /* bytes in device-writable buffers */
};

/* One buffer of a chain. */
struct virtq_buf {
	uint64_t gpa;
	uint32_t len;
	bool write;                    /* device-writable */
};

/* Walks a chain's buffers again, with the same validation as virtq_pop. */
struct virtq_iter {
	const struct virtq *vq;
	uint64_t table;                /* descriptor table being walked */
	uint32_t table_n;              /* its entries */
	uint32_t budget;               /* descriptors it may still yield */
	uint16_t idx;                  /* next descriptor in table */
	bool in_indirect, seen_write, done;
};

/*
 * Sets vq up for a queue the driver enabled: size entries (a power of two,
 * 1..32768) and the three areas' guest-physical addresses, which must be
 * aligned as 2.7 requires (16, 2 and 4 bytes) and must not wrap. features
 * are the negotiated feature bits (EVENT_IDX and INDIRECT_DESC matter).
 * Returns 0, or -EINVAL and leaves vq in the error state.
 */
int virtq_init(struct virtq *vq, uint16_t size, uint64_t desc, uint64_t avail,
	       uint64_t used, uint64_t features);

/*
 * Takes the next available chain and validates all of it (see the top of
 * virtqueue.c). Returns 1 with *c filled, 0 if the ring is empty, or a
 * negative errno for a guest error (-EFAULT: a ring or descriptor outside
 * guest RAM; -EINVAL: anything malformed), after which the queue stays
 * failed and every call returns that error.
 */
int virtq_pop(struct virtq *vq, const struct vdev_env *env, struct virtq_chain *c);

/*
 * Copies up to len bytes from the chain's device-readable buffers,
 * starting off bytes into them. Returns the bytes copied (fewer at the end
 * of the readable part) or a negative errno (the queue fails).
 */
long virtq_chain_read(struct virtq *vq, const struct vdev_env *env,
		      const struct virtq_chain *c, uint64_t off, void *buf, size_t len);

/* The same into the device-writable buffers. */
long virtq_chain_write(struct virtq *vq, const struct vdev_env *env,
		       const struct virtq_chain *c, uint64_t off, const void *buf, size_t len);

/*
 * Returns chain c to the driver with written bytes in its writable part
 * (clamped to c->write_len): fills the used element, then publishes the
 * used index. Returns 0 or a negative errno (the queue fails).
 */
int virtq_push(struct virtq *vq, const struct vdev_env *env,
	       const struct virtq_chain *c, uint32_t written);

/*
 * Whether the driver wants a used buffer notification for what was pushed
 * since the last call (2.7.7: flags, or used_event with EVENT_IDX).
 * Returns 1, 0, or a negative errno (the queue fails).
 */
int virtq_should_notify(struct virtq *vq, const struct vdev_env *env);

/* Starts walking chain c of vq. */
void virtq_iter_init(struct virtq_iter *it, const struct virtq *vq, const struct virtq_chain *c);

/* The next buffer: 1 with *b, 0 at the end, or a negative errno. */
int virtq_iter_next(struct virtq_iter *it, const struct vdev_env *env, struct virtq_buf *b);

#endif
