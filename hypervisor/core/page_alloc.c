/*
 * page_alloc.c - buddy allocator over physical frames (see page_alloc.h).
 *
 * Every frame the pool describes has one state byte:
 *
 *   STATE_RESERVED          not RAM the pool manages (never handed out)
 *   STATE_FREE_HEAD | k     first frame of a free block of order k
 *   STATE_FREE_TAIL         any other frame of a free block
 *   STATE_USED_HEAD | k     first frame of an allocated block of order k
 *   STATE_USED_TAIL         any other frame of an allocated block
 *
 * Free blocks of order k form a doubly-linked list whose links live in the
 * first bytes of the free block itself (through to_virt), so the metadata
 * costs one byte per 4 KiB page.
 *
 * Invariants: every block is aligned to its size in absolute frame numbers;
 * a free block's buddy (pfn ^ 2^k) is never also a free block of order k
 * (they would have been merged); free_frames equals the sum over orders of
 * nr_free_blocks[k] << k. Tail bytes are rewritten on every allocation and
 * free (at most 512 per operation), which is what lets page_pool_free()
 * reject double frees and wrong orders exactly.
 */
#include "hv/page_alloc.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define STATE_RESERVED   0x00
#define STATE_FREE_TAIL  0x10
#define STATE_FREE_HEAD  0x20
#define STATE_USED_TAIL  0x40
#define STATE_USED_HEAD  0x80
#define STATE_ORDER_MASK 0x0f

struct free_link {
	uint64_t next;   /* pfn or PAGE_NIL */
	uint64_t prev;
};

static struct free_link *link_of(struct page_pool *p, uint64_t pfn)
{
	return p->to_virt(pfn << 12);
}

static void list_push(struct page_pool *p, uint64_t pfn, unsigned order)
{
	struct free_link *l = link_of(p, pfn);
	uint64_t head = p->free_head[order];

	l->next = head;
	l->prev = PAGE_NIL;
	if (head != PAGE_NIL)
		link_of(p, head)->prev = pfn;
	p->free_head[order] = pfn;
	p->state[pfn] = STATE_FREE_HEAD | order;
	p->nr_free_blocks[order]++;
	p->free_frames += 1ull << order;
}

static void list_remove(struct page_pool *p, uint64_t pfn, unsigned order)
{
	struct free_link *l = link_of(p, pfn);

	if (l->prev != PAGE_NIL)
		link_of(p, l->prev)->next = l->next;
	else
		p->free_head[order] = l->next;
	if (l->next != PAGE_NIL)
		link_of(p, l->next)->prev = l->prev;
	p->state[pfn] = STATE_FREE_TAIL;
	p->nr_free_blocks[order]--;
	p->free_frames -= 1ull << order;
}

static void mark_block(struct page_pool *p, uint64_t pfn, unsigned order,
		       uint8_t head, uint8_t tail)
{
	p->state[pfn] = head;
	for (uint64_t i = 1; i < (1ull << order); i++)
		p->state[pfn + i] = tail;
}

void page_pool_init(struct page_pool *p, uint64_t nr_frames, uint8_t *state,
		    void *(*to_virt)(uint64_t pa))
{
	memset(p, 0, sizeof(*p));
	p->nr_frames = nr_frames;
	p->state = state;
	p->to_virt = to_virt;
	for (unsigned k = 0; k <= PAGE_ORDER_MAX; k++)
		p->free_head[k] = PAGE_NIL;
	memset(state, STATE_RESERVED, nr_frames);
}

/*
 * Frees a block whose frames are already marked free-tail, merging it with
 * its buddies as far as they are free blocks of the same order.
 */
static void free_and_merge(struct page_pool *p, uint64_t pfn, unsigned order)
{
	while (order < PAGE_ORDER_MAX) {
		uint64_t buddy = pfn ^ (1ull << order);
		if (buddy >= p->nr_frames ||
		    p->state[buddy] != (STATE_FREE_HEAD | order))
			break;
		list_remove(p, buddy, order);
		pfn &= ~(1ull << order);
		order++;
	}
	list_push(p, pfn, order);
}

