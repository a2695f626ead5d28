/*
 * virtqueue.c - the device side of split virtqueues (virtio 1.2, 2.7
 * "Split Virtqueues"), for device models that run in the hypervisor.
 *
 * Memory. The three areas live in guest memory and are reached only
 * through env->mem_read/mem_write, which fail with -EFAULT for anything
 * that is not the guest's RAM; nothing here dereferences a guest address.
 * Every value the guest wrote is read once into a local and then checked;
 * the guest can change the rings at any moment, so no check relies on
 * guest memory keeping its value.
 *
 * State. last_avail is the next available ring slot the device takes,
 * used_idx the next used ring slot it fills (both free-running 16-bit
 * counters, as in 2.7.6 and 2.7.8); signalled is used_idx when the device
 * last decided whether to notify. The device keeps no copy of any chain:
 * virtq_pop() validates the whole chain and records its totals, and the
 * device then walks it again (virtq_iter_*, virtq_chain_read/write) with
 * the same checks, so a chain the guest rewrote in between can produce
 * garbage data or an error, never an unbounded walk.
 *
 * Validation. Everything the guest supplies is checked; any violation is a
 * guest error:
 *   - available index: avail->idx - last_avail must not exceed the queue
 *     size (the driver cannot offer more chains than there are slots);
 *   - head and next indexes must be below the size of the table they index
 *     (the queue, or the indirect table);
 *   - a chain may hold at most Queue Size descriptors, which catches loops
 *     as well as over-long chains (2.7.5.2: "A driver MUST NOT create a
 *     descriptor chain longer than the Queue Size of the device");
 *   - indirect descriptors (2.7.5.3) are supported when
 *     VIRTIO_F_INDIRECT_DESC was negotiated and refused otherwise; the
 *     table's length must be a non-zero multiple of 16 holding at most
 *     Queue Size entries, the descriptor must not also have NEXT, and an
 *     entry of the table must not be INDIRECT itself. The table's entries
 *     get their own budget of table length, so a walk reads at most twice
 *     the queue size of descriptors;
 *   - device-writable buffers must follow all device-readable ones
 *     (2.7.4.2);
 *   - addr + len of a buffer and every area must not wrap past 2^64.
 * A buffer outside guest RAM is found when the device touches it (the
 * hypervisor's RAM map has holes that only mem_read/mem_write know about):
 * virtq_chain_read/write then fail with -EFAULT. Lengths are summed in
 * 64 bits (at most 2 x 32768 x (2^32 - 1)), so huge lengths cannot wrap;
 * devices copy through bounded buffers, never len bytes at once.
 *
 * Errors. The first guest error is kept in vq->error and every later call
 * returns it: the queue is dead until the driver resets the device. The
 * transport (virtio_pci.c) answers an error by setting DEVICE_NEEDS_RESET
 * in the device status and sending a configuration change notification
 * (2.1.2), so only that device of that guest stops; the domain runs on.
 *
 * Notifications. EVENT_IDX (2.7.7, 2.7.10) is supported: with it the
 * device asks for a kick at the next slot whenever it finds the ring
 * empty, and notifies the driver when used_event falls in the range of
 * used entries published since the last decision; without it, it notifies
 * unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT, and never sets
 * VIRTQ_USED_F_NO_NOTIFY (every kick is wanted).
 *
 * Ordering. The used element is written before the used index (a release
 * fence between); a full fence separates publishing the used index from
 * reading the driver's suppression fields, and writing avail_event from
 * reading the available index again, as 2.7.7 and 2.7.10 require; the
 * available index is read before the ring slot and descriptors (acquire).
 *
 * Locking: none of its own; the device's owner serialises calls.
 */
#include "hv/virtqueue.h"
#include "hv/errno.h"
#include "hv/lib.h"

static int fail(struct virtq *vq, int err)
{
	if (!vq->error)
		vq->error = err;
	return vq->error;
}

static int read_le16(const struct vdev_env *env, uint64_t gpa, uint16_t *v)
{
	uint8_t b[2];
	int rc = env->mem_read(env->ctx, gpa, b, sizeof(b));

	*v = (uint16_t)(b[0] | b[1] << 8);
	return rc;
}

