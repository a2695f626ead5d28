/*
 * devices.c - routing a domain's port and MMIO accesses to its device
 * models (hv/vdev.h). The tables are filled while the domain is built and
 * read-only afterwards; dev_lock serialises the calls into the models
 * (they keep no locks of their own).
 */
#include "hv/domain.h"
#include "hv/errno.h"

int domain_add_pio(struct domain *d, const struct vdev_pio *p)
{
	if (d->nr_pio == DOMAIN_MAX_PIO)
		return -ENOSPC;
	d->pio[d->nr_pio++] = *p;
	return 0;
}

int domain_add_mmio(struct domain *d, const struct vdev_mmio *m)
{
	if (d->nr_mmio == DOMAIN_MAX_MMIO)
		return -ENOSPC;
	d->mmio[d->nr_mmio++] = m;
	return 0;
}

static const struct vdev_pio *find_pio(struct domain *d, uint16_t port)
{
	for (unsigned i = 0; i < d->nr_pio; i++)
		if (port >= d->pio[i].base && port - d->pio[i].base < d->pio[i].count)
			return &d->pio[i];
	return NULL;
}

bool domain_pio_in(struct domain *d, uint16_t port, unsigned size, uint32_t *val)
{
	const struct vdev_pio *p = find_pio(d, port);

	if (!p)
		return false;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	*val = p->in(p->dev, port, size);
	spin_unlock_irqrestore(&d->dev_lock, f);
	return true;
}

bool domain_pio_out(struct domain *d, uint16_t port, unsigned size, uint32_t val)
{
	const struct vdev_pio *p = find_pio(d, port);

	if (!p)
		return false;
	uint64_t f = spin_lock_irqsave(&d->dev_lock);
	p->out(p->dev, port, size, val);
	spin_unlock_irqrestore(&d->dev_lock, f);
	return true;
}

/* A range read while another vCPU may be moving it (a BAR write, under
 * dev_lock) can be stale; the device checks every offset again under
 * dev_lock, so a stale hit is an access it refuses, never a wrong device
 * state. */
const struct vdev_mmio *domain_mmio_find(struct domain *d, uint64_t gpa)
{
	for (unsigned i = 0; i < d->nr_mmio; i++) {
		const struct vdev_mmio *m = d->mmio[i];
		uint64_t base = __atomic_load_n(&m->base, __ATOMIC_RELAXED);
		uint64_t size = __atomic_load_n(&m->size, __ATOMIC_RELAXED);
		if (size && gpa >= base && gpa - base < size)
			return m;
	}
	return NULL;
}
