/*
 * test_virtqueue.c - host unit tests of the split virtqueue
 * (devices/virtqueue.c) against a driver side that lays rings out in fake
 * guest RAM: the normal path, EVENT_IDX and flag-based notification, and
 * hostile rings (loops, long chains, bad indexes, huge lengths, memory
 * outside RAM, bad indirect tables, random garbage).
 */
#include "test_virtio_guest.h"
#include "../devices/virtqueue.c"

#define Q_GPA    0x10000ull
#define BUF_GPA  0x40000ull
#define F_EVIDX  (1ull << VIRTQ_F_EVENT_IDX)
#define F_INDIR  (1ull << VIRTQ_F_INDIRECT_DESC)

static struct virtq vq;
static struct tdrv drv;

static void setup(uint16_t size, uint64_t features)
{
	tg_reset();
	tdrv_init(&drv, Q_GPA, size);
	if (virtq_init(&vq, size, drv.desc, drv.avail, drv.used, features) != 0)
		unit_failf("virtq_init(%u) failed", size);
}

static void test_init_validation(void)
{
	struct virtq q;

	unit_begin("virtq_init_validation");
	UNIT_CHECK(virtq_init(&q, 256, 0x1000, 0x2000, 0x3000, 0) == 0);
	UNIT_CHECK(virtq_init(&q, 1, 0x1000, 0x2000, 0x3000, 0) == 0);
	UNIT_CHECK(virtq_init(&q, 32768, 0x1000, 0x2000, 0x3000, 0) == 0);
	UNIT_CHECK(virtq_init(&q, 0, 0x1000, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 3, 0x1000, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 100, 0x1000, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 65535, 0x1000, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0x1008, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0x1000, 0x2001, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0x1000, 0x2000, 0x3002, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0xFFFFFFFFFFFFFF00ull, 0x2000, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0x1000, 0xFFFFFFFFFFFFFFF0ull, 0x3000, 0) == -EINVAL);
	UNIT_CHECK(virtq_init(&q, 16, 0x1000, 0x2000, 0xFFFFFFFFFFFFFF80ull, 0) == -EINVAL);
	/* A failed queue stays failed. */
	struct virtq_chain c;
	tg_reset();
	UNIT_CHECK(virtq_pop(&q, &tg_env, &c) == -EINVAL);
	unit_end();
}

static void test_pop_push(void)
{
	struct virtq_chain c;
	uint8_t data[64];
	uint32_t id, len;
	uint16_t head;

	unit_begin("virtq_pop_push");
	setup(8, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 0);       /* empty */
	for (int i = 0; i < 32; i++)
		tg_ptr(BUF_GPA)[i] = (uint8_t)('a' + i % 26);
	head = tdrv_add(&drv, BUF_GPA, 16, 2, 1);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(c.head == head && c.ndesc == 3);
	UNIT_CHECK(c.read_len == 32 && c.write_len == 16);
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 0, data, sizeof(data)) == 32);
	UNIT_CHECK(memcmp(data, tg_ptr(BUF_GPA), 32) == 0);
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 10, data, 10) == 10);
	UNIT_CHECK(memcmp(data, tg_ptr(BUF_GPA + 10), 10) == 0);   /* across buffers */
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 40, data, 10) == 0);
	UNIT_CHECK(virtq_chain_write(&vq, &tg_env, &c, 4, "hello world!", 12) == 12);
	UNIT_CHECK(memcmp(tg_ptr(BUF_GPA + 32 + 4), "hello world!", 12) == 0);
	UNIT_CHECK(virtq_chain_write(&vq, &tg_env, &c, 8, "0123456789", 10) == 8);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 0);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 1000) == 0);      /* clamped */
	UNIT_CHECK(tdrv_get_used(&drv, &id, &len) == 1 && id == head && len == 16);
	UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == 1);
	UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == 0);       /* nothing new */
	/* Many rounds wrap the 16-bit indexes past the ring size. */
	for (int i = 0; i < 70000 && !unit_state.failed; i++) {
		drv.free_head = (uint16_t)(i % 8);
		head = tdrv_add(&drv, BUF_GPA, 8, 1, 0);
		if (virtq_pop(&vq, &tg_env, &c) != 1 || c.head != head ||
		    virtq_push(&vq, &tg_env, &c, 0) != 0 || tdrv_get_used(&drv, &id, &len) != 1 ||
		    id != head)
			unit_failf("round %d", i);
		tg_state.accesses = 0;
	}
	unit_end();
}

