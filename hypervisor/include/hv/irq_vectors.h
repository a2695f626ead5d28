/*
 * irq_vectors.h - the pool of host interrupt vectors that physical device
 * interrupts forwarded to dom0 use: VECTOR_DEV_FIRST .. VECTOR_HV_FIRST-1
 * (x86/trap.h), below the hypervisor's own vectors. Pure bookkeeping; the
 * caller serialises (dom0_pci.c under its lock).
 */
#ifndef HV_IRQ_VECTORS_H
#define HV_IRQ_VECTORS_H

#include <stdint.h>
#include <stdbool.h>

struct irq_vector_pool {
	uint8_t first, end;            /* [first, end) */
	uint64_t used[4];              /* bit v: vector v taken */
};

void irq_vector_pool_init(struct irq_vector_pool *p, uint8_t first, uint8_t end);
/* The lowest free vector, marked used; 0 when none is left. */
uint8_t irq_vector_alloc(struct irq_vector_pool *p);
/* Gives v back. -EINVAL if v is outside the pool or not in use. */
int irq_vector_free(struct irq_vector_pool *p, uint8_t v);
bool irq_vector_in_use(const struct irq_vector_pool *p, uint8_t v);

#endif
