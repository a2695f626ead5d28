/*
 * seq_ring.h - a ring of fixed-size records numbered by sequence: the
 * writer never waits (the oldest records are overwritten), and a reader
 * asks "everything from seq on" and learns how much it missed. Used for a
 * domain's console output (1-byte records) and for the control
 * interface's events (struct muxv_event).
 *
 * Sequence numbers: the first record a ring takes is `base` (0, or where
 * the same domain's previous ring stopped); record s sits in slot s % nr
 * until record s + nr overwrites it. Pure: the owner provides the slots and
 * the lock.
 */
#ifndef HV_SEQ_RING_H
#define HV_SEQ_RING_H

#include <stdint.h>

struct seq_ring {
	uint8_t *slots;          /* nr * elem bytes */
	uint32_t elem;           /* bytes per record */
	uint32_t nr;             /* records held at most */
	uint64_t base;           /* seq of the first record this ring took */
	uint64_t head;           /* seq of the next record */
};

void seq_ring_init(struct seq_ring *r, void *slots, uint32_t elem, uint32_t nr,
		   uint64_t base);
/* Appends n records (n * elem bytes at recs). */
void seq_ring_push(struct seq_ring *r, const void *recs, uint64_t n);
/* The oldest record still held. */
uint64_t seq_ring_oldest(const struct seq_ring *r);
/*
 * Copies the records from *seq on that are still held, at most max of
 * them, to out. *lost = how many records from *seq on had already been
 * overwritten (or came before base). *seq = the seq after the last record
 * copied: the one to ask for next (a *seq beyond head is taken as head).
 * Returns the number copied.
 */
uint32_t seq_ring_read(const struct seq_ring *r, uint64_t *seq, void *out, uint32_t max,
		       uint64_t *lost);

#endif
