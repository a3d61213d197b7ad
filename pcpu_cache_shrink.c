// SPDX-License-Identifier: GPL-2.0
/*
 * What the per-CPU caches hold, capped from outside: the cache_kb cap
 * (xpcpu_cache_set_max_kb(); lowering it gives back at once what each CPU
 * holds beyond it) and the shrinker, which gives back what reclaim asks
 * for, CPU by CPU, one IPI to each CPU it takes from.  Policy only: the
 * per-CPU work (shed, fit to the budget) and the cache mutex are
 * pcpu_cache.c's.
 */
#include <linux/cpumask.h>
#include <linux/shrinker.h>

#include <xpcpu_internal.h>

/* The shrinker, registered by xpcpu_cache_shrink_init(). */
static struct shrinker *xpcpu_cache_shrinker;

static inline void xpcpu_stat_cache_shrink(void)
{
	atomic_long_inc(&xpcpu_cache_params.nr_shrinks);
}

static unsigned long xpcpu_shrink_count(struct shrinker *s,
					struct shrink_control *sc)
{
	return xpcpu_cache_nr_cached(NULL) ?: SHRINK_EMPTY;
}

/*
 * Give back about @nr cached areas: CPU by CPU, one IPI to each CPU that
 * holds some, until @nr went back.  Context: process context, cache
 * mutex held.  Return: how many went back.
 */
static unsigned long xpcpu_cache_shed_some(unsigned long nr)
{
	unsigned long done = 0;
	unsigned int cpu;

	/*
	 * No cpus_read_lock(): reclaim may run under the hotplug lock.  A
	 * CPU that goes down meanwhile fails the IPI, and its teardown
	 * drains its cache anyway.
	 */
	for_each_online_cpu(cpu) {
		if (done >= nr)
			break;
		done += xpcpu_cache_shed_cpu(cpu, nr - done);
	}
	return done;
}

static unsigned long xpcpu_shrink_scan(struct shrinker *s,
				       struct shrink_control *sc)
{
	unsigned long freed = 0;

	if (!xpcpu_cache_trylock())
		return SHRINK_STOP;
	if (xpcpu_cache_enabled())
		freed = xpcpu_cache_shed_some(sc->nr_to_scan);
	xpcpu_cache_unlock();
	xpcpu_stat_cache_shrink();
	return freed ?: SHRINK_STOP;
}

/* shrinker_alloc() came with SHRINKER_ALLOCATED (6.7). */
#ifdef SHRINKER_ALLOCATED
static int xpcpu_shrinker_register(void)
{
	xpcpu_cache_shrinker = shrinker_alloc(0, "xpcpu-cache");
	if (!xpcpu_cache_shrinker)
		return -ENOMEM;
	xpcpu_cache_shrinker->count_objects = xpcpu_shrink_count;
	xpcpu_cache_shrinker->scan_objects = xpcpu_shrink_scan;
	shrinker_register(xpcpu_cache_shrinker);
	return 0;
}

static void xpcpu_shrinker_unregister(void)
{
	shrinker_free(xpcpu_cache_shrinker);
}
#else
static struct shrinker xpcpu_shrinker_s = {
	.count_objects = xpcpu_shrink_count,
	.scan_objects = xpcpu_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

static int xpcpu_shrinker_register(void)
{
	xpcpu_cache_shrinker = &xpcpu_shrinker_s;
	return register_shrinker(&xpcpu_shrinker_s, "xpcpu-cache");
}

static void xpcpu_shrinker_unregister(void)
{
	unregister_shrinker(&xpcpu_shrinker_s);
}
#endif

#ifdef CONFIG_XPCPU_KUNIT_TEST
/* For the KUnit suites only. */
/**
 * xpcpu_cache_shrink() - what the shrinker does when asked for @nr areas
 * @nr: areas to give back (the shrinker's nr_to_scan)
 *
 * Context: process context.
 * Return: the number of areas it released.
 */
unsigned long xpcpu_cache_shrink(unsigned long nr)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nr_to_scan = nr };
	unsigned long freed = xpcpu_shrink_scan(NULL, &sc);

	return freed == SHRINK_STOP ? 0 : freed;
}
#endif

/**
 * xpcpu_cache_set_max_kb() - set the caches' memory cap (cache_kb)
 * @kb: KiB one CPU's caches may hold, counting every CPU's copy of the
 *	areas; at most XPCPU_CACHE_MAX_KB
 *
 * Lowering the cap gives back, now, what each CPU holds beyond it.
 *
 * Context: process context.
 * Return: 0, or -EINVAL when @kb is too large.
 */
int xpcpu_cache_set_max_kb(unsigned long kb)
{
	unsigned long old;

	if (kb > XPCPU_CACHE_MAX_KB)
		return -EINVAL;
	xpcpu_cache_lock();
	old = READ_ONCE(xpcpu_cache_params.max_kb);
	WRITE_ONCE(xpcpu_cache_params.max_kb, kb);
	if (kb < old)
		xpcpu_cache_fit_all();
	xpcpu_cache_unlock();
	return 0;
}

/**
 * xpcpu_cache_shrink_init() - register the caches' shrinker
 *
 * Context: module init, after xpcpu_cache_init().
 * Return: 0 or an errno.
 */
int xpcpu_cache_shrink_init(void)
{
	return xpcpu_shrinker_register();
}

/**
 * xpcpu_cache_shrink_exit() - unregister the caches' shrinker
 *
 * Context: module exit, before xpcpu_cache_exit().
 */
void xpcpu_cache_shrink_exit(void)
{
	xpcpu_shrinker_unregister();
}
