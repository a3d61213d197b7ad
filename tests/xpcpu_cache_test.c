// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_cache": the per-CPU caches of pcpu_cache.c on the
 * live allocator -- the size classes, hit/miss/refill and flush at the
 * cap as the per-CPU counters see them, double frees of cached areas,
 * frees from hard interrupts and from other CPUs, CPU offline, the reap
 * work freeing a chunk that only caches held, the shrinker, and turning
 * the caches off.  Each case pins itself to a CPU (migrate_disable())
 * where it reads one CPU's counters, and leaves the allocator's counters
 * where it found them (checked in exit).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xpcpu_test_util.h"

#define CACHE_MAX_LIVE	2048

/* test->priv: what a case must undo, whatever happened. */
struct cache_priv {
	void __xpcpu *live[CACHE_MAX_LIVE]; /* allocations not freed yet */
	struct xpcpu_stats st0;		/* counters at the start */
	bool was_on;			/* caches on before the case */
	unsigned int old_spare;		/* spare_chunks before the case */
	unsigned int old_decay;		/* empty_decay_ms before the case */
	bool pool_changed;		/* restore those two in exit */
	int nr_live;			/* entries in live[] */
};

static void __xpcpu *c_alloc(struct kunit *test, size_t size, gfp_t gfp)
{
	struct cache_priv *priv = test->priv;
	void __xpcpu *p;

	if (priv->nr_live >= CACHE_MAX_LIVE)
		return NULL;
	p = __xpcpu_alloc_gfp(size, size & -size, gfp);
	if (p)
		priv->live[priv->nr_live++] = p;
	return p;
}

/* Free the newest @nr allocations of the case, newest first. */
static void c_free_last(struct kunit *test, int nr)
{
	struct cache_priv *priv = test->priv;

	while (nr-- && priv->nr_live)
		xpcpu_free(priv->live[--priv->nr_live]);
}

static void class_stats(int cpu, size_t size,
			struct xpcpu_cache_class_stats *st)
{
	xpcpu_cache_class_stats(cpu, xpcpu_cache_class(size, 4), st);
}

static bool all_zero(void __xpcpu *p, size_t size)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (memchr_inv(xpcpu_ptr((char __xpcpu *)p, cpu), 0, size))
			return false;
	return true;
}

static void dirty(void __xpcpu *p, size_t size)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(xpcpu_ptr((char __xpcpu *)p, cpu), 0xa5, size);
}

/* ---- classes ------------------------------------------------------- */

static void xpcpu_test_cache_class_table(struct kunit *test)
{
	size_t size, align;
	int prev = -1;

	for (size = 4; size <= XPCPU_CACHE_MAX_SIZE; size += 4) {
		int cls = xpcpu_cache_class(size, 4);
		int csize, calign;

		KUNIT_ASSERT_GE_MSG(test, cls, 0, "size %zu", size);
		KUNIT_ASSERT_LT(test, cls, XPCPU_CACHE_NR_CLASSES);
		csize = xpcpu_cache_class_size(cls);
		calign = xpcpu_cache_class_align(cls);
		KUNIT_EXPECT_GE_MSG(test, csize, (int)size, "size %zu", size);
		KUNIT_EXPECT_LT_MSG(test, csize - (int)size,
				    size <= XPCPU_CACHE_FINE_MAX ? 4 : 16,
				    "size %zu", size);
		KUNIT_EXPECT_TRUE(test, is_power_of_2(calign));
		KUNIT_EXPECT_EQ(test, csize % calign, 0);
		KUNIT_EXPECT_GE(test, cls, prev);
		prev = cls;
		for (align = 4; align <= PAGE_SIZE; align <<= 1) {
			int c = xpcpu_cache_class(size, align);

			KUNIT_EXPECT_EQ_MSG(test, c,
					    align <= calign ? cls : -1,
					    "size %zu align %zu", size, align);
		}
	}
	KUNIT_EXPECT_EQ(test, prev, XPCPU_CACHE_NR_CLASSES - 1);
	KUNIT_EXPECT_EQ(test, xpcpu_cache_class(XPCPU_CACHE_MAX_SIZE + 4, 4),
			-1);
}