static int write_le16(const struct vdev_env *env, uint64_t gpa, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return env->mem_write(env->ctx, gpa, b, sizeof(b));
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_le32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static int read_desc(const struct vdev_env *env, uint64_t gpa, struct virtq_desc *d)
{
	uint8_t b[16];
	int rc = env->mem_read(env->ctx, gpa, b, sizeof(b));

	if (rc)
		return -EFAULT;
	d->addr = (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32;
	d->len = le32(b + 8);
	d->flags = (uint16_t)(b[12] | b[13] << 8);
	d->next = (uint16_t)(b[14] | b[15] << 8);
	return 0;
}

static bool wraps(uint64_t addr, uint64_t len)
{
	return addr + len < addr;
}

int virtq_init(struct virtq *vq, uint16_t size, uint64_t desc, uint64_t avail,
	       uint64_t used, uint64_t features)
{
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->event_idx = features & (1ull << VIRTQ_F_EVENT_IDX);
	vq->indirect = features & (1ull << VIRTQ_F_INDIRECT_DESC);
	if (size == 0 || (size & (size - 1)))
		return fail(vq, -EINVAL);
	if (!IS_ALIGNED(desc, 16) || !IS_ALIGNED(avail, 2) || !IS_ALIGNED(used, 4))
		return fail(vq, -EINVAL);
	if (wraps(desc, 16ull * size) || wraps(avail, 6 + 2ull * size) ||
	    wraps(used, 6 + 8ull * size))
		return fail(vq, -EINVAL);
	return 0;
}

void virtq_iter_init(struct virtq_iter *it, const struct virtq *vq, const struct virtq_chain *c)
{
	memset(it, 0, sizeof(*it));
	it->vq = vq;
	it->table = vq->desc;
	it->table_n = vq->size;
	it->budget = vq->size;
	it->idx = c->head;
}

/* Switches the walk into the indirect table d describes (2.7.5.3). */
static int enter_indirect(struct virtq_iter *it, const struct virtq_desc *d)
{
	if (!it->vq->indirect || it->in_indirect || (d->flags & VIRTQ_DESC_F_NEXT))
		return -EINVAL;
	if (d->len == 0 || d->len % sizeof(struct virtq_desc) ||
	    d->len / sizeof(struct virtq_desc) > it->vq->size || wraps(d->addr, d->len))
		return -EINVAL;
	it->in_indirect = true;
	it->table = d->addr;
	it->table_n = d->len / sizeof(struct virtq_desc);
	it->budget = it->table_n;
	it->idx = 0;
	return 0;
}

int virtq_iter_next(struct virtq_iter *it, const struct vdev_env *env, struct virtq_buf *b)
{
	struct virtq_desc d;
	int rc;

	for (;;) {
		if (it->done)
			return 0;
		if (it->budget == 0)
			return -EINVAL;            /* a loop, or longer than allowed */
		if (it->idx >= it->table_n)
			return -EINVAL;
		it->budget--;
		rc = read_desc(env, it->table + (uint64_t)it->idx * sizeof(d), &d);
		if (rc)
			return rc;
		if (!(d.flags & VIRTQ_DESC_F_INDIRECT))
			break;
		rc = enter_indirect(it, &d);
		if (rc)
			return rc;
	}
	if (wraps(d.addr, d.len))
		return -EINVAL;
	if (d.flags & VIRTQ_DESC_F_WRITE)
		it->seen_write = true;
	else if (it->seen_write)
		return -EINVAL;                    /* readable after writable */
	if (d.flags & VIRTQ_DESC_F_NEXT)
		it->idx = d.next;
	else
		it->done = true;
	b->gpa = d.addr;
	b->len = d.len;
	b->write = d.flags & VIRTQ_DESC_F_WRITE;
	return 1;
}

/* Walks chain c completely, filling its totals. 0 or a negative errno. */
static int measure(const struct virtq *vq, const struct vdev_env *env, struct virtq_chain *c)
{
	struct virtq_iter it;
	struct virtq_buf b;
	int rc;

	c->ndesc = 0;
	c->read_len = 0;
	c->write_len = 0;
	virtq_iter_init(&it, vq, c);
	while ((rc = virtq_iter_next(&it, env, &b)) > 0) {
		c->ndesc++;
		if (b.write)
			c->write_len += b.len;
		else
			c->read_len += b.len;
	}
	return rc;
}

/* Chains the driver has made available beyond last_avail, checked. */
static int avail_count(struct virtq *vq, const struct vdev_env *env, uint16_t *n)
{
	uint16_t idx;

	if (read_le16(env, vq->avail + VIRTQ_AVAIL_IDX, &idx))
		return fail(vq, -EFAULT);
	*n = (uint16_t)(idx - vq->last_avail);
	if (*n > vq->size)
		return fail(vq, -EINVAL);
	return 0;
}

/* With EVENT_IDX: asks for a kick when slot last_avail is filled, then
 * looks again so that a chain made available meanwhile is not missed. */
static int arm_avail_event(struct virtq *vq, const struct vdev_env *env, uint16_t *n)
{
	uint64_t avail_event = vq->used + VIRTQ_USED_RING + 8ull * vq->size;

	if (write_le16(env, avail_event, vq->last_avail))
		return fail(vq, -EFAULT);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_count(vq, env, n);
}

int virtq_pop(struct virtq *vq, const struct vdev_env *env, struct virtq_chain *c)
{
	uint16_t n, head;
	int rc;

	if (vq->error)
		return vq->error;
	rc = avail_count(vq, env, &n);
	if (rc)
		return rc;
	if (n == 0 && vq->event_idx) {
		rc = arm_avail_event(vq, env, &n);
		if (rc)
			return rc;
	}
	if (n == 0)
		return 0;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (read_le16(env, vq->avail + VIRTQ_AVAIL_RING + 2ull * (vq->last_avail % vq->size), &head))
		return fail(vq, -EFAULT);
	if (head >= vq->size)
		return fail(vq, -EINVAL);
	c->head = head;
	rc = measure(vq, env, c);
	if (rc)
		return fail(vq, rc);
	vq->last_avail++;
	return 1;
}

/* Copies between buf and the chain's readable (write == false) or
 * writable buffers, from offset off on. */
static long chain_copy(struct virtq *vq, const struct vdev_env *env, const struct virtq_chain *c,
		       bool write, uint64_t off, uint8_t *buf, size_t len)
{
	struct virtq_iter it;
	struct virtq_buf b;
	size_t done = 0;
	int rc = 0;

	if (vq->error)
		return vq->error;
	virtq_iter_init(&it, vq, c);
	while (done < len && (rc = virtq_iter_next(&it, env, &b)) > 0) {
		if (b.write != write)
			continue;
		if (off >= b.len) {
			off -= b.len;
			continue;
		}
		size_t n = MIN((uint64_t)(len - done), b.len - off);
		rc = write ? env->mem_write(env->ctx, b.gpa + off, buf + done, n)
			   : env->mem_read(env->ctx, b.gpa + off, buf + done, n);
		if (rc)
			return fail(vq, -EFAULT);
		done += n;
		off = 0;
	}
	if (done < len && rc < 0)
		return fail(vq, rc);
	return (long)done;
}

long virtq_chain_read(struct virtq *vq, const struct vdev_env *env,
		      const struct virtq_chain *c, uint64_t off, void *buf, size_t len)
{
	return chain_copy(vq, env, c, false, off, buf, len);
}

long virtq_chain_write(struct virtq *vq, const struct vdev_env *env,
		       const struct virtq_chain *c, uint64_t off, const void *buf, size_t len)
{
	return chain_copy(vq, env, c, true, off, (uint8_t *)buf, len);
}

int virtq_push(struct virtq *vq, const struct vdev_env *env,
	       const struct virtq_chain *c, uint32_t written)
{
	uint8_t elem[8];
	uint64_t slot = vq->used + VIRTQ_USED_RING + 8ull * (vq->used_idx % vq->size);

	if (vq->error)
		return vq->error;
	put_le32(elem, c->head);
	put_le32(elem + 4, (uint32_t)MIN((uint64_t)written, c->write_len));
	if (env->mem_write(env->ctx, slot, elem, sizeof(elem)))
		return fail(vq, -EFAULT);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (write_le16(env, vq->used + VIRTQ_USED_IDX, (uint16_t)(vq->used_idx + 1)))
		return fail(vq, -EFAULT);
	vq->used_idx++;
	return 0;
}

int virtq_should_notify(struct virtq *vq, const struct vdev_env *env)
{
	uint16_t old = vq->signalled, new = vq->used_idx, v;

	if (vq->error)
		return vq->error;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->signalled = new;
	if (old == new)
		return 0;
	if (vq->event_idx) {
		/* used_event: after the available ring (2.7.6). */
		if (read_le16(env, vq->avail + VIRTQ_AVAIL_RING + 2ull * vq->size, &v))
			return fail(vq, -EFAULT);
		return (uint16_t)(new - v - 1) < (uint16_t)(new - old);
	}
	if (read_le16(env, vq->avail, &v))
		return fail(vq, -EFAULT);
	return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
}
