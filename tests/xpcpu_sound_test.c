// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_sound": the soundness promises of the lockless paths
 * and of allocation contexts (pcpu_core.c, "Synchronization rules").
 *
 * - A stale free racing with an allocation: xpcpu_bitmap_take() must
 *   publish an area's bounds before its alloc bits, so that the lockless
 *   check of a free (xpcpu_bitmap_small_area_bits()) never accepts a
 *   pointer into the middle of a new area.  One case stops a take between
 *   its two publications (a hook compiled into KUnit builds only) and
 *   checks there; another races a thread that allocates mixed 16/32-byte
 *   areas, each filled with its owner's id, with one that frees stale
 *   pointers into them.
 * - Allocation contexts: a GFP_NOFS caller that holds a lock which
 *   reclaim needs (a test shrinker takes it) must not make xpcpu recurse
 *   into FS reclaim, neither directly nor through the balance work it
 *   waits for; lockdep (on in the KUnit config) reports the inversion
 *   if it does.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

#include "xpcpu_test_util.h"

/* ---- the take publishes bounds before alloc bits ------------------- */

/* What the hook saw in the middle of the take. */
struct take_probe {
	int stale_bit;			/* a freed area's start, now interior */
	int got;			/* small_area_bits() if it accepted */
	bool ran;			/* the hook was called */
};

static struct take_probe *take_probe;

static void take_mid_hook(const struct xpcpu_bitmap *map, int bit, int end)
{
	int got;

	if (!take_probe || take_probe->stale_bit <= bit ||
	    take_probe->stale_bit >= end)
		return;
	got = xpcpu_bitmap_small_area_bits(map, take_probe->stale_bit);
	/* Any acceptance sticks, whatever a later call sees. */
	if (got >= 0)
		take_probe->got = got;
	take_probe->ran = true;
}

/*
 * Four 16-byte areas; the middle two are freed, leaving their bound bits
 * behind; a 32-byte area is then taken over them.  Between the take's two
 * publications, a free of the old second area's start (now the middle of
 * the new area) must be rejected -- with the alloc bits first it was
 * accepted as a 16-byte area.
 */
static void xpcpu_test_sound_take_bounds_before_alloc(struct kunit *test)
{
	struct take_probe probe = { .stale_bit = 8, .got = -EINVAL };
	struct xpcpu_bitmap *map;
	unsigned long flags;
	raw_spinlock_t lock;
	int i, bit;

	raw_spin_lock_init(&lock);
	map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_ASSERT_EQ(test, xpcpu_bitmap_init(map, 1, &lock, GFP_KERNEL), 0);

	raw_spin_lock_irqsave(&lock, flags);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, xpcpu_bitmap_alloc(map, 4, 4), i * 4);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_free(map, 4), 4);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_free(map, 8), 4);
	/* Freed: rejected, whatever bound bits it left. */
	KUNIT_EXPECT_LT(test, xpcpu_bitmap_small_area_bits(map, 8), 0);

	take_probe = &probe;
	xpcpu_bitmap_take_test_hook = take_mid_hook;
	bit = xpcpu_bitmap_alloc(map, 8, 4);
	xpcpu_bitmap_take_test_hook = NULL;
	take_probe = NULL;

	KUNIT_EXPECT_EQ(test, bit, 4);
	KUNIT_EXPECT_TRUE(test, probe.ran);
	KUNIT_EXPECT_LT_MSG(test, probe.got, 0,
			    "a stale pointer into the new area passed the lockless check as %d bits",
			    probe.got);
	/* And after the take: the new area's start only. */
	KUNIT_EXPECT_LT(test, xpcpu_bitmap_small_area_bits(map, 8), 0);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_small_area_bits(map, 4), 8);
	raw_spin_unlock_irqrestore(&lock, flags);
	xpcpu_bitmap_destroy(map);
}

/* ---- stale frees racing with allocations --------------------------- */

#define STALE_AREAS	64		/* areas per phase */
#define STALE_ROUNDS	200		/* phases of each size */

/*
 * struct stale_race - an owner that allocates and a thread that frees
 * stale pointers into the owner's areas
 *
 * In each round the owner allocates 16-byte areas, notes those whose
 * address is 16 modulo 32 (never the start of a 32-byte area), frees them
 * all and drains the caches, so their bound bits stay in the bitmap; then
 * it allocates 32-byte areas over the same room while the other thread
 * frees the noted pointers: each of those frees must be rejected.
 */
