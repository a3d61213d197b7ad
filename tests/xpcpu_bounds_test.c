// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_bounds": work with interrupts off and memory held
 * by the caches stay bounded.
 *
 * - A search of the slots tries at most XPCPU_SCAN_BUDGET chunks that do
 *   not fit per hold of the pool lock, however many fragmented chunks
 *   there are: counted (the most chunks one hold tried) and timed (the
 *   longest interrupts-off section, printed for the README, never
 *   asserted: timings under TCG are emulated) with 10 and with 500
 *   fragmented chunks.
 * - cache_kb caps the memory a CPU's caches really hold (every unit's
 *   copy counted), lowering it gives back the excess at once, and a value
 *   too large is refused instead of wrapping.
 * - The shrinker gives back about what it is asked for.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "xpcpu_test_util.h"

/* ---- bounded searches ---------------------------------------------- */

#define FRAG_AREA	1040		/* bytes of each area, and of each hole */
#define FRAG_ASK	2044		/* a request no hole fits, same slot */
#define FRAG_CHUNKS	520		/* most chunks a case fragments */

/* test->priv: the fragmenting areas, to free whatever happens. */
struct frag_priv {
	void __xpcpu **areas;		/* live areas between the holes */
	int max;			/* room in areas[] */
	int nr;				/* entries in areas[] */
	void __xpcpu *asked[16];	/* requests of a measurement */
	int nr_asked;			/* entries in asked[] */
	unsigned int old_spare;		/* spare_chunks before the case */
	bool was_on;			/* caches on before the case */
};

static int xpcpu_bounds_frag_init(struct kunit *test)
{
	struct frag_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->max = FRAG_CHUNKS * (xpcpu_ai->unit_size / FRAG_AREA + 1);
	priv->areas = kvcalloc(priv->max, sizeof(*priv->areas), GFP_KERNEL);
	priv->was_on = xpcpu_cache_enabled();
	priv->old_spare = READ_ONCE(xpcpu_pool.spare_chunks);
	test->priv = priv;
	return priv->areas ? 0 : -ENOMEM;
}

/* Free every area of the case, and the chunks that leaves empty. */
static void unfragment(struct frag_priv *priv)
{
	while (priv->nr_asked)
		xpcpu_free(priv->asked[--priv->nr_asked]);
	while (priv->nr)
		xpcpu_free(priv->areas[--priv->nr]);
	xpcpu_trim();
}

static void xpcpu_bounds_frag_exit(struct kunit *test)
{
	struct frag_priv *priv = test->priv;

	if (!priv)
		return;
	unfragment(priv);
	kvfree(priv->areas);
	xpcpu_cache_set_enabled(priv->was_on);
	WRITE_ONCE(xpcpu_pool.spare_chunks, priv->old_spare);
	xpcpu_pool_balance(true);
}

/*
 * Fill @nr_chunks new chunks (and the room left in older ones) with
 * FRAG_AREA-byte areas, back to back, then free every other one (and the
 * last, which opened a chunk of its own, so that no chunk with a wide
 * free run is left behind): each
 * chunk is left with FRAG_AREA-byte holes between live areas, too small
 * for FRAG_ASK bytes but on the slot a FRAG_ASK search starts from (the
 * same highest bit).  The caches are off, so frees reach the bitmaps.
 */
static void fragment_chunks(struct kunit *test, u64 nr_chunks)
{
	struct frag_priv *priv = test->priv;
	struct xpcpu_stats st0, st;
	int i, kept;

	xpcpu_get_stats(&st0);
	do {
		KUNIT_ASSERT_LT(test, priv->nr, priv->max);
		priv->areas[priv->nr] = __xpcpu_alloc(FRAG_AREA, 4);
		KUNIT_ASSERT_NOT_NULL(test, priv->areas[priv->nr]);
		priv->nr++;
		if (!(priv->nr % 64))
			cond_resched();
		xpcpu_get_stats(&st);
	} while (st.nr_created - st0.nr_created <= nr_chunks);
	/* The last area made a chunk of its own: leave that one empty. */
	xpcpu_free(priv->areas[--priv->nr]);
	for (i = 0, kept = 0; i < priv->nr; i++) {
		if (i % 2)
			xpcpu_free(priv->areas[i]);
		else
			priv->areas[kept++] = priv->areas[i];
	}
	priv->nr = kept;
}

/*
 * The most chunks one hold tried, and the longest interrupts-off section,
 * over 16 FRAG_ASK allocations (served by new or spare chunks after the
 * misses).
 */
static void measure_asks(struct kunit *test, int *scanned, u64 *ns)
{
	struct frag_priv *priv = test->priv;

	xpcpu_irqsoff_reset();
	for (priv->nr_asked = 0; priv->nr_asked < ARRAY_SIZE(priv->asked);
	     priv->nr_asked++) {
		priv->asked[priv->nr_asked] = __xpcpu_alloc(FRAG_ASK, 4);
		KUNIT_ASSERT_NOT_NULL(test, priv->asked[priv->nr_asked]);
	}
	*scanned = READ_ONCE(xpcpu_irqsoff.max_scanned);
	*ns = READ_ONCE(xpcpu_irqsoff.max_ns);
}

