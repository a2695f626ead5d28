/*
 * irq_vectors.c - the host vector pool for forwarded device interrupts
 * (see hv/irq_vectors.h). 0 is never a valid device vector (0-31 are
 * exceptions), so it doubles as "none left".
 */
#include "hv/irq_vectors.h"
#include "hv/lib.h"
#include "hv/errno.h"

void irq_vector_pool_init(struct irq_vector_pool *p, uint8_t first, uint8_t end)
{
	memset(p, 0, sizeof(*p));
	p->first = first < 32 ? 32 : first;
	p->end = end;
}

bool irq_vector_in_use(const struct irq_vector_pool *p, uint8_t v)
{
	return (p->used[v / 64] >> (v % 64)) & 1;
}

uint8_t irq_vector_alloc(struct irq_vector_pool *p)
{
	for (unsigned v = p->first; v < p->end; v++) {
		if (!irq_vector_in_use(p, (uint8_t)v)) {
			p->used[v / 64] |= 1ull << (v % 64);
			return (uint8_t)v;
		}
	}
	return 0;
}

int irq_vector_free(struct irq_vector_pool *p, uint8_t v)
{
	if (v < p->first || v >= p->end || !irq_vector_in_use(p, v))
		return -EINVAL;
	p->used[v / 64] &= ~(1ull << (v % 64));
	return 0;
}