struct stale_race {
	struct kunit *test;		/* the case */
	void __xpcpu *stale[STALE_AREAS]; /* pointers to free, owner writes */
	int nr_stale;			/* entries in stale[] */
	atomic_t phase;			/* 1 while the freer may run */
	atomic_t freer_idle;		/* the freer is between frees */
	bool stop;			/* the freer ends */
	atomic_long_t nr_frees;		/* stale frees done */
	unsigned long nr_mismatch;	/* bytes with another owner's id */
	struct completion done;		/* the freer ended */
};

/* Fill every CPU's copy of @p (@size bytes) with @id. */
static void fill_owner(void __xpcpu *p, size_t size, u32 id)
{
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		u32 *w = xpcpu_ptr((u32 __xpcpu *)p, cpu);

		for (i = 0; i < size / sizeof(u32); i++)
			WRITE_ONCE(w[i], id);
	}
}

/* Words of every CPU's copy of @p that do not hold @id. */
static unsigned long count_foreign(void __xpcpu *p, size_t size, u32 id)
{
	unsigned long bad = 0;
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		u32 *w = xpcpu_ptr((u32 __xpcpu *)p, cpu);

		for (i = 0; i < size / sizeof(u32); i++)
			bad += READ_ONCE(w[i]) != id;
	}
	return bad;
}

static int stale_freer_fn(void *arg)
{
	struct stale_race *r = arg;
	int i = 0;

	while (!READ_ONCE(r->stop)) {
		/* Pairs with the owner's atomic_set_release() of phase 1. */
		if (atomic_read_acquire(&r->phase) != 1 || !r->nr_stale) {
			atomic_set(&r->freer_idle, 1);
			cond_resched();
			continue;
		}
		atomic_set(&r->freer_idle, 0);
		/*
		 * Store idle, load phase; the owner stores phase, loads idle:
		 * with a full barrier on both sides, either it waits for this
		 * free or this free sees phase 0.
		 */
		smp_mb();
		if (atomic_read(&r->phase) == 1) {
			xpcpu_free(r->stale[i++ % r->nr_stale]);
			atomic_long_inc(&r->nr_frees);
		}
		atomic_set(&r->freer_idle, 1);
	}
	complete(&r->done);
	return 0;
}

/* One round of the owner: @phase16 notes stale pointers, else checks. */
static void stale_owner_round(struct stale_race *r, size_t size, u32 *id)
{
	void __xpcpu *areas[STALE_AREAS];
	u32 ids[STALE_AREAS];
	int i, n = 0;

	for (i = 0; i < STALE_AREAS; i++) {
		areas[i] = __xpcpu_alloc(size, size);
		if (!areas[i])
			break;
		ids[i] = ++*id;
		fill_owner(areas[i], size, ids[i]);
		n++;
	}
	KUNIT_EXPECT_EQ(r->test, n, STALE_AREAS);
	for (i = 0; i < n; i++)
		r->nr_mismatch += count_foreign(areas[i], size, ids[i]);
	if (size == 16) {
		r->nr_stale = 0;
		for (i = 0; i < n; i++)
			if ((unsigned long)xpcpu_ptr_to_addr(areas[i]) % 32 == 16)
				r->stale[r->nr_stale++] = areas[i];
	} else {
		/* The freer stops before the owner frees its live areas. */
		atomic_set(&r->phase, 0);
		smp_mb();	/* pairs with the freer's, see there */
		while (!atomic_read(&r->freer_idle))
			cpu_relax();
		for (i = 0; i < n; i++)
			r->nr_mismatch += count_foreign(areas[i], size, ids[i]);
	}
	for (i = n - 1; i >= 0; i--)
		xpcpu_free(areas[i]);
	/* The freed areas go back to the bitmap, bound bits and all. */
	xpcpu_cache_drain_now();
}