/* ---- hit, miss, refill, flush ---------------------------------------- */

static void xpcpu_test_cache_hit_miss_refill(struct kunit *test)
{
	struct xpcpu_cache_class_stats s0, s1;
	void __xpcpu *p, *q;
	int cpu;

	xpcpu_cache_drain_now();
	migrate_disable();
	cpu = smp_processor_id();
	class_stats(cpu, 64, &s0);
	KUNIT_EXPECT_EQ(test, s0.nr, 0UL);

	p = c_alloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	class_stats(cpu, 64, &s1);
	KUNIT_EXPECT_EQ(test, s1.misses, s0.misses + 1);
	KUNIT_EXPECT_EQ(test, s1.refills, s0.refills + 1);
	KUNIT_EXPECT_EQ(test, s1.hits, s0.hits);
	KUNIT_EXPECT_GT(test, s1.nr, 0UL);
	KUNIT_EXPECT_TRUE(test, all_zero(p, 64));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)xpcpu_ptr(p, cpu),
					   64));

	q = c_alloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	class_stats(cpu, 64, &s0);
	KUNIT_EXPECT_EQ(test, s0.hits, s1.hits + 1);
	KUNIT_EXPECT_EQ(test, s0.nr, s1.nr - 1);

	/* Freed, dirtied memory comes back zeroed on every CPU. */
	dirty(q, 64);
	c_free_last(test, 1);
	class_stats(cpu, 64, &s1);
	KUNIT_EXPECT_EQ(test, s1.nr, s0.nr + 1);
	q = c_alloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	class_stats(cpu, 64, &s0);
	KUNIT_EXPECT_EQ(test, s0.hits, s1.hits + 1);
	KUNIT_EXPECT_TRUE(test, all_zero(q, 64));
	migrate_enable();
	c_free_last(test, 2);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_cache_flush_at_cap(struct kunit *test)
{
	unsigned int cap = xpcpu_cache_objs;
	struct xpcpu_cache_class_stats s0, s1;
	int cpu, i;

	KUNIT_ASSERT_LE(test, 2 * cap + 2, (unsigned int)CACHE_MAX_LIVE);
	xpcpu_cache_drain_now();
	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 2 * cap + 2; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 16, GFP_KERNEL));
	class_stats(cpu, 16, &s0);
	c_free_last(test, 2 * cap + 2);
	class_stats(cpu, 16, &s1);
	KUNIT_EXPECT_GT(test, s1.flushes, s0.flushes);
	KUNIT_EXPECT_LE(test, s1.nr, (unsigned long)cap);
	KUNIT_EXPECT_GT(test, s1.nr, 0UL);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- bad frees -------------------------------------------------------- */

static void xpcpu_test_cache_double_free_ignored(struct kunit *test)
{
	struct xpcpu_cache_class_stats s0, s1;
	struct xpcpu_stats st0, st1;
	struct cache_priv *priv = test->priv;
	void __xpcpu *p;
	int cpu;

	migrate_disable();
	cpu = smp_processor_id();
	p = c_alloc(test, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	c_free_last(test, 1);
	class_stats(cpu, 8, &s0);
	xpcpu_get_stats(&st0);

	xpcpu_free(p);			/* sits in this CPU's cache */

	class_stats(cpu, 8, &s1);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, s1.nr, s0.nr);
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free, st0.nr_bad_free + 1);
	KUNIT_EXPECT_EQ(test, st1.nr_dealloc, st0.nr_dealloc);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
	/* The cached area is still handed out once, zeroed. */
	p = c_alloc(test, 8, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, priv->nr_live, 1);
}

