// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_fault": allocations under injected failures, through
 * xpcpu's own fault attributes (lib/fault-inject.c: chunk creation, each
 * page of a chunk, its vmap()).  Every allocation either succeeds with
 * zeroed, aligned memory on every CPU or returns NULL; afterwards the
 * counters, the chunk lists and the free page count are back where they
 * were: no half-built chunk, no leaked page.  Needs CONFIG_FAULT_INJECTION
 * (tests/.kunitconfig has it); without it the cases are skipped.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "xpcpu_test_util.h"

#ifdef CONFIG_FAULT_INJECTION

#define FAULT_MAX_LIVE	256

struct fault_priv {
	void __xpcpu *live[FAULT_MAX_LIVE]; /* allocations not freed yet */
	struct xpcpu_stats st0;		/* counters at the start */
	unsigned long free0;		/* free pages at the start */
	unsigned int old_spare;		/* spare_chunks before the case */
	int nr_live;			/* entries in live[] */
};

/* Fail @f: the call after @skip passing ones, @times times (-1: always). */
static void fault_arm(enum xpcpu_fault f, unsigned long probability,
		      int skip, int times)
{
	struct fault_attr *a = &xpcpu_fault_attrs[f];

	a->verbose = 0;
	/* should_fail() passes while space > size (1), eating 1 a call. */
	atomic_set(&a->space, skip + 1);
	atomic_set(&a->times, times);
	WRITE_ONCE(a->probability, probability);
}

static void fault_disarm_all(void)
{
	int f;

	for (f = 0; f < XPCPU_NR_FAULTS; f++)
		WRITE_ONCE(xpcpu_fault_attrs[f].probability, 0);
}

/*
 * Free pages, once lazily freed vmap areas (and their KASAN shadow) and
 * RCU-freed objects are really gone.
 */
static unsigned long free_pages_now(void)
{
	vm_unmap_aliases();
	rcu_barrier();
	drain_all_pages(NULL);
	return global_zone_page_state(NR_FREE_PAGES);
}

static bool zeroed_and_aligned(void __xpcpu *p, size_t size, size_t align)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		char *copy = xpcpu_ptr((char __xpcpu *)p, cpu);

		if (!IS_ALIGNED((unsigned long)copy, align) ||
		    memchr_inv(copy, 0, size))
			return false;
	}
	return true;
}

/*
 * Everything back: counters, lists, the pages chunks hold (counted where
 * they are allocated and freed), and the system's free pages, give or
 * take what KASAN's quarantine and slab caches keep of the metadata.
 */
static void expect_all_back(struct kunit *test, long slack)
{
	struct fault_priv *priv = test->priv;
	struct xpcpu_stats st;
	unsigned long free1;

	xpcpu_trim();
	xpcpu_get_stats(&st);
	free1 = free_pages_now();
	KUNIT_EXPECT_EQ(test, st.nr_cur_alloc, priv->st0.nr_cur_alloc);
	KUNIT_EXPECT_EQ(test, st.nr_chunks, priv->st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st.nr_created - st.nr_destroyed,
			priv->st0.nr_created - priv->st0.nr_destroyed);
	KUNIT_EXPECT_EQ(test, st.nr_populated_pages,
			priv->st0.nr_populated_pages);
	KUNIT_EXPECT_LT_MSG(test, (long)(priv->free0 - free1), slack,
			    "free pages %lu -> %lu", priv->free0, free1);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* Each fault point alone, always failing: no new chunk, nothing leaks. */
static void xpcpu_test_fault_point_fails_cleanly(struct kunit *test)
{
	struct fault_priv *priv = test->priv;
	void __xpcpu *p;
	int f;

	for (f = 0; f < XPCPU_NR_FAULTS; f++) {
		fault_arm(f, 100, 0, -1);
		p = __xpcpu_alloc(xpcpu_max_alloc_size(), 8);
		KUNIT_EXPECT_NULL_MSG(test, p, "%s", xpcpu_fault_names[f]);
		if (p)
			xpcpu_free(p);
		fault_disarm_all();
		expect_all_back(test, 256);
	}
	/* And the next allocation creates a chunk normally. */
	p = __xpcpu_alloc(xpcpu_max_alloc_size(), 8);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, zeroed_and_aligned(p, xpcpu_max_alloc_size(), 8));
	xpcpu_free(p);
	KUNIT_EXPECT_EQ(test, priv->nr_live, 0);
}

/* The first, a middle and the last page of a chunk: nothing leaks. */
static void xpcpu_test_fault_nth_page_no_leak(struct kunit *test)
{
	int pages = xpcpu_ai->nr_units * xpcpu_ai->unit_pages;
	const int fail_at[] = { 1, xpcpu_ai->unit_pages + 1, pages };
	struct fault_attr *a = &xpcpu_fault_attrs[XPCPU_FAIL_PAGES];
	void __xpcpu *p;
	int i;

	for (i = 0; i < ARRAY_SIZE(fail_at); i++) {
		fault_arm(XPCPU_FAIL_PAGES, 100, fail_at[i] - 1, 1);
		p = __xpcpu_alloc(xpcpu_max_alloc_size(), 4);
		KUNIT_EXPECT_NULL_MSG(test, p, "page %d of %d failed",
				      fail_at[i], pages);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->times), 0,
				    "page %d was never reached", fail_at[i]);
		fault_disarm_all();
		if (p)
			xpcpu_free(p);
		expect_all_back(test, 256);
	}
}

