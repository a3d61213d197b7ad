// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_pool": the pool behind the API on the live
 * allocator -- atomic requests and the spare chunks, new chunks when the
 * others are full, their release and decay by the balance work -- and
 * the chunk index on fake chunks.  Same setting and same init/exit as
 * the suite "xpcpu" (xpcpu_test_api.c): every case leaves nr_cur_alloc
 * where it found it and check_slots() green.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "xpcpu_test_api.h"

/* ---- atomic requests and spare chunks --------------------------------- */

/* Without a spare chunk, an atomic request no chunk fits fails. */
static void xpcpu_test_alloc_atomic_never_creates_chunk(struct kunit *test)
{
	void __xpcpu *p;
	struct xpcpu_stats st0, st1;

	set_spare(test, 0);
	xpcpu_get_stats(&st0);
	KUNIT_EXPECT_EQ(test, st0.nr_empty_chunks, 0ULL);
	p = t_alloc(test, xpcpu_max_alloc_size(), PAGE_SIZE, GFP_NOWAIT);
	KUNIT_EXPECT_PTR_EQ(test, p, NULL);
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_created, st0.nr_created);
	KUNIT_EXPECT_EQ(test, st1.nr_atomic_fail, st0.nr_atomic_fail + 1);
	if (p)
		t_free(test, p);
}

/* With spare chunks, an atomic 64 KiB request is served at once. */
static void xpcpu_test_alloc_atomic_uses_spare_chunk(struct kunit *test)
{
	struct xpcpu_stats st0, st1;
	void __xpcpu *p;

	set_spare(test, 1);
	xpcpu_get_stats(&st0);
	KUNIT_EXPECT_EQ(test, st0.nr_empty_chunks, 1ULL);
	p = t_alloc(test, xpcpu_max_alloc_size(), PAGE_SIZE, GFP_ATOMIC);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, all_zero(p, xpcpu_max_alloc_size()));
	/* The balance work replaces the spare that was used. */
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_empty_chunks, 1ULL);
	KUNIT_EXPECT_EQ(test, st1.nr_chunks, st0.nr_chunks + 1);
	t_free(test, p);
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st1.nr_empty_chunks, 1ULL);
}

/* ---- new chunks and the balance work ---------------------------------- */

/*
 * Fill @n new chunks with one largest area each, into @p: with no spare
 * chunks (the case set none), each area makes a chunk.
 */