static void test_notify_flags(void)
{
	struct virtq_chain c;

	unit_begin("virtq_notify_no_interrupt_flag");
	setup(8, 0);
	tdrv_add(&drv, BUF_GPA, 8, 1, 0);
	tg_put16(drv.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == 0);
	UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == 0);
	tg_put16(drv.avail, 0);
	tdrv_add(&drv, BUF_GPA, 8, 1, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == 0);
	UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == 1);
	UNIT_CHECK(tg_get16(drv.used) == 0);                      /* never NO_NOTIFY */
	unit_end();
}

static void test_event_idx(void)
{
	struct virtq_chain c;
	uint64_t used_event, avail_event;

	unit_begin("virtq_event_idx");
	setup(8, F_EVIDX);
	used_event = drv.avail + 4 + 2 * 8;
	avail_event = drv.used + 4 + 8 * 8;
	tg_put16(avail_event, 0x7777);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 0);
	UNIT_CHECK(tg_get16(avail_event) == 0);                   /* kick me at slot 0 */
	/* The driver wants an interrupt only after used entry 2 (index 3). */
	tg_put16(used_event, 2);
	for (int i = 0; i < 4; i++) {
		tdrv_add(&drv, BUF_GPA, 8, 1, 0);
		UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
		UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == 0);
		UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == (i == 2));
	}
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 0);
	UNIT_CHECK(tg_get16(avail_event) == 4);
	/* Two pushes, one decision: crossing used_event in the batch counts. */
	tg_put16(used_event, 4);
	for (int i = 0; i < 2; i++) {
		tdrv_add(&drv, BUF_GPA, 8, 1, 0);
		UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
		UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == 0);
	}
	UNIT_CHECK(virtq_should_notify(&vq, &tg_env) == 1);
	unit_end();
}

static void test_indirect(void)
{
	struct virtq_chain c;
	const uint64_t table = 0x30000;
	struct virtq_desc t[3] = {
		{ BUF_GPA, 10, VIRTQ_DESC_F_NEXT, 2 },
		{ BUF_GPA + 100, 30, VIRTQ_DESC_F_WRITE, 0 },
		{ BUF_GPA + 50, 20, VIRTQ_DESC_F_NEXT, 1 },
	};
	uint8_t data[40];

	unit_begin("virtq_indirect");
	setup(8, F_INDIR);
	memcpy(tg_ptr(table), t, sizeof(t));
	memcpy(tg_ptr(BUF_GPA), "0123456789", 10);
	memcpy(tg_ptr(BUF_GPA + 50), "abcdefghijklmnopqrst", 20);
	/* A direct readable descriptor, then the indirect one. */
	tdrv_set_desc(&drv, 5, BUF_GPA + 200, 4, VIRTQ_DESC_F_NEXT, 6);
	memcpy(tg_ptr(BUF_GPA + 200), "HEAD", 4);
	tdrv_set_desc(&drv, 6, table, sizeof(t), VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	tdrv_offer(&drv, 5);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(c.head == 5 && c.ndesc == 4 && c.read_len == 34 && c.write_len == 30);
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 0, data, 34) == 34);
	UNIT_CHECK(memcmp(data, "HEAD0123456789abcdefghijklmnopqrst", 34) == 0);
	UNIT_CHECK(virtq_chain_write(&vq, &tg_env, &c, 0, "xyz", 3) == 3);
	UNIT_CHECK(memcmp(tg_ptr(BUF_GPA + 100), "xyz", 3) == 0);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 3) == 0);
	/* Not negotiated: refused. */
	setup(8, 0);
	memcpy(tg_ptr(table), t, sizeof(t));
	tdrv_set_desc(&drv, 0, table, sizeof(t), VIRTQ_DESC_F_INDIRECT, 0);
	tdrv_offer(&drv, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EINVAL);
	unit_end();
}

/* One hostile chain at descriptor 0 of a fresh queue: pop's result. */
static int pop_hostile(uint64_t features, void (*build)(void))
{
	struct virtq_chain c;
	int rc;

	setup(8, features);
	build();
	tdrv_offer(&drv, 0);
	rc = virtq_pop(&vq, &tg_env, &c);
	if (rc < 0 && virtq_pop(&vq, &tg_env, &c) != rc)
		unit_failf("error %d is not sticky", rc);
	return rc;
}

static void build_self_loop(void)
{
	tdrv_set_desc(&drv, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 0);
}

static void build_long_loop(void)
{
	for (uint16_t i = 0; i < 8; i++)
		tdrv_set_desc(&drv, i, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % 8));
}

