/*
 * test_virtio_guest.h - a fake guest for the host tests of the virtqueue,
 * virtio-pci and virtio-console models: RAM at guest-physical 0 (the
 * hv_test_util arena), a struct vdev_env over it that logs MSIs and
 * console bytes, and a minimal driver side of a split virtqueue that
 * builds rings the way Linux's virtio_ring does.
 */
#ifndef TEST_VIRTIO_GUEST_H
#define TEST_VIRTIO_GUEST_H

#include "hv_test_util.h"
#include "hv/vdev.h"
#include "hv/virtqueue.h"

#define TG_RAM_SIZE     (1u << 20)
#define TG_MAX_ACCESSES 1000000ul      /* a model that loops gives up here */

struct tg {
	unsigned long accesses;
	uint64_t msi_addr[64];
	uint32_t msi_data[64];
	unsigned nmsi;
	char out[16384];
	size_t nout;                   /* bytes kept in out */
	size_t nout_total;             /* bytes ever written to the console */
};

static struct tg tg_state;

static inline int tg_check(uint64_t gpa, size_t len)
{
	if (++tg_state.accesses > TG_MAX_ACCESSES) {
		unit_failf("more than %lu guest memory accesses: a loop?", TG_MAX_ACCESSES);
		return -14;
	}
	if (gpa >= TG_RAM_SIZE || len > TG_RAM_SIZE - gpa)
		return -14;                    /* -EFAULT */
	return 0;
}

static inline int tg_mem_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (tg_check(gpa, len))
		return -14;
	memcpy(buf, test_phys()->mem + gpa, len);
	return 0;
}

static inline int tg_mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	if (tg_check(gpa, len))
		return -14;
	memcpy(test_phys()->mem + gpa, buf, len);
	return 0;
}

static inline void tg_msi(void *ctx, uint64_t address, uint32_t data)
{
	(void)ctx;
	if (tg_state.nmsi < 64) {
		tg_state.msi_addr[tg_state.nmsi] = address;
		tg_state.msi_data[tg_state.nmsi] = data;
	}
	tg_state.nmsi++;
}

static inline void tg_console_out(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	tg_state.nout_total += len;
	for (size_t i = 0; i < len && tg_state.nout < sizeof(tg_state.out); i++)
		tg_state.out[tg_state.nout++] = buf[i];
}

static const struct vdev_env tg_env = {
	.ctx = &tg_state,
	.mem_read = tg_mem_read,
	.mem_write = tg_mem_write,
	.msi = tg_msi,
	.console_out = tg_console_out,
};

/* Fresh RAM (zeroed, like memory Linux gives a ring) and empty logs. */
static inline void tg_reset(void)
{
	test_phys_init(TG_RAM_SIZE);
	memset(test_phys()->mem, 0, TG_RAM_SIZE);
	memset(&tg_state, 0, sizeof(tg_state));
}

static inline uint8_t *tg_ptr(uint64_t gpa)
{
	return test_phys()->mem + gpa;
}

static inline void tg_put16(uint64_t gpa, uint16_t v)
{
	memcpy(tg_ptr(gpa), &v, 2);
}

static inline uint16_t tg_get16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, tg_ptr(gpa), 2);
	return v;
}

static inline uint32_t tg_get32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, tg_ptr(gpa), 4);
	return v;
}

/* The driver side of one split queue in fake RAM. */
struct tdrv {
	uint64_t desc, avail, used;
	uint16_t size;
	uint16_t free_head;            /* next descriptor to hand out (no reuse) */
	uint16_t avail_idx;
	uint16_t last_used;
	bool rearm;                    /* used_event follows used->idx on offer */
};

/* Lays a queue of size entries out at gpa: descriptors, available ring,
 * then the used ring at the next 4 KiB boundary. */
static inline void tdrv_init(struct tdrv *d, uint64_t gpa, uint16_t size)
{
	memset(d, 0, sizeof(*d));
	d->size = size;
	d->desc = gpa;
	d->avail = gpa + 16ull * size;
	d->used = (d->avail + 6 + 2ull * size + 4095) & ~4095ull;
}

static inline void tdrv_set_desc(struct tdrv *d, uint16_t i, uint64_t addr, uint32_t len,
			  uint16_t flags, uint16_t next)
{
	struct virtq_desc x = { addr, len, flags, next };

	memcpy(tg_ptr(d->desc + 16ull * i), &x, 16);
}

/* Offers the chain starting at descriptor head. With rearm, also asks
 * (EVENT_IDX) for an interrupt at the next completion, as a driver that
 * has consumed every used entry does. */
static inline void tdrv_offer(struct tdrv *d, uint16_t head)
{
	if (d->rearm)
		tg_put16(d->avail + 4 + 2ull * d->size, tg_get16(d->used + 2));
	tg_put16(d->avail + 4 + 2ull * (d->avail_idx % d->size), head);
	d->avail_idx++;
	tg_put16(d->avail + 2, d->avail_idx);
}

/*
 * Builds and offers a chain of nr readable then nw writable buffers, each
 * len bytes at consecutive addresses from buf. Returns the head.
 */
static inline uint16_t tdrv_add(struct tdrv *d, uint64_t buf, uint32_t len, unsigned nr, unsigned nw)
{
	uint16_t head = d->free_head;

	for (unsigned i = 0; i < nr + nw; i++) {
		uint16_t idx = (uint16_t)(d->free_head++ % d->size);
		uint16_t flags = (uint16_t)((i >= nr ? VIRTQ_DESC_F_WRITE : 0) |
					    (i + 1 < nr + nw ? VIRTQ_DESC_F_NEXT : 0));

		tdrv_set_desc(d, idx, buf + (uint64_t)i * len, len, flags,
			      (uint16_t)(d->free_head % d->size));
	}
	tdrv_offer(d, (uint16_t)(head % d->size));
	return (uint16_t)(head % d->size);
}

/* Takes the next used element: 1 with *id and *len, 0 if none. */
static inline int tdrv_get_used(struct tdrv *d, uint32_t *id, uint32_t *len)
{
	uint64_t e;

	if (tg_get16(d->used + 2) == d->last_used)
		return 0;
	e = d->used + 4 + 8ull * (d->last_used % d->size);
	*id = tg_get32(e);
	*len = tg_get32(e + 4);
	d->last_used++;
	return 1;
}

#endif