static void xpcpu_test_sound_stale_free_race(struct kunit *test)
{
	struct stale_race *r;
	struct xpcpu_stats st0, st1;
	struct task_struct *t;
	u32 id = 0;
	int round;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->test = test;
	init_completion(&r->done);
	atomic_set(&r->freer_idle, 1);

	/* The owner runs here on CPU 0, the freer on the next online CPU. */
	migrate_disable();
	t = kthread_create(stale_freer_fn, r, "xpcpu_stale_freer");
	if (IS_ERR(t)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
		return;
	}
	kthread_bind(t, cpumask_any_but(cpu_online_mask, smp_processor_id()));
	xpcpu_get_stats(&st0);
	wake_up_process(t);

	for (round = 0; round < STALE_ROUNDS; round++) {
		unsigned long frees = atomic_long_read(&r->nr_frees);
		unsigned long until = jiffies + HZ / 50;

		stale_owner_round(r, 16, &id);
		/* Pairs with the freer's atomic_read_acquire(). */
		atomic_set_release(&r->phase, 1);
		/* Allocate while the freer is busy freeing, not before. */
		while (atomic_long_read(&r->nr_frees) == frees &&
		       time_before(jiffies, until))
			cpu_relax();
		stale_owner_round(r, 32, &id);
	}
	WRITE_ONCE(r->stop, true);
	wait_for_completion(&r->done);
	migrate_enable();
	xpcpu_cache_drain_now();
	xpcpu_get_stats(&st1);

	kunit_info(test, "%ld stale frees over %d rounds",
		   atomic_long_read(&r->nr_frees), STALE_ROUNDS);
	KUNIT_EXPECT_EQ_MSG(test, r->nr_mismatch, 0UL,
			    "words of live areas held another owner's id");
	/* Every stale free rejected and counted, nothing else. */
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free - st0.nr_bad_free,
			(u64)atomic_long_read(&r->nr_frees));
	KUNIT_EXPECT_EQ(test, st1.nr_dealloc - st0.nr_dealloc,
			st1.nr_alloc - st0.nr_alloc);
	KUNIT_EXPECT_EQ(test, st1.nr_cur_alloc, st0.nr_cur_alloc);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* ---- allocation contexts: GFP_NOFS never recurses into FS reclaim ---- */

/* M: a lock a filesystem holds around its allocations, which reclaim needs. */
static DEFINE_MUTEX(sound_fs_lock);

static unsigned long sound_shrink_count(struct shrinker *s,
					struct shrink_control *sc)
{
	return 0;	/* never asked to scan by real reclaim */
}

/* What the filesystem's shrinker does in reclaim: it takes M. */
static unsigned long sound_shrink_scan(struct shrinker *s,
				       struct shrink_control *sc)
{
	mutex_lock(&sound_fs_lock);
	mutex_unlock(&sound_fs_lock);
	return SHRINK_STOP;
}

#ifdef SHRINKER_ALLOCATED
static struct shrinker *sound_shrinker_register(void)
{
	struct shrinker *s = shrinker_alloc(0, "xpcpu-test-fs");

	if (!s)
		return NULL;
	s->count_objects = sound_shrink_count;
	s->scan_objects = sound_shrink_scan;
	shrinker_register(s);
	return s;
}

static void sound_shrinker_unregister(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static struct shrinker sound_shrinker_s = {
	.count_objects = sound_shrink_count,
	.scan_objects = sound_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

static struct shrinker *sound_shrinker_register(void)
{
	return register_shrinker(&sound_shrinker_s, "xpcpu-test-fs") ?
	       NULL : &sound_shrinker_s;
}

static void sound_shrinker_unregister(struct shrinker *s)
{
	unregister_shrinker(s);
}
#endif

/*
 * Teach lockdep what reclaim does with the shrinker (fs_reclaim, then M)
 * without waiting for real memory pressure: the dependency it records is
 * the same.
 */
static void sound_prime_reclaim(struct shrinker *s)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };

	fs_reclaim_acquire(GFP_KERNEL);
	sound_shrink_scan(s, &sc);
	fs_reclaim_release(GFP_KERNEL);
}

#define NOFS_MAX_AREAS	128

/* test->priv of the GFP_NOFS cases: what to undo. */
struct nofs_priv {
	void __xpcpu *areas[NOFS_MAX_AREAS]; /* live allocations */
	int nr;				/* entries in areas[] */
	unsigned int old_spare;		/* spare_chunks before */
	struct shrinker *shrinker;	/* the test shrinker */
};

static int xpcpu_sound_nofs_init(struct kunit *test)
{
	struct nofs_priv *priv;

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "needs lockdep");
	if (!debug_locks)
		kunit_skip(test, "lockdep is off after an earlier report");
	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->shrinker = sound_shrinker_register();
	if (!priv->shrinker)
		return -ENOMEM;
	priv->old_spare = READ_ONCE(xpcpu_pool.spare_chunks);
	test->priv = priv;
	sound_prime_reclaim(priv->shrinker);
	return 0;
}

static void xpcpu_sound_nofs_exit(struct kunit *test)
{
	struct nofs_priv *priv = test->priv;

	if (!priv)
		return;
	while (priv->nr)
		xpcpu_free(priv->areas[--priv->nr]);
	WRITE_ONCE(xpcpu_pool.spare_chunks, priv->old_spare);
	xpcpu_pool_balance(true);
	sound_shrinker_unregister(priv->shrinker);
}