static void build_full_chain(void)
{
	for (uint16_t i = 0; i < 8; i++)
		tdrv_set_desc(&drv, i, BUF_GPA, 8, i < 7 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
}

static void build_next_out_of_range(void)
{
	tdrv_set_desc(&drv, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 8);
}

static void build_read_after_write(void)
{
	tdrv_set_desc(&drv, 0, BUF_GPA, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	tdrv_set_desc(&drv, 1, BUF_GPA, 8, 0, 0);
}

static void build_wrapping_buffer(void)
{
	tdrv_set_desc(&drv, 0, 0xFFFFFFFFFFFFFF00ull, 0xFFFFFFFF, 0, 0);
}

static void build_indirect_next(void)
{
	tdrv_set_desc(&drv, 0, 0x30000, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
}

static void build_indirect_bad_len(void)
{
	tdrv_set_desc(&drv, 0, 0x30000, 24, VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_empty(void)
{
	tdrv_set_desc(&drv, 0, 0x30000, 0, VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_too_big(void)
{
	tdrv_set_desc(&drv, 0, 0x30000, 16 * 9, VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_nested(void)
{
	struct virtq_desc t = { 0x30000, 16, VIRTQ_DESC_F_INDIRECT, 0 };

	memcpy(tg_ptr(0x30000), &t, sizeof(t));
	tdrv_set_desc(&drv, 0, 0x30000, 16, VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_loop(void)
{
	struct virtq_desc t[2] = {
		{ BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 1 },
		{ BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 0 },
	};

	memcpy(tg_ptr(0x30000), t, sizeof(t));
	tdrv_set_desc(&drv, 0, 0x30000, sizeof(t), VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_next_out_of_table(void)
{
	struct virtq_desc t = { BUF_GPA, 8, VIRTQ_DESC_F_NEXT, 1 };

	memcpy(tg_ptr(0x30000), &t, sizeof(t));
	tdrv_set_desc(&drv, 0, 0x30000, 16, VIRTQ_DESC_F_INDIRECT, 0);
}

static void build_indirect_outside_ram(void)
{
	tdrv_set_desc(&drv, 0, TG_RAM_SIZE + 0x1000, 32, VIRTQ_DESC_F_INDIRECT, 0);
}

static void test_hostile_chains(void)
{
	unit_begin("virtq_hostile_chains");
	UNIT_CHECK(pop_hostile(0, build_self_loop) == -EINVAL);
	UNIT_CHECK(tg_state.accesses < 64);
	UNIT_CHECK(pop_hostile(0, build_long_loop) == -EINVAL);
	UNIT_CHECK(pop_hostile(0, build_full_chain) == 1);     /* exactly Queue Size: fine */
	UNIT_CHECK(pop_hostile(0, build_next_out_of_range) == -EINVAL);
	UNIT_CHECK(pop_hostile(0, build_read_after_write) == -EINVAL);
	UNIT_CHECK(pop_hostile(0, build_wrapping_buffer) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_next) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_bad_len) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_empty) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_too_big) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_nested) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_loop) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_next_out_of_table) == -EINVAL);
	UNIT_CHECK(pop_hostile(F_INDIR, build_indirect_outside_ram) == -EFAULT);
	unit_end();
}

static void test_hostile_rings(void)
{
	struct virtq_chain c;

	unit_begin("virtq_hostile_rings");
	/* The driver claims more chains than the ring holds. */
	setup(8, 0);
	tg_put16(drv.avail + 2, 9);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EINVAL);
	/* A head index past the table. */
	setup(8, 0);
	tg_put16(drv.avail + 4, 8);
	tg_put16(drv.avail + 2, 1);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EINVAL);
	setup(8, 0);
	tg_put16(drv.avail + 4, 0xFFFF);
	tg_put16(drv.avail + 2, 1);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EINVAL);
	/* Rings outside guest RAM. */
	tg_reset();
	UNIT_CHECK(virtq_init(&vq, 8, TG_RAM_SIZE, 0x2000, 0x3000, 0) == 0);
	tg_put16(0x2002, 1);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EFAULT);
	UNIT_CHECK(virtq_init(&vq, 8, 0x1000, TG_RAM_SIZE - 2, 0x3000, 0) == 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EFAULT);
	UNIT_CHECK(virtq_init(&vq, 8, 0x1000, 0x2000, TG_RAM_SIZE + 64, F_EVIDX) == 0);
	tg_put16(0x2002, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == -EFAULT);     /* avail_event write */
	unit_end();
}

/* Buffers beyond RAM and huge lengths fail when touched, not before. */
static void test_huge_and_outside_buffers(void)
{
	struct virtq_chain c;
	uint8_t b[16];

	unit_begin("virtq_huge_and_outside_buffers");
	setup(8, 0);
	tdrv_set_desc(&drv, 0, TG_RAM_SIZE - 8, 0xFFFFFFFF, VIRTQ_DESC_F_NEXT, 1);
	tdrv_set_desc(&drv, 1, TG_RAM_SIZE - 4, 0xFFFFFFFF, VIRTQ_DESC_F_WRITE, 0);
	tdrv_offer(&drv, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(c.read_len == 0xFFFFFFFF && c.write_len == 0xFFFFFFFF);
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 0, b, 8) == 8);
	UNIT_CHECK(virtq_chain_write(&vq, &tg_env, &c, 0, b, 4) == 4);
	UNIT_CHECK(virtq_chain_read(&vq, &tg_env, &c, 0, b, 16) == -EFAULT);
	UNIT_CHECK(vq.error == -EFAULT);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == -EFAULT);
	/* A used ring outside RAM fails the push. */
	tg_reset();
	UNIT_CHECK(virtq_init(&vq, 8, 0x1000, 0x2000, TG_RAM_SIZE - 4, 0) == 0);
	tdrv_init(&drv, 0x1000, 8);
	drv.avail = 0x2000;
	tdrv_add(&drv, BUF_GPA, 8, 1, 0);
	UNIT_CHECK(virtq_pop(&vq, &tg_env, &c) == 1);
	UNIT_CHECK(virtq_push(&vq, &tg_env, &c, 0) == -EFAULT);
	unit_end();
}