static size_t fault_size(struct rnd_state *rnd)
{
	u32 r = xpcpu_test_rand(rnd, 100);

	if (r < 60)
		return 4 * (1 + xpcpu_test_rand(rnd, 64));
	if (r < 90)
		return 1 + xpcpu_test_rand(rnd, 4096);
	return 1 + xpcpu_test_rand(rnd, xpcpu_max_alloc_size());
}

/*
 * Random sizes while every point fails a third of the time: each result
 * is NULL or good memory; afterwards everything is back.
 */
static void xpcpu_test_fault_random_mix(struct kunit *test)
{
	struct fault_priv *priv = test->priv;
	const int budget = 1000;
	int f, i, nr_null = 0, injected = 0;
	struct rnd_state rnd;

	xpcpu_test_rnd_init(&rnd, 0xfa17);
	for (f = 0; f < XPCPU_NR_FAULTS; f++)
		fault_arm(f, 33, 0, budget);
	for (i = 0; i < 400; i++) {
		size_t size = fault_size(&rnd);
		size_t align = 4UL << xpcpu_test_rand(&rnd, 5);
		gfp_t gfp = xpcpu_test_rand(&rnd, 4) ? GFP_KERNEL : GFP_NOWAIT;
		void __xpcpu *p = __xpcpu_alloc_gfp(size, align, gfp);

		if (!p) {
			nr_null++;
		} else {
			KUNIT_EXPECT_TRUE_MSG(test,
					      zeroed_and_aligned(p, size, align),
					      "size %zu align %zu", size, align);
			memset(xpcpu_ptr((char __xpcpu *)p,
					 raw_smp_processor_id()), 0x5a, size);
		}
		if (p && priv->nr_live < FAULT_MAX_LIVE)
			priv->live[priv->nr_live++] = p;
		else if (p)
			xpcpu_free(p);
		/* Free some, so that chunks come and go. */
		if (priv->nr_live && !xpcpu_test_rand(&rnd, 3)) {
			int k = xpcpu_test_rand(&rnd, priv->nr_live);

			xpcpu_free(priv->live[k]);
			priv->live[k] = priv->live[--priv->nr_live];
		}
		if (!(i % 64))
			xpcpu_trim();
	}
	for (f = 0; f < XPCPU_NR_FAULTS; f++)
		injected += budget - atomic_read(&xpcpu_fault_attrs[f].times);
	fault_disarm_all();
	kunit_info(test, "400 allocations, %d NULL, %d injected failures",
		   nr_null, injected);
	KUNIT_EXPECT_GT(test, injected, 0);
	while (priv->nr_live)
		xpcpu_free(priv->live[--priv->nr_live]);
	/* Dozens of chunks' metadata went through KASAN's quarantine. */
	expect_all_back(test, 1024);
}

static int xpcpu_fault_test_init(struct kunit *test)
{
	struct fault_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	test->priv = priv;
	/* No spare chunk, no cached area: every chunk is made on demand. */
	priv->old_spare = xchg(&xpcpu_pool.spare_chunks, 0);
	xpcpu_trim();
	xpcpu_get_stats(&priv->st0);
	priv->free0 = free_pages_now();
	return 0;
}

static void xpcpu_fault_test_exit(struct kunit *test)
{
	struct fault_priv *priv = test->priv;

	fault_disarm_all();
	while (priv->nr_live)
		xpcpu_free(priv->live[--priv->nr_live]);
	WRITE_ONCE(xpcpu_pool.spare_chunks, priv->old_spare);
	xpcpu_pool_balance(false);
}

static struct kunit_case xpcpu_fault_test_cases[] = {
	KUNIT_CASE(xpcpu_test_fault_point_fails_cleanly),
	KUNIT_CASE(xpcpu_test_fault_nth_page_no_leak),
	KUNIT_CASE(xpcpu_test_fault_random_mix),
	{}
};

#else /* !CONFIG_FAULT_INJECTION */

static void xpcpu_test_fault_needs_fault_injection(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
}

static int xpcpu_fault_test_init(struct kunit *test)
{
	return 0;
}

static void xpcpu_fault_test_exit(struct kunit *test)
{
}

static struct kunit_case xpcpu_fault_test_cases[] = {
	KUNIT_CASE(xpcpu_test_fault_needs_fault_injection),
	{}
};

#endif /* CONFIG_FAULT_INJECTION */

static int xpcpu_fault_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_suite xpcpu_fault_test_suite = {
	.name = "xpcpu_fault",
	.suite_init = xpcpu_fault_test_suite_init,
	.init = xpcpu_fault_test_init,
	.exit = xpcpu_fault_test_exit,
	.test_cases = xpcpu_fault_test_cases,
};

kunit_test_suite(xpcpu_fault_test_suite);
