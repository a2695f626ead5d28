/*
 * test_seq_ring.c - host tests of the sequence-numbered ring
 * (control/seq_ring.c): reading what is held, what was lost, wrapping, a
 * push larger than the ring, a reader ahead of the writer, a base other
 * than 0, and records larger than a byte.
 */
#include "hv_test_util.h"
#include "../control/seq_ring.c"

#define NR 8

static uint8_t slots[NR];

/* Pushes bytes from..to-1 (their own sequence numbers, mod 256). */
static void push_range(struct seq_ring *r, uint64_t from, uint64_t to)
{
	for (uint64_t s = from; s < to; s++) {
		uint8_t b = (uint8_t)s;
		seq_ring_push(r, &b, 1);
	}
}

/* Whether out[0..n) are the bytes of sequence numbers from.. */
static bool bytes_are(const uint8_t *out, uint32_t n, uint64_t from)
{
	for (uint32_t i = 0; i < n; i++)
		if (out[i] != (uint8_t)(from + i))
			return false;
	return true;
}

static void test_read_held(void)
{
	struct seq_ring r;
	uint8_t out[NR];
	uint64_t seq = 0, lost = 99;

	unit_begin("seq_ring_read_held");
	seq_ring_init(&r, slots, 1, NR, 0);
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == 0 && seq == 0 && lost == 0);
	push_range(&r, 0, 5);
	UNIT_CHECK(seq_ring_read(&r, &seq, out, 3, &lost) == 3 && seq == 3 && lost == 0);
	UNIT_CHECK(bytes_are(out, 3, 0));
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == 2 && seq == 5);
	UNIT_CHECK(bytes_are(out, 2, 3));
	unit_end();
}

static void test_lost_and_wrap(void)
{
	struct seq_ring r;
	uint8_t out[NR];
	uint64_t seq = 0, lost = 0;

	unit_begin("seq_ring_lost_and_wrap");
	seq_ring_init(&r, slots, 1, NR, 0);
	push_range(&r, 0, 21);                  /* holds 13..20 */
	UNIT_CHECK(seq_ring_oldest(&r) == 13);
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == NR);
	UNIT_CHECK(lost == 13 && seq == 21 && bytes_are(out, NR, 13));
	seq = 17;
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == 4 && lost == 0);
	UNIT_CHECK(bytes_are(out, 4, 17) && seq == 21);
	unit_end();
}

static void test_big_push(void)
{
	struct seq_ring r;
	uint8_t in[3 * NR + 3], out[NR];
	uint64_t seq = 0, lost = 0;

	unit_begin("seq_ring_push_larger_than_ring");
	seq_ring_init(&r, slots, 1, NR, 0);
	push_range(&r, 0, 3);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(3 + i);
	seq_ring_push(&r, in, sizeof(in));
	UNIT_CHECK(r.head == 3 + sizeof(in));
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == NR);
	UNIT_CHECK(lost == r.head - NR && bytes_are(out, NR, r.head - NR));
	unit_end();
}

static void test_ahead_and_base(void)
{
	struct seq_ring r;
	uint8_t out[NR];
	uint64_t seq = 1000, lost = 5;

	unit_begin("seq_ring_reader_ahead_and_base");
	seq_ring_init(&r, slots, 1, NR, 100);
	push_range(&r, 100, 104);
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == 0 && seq == 104 && lost == 0);
	seq = 0;
	UNIT_CHECK(seq_ring_read(&r, &seq, out, NR, &lost) == 4 && lost == 100);
	UNIT_CHECK(bytes_are(out, 4, 100) && seq == 104);
	unit_end();
}

struct rec {
	uint64_t seq;
	char text[12];
};

static void test_records(void)
{
	struct rec ring[3], out[3], r1;
	struct seq_ring r;
	uint64_t seq = 0, lost = 0;

	unit_begin("seq_ring_records");
	seq_ring_init(&r, ring, sizeof(struct rec), 3, 0);
	for (uint64_t i = 0; i < 5; i++) {
		memset(&r1, 0, sizeof(r1));
		r1.seq = i;
		snprintf(r1.text, sizeof(r1.text), "rec%lu", (unsigned long)i);
		seq_ring_push(&r, &r1, 1);
	}
	UNIT_CHECK(seq_ring_read(&r, &seq, out, 3, &lost) == 3 && lost == 2 && seq == 5);
	UNIT_CHECK(out[0].seq == 2 && out[2].seq == 4 && strcmp(out[1].text, "rec3") == 0);
	unit_end();
}

int main(void)
{
	test_read_held();
	test_lost_and_wrap();
	test_big_push();
	test_ahead_and_base();
	test_records();
	return unit_exit_code();
}