static void alloc_new_chunks(struct kunit *test, void __xpcpu **p, int n)
{
	struct xpcpu_stats st0, st;
	int i;

	xpcpu_get_stats(&st0);
	for (i = 0; i < n; i++) {
		p[i] = t_alloc(test, xpcpu_max_alloc_size(), 4, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		xpcpu_get_stats(&st);
		KUNIT_EXPECT_EQ(test, st.nr_chunks, st0.nr_chunks + i + 1);
		KUNIT_EXPECT_EQ(test, st.nr_created, st0.nr_created + i + 1);
	}
}

static void xpcpu_test_alloc_new_chunk_when_exhausted(struct kunit *test)
{
	void __xpcpu *p[3];
	int i;

	set_spare(test, 0);
	alloc_new_chunks(test, p, ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);
}

static void xpcpu_test_balance_releases_empty_chunks(struct kunit *test)
{
	void __xpcpu *p[3];
	struct xpcpu_stats st0, st;
	int i;

	set_spare(test, 0);
	xpcpu_get_stats(&st0);
	alloc_new_chunks(test, p, ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_GE(test, st.nr_chunks, st0.nr_chunks);
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st.nr_empty_chunks, 0ULL);
	KUNIT_EXPECT_EQ(test, st.nr_destroyed - st0.nr_destroyed,
			(u64)ARRAY_SIZE(p));
}

/*
 * Empty chunks beyond the spares are freed only once they have stayed
 * empty for empty_decay_ms: a balance run before that keeps them (and
 * they serve the next allocations without a new chunk), one after it
 * frees them.
 */
static void xpcpu_test_balance_decays_empty_chunks(struct kunit *test)
{
	const unsigned int decay_ms = 300;
	void __xpcpu *p[3];
	struct xpcpu_stats st0, st;
	int i;

	set_spare(test, 0);
	xpcpu_test_set_decay(test, decay_ms);
	xpcpu_get_stats(&st0);
	alloc_new_chunks(test, p, ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);

	/* Young: a balance run keeps them, and they are reused. */
	xpcpu_pool_balance(false);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_empty_chunks, (u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, st.nr_destroyed, st0.nr_destroyed);
	p[0] = t_alloc(test, xpcpu_max_alloc_size(), 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_created, st0.nr_created + ARRAY_SIZE(p));
	t_free(test, p[0]);

	/* Decayed: the next balance run frees every one of them. */
	msleep(decay_ms + 100);
	xpcpu_pool_balance(false);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_empty_chunks, 0ULL);
	KUNIT_EXPECT_EQ(test, st.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st.nr_destroyed - st0.nr_destroyed,
			(u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- the chunk index -------------------------------------------------- */

/*
 * The chunk index on fake chunks (only base_addr matters to it): chunks
 * put on it out of address order, units one unit apart, are found by
 * their first and last byte and by nothing between them; chunks taken
 * off are not found any more, the others still are.
 */
static void xpcpu_test_index_lookup(struct kunit *test)
{
	static const int order[] = { 7, 3, 11, 0, 15, 8, 1, 12,
				     5, 9, 14, 2, 6, 10, 4, 13 };
	const unsigned long unit = xpcpu_ai->unit_size;
	const unsigned long base = 0x100000000000UL;
	struct xpcpu_index_root root = { .index = NULL };
	struct xpcpu_chunk *fake[ARRAY_SIZE(order)];
	LIST_HEAD(gone);
	unsigned long start;
	int i, n;

	mutex_init(&root.lock);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		fake[i] = kunit_kzalloc(test, sizeof(*fake[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, fake[i]);
		INIT_LIST_HEAD(&fake[i]->list);
		/* Every other unit-sized range, in a shuffled order. */
		fake[i]->base_addr = (void *)(base + 2 * unit * order[i]);
		KUNIT_ASSERT_EQ(test, xpcpu_index_add(&root, fake[i]), 0);
	}

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		start = (unsigned long)fake[i]->base_addr;
		KUNIT_EXPECT_PTR_EQ(test, xpcpu_index_lookup(&root, start),
				    fake[i]);
		KUNIT_EXPECT_PTR_EQ(test,
				    xpcpu_index_lookup(&root, start + unit - 1),
				    fake[i]);
		KUNIT_EXPECT_PTR_EQ(test,
				    xpcpu_index_lookup(&root, start + unit), NULL);
		KUNIT_EXPECT_PTR_EQ(test,
				    xpcpu_index_lookup(&root, start - 1), NULL);
	}
	rcu_read_unlock();

	for (i = 0; i < ARRAY_SIZE(order); i += 2)
		list_add_tail(&fake[i]->list, &gone);
	xpcpu_index_remove(&root, &gone);

	rcu_read_lock();
	for (i = n = 0; i < ARRAY_SIZE(order); i++) {
		start = (unsigned long)fake[i]->base_addr;
		if (i % 2 == 0) {
			KUNIT_EXPECT_PTR_EQ(test,
					    xpcpu_index_lookup(&root, start),
					    NULL);
			continue;
		}
		KUNIT_EXPECT_PTR_EQ(test,
				    xpcpu_index_lookup(&root, start + unit / 2),
				    fake[i]);
		n++;
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, n, (int)ARRAY_SIZE(order) / 2);
	xpcpu_index_destroy(&root);
}

/* ---- suite ---------------------------------------------------------- */

static int xpcpu_pool_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_pool_test_cases[] = {
	KUNIT_CASE(xpcpu_test_alloc_atomic_never_creates_chunk),
	KUNIT_CASE(xpcpu_test_alloc_atomic_uses_spare_chunk),
	KUNIT_CASE(xpcpu_test_alloc_new_chunk_when_exhausted),
	KUNIT_CASE(xpcpu_test_balance_releases_empty_chunks),
	KUNIT_CASE(xpcpu_test_balance_decays_empty_chunks),
	KUNIT_CASE(xpcpu_test_index_lookup),
	{}
};

static struct kunit_suite xpcpu_pool_test_suite = {
	.name = "xpcpu_pool",
	.suite_init = xpcpu_pool_test_suite_init,
	.init = xpcpu_test_api_init,
	.exit = xpcpu_test_api_exit,
	.test_cases = xpcpu_pool_test_cases,
};

kunit_test_suite(xpcpu_pool_test_suite);