/* Random garbage in every area: every pop ends, with a bounded number of
 * guest memory accesses, in a chain, an empty ring or an error. */
static void test_random_garbage(void)
{
	uint64_t seed = 42;
	unsigned chains = 0, errors = 0;

	unit_begin("virtq_random_garbage");
	for (int round = 0; round < 3000 && !unit_state.failed; round++) {
		uint16_t size = (uint16_t)(1u << test_rand_below(&seed, 9));
		uint64_t features = test_rand(&seed) & (F_EVIDX | F_INDIR);
		struct virtq_chain c;
		int rc;

		setup(size, features);
		for (uint64_t i = 0; i < 0x6000; i += 8) {
			uint64_t r = test_rand(&seed);
			memcpy(tg_ptr(Q_GPA + i), &r, 8);
		}
		/* Half the fields plausible: addresses in RAM (some of them
		 * indirect tables inside the garbage), next and head indexes
		 * in range, an available index not too far ahead. */
		for (uint16_t i = 0; i < size; i++) {
			uint64_t d = drv.desc + 16ull * i, r = test_rand(&seed);
			uint64_t a = Q_GPA + (r >> 8) % 0x6000 / 16 * 16;
			uint16_t flags = (uint16_t)(r & 7), next = (uint16_t)((r >> 32) % size);
			uint32_t len = (r & 8) ? 16 * (uint32_t)((r >> 48) % 4) : 1 + (uint32_t)(r >> 50);

			if (r & 16)
				memcpy(tg_ptr(d), &a, 8);
			if (r & 32)
				memcpy(tg_ptr(d + 8), &len, 4);
			if (r & 64)
				memcpy(tg_ptr(d + 12), &flags, 2);
			if (r & 128)
				memcpy(tg_ptr(d + 14), &next, 2);
		}
		for (uint16_t i = 0; i < size; i++)
			if (test_rand(&seed) & 1)
				tg_put16(drv.avail + 4 + 2ull * i, (uint16_t)test_rand_below(&seed, size));
		if (test_rand(&seed) & 1)
			tg_put16(drv.avail + 2, (uint16_t)test_rand_below(&seed, size + 1u));
		for (int n = 0; n < 40; n++) {
			uint8_t buf[64];

			tg_state.accesses = 0;
			rc = virtq_pop(&vq, &tg_env, &c);
			if (rc == 1) {
				virtq_chain_read(&vq, &tg_env, &c, 0, buf, sizeof(buf));
				virtq_chain_write(&vq, &tg_env, &c, 0, buf, sizeof(buf));
				virtq_push(&vq, &tg_env, &c, 64);
				virtq_should_notify(&vq, &tg_env);
			}
			if (tg_state.accesses > 6ul * size + 64)
				unit_failf("round %d: %lu accesses for one chain of a %u queue",
					   round, tg_state.accesses, size);
			chains += rc == 1;
			errors += rc < 0;
			if (rc <= 0)
				break;
		}
	}
	/* The garbage must exercise both paths to mean anything. */
	if (chains < 100 || errors < 100)
		unit_failf("only %u chains and %u errors", chains, errors);
	unit_end();
}

int main(void)
{
	test_init_validation();
	test_pop_push();
	test_notify_flags();
	test_event_idx();
	test_indirect();
	test_hostile_chains();
	test_hostile_rings();
	test_huge_and_outside_buffers();
	test_random_garbage();
	test_phys_fini();
	return unit_exit_code();
}