/* ---- other contexts ------------------------------------------------- */

struct hard_free {
	struct hrtimer timer;		/* HRTIMER_MODE_REL_HARD */
	void __xpcpu **ptrs;		/* what to free */
	int nr;				/* how many */
	int cpu;			/* where the callback ran */
	bool irqs_were_off;		/* and that it had IRQs off */
	struct completion done;		/* the callback finished */
};

static enum hrtimer_restart hard_free_fn(struct hrtimer *t)
{
	struct hard_free *hf = container_of(t, struct hard_free, timer);
	int i;

	hf->cpu = smp_processor_id();
	hf->irqs_were_off = irqs_disabled();
	for (i = 0; i < hf->nr; i++)
		xpcpu_free(hf->ptrs[i]);
	complete(&hf->done);
	return HRTIMER_NORESTART;
}

static void xpcpu_test_cache_free_hardirq(struct kunit *test)
{
	struct cache_priv *priv = test->priv;
	struct xpcpu_stats st0, st1;
	struct hard_free hf = { .nr = 32 };
	int i;

	for (i = 0; i < hf.nr; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 4 * (i % 8 + 1),
						    GFP_KERNEL));
	hf.ptrs = priv->live;
	xpcpu_get_stats(&st0);
	init_completion(&hf.done);
	hrtimer_init(&hf.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hf.timer.function = hard_free_fn;
	hrtimer_start(&hf.timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&hf.done, HZ), 0UL);
	hrtimer_cancel(&hf.timer);
	priv->nr_live = 0;

	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_TRUE(test, hf.irqs_were_off);
	KUNIT_EXPECT_EQ(test, st1.nr_dealloc, st0.nr_dealloc + hf.nr);
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free, st0.nr_bad_free);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

struct other_cpu {
	void __xpcpu *p;		/* freed on the other CPU */
	struct xpcpu_cache_class_stats before, after; /* its class there */
	struct completion done;		/* the thread finished */
};

static int other_cpu_fn(void *data)
{
	struct other_cpu *oc = data;
	int cpu = smp_processor_id();

	class_stats(cpu, 32, &oc->before);
	xpcpu_free(oc->p);
	class_stats(cpu, 32, &oc->after);
	complete(&oc->done);
	return 0;
}

/* Run @fn(@data) in a kthread bound to @cpu; it completes @done. */
static void run_on_cpu(struct kunit *test, int cpu, int (*fn)(void *),
		       void *data, struct completion *done, const char *name)
{
	struct task_struct *t;

	init_completion(done);
	t = kthread_create(fn, data, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, cpu);
	wake_up_process(t);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(done, 5 * HZ), 0UL);
}

/* A CPU other than the current one, or -1. */
static int other_online_cpu(void)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (cpu != raw_smp_processor_id())
			return cpu;
	return -1;
}

