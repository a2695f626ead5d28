/*
 * rbtree.h - the intrusive red-black tree the scheduler keeps its run
 * queues in (the node and tree types are in hv/sched.h because callers
 * embed them in their domain and vCPU objects).
 *
 * The tree never allocates: a node lives inside the object it orders. The
 * order is given by a "less" function at insertion; equal keys must be
 * broken by the caller (the scheduler breaks them by object id) so that the
 * order is total. Insert and erase cost O(log n); the smallest node is
 * cached, so sched_rb_first() is O(1).
 *
 * Locking: none of its own; each tree is protected by whoever owns it (the
 * scheduler lock).
 */
#ifndef SCHED_RBTREE_H
#define SCHED_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "hv/sched.h"

typedef bool (*sched_rb_less_fn)(const struct sched_rb_node *a,
				 const struct sched_rb_node *b);

/* An empty tree. */
void sched_rb_init(struct sched_rb_tree *t);

/* Links n (not in any tree) into t at the place less() gives it. */
void sched_rb_insert(struct sched_rb_tree *t, struct sched_rb_node *n,
		     sched_rb_less_fn less);

/* Unlinks n, which must be in t. */
void sched_rb_erase(struct sched_rb_tree *t, struct sched_rb_node *n);

/* Smallest node, or NULL if t is empty. O(1). */
static inline struct sched_rb_node *sched_rb_first(const struct sched_rb_tree *t)
{
	return t->first;
}

/* Largest node, or NULL if t is empty. O(log n). */
struct sched_rb_node *sched_rb_last(const struct sched_rb_tree *t);

/* In-order successor of n, or NULL. O(log n) worst, O(1) amortised. */
struct sched_rb_node *sched_rb_next(const struct sched_rb_node *n);

/* Whether n is linked into a tree. */
static inline bool sched_rb_linked(const struct sched_rb_node *n)
{
	return n->linked;
}

#endif