static void xpcpu_test_bounds_scan_independent_of_chunks(struct kunit *test)
{
	struct frag_priv *priv = test->priv;
	int scanned10, scanned500;
	u64 ns10, ns500, chunks10, chunks500;
	struct xpcpu_stats st;

	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_enabled(false), 0);
	fragment_chunks(test, 10);
	xpcpu_get_stats(&st);
	chunks10 = st.nr_chunks;
	measure_asks(test, &scanned10, &ns10);
	unfragment(priv);
	fragment_chunks(test, 500);
	xpcpu_get_stats(&st);
	chunks500 = st.nr_chunks;
	measure_asks(test, &scanned500, &ns500);

	kunit_info(test, "irqs-off: %llu chunks (10 fragmented): longest %llu ns, %d chunk(s) tried in one hold; %llu chunks (500 fragmented): longest %llu ns, %d tried\n",
		   chunks10, ns10, scanned10, chunks500, ns500, scanned500);
	KUNIT_EXPECT_GE(test, chunks500, 500ULL);
	/* Misses within the budget, then the first chunk that surely fits. */
	KUNIT_EXPECT_LE(test, scanned500, XPCPU_SCAN_BUDGET + 1);
	KUNIT_EXPECT_LE(test, scanned10, XPCPU_SCAN_BUDGET + 1);
	/* And the 500 fragmented chunks did cost misses. */
	KUNIT_EXPECT_GE(test, scanned500, XPCPU_SCAN_BUDGET);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/*
 * Budgeted searches still reach every chunk: with no spare chunk, a
 * non-blocking request that only the last fragmented chunk (whose holes
 * merged into a wider one) fits is served, over several holds of the
 * lock, without a new chunk.
 */
static void xpcpu_test_bounds_search_goes_on_past_budget(struct kunit *test)
{
	struct frag_priv *priv = test->priv;
	struct xpcpu_stats st0, st1;
	void __xpcpu *p;

	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_enabled(false), 0);
	/*
	 * No spare chunks, before and after: a spare made by the balance
	 * work while the chunks fill would leave a chunk half full (a wide
	 * free run) or serve the request itself.
	 */
	WRITE_ONCE(xpcpu_pool.spare_chunks, 0);
	xpcpu_pool_balance(true);
	xpcpu_trim();
	fragment_chunks(test, 3 * XPCPU_SCAN_BUDGET);
	/* A live area of the newest chunk: its holes merge, 3 areas wide. */
	KUNIT_ASSERT_GE(test, priv->nr, 2);
	xpcpu_free(priv->areas[priv->nr - 2]);
	priv->areas[priv->nr - 2] = priv->areas[priv->nr - 1];
	priv->nr--;
	/* Only the holes can serve a non-blocking request. */
	xpcpu_trim();
	xpcpu_irqsoff_reset();
	xpcpu_get_stats(&st0);
	KUNIT_ASSERT_EQ(test, st0.nr_empty_chunks, 0ULL);
	p = __xpcpu_alloc_gfp(FRAG_ASK, 4, GFP_NOWAIT);
	xpcpu_get_stats(&st1);
	kunit_info(test, "found %s after %lu chunks tried, at most %d in one hold",
		   p ? "a hole" : "nothing", READ_ONCE(xpcpu_irqsoff.nr_scanned),
		   READ_ONCE(xpcpu_irqsoff.max_scanned));
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, st1.nr_created, st0.nr_created);
	KUNIT_EXPECT_LE(test, READ_ONCE(xpcpu_irqsoff.max_scanned),
			XPCPU_SCAN_BUDGET + 1);
	/* Found past what one hold's budget reaches. */
	KUNIT_EXPECT_GT(test, READ_ONCE(xpcpu_irqsoff.nr_scanned),
			2UL * XPCPU_SCAN_BUDGET);
	if (p)
		priv->asked[priv->nr_asked++] = p;
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- the caches' memory -------------------------------------------- */

#define CAP_AREAS	256

/* test->priv of the cap cases. */
struct cap_priv {
	void __xpcpu *areas[CAP_AREAS];	/* live areas */
	unsigned long old_kb;		/* cache_kb before */
	bool was_on;			/* caches on before */
};

static int xpcpu_bounds_cap_init(struct kunit *test)
{
	struct cap_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->old_kb = READ_ONCE(xpcpu_cache_params.max_kb);
	priv->was_on = xpcpu_cache_enabled();
	test->priv = priv;
	xpcpu_cache_set_enabled(true);
	xpcpu_cache_drain_now();
	return 0;
}

static void xpcpu_bounds_cap_exit(struct kunit *test)
{
	struct cap_priv *priv = test->priv;
	int i;

	if (!priv)
		return;
	for (i = 0; i < CAP_AREAS; i++)
		xpcpu_free(priv->areas[i]);
	xpcpu_cache_set_max_kb(priv->old_kb);
	xpcpu_cache_set_enabled(priv->was_on);
	xpcpu_cache_drain_now();
}

