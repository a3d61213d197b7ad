// SPDX-License-Identifier: GPL-2.0
/*
 * The test->priv of the suites on the live allocator's API ("xpcpu" and
 * "xpcpu_pool"; see xpcpu_test_api.h): allocations are recorded so that
 * exit frees what a failed case left behind, the pool knobs a case
 * changes are put back, and exit checks that nr_cur_alloc is where init
 * found it and that check_slots() is green.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "xpcpu_test_api.h"

/**
 * xpcpu_test_alloc() - allocate, and record it for exit
 * @test: the case
 * @size: bytes
 * @align: bytes
 * @gfp: allocation flags
 *
 * Return: the allocation, or NULL (also when the record is full).
 */
void __xpcpu *xpcpu_test_alloc(struct kunit *test, size_t size, size_t align,
			       gfp_t gfp)
{
	struct xpcpu_test_api_priv *priv = test->priv;
	void __xpcpu *p;

	if (priv->nr_live >= XPCPU_TEST_MAX_LIVE)
		return NULL;
	p = __xpcpu_alloc_gfp(size, align, gfp);
	if (p)
		priv->live[priv->nr_live++] = p;
	return p;
}

/**
 * xpcpu_test_forget() - take @p off the record: the case freed it
 * @test: the case
 * @p: an allocation of xpcpu_test_alloc()
 */
void xpcpu_test_forget(struct kunit *test, void __xpcpu *p)
{
	struct xpcpu_test_api_priv *priv = test->priv;
	int i;

	for (i = priv->nr_live - 1; i >= 0; i--) {
		if (priv->live[i] == p) {
			priv->live[i] = priv->live[--priv->nr_live];
			return;
		}
	}
}

/**
 * xpcpu_test_set_spare() - change spare_chunks until the case ends
 * @test: the case
 * @spare: the new value
 *
 * Drains the caches and runs the balance work, so that it applies.
 */
void xpcpu_test_set_spare(struct kunit *test, unsigned int spare)
{
	struct xpcpu_test_api_priv *priv = test->priv;
	unsigned int old = xchg(&xpcpu_pool.spare_chunks, spare);

	if (!priv->spare_changed) {
		priv->old_spare = old;
		priv->spare_changed = true;
	}
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
}

/**
 * xpcpu_test_set_decay() - change empty_decay_ms until the case ends
 * @test: the case
 * @decay_ms: the new value
 */
void xpcpu_test_set_decay(struct kunit *test, unsigned int decay_ms)
{
	struct xpcpu_test_api_priv *priv = test->priv;
	unsigned int old = xchg(&xpcpu_pool.empty_decay_ms, decay_ms);

	if (!priv->decay_changed) {
		priv->old_decay = old;
		priv->decay_changed = true;
	}
}

/**
 * xpcpu_test_all_zero() - does every possible CPU's copy read zero?
 * @p: the area
 * @size: its bytes
 *
 * Return: true if all of them do.
 */
bool xpcpu_test_all_zero(void __xpcpu *p, size_t size)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (memchr_inv(xpcpu_ptr((char __xpcpu *)p, cpu), 0, size))
			return false;
	return true;
}

/**
 * xpcpu_test_api_init() - the suites' init: the balance work, a baseline
 * @test: the case
 *
 * Return: 0, or -ENOMEM.
 */
int xpcpu_test_api_init(struct kunit *test)
{
	struct xpcpu_test_api_priv *priv = kunit_kzalloc(test, sizeof(*priv),
							 GFP_KERNEL);
	struct xpcpu_stats st;

	if (!priv)
		return -ENOMEM;
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	priv->nr_cur_alloc = st.nr_cur_alloc;
	test->priv = priv;
	return 0;
}

/**
 * xpcpu_test_api_exit() - the suites' exit: undo, then check
 * @test: the case
 */
void xpcpu_test_api_exit(struct kunit *test)
{
	struct xpcpu_test_api_priv *priv = test->priv;
	struct xpcpu_stats st;

	while (priv->nr_live)
		xpcpu_free(priv->live[--priv->nr_live]);
	if (priv->spare_changed)
		xchg(&xpcpu_pool.spare_chunks, priv->old_spare);
	if (priv->decay_changed)
		xchg(&xpcpu_pool.empty_decay_ms, priv->old_decay);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ_MSG(test, st.nr_cur_alloc, priv->nr_cur_alloc,
			    "the case left allocations behind");
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}
