/*
 * rbtree.c - intrusive red-black tree (see rbtree.h).
 *
 * The classic invariants: every node is red or black; the root is black; a
 * red node has no red child; every path from a node down to a missing child
 * passes the same number of black nodes. Together they keep the height
 * below 2 log2(n + 1). Insertion links a red leaf and repairs red-red
 * violations upwards by recolouring or one or two rotations; erasure splices
 * out a node with at most one child (the node itself, or its in-order
 * successor moved into its place) and, if a black node left, repairs the
 * missing black upwards. Missing children are NULL, so the repair loops
 * carry the parent of the (possibly NULL) node being fixed.
 */
#include <stdbool.h>
#include <stddef.h>

#include "rbtree.h"

void sched_rb_init(struct sched_rb_tree *t)
{
	t->root = NULL;
	t->first = NULL;
}

static bool rb_is_red(const struct sched_rb_node *n)
{
	return n != NULL && n->red;
}

static struct sched_rb_node *rb_min(struct sched_rb_node *n)
{
	while (n->left)
		n = n->left;
	return n;
}

/* Makes `to` take `from`'s place under from's parent (or as the root). */
static void rb_replace_child(struct sched_rb_tree *t, struct sched_rb_node *from,
			     struct sched_rb_node *to)
{
	struct sched_rb_node *p = from->parent;

	if (p == NULL)
		t->root = to;
	else if (p->left == from)
		p->left = to;
	else
		p->right = to;
	if (to)
		to->parent = p;
}

/* x's right child y becomes x's parent; y's left subtree moves to x. */
static void rb_rotate_left(struct sched_rb_tree *t, struct sched_rb_node *x)
{
	struct sched_rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	rb_replace_child(t, x, y);
	y->left = x;
	x->parent = y;
}

static void rb_rotate_right(struct sched_rb_tree *t, struct sched_rb_node *x)
{
	struct sched_rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	rb_replace_child(t, x, y);
	y->right = x;
	x->parent = y;
}

/* Repairs a red node n whose parent may be red. */
static void rb_insert_fixup(struct sched_rb_tree *t, struct sched_rb_node *n)
{
	struct sched_rb_node *p, *g, *u;

	while ((p = n->parent) != NULL && p->red) {
		g = p->parent; /* exists: a red node is never the root */
		u = (p == g->left) ? g->right : g->left;
		if (rb_is_red(u)) {
			p->red = false;
			u->red = false;
			g->red = true;
			n = g;
			continue;
		}
		if (p == g->left) {
			if (n == p->right) {
				rb_rotate_left(t, p);
				p = n;
			}
			rb_rotate_right(t, g);
		} else {
			if (n == p->left) {
				rb_rotate_right(t, p);
				p = n;
			}
			rb_rotate_left(t, g);
		}
		p->red = false;
		g->red = true;
		break;
	}
	t->root->red = false;
}

void sched_rb_insert(struct sched_rb_tree *t, struct sched_rb_node *n,
		     sched_rb_less_fn less)
{
	struct sched_rb_node **link = &t->root, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(n, parent)) {
			link = &parent->left;
		} else {
			link = &parent->right;
			leftmost = false;
		}
	}
	n->parent = parent;
	n->left = NULL;
	n->right = NULL;
	n->red = true;
	n->linked = true;
	*link = n;
	if (leftmost)
		t->first = n;
	rb_insert_fixup(t, n);
}

/*
 * Repairs the tree after a black node was removed above x (x may be NULL;
 * xp is its parent): x's side is one black short.
 */
static void rb_erase_fixup(struct sched_rb_tree *t, struct sched_rb_node *x,
			   struct sched_rb_node *xp)
{
	while (x != t->root && !rb_is_red(x)) {
		bool left = (x == xp->left);
		struct sched_rb_node *w = left ? xp->right : xp->left;

		if (w->red) { /* make the sibling black */
			w->red = false;
			xp->red = true;
			if (left)
				rb_rotate_left(t, xp);
			else
				rb_rotate_right(t, xp);
			w = left ? xp->right : xp->left;
		}
		if (!rb_is_red(w->left) && !rb_is_red(w->right)) {
			w->red = true; /* both sides short: move up */
			x = xp;
			xp = x->parent;
			continue;
		}
		if (left && !rb_is_red(w->right)) {
			w->left->red = false;
			w->red = true;
			rb_rotate_right(t, w);
			w = xp->right;
		} else if (!left && !rb_is_red(w->left)) {
			w->right->red = false;
			w->red = true;
			rb_rotate_left(t, w);
			w = xp->left;
		}
		w->red = xp->red;
		xp->red = false;
		if (left) {
			w->right->red = false;
			rb_rotate_left(t, xp);
		} else {
			w->left->red = false;
			rb_rotate_right(t, xp);
		}
		x = t->root;
		break;
	}
	if (x)
		x->red = false;
}

void sched_rb_erase(struct sched_rb_tree *t, struct sched_rb_node *z)
{
	struct sched_rb_node *x, *xp, *y;
	bool removed_red;

	if (t->first == z)
		t->first = sched_rb_next(z);
	if (z->left == NULL || z->right == NULL) {
		x = z->left ? z->left : z->right;
		xp = z->parent;
		removed_red = z->red;
		rb_replace_child(t, z, x);
	} else {
		y = rb_min(z->right); /* successor, no left child */
		removed_red = y->red;
		x = y->right;
		if (y->parent == z) {
			xp = y;
		} else {
			xp = y->parent;
			rb_replace_child(t, y, x);
			y->right = z->right;
			y->right->parent = y;
		}
		rb_replace_child(t, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	z->linked = false;
	z->parent = z->left = z->right = NULL;
	if (!removed_red)
		rb_erase_fixup(t, x, xp);
}

struct sched_rb_node *sched_rb_last(const struct sched_rb_tree *t)
{
	struct sched_rb_node *n = t->root;

	while (n && n->right)
		n = n->right;
	return n;
}

struct sched_rb_node *sched_rb_next(const struct sched_rb_node *n)
{
	const struct sched_rb_node *p;

	if (n->right)
		return rb_min(n->right);
	while ((p = n->parent) != NULL && p->right == n)
		n = p;
	return (struct sched_rb_node *)p;
}
