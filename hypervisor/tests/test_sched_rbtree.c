/*
 * test_sched_rbtree.c - host tests of the scheduler's intrusive red-black
 * tree: seeded random insertions and erasures checked against a sorted
 * model after every operation, with all red-black invariants verified.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "sched_sim/testing.h"
#include "../sched/rbtree.c"

#define N 600

struct item {
	struct sched_rb_node node;
	uint32_t key;
	uint32_t id;
	bool in;
};

static struct item items[N];

static const struct item *item_of(const struct sched_rb_node *n)
{
	return (const struct item *)((const char *)n - offsetof(struct item, node));
}

static bool item_less(const struct sched_rb_node *a, const struct sched_rb_node *b)
{
	const struct item *x = item_of(a), *y = item_of(b);

	return x->key != y->key ? x->key < y->key : x->id < y->id;
}

static char why[200];


/* Black height of the subtree at n, or -1 if any invariant fails below. */
static int check_node(const struct sched_rb_node *n, const struct sched_rb_node *parent,
		      int *count)
{
	int lh, rh;

	if (n == NULL)
		return 1;
	if (n->parent != parent || !n->linked)
		return -1;
	if (n->red && ((n->left && n->left->red) || (n->right && n->right->red)))
		return -1;
	if (n->left && !item_less(n->left, n))
		return -1;
	if (n->right && item_less(n->right, n))
		return -1;
	++*count;
	lh = check_node(n->left, n, count);
	rh = check_node(n->right, n, count);
	if (lh < 0 || rh < 0 || lh != rh)
		return -1;
	return lh + (n->red ? 0 : 1);
}

/* Checks t holds exactly the items marked in, in order. */
static bool check_tree(const struct sched_rb_tree *t)
{
	int count = 0, expected = 0;
	const struct sched_rb_node *n, *prev = NULL;

	if (t->root && t->root->red)
		return false;
	if (check_node(t->root, NULL, &count) < 0)
		return false;
	for (int i = 0; i < N; i++)
		expected += items[i].in;
	if (count != expected)
		return false;
	n = sched_rb_first(t);
	if ((n == NULL) != (expected == 0))
		return false;
	for (int seen = 0; n != NULL; n = sched_rb_next(n), seen++) {
		if (prev && !item_less(prev, n))
			return false;
		if (!item_of(n)->in)
			return false;
		prev = n;
	}
	return prev == sched_rb_last(t);
}

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void test_random_ops(uint64_t seed, uint32_t key_range)
{
	struct sched_rb_tree t;

	rng = seed;
	memset(items, 0, sizeof items);
	sched_rb_init(&t);
	for (int op = 0; op < 6000 && !unit_state.failed; op++) {
		struct item *it = &items[rnd(N)];

		if (it->in) {
			sched_rb_erase(&t, &it->node);
			it->in = false;
			if (it->node.linked)
				sched_test_fail("erased node still marked linked");
		} else {
			it->key = rnd(key_range);
			it->id = (uint32_t)(it - items);
			sched_rb_insert(&t, &it->node, item_less);
			it->in = true;
		}
		if (!check_tree(&t)) {
			snprintf(why, sizeof why, "seed %llu: invariant broken at op %d",
				 (unsigned long long)seed, op);
			sched_test_fail(why);
		}
	}
}

int main(void)
{
	unit_begin("rbtree_random_distinct_keys");
	for (uint64_t seed = 1; seed <= 8 && !unit_state.failed; seed++)
		test_random_ops(seed, 1u << 30);
	unit_end();

	unit_begin("rbtree_random_many_equal_keys");
	for (uint64_t seed = 11; seed <= 18 && !unit_state.failed; seed++)
		test_random_ops(seed, 8);
	unit_end();

	unit_begin("rbtree_empty_and_single");
	{
		struct sched_rb_tree t;
		sched_rb_init(&t);
		memset(items, 0, sizeof items);
		UNIT_CHECK(sched_rb_first(&t) == NULL && sched_rb_last(&t) == NULL);
		sched_rb_insert(&t, &items[0].node, item_less);
		UNIT_CHECK(sched_rb_first(&t) == &items[0].node);
		UNIT_CHECK(sched_rb_last(&t) == &items[0].node);
		UNIT_CHECK(sched_rb_linked(&items[0].node));
		sched_rb_erase(&t, &items[0].node);
		UNIT_CHECK(t.root == NULL && t.first == NULL);
		UNIT_CHECK(!sched_rb_linked(&items[0].node));
	}
	unit_end();
	return unit_exit_code();
}