/* True if no frame of the block [pfn, pfn + 2^order) is managed yet. */
static bool block_reserved(const struct page_pool *p, uint64_t pfn, unsigned order)
{
	for (uint64_t i = 0; i < (1ull << order); i++)
		if (p->state[pfn + i] != STATE_RESERVED)
			return false;
	return true;
}

uint64_t page_pool_add_range(struct page_pool *p, uint64_t start, uint64_t end)
{
	/* Rounded up without start + 4095, which wraps near the top. */
	uint64_t pfn = (start >> 12) + ((start & 4095) != 0);
	uint64_t last = end >> 12;           /* exclusive */
	uint64_t added = 0;

	if (pfn == 0)
		pfn = 1;
	if (last > p->nr_frames)
		last = p->nr_frames;
	/* Largest aligned blocks that fit, left to right. */
	while (pfn < last) {
		unsigned order = 0;
		while (order < PAGE_ORDER_MAX &&
		       (pfn & ((2ull << order) - 1)) == 0 &&
		       pfn + (2ull << order) <= last)
			order++;
		/* Part of the block is managed already (an overlapping re-add):
		 * shrink it until it is not, so its other frames still go in. */
		while (order > 0 && !block_reserved(p, pfn, order))
			order--;
		if (block_reserved(p, pfn, order)) {
			mark_block(p, pfn, order, STATE_FREE_TAIL, STATE_FREE_TAIL);
			p->managed_frames += 1ull << order;
			free_and_merge(p, pfn, order);
			added += 1ull << order;
		}
		pfn += 1ull << order;
	}
	return added;
}

uint64_t page_pool_alloc(struct page_pool *p, unsigned order)
{
	unsigned k = order;

	if (order > PAGE_ORDER_MAX)
		return 0;
	while (k <= PAGE_ORDER_MAX && p->free_head[k] == PAGE_NIL)
		k++;
	if (k > PAGE_ORDER_MAX)
		return 0;
	uint64_t pfn = p->free_head[k];
	list_remove(p, pfn, k);
	/* Split: keep the low half, free the high half, until small enough. */
	while (k > order) {
		k--;
		list_push(p, pfn + (1ull << k), k);
	}
	mark_block(p, pfn, order, STATE_USED_HEAD | order, STATE_USED_TAIL);
	return pfn << 12;
}

int page_pool_free(struct page_pool *p, uint64_t pa, unsigned order)
{
	uint64_t pfn = pa >> 12;

	if (order > PAGE_ORDER_MAX || (pa & 4095) || pfn >= p->nr_frames ||
	    (pfn & ((1ull << order) - 1)) ||
	    p->state[pfn] != (STATE_USED_HEAD | order))
		return -EINVAL;
	mark_block(p, pfn, order, STATE_FREE_TAIL, STATE_FREE_TAIL);
	free_and_merge(p, pfn, order);
	return 0;
}

int page_pool_split(struct page_pool *p, uint64_t pa, unsigned order)
{
	uint64_t pfn = pa >> 12;

	if (order > PAGE_ORDER_MAX || (pa & 4095) || pfn >= p->nr_frames ||
	    (pfn & ((1ull << order) - 1)) ||
	    p->state[pfn] != (STATE_USED_HEAD | order))
		return -EINVAL;
	for (uint64_t i = 0; i < (1ull << order); i++)
		p->state[pfn + i] = STATE_USED_HEAD | 0;
	return 0;
}

bool page_pool_is_allocated(const struct page_pool *p, uint64_t pa)
{
	uint64_t pfn = pa >> 12;

	if (pfn >= p->nr_frames)
		return false;
	return (p->state[pfn] & (STATE_USED_HEAD | STATE_USED_TAIL)) != 0;
}