static void xpcpu_test_cache_free_other_cpu(struct kunit *test)
{
	struct other_cpu oc;
	int cpu = other_online_cpu();

	if (cpu < 0)
		kunit_skip(test, "needs a second online CPU");
	xpcpu_cache_drain_now();
	oc.p = __xpcpu_alloc(32, 32);
	KUNIT_ASSERT_NOT_NULL(test, oc.p);
	run_on_cpu(test, cpu, other_cpu_fn, &oc, &oc.done,
		   "xpcpu_cache_other");
	/* The area went to the freeing CPU's cache. */
	KUNIT_EXPECT_EQ(test, oc.after.nr, oc.before.nr + 1);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- bounded and returnable ------------------------------------------ */

struct fill_cpu {
	int nr;				/* areas to free there */
	void __xpcpu **ptrs;		/* the areas */
	struct completion done;		/* the thread finished */
};

static int fill_cpu_fn(void *data)
{
	struct fill_cpu *fc = data;
	int i;

	for (i = 0; i < fc->nr; i++)
		xpcpu_free(fc->ptrs[i]);
	complete(&fc->done);
	return 0;
}

/* Free @nr of the case's allocations on @cpu, so they land in its cache. */
static void free_on_cpu(struct kunit *test, int cpu, int nr)
{
	struct cache_priv *priv = test->priv;
	struct fill_cpu fc = { .nr = nr };

	KUNIT_ASSERT_LE(test, nr, priv->nr_live);
	fc.ptrs = priv->live + priv->nr_live - nr;
	run_on_cpu(test, cpu, fill_cpu_fn, &fc, &fc.done,
		   "xpcpu_cache_fill");
	priv->nr_live -= nr;
}

static unsigned long cpu_cached(int cpu)
{
	struct xpcpu_cache_class_stats st;
	unsigned long nr = 0;
	int idx;

	for (idx = 0; idx < XPCPU_CACHE_NR_CLASSES; idx++) {
		xpcpu_cache_class_stats(cpu, idx, &st);
		nr += st.nr;
	}
	return nr;
}

static void xpcpu_test_cache_cpu_offline_drains(struct kunit *test)
{
	unsigned long before;
	int cpu = -1, c, i, ret;

	/* A CPU that can go offline: not 0, not the one running this. */
	for_each_online_cpu(c)
		if (c && c != raw_smp_processor_id())
			cpu = c;
	if (cpu < 0)
		kunit_skip(test, "needs an online CPU other than 0 and this one");
	xpcpu_cache_drain_now();
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 24, GFP_KERNEL));
	/*
	 * This thread is not bound: if it ran on @cpu meanwhile, its
	 * allocations refilled that cache.  Count from what is there.
	 */
	before = cpu_cached(cpu);
	free_on_cpu(test, cpu, 8);
	KUNIT_EXPECT_EQ(test, cpu_cached(cpu), before + 8);

	ret = remove_cpu(cpu);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, cpu_cached(cpu), 0UL);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
	ret = add_cpu(cpu);
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* Back online, its cache works again. */
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 24, GFP_KERNEL));
	before = cpu_cached(cpu);
	free_on_cpu(test, cpu, 4);
	KUNIT_EXPECT_EQ(test, cpu_cached(cpu), before + 4);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void set_pool_knobs(struct kunit *test, unsigned int spare,
			   unsigned int decay_ms)
{
	struct cache_priv *priv = test->priv;

	priv->old_spare = xchg(&xpcpu_pool.spare_chunks, spare);
	priv->old_decay = xchg(&xpcpu_pool.empty_decay_ms, decay_ms);
	priv->pool_changed = true;
	xpcpu_pool_balance(true);
}

/*
 * A chunk whose every allocated area sits in some cache is freed: the
 * reap work drains the caches, then the balance work frees the chunk.
 */