/*
 * Holding M, allocate GFP_NOFS until xpcpu had to create @nr_new chunks
 * beyond what the pool had created at the start.
 * Return: how many it created.
 */
static u64 nofs_alloc_until_grown(struct kunit *test, u64 nr_new)
{
	struct nofs_priv *priv = test->priv;
	struct xpcpu_stats st0, st;
	void __xpcpu *p;

	xpcpu_get_stats(&st0);
	mutex_lock(&sound_fs_lock);
	do {
		p = __xpcpu_alloc_gfp(xpcpu_max_alloc_size(), PAGE_SIZE, GFP_NOFS);
		if (!p)
			break;
		priv->areas[priv->nr++] = p;
		xpcpu_get_stats(&st);
	} while (st.nr_created - st0.nr_created < nr_new &&
		 priv->nr < NOFS_MAX_AREAS);
	mutex_unlock(&sound_fs_lock);
	xpcpu_get_stats(&st);
	return st.nr_created - st0.nr_created;
}

/*
 * A GFP_NOFS caller holding M that makes xpcpu create a chunk: page
 * allocation, vmap()'s own allocations, the chunk's metadata and the
 * index copy must all stay out of FS reclaim, or lockdep sees
 * M -> fs_reclaim against fs_reclaim -> M.
 */
static void xpcpu_test_sound_nofs_grow(struct kunit *test)
{
	struct nofs_priv *priv = test->priv;

	WRITE_ONCE(xpcpu_pool.spare_chunks, 0);
	xpcpu_trim();
	/*
	 * The kpcpu backend's chunks come from the kernel's allocator, whose
	 * pcpu_alloc_mutex a GFP_KERNEL holder keeps while it reclaims: a
	 * GFP_NOFS request never grows there, it fails once the chunks are
	 * full (no spare here), and lockdep must stay just as quiet.
	 */
	if (xpcpu_backend->full_gfp_grows) {
		KUNIT_EXPECT_EQ(test, nofs_alloc_until_grown(test, 2), 0ULL);
		KUNIT_EXPECT_LT(test, priv->nr, NOFS_MAX_AREAS);
	} else {
		KUNIT_EXPECT_GE(test, nofs_alloc_until_grown(test, 2), 2ULL);
	}
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
			      "lockdep reported a problem (see the log)");
}

struct balance_arg {
	struct completion done;		/* the balance run ended */
};

static int balance_fn(void *arg)
{
	struct balance_arg *b = arg;

	xpcpu_pool_balance(false);
	complete(&b->done);
	return 0;
}

/*
 * The balance work creates spare chunks while a GFP_NOFS caller holding M
 * waits for grow_mutex: the work's allocations must stay out of FS
 * reclaim too, or M -> grow_mutex -> fs_reclaim -> M closes a cycle.
 */
static void xpcpu_test_sound_nofs_waits_for_balance(struct kunit *test)
{
	struct balance_arg b;
	struct task_struct *t;

	xpcpu_trim();
	WRITE_ONCE(xpcpu_pool.spare_chunks, 6);
	init_completion(&b.done);
	t = kthread_run(balance_fn, &b, "xpcpu_test_balance");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* With full_gfp_grows only the balance work grows: maybe later. */
	KUNIT_EXPECT_GE(test, nofs_alloc_until_grown(test, 8),
			xpcpu_backend->full_gfp_grows ? 0ULL : 1ULL);
	wait_for_completion(&b.done);
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
			      "lockdep reported a problem (see the log)");
}

static int xpcpu_sound_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_sound_test_cases[] = {
	KUNIT_CASE(xpcpu_test_sound_take_bounds_before_alloc),
	KUNIT_CASE(xpcpu_test_sound_stale_free_race),
	{}
};

static struct kunit_suite xpcpu_sound_test_suite = {
	.name = "xpcpu_sound",
	.suite_init = xpcpu_sound_test_suite_init,
	.test_cases = xpcpu_sound_test_cases,
};

static struct kunit_case xpcpu_sound_gfp_test_cases[] = {
	KUNIT_CASE(xpcpu_test_sound_nofs_grow),
	KUNIT_CASE(xpcpu_test_sound_nofs_waits_for_balance),
	{}
};

static struct kunit_suite xpcpu_sound_gfp_test_suite = {
	.name = "xpcpu_sound_gfp",
	.init = xpcpu_sound_nofs_init,
	.exit = xpcpu_sound_nofs_exit,
	.test_cases = xpcpu_sound_gfp_test_cases,
};

kunit_test_suites(&xpcpu_sound_test_suite, &xpcpu_sound_gfp_test_suite);
