/*
 * seq_ring.c - records numbered by sequence in a ring (see hv/seq_ring.h).
 * Host-tested (tests/test_seq_ring.c).
 */
#include "hv/seq_ring.h"
#include "hv/lib.h"

void seq_ring_init(struct seq_ring *r, void *slots, uint32_t elem, uint32_t nr,
		   uint64_t base)
{
	r->slots = slots;
	r->elem = elem;
	r->nr = nr;
	r->base = base;
	r->head = base;
}

/* Copies n records between the ring starting at seq and flat memory, in
 * at most two runs (the ring wraps once at most for n <= nr). */
static void copy_runs(const struct seq_ring *r, uint64_t seq, uint8_t *flat, uint64_t n,
		      bool to_ring)
{
	while (n) {
		uint64_t slot = seq % r->nr;
		uint64_t run = MIN(n, r->nr - slot);
		uint8_t *ring = r->slots + slot * r->elem;
		if (to_ring)
			memcpy(ring, flat, run * r->elem);
		else
			memcpy(flat, ring, run * r->elem);
		flat += run * r->elem;
		seq += run;
		n -= run;
	}
}

void seq_ring_push(struct seq_ring *r, const void *recs, uint64_t n)
{
	const uint8_t *p = recs;

	/* Only the last nr records can be held. */
	if (n > r->nr) {
		p += (n - r->nr) * r->elem;
		r->head += n - r->nr;
		n = r->nr;
	}
	copy_runs(r, r->head, (uint8_t *)p, n, true);
	r->head += n;
}

uint64_t seq_ring_oldest(const struct seq_ring *r)
{
	return r->head - r->base > r->nr ? r->head - r->nr : r->base;
}

uint32_t seq_ring_read(const struct seq_ring *r, uint64_t *seq, void *out, uint32_t max,
		       uint64_t *lost)
{
	uint64_t oldest = seq_ring_oldest(r), from = *seq;

	*lost = 0;
	if (from > r->head)
		from = r->head;
	if (from < oldest) {
		*lost = oldest - from;
		from = oldest;
	}
	uint32_t n = (uint32_t)MIN((uint64_t)max, r->head - from);
	copy_runs(r, from, out, n, false);
	*seq = from + n;
	return n;
}