static void xpcpu_test_cache_pinned_chunk_freed(struct kunit *test)
{
	struct cache_priv *priv = test->priv;
	struct xpcpu_stats st0, st;
	int i;

	set_pool_knobs(test, 0, 0);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st0);
	/* Allocate 256-byte areas until a new chunk serves one. */
	for (i = 0; i < CACHE_MAX_LIVE; i++) {
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 256, GFP_KERNEL));
		xpcpu_get_stats(&st);
		if (st.nr_chunks > st0.nr_chunks)
			break;
	}
	KUNIT_ASSERT_GT(test, st.nr_chunks, st0.nr_chunks);
	/* Free the newest few into this CPU's cache, the rest directly. */
	migrate_disable();
	c_free_last(test, 4);
	migrate_enable();
	xpcpu_cache_set_enabled(false);
	c_free_last(test, priv->nr_live);
	xpcpu_cache_set_enabled(true);
	/* The new chunk is empty but for cached areas, or empty: freed. */
	xpcpu_cache_reap_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_GT(test, st.nr_destroyed, st0.nr_destroyed);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_cache_shrinker_drains(struct kunit *test)
{
	unsigned long before, freed, after;
	int i;

	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 4 * (i + 1),
						    GFP_KERNEL));
	c_free_last(test, 16);
	before = xpcpu_cache_nr_cached(NULL);
	KUNIT_EXPECT_GE(test, before, 16UL);
	freed = xpcpu_cache_shrink(ULONG_MAX);
	after = xpcpu_cache_nr_cached(NULL);
	KUNIT_EXPECT_EQ(test, after, 0UL);
	KUNIT_EXPECT_EQ(test, freed, before);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_cache_off_drains_and_serves(struct kunit *test)
{
	struct xpcpu_stats st0, st1;
	void __xpcpu *p;
	int i;

	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_NOT_NULL(test, c_alloc(test, 8, GFP_KERNEL));
	c_free_last(test, 16);
	KUNIT_EXPECT_GT(test, xpcpu_cache_nr_cached(NULL), 0UL);
	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_enabled(false), 0);
	KUNIT_EXPECT_FALSE(test, xpcpu_cache_enabled());
	KUNIT_EXPECT_EQ(test, xpcpu_cache_nr_cached(NULL), 0UL);

	xpcpu_get_stats(&st0);
	p = c_alloc(test, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, all_zero(p, 8));
	c_free_last(test, 1);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, xpcpu_cache_nr_cached(NULL), 0UL);
	KUNIT_EXPECT_EQ(test, st1.nr_alloc, st0.nr_alloc + 1);
	KUNIT_EXPECT_EQ(test, st1.nr_dealloc, st0.nr_dealloc + 1);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- set-up ------------------------------------------------------------ */

static int xpcpu_cache_test_init(struct kunit *test)
{
	struct cache_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	test->priv = priv;
	priv->was_on = xpcpu_cache_enabled();
	if (xpcpu_cache_set_enabled(true))
		return -ENODEV;
	xpcpu_get_stats(&priv->st0);
	return 0;
}

static void xpcpu_cache_test_exit(struct kunit *test)
{
	struct cache_priv *priv = test->priv;
	struct xpcpu_stats st;

	c_free_last(test, priv->nr_live);
	if (priv->pool_changed) {
		WRITE_ONCE(xpcpu_pool.spare_chunks, priv->old_spare);
		WRITE_ONCE(xpcpu_pool.empty_decay_ms, priv->old_decay);
	}
	xpcpu_cache_set_enabled(priv->was_on);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ_MSG(test, st.nr_cur_alloc, priv->st0.nr_cur_alloc,
			    "the case left allocations behind");
	KUNIT_EXPECT_EQ(test, st.nr_cached, 0ULL);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static int xpcpu_cache_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_cache_test_cases[] = {
	KUNIT_CASE(xpcpu_test_cache_class_table),
	KUNIT_CASE(xpcpu_test_cache_hit_miss_refill),
	KUNIT_CASE(xpcpu_test_cache_flush_at_cap),
	KUNIT_CASE(xpcpu_test_cache_double_free_ignored),
	KUNIT_CASE(xpcpu_test_cache_free_hardirq),
	KUNIT_CASE(xpcpu_test_cache_free_other_cpu),
	KUNIT_CASE(xpcpu_test_cache_cpu_offline_drains),
	KUNIT_CASE(xpcpu_test_cache_pinned_chunk_freed),
	KUNIT_CASE(xpcpu_test_cache_shrinker_drains),
	KUNIT_CASE(xpcpu_test_cache_off_drains_and_serves),
	{}
};

static struct kunit_suite xpcpu_cache_test_suite = {
	.name = "xpcpu_cache",
	.suite_init = xpcpu_cache_test_suite_init,
	.init = xpcpu_cache_test_init,
	.exit = xpcpu_cache_test_exit,
	.test_cases = xpcpu_cache_test_cases,
};

kunit_test_suite(xpcpu_cache_test_suite);
