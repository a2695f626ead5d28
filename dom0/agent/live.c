/*
 * live.c - the table of latest observations (see live.h). Open addressing
 * with linear probing and backward-shift deletion, keyed by server id;
 * grown at 50 % load so probes stay short.
 */
#include "live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int live_init(struct live *l)
{
	memset(l, 0, sizeof *l);
	l->cap = 1024;
	l->slots = calloc(l->cap, sizeof *l->slots);
	if (!l->slots)
		return -ENOMEM;
	pthread_rwlock_init(&l->lock, NULL);
	return 0;
}

void live_fini(struct live *l)
{
	pthread_rwlock_destroy(&l->lock);
	free(l->slots);
	l->slots = NULL;
}

static size_t live_home(const struct live *l, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 32) & (l->cap - 1);
}

/* Index of id's slot, or of the empty slot where it would go. Under lock. */
static size_t live_find(const struct live *l, int64_t id)
{
	size_t i = live_home(l, id);
	while (l->slots[i].server_id && l->slots[i].server_id != id)
		i = (i + 1) & (l->cap - 1);
	return i;
}

static int live_grow(struct live *l)
{
	struct live_entry *old = l->slots;
	size_t oldcap = l->cap;
	struct live_entry *fresh = calloc(oldcap * 2, sizeof *fresh);
	if (!fresh)
		return -ENOMEM;
	l->slots = fresh;
	l->cap = oldcap * 2;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].server_id)
			l->slots[live_find(l, old[i].server_id)] = old[i];
	free(old);
	return 0;
}

bool live_get(struct live *l, int64_t id, struct live_entry *out)
{
	pthread_rwlock_rdlock(&l->lock);
	size_t i = live_find(l, id);
	bool found = l->slots[i].server_id == id;
	if (found)
		*out = l->slots[i];
	pthread_rwlock_unlock(&l->lock);
	return found;
}

int live_put(struct live *l, const struct live_entry *e)
{
	int rc = 0;
	pthread_rwlock_wrlock(&l->lock);
	if ((l->used + 1) * 2 > l->cap)
		rc = live_grow(l);
	if (!rc) {
		size_t i = live_find(l, e->server_id);
		if (!l->slots[i].server_id)
			l->used++;
		l->slots[i] = *e;
	}
	pthread_rwlock_unlock(&l->lock);
	return rc;
}

void live_set_power(struct live *l, int64_t id, enum drv_power power, int64_t now)
{
	struct live_entry e;
	if (!live_get(l, id, &e)) {
		memset(&e, 0, sizeof e);
		e.server_id = id;
	}
	/* a domain that stops or starts loses its balloon target: it starts
	 * with its definition's memory, which the sampler then reads back */
	if (power != DRV_RUNNING || e.power != DRV_RUNNING) {
		e.mem_target_mib = 0;
		e.mem_changed = false;
	}
	if (power == DRV_RUNNING || power == DRV_PAUSED)
		{
		e.mem_waiting = false;
		e.mem_room = 0;
	}
	e.power = power;
	e.observed_at = now;
	live_put(l, &e);
}

bool live_set_waiting(struct live *l, int64_t id, bool waiting)
{
	struct live_entry e;
	if (!live_get(l, id, &e)) {
		memset(&e, 0, sizeof e);
		e.server_id = id;
	}
	bool was = e.mem_waiting;
	e.mem_waiting = waiting;
	if (!waiting)
		e.mem_room = 0;
	live_put(l, &e);
	return was;
}

void live_remove(struct live *l, int64_t id)
{
	pthread_rwlock_wrlock(&l->lock);
	size_t i = live_find(l, id);
	if (l->slots[i].server_id == id) {
		/* backward-shift: move later members of the run into the hole */
		size_t hole = i;
		for (size_t j = (i + 1) & (l->cap - 1); l->slots[j].server_id;
		     j = (j + 1) & (l->cap - 1)) {
			size_t home = live_home(l, l->slots[j].server_id);
			bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
			if (movable) {
				l->slots[hole] = l->slots[j];
				hole = j;
			}
		}
		memset(&l->slots[hole], 0, sizeof l->slots[hole]);
		l->used--;
	}
	pthread_rwlock_unlock(&l->lock);
}

void live_each(struct live *l, void (*fn)(const struct live_entry *e, void *arg), void *arg)
{
	pthread_rwlock_rdlock(&l->lock);
	for (size_t i = 0; i < l->cap; i++)
		if (l->slots[i].server_id)
			fn(&l->slots[i], arg);
	pthread_rwlock_unlock(&l->lock);
}