/* Allocate then free CAP_AREAS areas of @size on this CPU: they get cached. */
static void fill_cache(struct kunit *test, size_t size)
{
	struct cap_priv *priv = test->priv;
	int i;

	for (i = 0; i < CAP_AREAS; i++) {
		priv->areas[i] = __xpcpu_alloc(size, 4);
		KUNIT_ASSERT_NOT_NULL(test, priv->areas[i]);
	}
	for (i = 0; i < CAP_AREAS; i++) {
		xpcpu_free(priv->areas[i]);
		priv->areas[i] = NULL;
	}
}

/* Bytes of memory this CPU's caches hold, every unit's copy counted. */
static unsigned long cached_memory(int cpu)
{
	struct xpcpu_cache_class_stats cs;
	unsigned long bytes = 0;
	int idx, size;

	for (idx = 0; idx < XPCPU_CACHE_NR_CLASSES; idx++) {
		size = xpcpu_cache_class_stats(cpu, idx, &cs);
		bytes += cs.nr * size;
	}
	return bytes * xpcpu_ai->nr_units;
}

static void xpcpu_test_bounds_cache_kb_counts_every_unit(struct kunit *test)
{
	unsigned long kb = xpcpu_ai->nr_units;	/* 1 KiB per unit */
	int cpu;

	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_max_kb(kb), 0);
	migrate_disable();
	cpu = smp_processor_id();
	fill_cache(test, 64);
	KUNIT_EXPECT_GT(test, cached_memory(cpu), 0UL);
	KUNIT_EXPECT_LE(test, cached_memory(cpu), kb << 10);
	migrate_enable();
}

static void xpcpu_test_bounds_cache_kb_lowered_gives_back(struct kunit *test)
{
	unsigned long kb = xpcpu_ai->nr_units;
	int cpu;

	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_max_kb(1024), 0);
	migrate_disable();
	cpu = smp_processor_id();
	fill_cache(test, 64);
	KUNIT_ASSERT_GT(test, cached_memory(cpu), kb << 10);
	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_max_kb(kb), 0);
	KUNIT_EXPECT_LE(test, cached_memory(cpu), kb << 10);
	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_max_kb(0), 0);
	KUNIT_EXPECT_EQ(test, cached_memory(cpu), 0UL);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_bounds_cache_kb_too_large_refused(struct kunit *test)
{
	unsigned long before = READ_ONCE(xpcpu_cache_params.max_kb);

	/* 4 GiB: shifted into 32 bits it used to wrap to 0. */
	KUNIT_EXPECT_EQ(test, xpcpu_cache_set_max_kb(4UL << 20), -EINVAL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(xpcpu_cache_params.max_kb), before);
	KUNIT_EXPECT_EQ(test, xpcpu_cache_set_max_kb(XPCPU_CACHE_MAX_KB), 0);
}

static void xpcpu_test_bounds_shrinker_frees_what_asked(struct kunit *test)
{
	unsigned long before, after, freed;

	KUNIT_ASSERT_EQ(test, xpcpu_cache_set_max_kb(1024), 0);
	migrate_disable();
	fill_cache(test, 32);
	migrate_enable();
	before = xpcpu_cache_nr_cached(NULL);
	KUNIT_ASSERT_GE(test, before, 8UL);
	freed = xpcpu_cache_shrink(4);
	after = xpcpu_cache_nr_cached(NULL);
	KUNIT_EXPECT_EQ(test, freed, 4UL);
	KUNIT_EXPECT_EQ(test, after, before - 4);
	freed = xpcpu_cache_shrink(ULONG_MAX);
	KUNIT_EXPECT_EQ(test, freed, before - 4);
	KUNIT_EXPECT_EQ(test, xpcpu_cache_nr_cached(NULL), 0UL);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static int xpcpu_bounds_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_bounds_scan_test_cases[] = {
	KUNIT_CASE(xpcpu_test_bounds_scan_independent_of_chunks),
	KUNIT_CASE(xpcpu_test_bounds_search_goes_on_past_budget),
	{}
};

static struct kunit_suite xpcpu_bounds_scan_test_suite = {
	.name = "xpcpu_bounds_scan",
	.suite_init = xpcpu_bounds_test_suite_init,
	.init = xpcpu_bounds_frag_init,
	.exit = xpcpu_bounds_frag_exit,
	.test_cases = xpcpu_bounds_scan_test_cases,
};

static struct kunit_case xpcpu_bounds_cache_test_cases[] = {
	KUNIT_CASE(xpcpu_test_bounds_cache_kb_counts_every_unit),
	KUNIT_CASE(xpcpu_test_bounds_cache_kb_lowered_gives_back),
	KUNIT_CASE(xpcpu_test_bounds_cache_kb_too_large_refused),
	KUNIT_CASE(xpcpu_test_bounds_shrinker_frees_what_asked),
	{}
};

static struct kunit_suite xpcpu_bounds_cache_test_suite = {
	.name = "xpcpu_bounds_cache",
	.init = xpcpu_bounds_cap_init,
	.exit = xpcpu_bounds_cap_exit,
	.test_cases = xpcpu_bounds_cache_test_cases,
};

kunit_test_suites(&xpcpu_bounds_scan_test_suite,
		  &xpcpu_bounds_cache_test_suite);
