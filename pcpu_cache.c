// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU caches of free areas in front of the pool, after the page
 * allocator's per-CPU lists and SLUB's per-CPU arrays: small areas are
 * freed into, and allocated from, an array of this CPU's own with
 * interrupts off and no lock; a miss refills half an array, and a full
 * array flushes half of itself, under one hold of the pool lock.
 *
 * Size classes: every multiple of 4 bytes up to 64 bytes, then every 16
 * bytes up to XPCPU_CACHE_MAX_SIZE.  An area of a class is exactly the
 * class's size and aligned to its largest power-of-two divisor, so it
 * serves any request of up to that size whose alignment is no larger.
 * Free learns an area's size from its chunk's bound_map, read without the
 * lock: the bits of a live area do not change until it is freed.
 *
 * Double frees stay exact: a chunk's cached_map has a bit set for every
 * area that sits in some cache, claimed with test_and_set_bit() by every
 * free (cached or not) and cleared when the area is handed out again or
 * goes back to the bitmap (after its alloc bits are cleared, so a free
 * that claims the bit afterwards sees the area gone).
 *
 * Memory stays bounded and returnable: cache_objs areas per class and
 * cache_kb KiB per CPU at most, counting the memory really held (an area
 * of S bytes holds S bytes in every unit), and lowering cache_kb gives
 * back what is beyond it at once; the reap work drains caches that were
 * idle for a period, and all of them when some chunk holds nothing but
 * cached areas; a CPU going down has its cache drained, a shrinker gives
 * back what reclaim asks for (largest classes first, one IPI per CPU that
 * it empties), and turning the caches off (or unloading)
 * drains everything.  The cap's setter and the shrinker are in
 * pcpu_cache_shrink.c, over xpcpu_cache_shed_cpu() and
 * xpcpu_cache_fit_all() here.
 *
 * Locking: a CPU's cache is touched only by that CPU with interrupts off
 * (hard interrupts also on PREEMPT_RT), by IPIs running on that CPU, or,
 * once the CPU is dead, by its hotplug teardown.  The pool lock nests
 * inside: refill and flush take it with interrupts already off.
 */
#include <linux/cpuhotplug.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include <xpcpu_internal.h>
#include <xpcpu_trace.h>

/*
 * struct xpcpu_cache_class - one CPU's free areas of one size class
 */
struct xpcpu_cache_class {
	unsigned int nr;		/* areas cached now */
	struct xpcpu_cache_obj *objs;	/* room for cache_objs areas */
	unsigned long hits;		/* allocations served from objs */
	unsigned long misses;		/* allocations that found it empty */
	unsigned long refills;		/* batches taken from the pool */
	unsigned long flushes;		/* batches given back to the pool */
};

/*
 * struct xpcpu_cache - the caches of one CPU
 */
struct xpcpu_cache {
	unsigned long bytes;		/* bytes of one unit cached, all classes */
	bool used;			/* touched since the last reap */
	struct xpcpu_chunk *last_chunk;	/* the chunk of the last free */
	unsigned long last_gen;		/* pool.freed_gen when it was found */
	struct xpcpu_cache_class cls[XPCPU_CACHE_NR_CLASSES]; /* by class */
	struct xpcpu_cache_obj objs[];	/* the classes' arrays, back to back */
};

/* Each CPU's caches: the per-CPU part of struct xpcpu_caches. */
static DEFINE_PER_CPU(struct xpcpu_cache *, xpcpu_cache_pcp);

/* Free finds a cached class's area end in one word of bound_map. */
static_assert(XPCPU_CACHE_MAX_SIZE / XPCPU_MIN_ALLOC_SIZE <= BITS_PER_LONG);

/*
 * struct xpcpu_caches - the caches' shared state
 */
struct xpcpu_caches {
	bool on;			/* in use; set with every CPU drained */
	bool ready;			/* set up; set under mutex */
	struct mutex mutex;		/* on/off, reap, shrink, teardown */
	enum cpuhp_state hp_state;	/* the CPU-dead callback */
	struct delayed_work reap_work;	/* drains idle caches */
};

static void xpcpu_cache_reap_workfn(struct work_struct *work);

static struct xpcpu_caches xpcpu_caches = {
	.mutex = __MUTEX_INITIALIZER(xpcpu_caches.mutex),
	.reap_work = __DELAYED_WORK_INITIALIZER(xpcpu_caches.reap_work,
						xpcpu_cache_reap_workfn, 0),
};

struct xpcpu_cache_params xpcpu_cache_params = {
	.max_kb = XPCPU_CACHE_DEFAULT_KB,
};

/* Areas per class and CPU (parameter cache_objs), fixed at load. */
unsigned int xpcpu_cache_objs __ro_after_init;

/*
 * The byte budget of one CPU's caches in bytes of one unit: cache_kb
 * counts the memory really held, and a cached area of S bytes holds S
 * bytes in every unit.
 */
static unsigned long xpcpu_cache_budget(void)
{
	unsigned long kb = READ_ONCE(xpcpu_cache_params.max_kb);

	return (kb << 10) / xpcpu_ai->nr_units;
}

/* The class an area of @size bytes at unit offset @off belongs to, or -1. */
static int xpcpu_area_class(int size, int off)
{
	int cls = xpcpu_cache_class(size, XPCPU_MIN_ALLOC_SIZE);

	if (cls < 0 || xpcpu_cache_class_size(cls) != size ||
	    !IS_ALIGNED(off, xpcpu_cache_class_align(cls)))
		return -1;
	return cls;
}

/*
 * The caches' counters (struct xpcpu_cache_class), each bumped by its CPU
 * with interrupts off: one helper per event.  Other CPUs read them (and
 * a cache's nr, bytes and used) with READ_ONCE() for the views and the
 * reap work, so every write is a WRITE_ONCE() that pairs with those: a
 * snapshot, not an ordering.
 */
static inline void xpcpu_stat_cache_hit(struct xpcpu_cache_class *cls)
{
	WRITE_ONCE(cls->hits, cls->hits + 1);
}

static inline void xpcpu_stat_cache_miss(struct xpcpu_cache_class *cls)
{
	WRITE_ONCE(cls->misses, cls->misses + 1);
}

static inline void xpcpu_stat_cache_refill(struct xpcpu_cache_class *cls)
{
	WRITE_ONCE(cls->refills, cls->refills + 1);
}

static inline void xpcpu_stat_cache_flush(struct xpcpu_cache_class *cls)
{
	WRITE_ONCE(cls->flushes, cls->flushes + 1);
}

/* Up to half a class, within what the byte budget leaves. */
static int xpcpu_cache_batch(const struct xpcpu_cache *c, int size)
{
	unsigned long budget = xpcpu_cache_budget();
	unsigned long room = budget > c->bytes ? (budget - c->bytes) / size : 0;

	return min_t(unsigned long, room, xpcpu_cache_objs / 2);
}

/*
 * Take a batch for @cls from the pool.
 * Context: interrupts off, on the cache's CPU.
 * Return: whether the class has an area now.
 */
static bool xpcpu_cache_refill(struct xpcpu_cache *c, int idx)
{
	struct xpcpu_cache_class *cls = &c->cls[idx];
	int size = xpcpu_cache_class_size(idx);
	int nr = max(xpcpu_cache_batch(c, size), 1);

	lockdep_assert_irqs_disabled();
	nr = xpcpu_pool_alloc_batch(size, xpcpu_cache_class_align(idx), cls->objs,
				    nr);
	if (!nr)
		return false;
	WRITE_ONCE(cls->nr, nr);
	xpcpu_stat_cache_refill(cls);
	WRITE_ONCE(c->bytes, c->bytes + nr * size);
	return true;
}

/*
 * Give the oldest @nr areas of @cls back to the pool.
 * Context: interrupts off, on the cache's CPU (or the CPU is dead).
 */
static void xpcpu_cache_flush(struct xpcpu_cache *c, int idx, unsigned int nr)
{
	struct xpcpu_cache_class *cls = &c->cls[idx];

	nr = min(nr, cls->nr);
	if (!nr)
		return;
	xpcpu_pool_free_batch(cls->objs, nr, xpcpu_cache_class_size(idx));
	WRITE_ONCE(cls->nr, cls->nr - nr);
	memmove(cls->objs, cls->objs + nr, cls->nr * sizeof(*cls->objs));
	xpcpu_stat_cache_flush(cls);
	WRITE_ONCE(c->bytes, c->bytes - nr * xpcpu_cache_class_size(idx));
}

/*
 * Give back up to @nr of this CPU's cached areas, the largest classes
 * first (they hold the most memory), the oldest areas of each.
 * Return: how many went back.
 */
static unsigned long xpcpu_cache_shed(struct xpcpu_cache *c, unsigned long nr)
{
	unsigned long done = 0, n;
	int idx;

	lockdep_assert_irqs_disabled();
	for (idx = XPCPU_CACHE_NR_CLASSES - 1; idx >= 0 && done < nr; idx--) {
		n = min_t(unsigned long, c->cls[idx].nr, nr - done);
		xpcpu_cache_flush(c, idx, n);
		done += n;
	}
	return done;
}

/* Flush every class of @c. */
static void xpcpu_cache_drain(struct xpcpu_cache *c)
{
	xpcpu_cache_shed(c, ULONG_MAX);
	WRITE_ONCE(c->used, false);
}

static void xpcpu_cache_drain_local(void *info)
{
	xpcpu_cache_drain(this_cpu_read(xpcpu_cache_pcp));
}

/* Drain every online CPU's cache, each on its own CPU. */
static void xpcpu_cache_drain_all(void)
{
	on_each_cpu(xpcpu_cache_drain_local, NULL, 1);
}

/* Keep the reap work coming while some cache may hold areas. */
static void xpcpu_cache_reap_arm(void)
{
	if (!delayed_work_pending(&xpcpu_caches.reap_work))
		queue_delayed_work(system_unbound_wq, &xpcpu_caches.reap_work,
				   msecs_to_jiffies(XPCPU_CACHE_REAP_MS));
}

/*
 * Open an interrupts-off section on this CPU (@flags, timed from @t0).
 * Return: this CPU's caches, or NULL when they are off.
 */
static struct xpcpu_cache *xpcpu_cache_enter(unsigned long *flags, u64 *t0)
{
	local_irq_save(*flags);
	*t0 = xpcpu_irqsoff_begin();
	if (!READ_ONCE(xpcpu_caches.on))
		return NULL;
	return this_cpu_read(xpcpu_cache_pcp);
}

/* Close the section xpcpu_cache_enter() opened. */
static void xpcpu_cache_leave(unsigned long flags, u64 t0)
{
	xpcpu_irqsoff_end(t0);
	local_irq_restore(flags);
}

/**
 * xpcpu_cache_alloc() - an area of class @idx from this CPU's cache
 * @idx: the class, from xpcpu_cache_class()
 * @size: the size asked for, for the counters
 * @is_atomic: the request may not sleep, for the counters
 * @obj: the area goes here
 *
 * Refills from existing chunks on a miss; never creates a chunk.
 *
 * Context: any context.
 * Return: true with the area in @obj, counted as allocated; false when
 * the caches are off or no existing chunk has room.
 */
bool xpcpu_cache_alloc(int idx, size_t size, bool is_atomic,
		       struct xpcpu_cache_obj *obj)
{
	struct xpcpu_cache_class *cls;
	struct xpcpu_cache *c;
	unsigned long flags;
	bool found = false;
	u64 t0;

	c = xpcpu_cache_enter(&flags, &t0);
	if (!c)
		goto out;
	cls = &c->cls[idx];
	WRITE_ONCE(c->used, true);
	if (likely(cls->nr)) {
		xpcpu_stat_cache_hit(cls);
	} else {
		xpcpu_stat_cache_miss(cls);
		if (!xpcpu_cache_refill(c, idx))
			goto out;
		xpcpu_cache_reap_arm();
	}
	WRITE_ONCE(cls->nr, cls->nr - 1);
	*obj = cls->objs[cls->nr];
	WRITE_ONCE(c->bytes, c->bytes - xpcpu_cache_class_size(idx));
	xpcpu_chunk_unclaim(obj->chunk, obj->off);
	xpcpu_stat_alloc(size, is_atomic);
	found = true;
out:
	xpcpu_cache_leave(flags, t0);
	return found;
}

/*
 * Put a claimed area on this CPU's class @idx, flushing half of the
 * class first when it or the byte budget is full.
 * Return: false if it still does not fit (the caller frees it).
 */
static bool xpcpu_cache_push(struct xpcpu_cache *c, int idx,
			     struct xpcpu_chunk *chunk, int off)
{
	struct xpcpu_cache_class *cls = &c->cls[idx];
	unsigned long budget = xpcpu_cache_budget();
	int size = xpcpu_cache_class_size(idx);

	if (cls->nr == xpcpu_cache_objs || c->bytes + size > budget) {
		xpcpu_cache_flush(c, idx, max(cls->nr / 2, 1U));
		if (c->bytes + size > budget)
			return false;
	}
	if (!c->bytes)
		xpcpu_cache_reap_arm();
	cls->objs[cls->nr].chunk = chunk;
	cls->objs[cls->nr].off = off;
	cls->objs[cls->nr].fresh = false;
	WRITE_ONCE(cls->nr, cls->nr + 1);
	WRITE_ONCE(c->bytes, c->bytes + size);
	WRITE_ONCE(c->used, true);
	return true;
}

/*
 * The chunk of @addr: the one of this CPU's last free if @addr is in it
 * and no chunk was freed since, else the pool's index.
 * Context: interrupts off, which keeps the chunk alive (an RCU reader).
 */
static struct xpcpu_chunk *xpcpu_cache_lookup(struct xpcpu_cache *c,
					      void *addr)
{
	struct xpcpu_chunk *chunk = c->last_chunk;
	/*
	 * Acquire pairs with the smp_mb__before_atomic() before the bump in
	 * xpcpu_pool_destroy_list(): once this CPU reads a generation, the
	 * index it searches below no longer holds the chunks freed before
	 * it.  A hint kept from an older generation is never trusted.
	 */
	unsigned long gen = atomic_long_read_acquire(&xpcpu_pool.freed_gen);

	if (chunk && c->last_gen == gen &&
	    (unsigned long)(addr - chunk->base_addr) < xpcpu_ai->unit_size)
		return chunk;
	chunk = xpcpu_pool_lookup(addr);
	if (chunk) {
		c->last_chunk = chunk;
		c->last_gen = gen;
	}
	return chunk;
}

/**
 * xpcpu_cache_free() - free an area into this CPU's cache
 * @addr: unit 0's address of the area
 * @base_addr: its chunk's base goes here (for tracing)
 * @offp: its unit offset goes here
 *
 * Context: any context.
 * Return: 0 when the area went to the cache (and was counted as freed),
 * -EAGAIN when it is not for a cache (the caches are off, its size is no
 * class's, or the cache is full): the caller frees it to the pool;
 * -ENOENT when @addr is in no chunk, -EINVAL when it starts no live area.
 */
int xpcpu_cache_free(void *addr, void **base_addr, int *offp)
{
	struct xpcpu_chunk *chunk;
	struct xpcpu_cache *c;
	int off, bit, bits, idx, ret = -EAGAIN;
	unsigned long flags;
	u64 t0;

	c = xpcpu_cache_enter(&flags, &t0);
	if (!c)
		goto out;
	chunk = xpcpu_cache_lookup(c, addr);
	if (!chunk) {
		ret = -ENOENT;
		goto out;
	}
	off = addr - chunk->base_addr;
	bit = xpcpu_off_to_bit(off);
	bits = IS_ALIGNED(off, XPCPU_MIN_ALLOC_SIZE) ?
	       xpcpu_bitmap_small_area_bits(&chunk->map, bit) : -EINVAL;
	if (bits <= 0) {
		ret = bits ? -EINVAL : -EAGAIN;	/* longer: not cacheable */
		goto out;
	}
	idx = xpcpu_area_class(xpcpu_bit_to_off(bits), off);
	if (idx < 0)
		goto out;
	ret = xpcpu_chunk_claim(chunk, bit, bits);
	if (ret)
		goto out;
	if (!xpcpu_cache_push(c, idx, chunk, off)) {
		xpcpu_chunk_unclaim(chunk, off);
		ret = -EAGAIN;
		goto out;
	}
	xpcpu_stat_free();
	*base_addr = chunk->base_addr;
	*offp = off;
out:
	xpcpu_cache_leave(flags, t0);
	return ret;
}

/* Drain the caches of CPUs that did not use them since the last reap. */
static bool xpcpu_cache_idle(int cpu, void *info)
{
	struct xpcpu_cache *c = per_cpu(xpcpu_cache_pcp, cpu);

	if (!READ_ONCE(c->bytes))
		return false;
	if (READ_ONCE(c->used)) {
		WRITE_ONCE(c->used, false);
		*(bool *)info = true;
		return false;
	}
	return true;
}

/*
 * Every XPCPU_CACHE_REAP_MS while some cache holds areas: drain the caches
 * that were idle, and all of them when a chunk holds nothing but cached
 * areas (the balance work can then free it once it decays).
 */
static void xpcpu_cache_reap_workfn(struct work_struct *work)
{
	bool busy = false;

	mutex_lock(&xpcpu_caches.mutex);
	if (!READ_ONCE(xpcpu_caches.on))
		goto out;
	on_each_cpu_cond(xpcpu_cache_idle, xpcpu_cache_drain_local, &busy,
			 true);
	if (xpcpu_pool_nr_pinned_chunks()) {
		xpcpu_cache_drain_all();
		busy = false;
	}
	if (busy)
		xpcpu_cache_reap_arm();
out:
	mutex_unlock(&xpcpu_caches.mutex);
}

/* A dead CPU's cache goes back to the pool. */
static int xpcpu_cache_cpu_dead(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	xpcpu_cache_drain(per_cpu(xpcpu_cache_pcp, cpu));
	local_irq_restore(flags);
	return 0;
}

/**
 * xpcpu_cache_nr_cached() - areas sitting in caches now
 * @bytes: if not NULL, their bytes per CPU go here
 *
 * Context: any context; a snapshot only while nothing runs.
 * Return: the number of areas.
 */
unsigned long xpcpu_cache_nr_cached(unsigned long *bytes)
{
	unsigned long nr = 0, sum = 0;
	unsigned int cpu;
	int idx;

	if (!xpcpu_caches.ready)
		goto out;
	for_each_possible_cpu(cpu) {
		struct xpcpu_cache *c = per_cpu(xpcpu_cache_pcp, cpu);

		for (idx = 0; idx < XPCPU_CACHE_NR_CLASSES; idx++)
			nr += READ_ONCE(c->cls[idx].nr);
		sum += READ_ONCE(c->bytes);
	}
out:
	if (bytes)
		*bytes = sum;
	return nr;
}

/**
 * xpcpu_cache_class_stats() - one CPU's counters for one class
 * @cpu: a possible CPU
 * @idx: the class
 * @st: where they go
 *
 * Context: any context.
 * Return: the class's size in bytes.
 */
int xpcpu_cache_class_stats(unsigned int cpu, int idx,
			    struct xpcpu_cache_class_stats *st)
{
	const struct xpcpu_cache_class *cls;

	memset(st, 0, sizeof(*st));
	if (xpcpu_caches.ready) {
		cls = &per_cpu(xpcpu_cache_pcp, cpu)->cls[idx];
		st->nr = READ_ONCE(cls->nr);
		st->hits = READ_ONCE(cls->hits);
		st->misses = READ_ONCE(cls->misses);
		st->refills = READ_ONCE(cls->refills);
		st->flushes = READ_ONCE(cls->flushes);
	}
	return xpcpu_cache_class_size(idx);
}

#ifdef CONFIG_XPCPU_KUNIT_TEST
/* For the KUnit suites only. */
/**
 * xpcpu_cache_reap_now() - run the reap work now and wait for it
 *
 * Context: process context.
 */
void xpcpu_cache_reap_now(void)
{
	mod_delayed_work(system_unbound_wq, &xpcpu_caches.reap_work, 0);
	flush_delayed_work(&xpcpu_caches.reap_work);
}
#endif

/**
 * xpcpu_cache_drain_now() - drain every cache
 *
 * Context: process context.
 */
void xpcpu_cache_drain_now(void)
{
	mutex_lock(&xpcpu_caches.mutex);
	if (xpcpu_caches.ready)
		xpcpu_cache_drain_all();
	mutex_unlock(&xpcpu_caches.mutex);
}

/**
 * xpcpu_cache_set_enabled() - turn the caches on or off
 * @on: the new state; off drains every cache
 *
 * Context: process context.
 * Return: 0, or -ENODEV before xpcpu_cache_init().
 */
int xpcpu_cache_set_enabled(bool on)
{
	int ret = 0;

	mutex_lock(&xpcpu_caches.mutex);
	if (!xpcpu_caches.ready) {
		ret = -ENODEV;
	} else if (on != READ_ONCE(xpcpu_caches.on)) {
		WRITE_ONCE(xpcpu_caches.on, on);
		/*
		 * A CPU that saw the caches on is inside an interrupts-off
		 * section; the drain IPI runs after it and sees them off.
		 */
		if (!on)
			xpcpu_cache_drain_all();
	}
	mutex_unlock(&xpcpu_caches.mutex);
	return ret;
}

/**
 * xpcpu_cache_enabled() - are the caches on?
 *
 * Return: the state set by xpcpu_cache_set_enabled().
 */
bool xpcpu_cache_enabled(void)
{
	return READ_ONCE(xpcpu_caches.on);
}

/* The cache mutex, for pcpu_cache_shrink.c.  Context: process context. */
void xpcpu_cache_lock(void)
{
	mutex_lock(&xpcpu_caches.mutex);
}

bool xpcpu_cache_trylock(void)
{
	return mutex_trylock(&xpcpu_caches.mutex);
}

void xpcpu_cache_unlock(void)
{
	mutex_unlock(&xpcpu_caches.mutex);
}

/* What xpcpu_cache_shed_local() is asked for, and what it did. */
struct xpcpu_shed_req {
	unsigned long nr;		/* areas to give back */
	unsigned long done;		/* areas given back */
};

static void xpcpu_cache_shed_local(void *info)
{
	struct xpcpu_shed_req *req = info;

	req->done = xpcpu_cache_shed(this_cpu_read(xpcpu_cache_pcp), req->nr);
}

/**
 * xpcpu_cache_shed_cpu() - give back up to @nr of @cpu's cached areas
 * @cpu: an online CPU
 * @nr: areas to give back
 *
 * The largest classes first, the oldest areas of each, by one IPI to
 * @cpu; none when its cache holds nothing.
 *
 * Context: process context, cache mutex held.
 * Return: how many went back.
 */
unsigned long xpcpu_cache_shed_cpu(unsigned int cpu, unsigned long nr)
{
	struct xpcpu_shed_req req = { .nr = nr };

	lockdep_assert_held(&xpcpu_caches.mutex);
	/* A hint only: the IPI looks again on that CPU. */
	if (!READ_ONCE(per_cpu(xpcpu_cache_pcp, cpu)->bytes))
		return 0;
	smp_call_function_single(cpu, xpcpu_cache_shed_local, &req, 1);
	return req.done;
}

/* Bring this CPU's caches within the byte budget. */
static void xpcpu_cache_fit_local(void *info)
{
	struct xpcpu_cache *c = this_cpu_read(xpcpu_cache_pcp);
	unsigned long budget = xpcpu_cache_budget();
	int idx;

	for (idx = XPCPU_CACHE_NR_CLASSES - 1; idx >= 0 && c->bytes > budget;
	     idx--)
		xpcpu_cache_flush(c, idx, c->cls[idx].nr);
}

/**
 * xpcpu_cache_fit_all() - bring every CPU's caches within the byte budget
 *
 * Context: process context, cache mutex held.
 */
void xpcpu_cache_fit_all(void)
{
	lockdep_assert_held(&xpcpu_caches.mutex);
	if (xpcpu_caches.ready && READ_ONCE(xpcpu_caches.on))
		on_each_cpu(xpcpu_cache_fit_local, NULL, 1);
}

static void xpcpu_cache_free_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(xpcpu_cache_pcp, cpu));
		per_cpu(xpcpu_cache_pcp, cpu) = NULL;
	}
}

/**
 * xpcpu_cache_init() - give every possible CPU its caches
 * @objs: areas per class and CPU (at least 2)
 * @on: whether they start on
 *
 * Context: module init, after the pool.
 * Return: 0 or an errno.
 */
int xpcpu_cache_init(unsigned int objs, bool on)
{
	unsigned int cpu;
	size_t size;
	int idx, ret;

	xpcpu_cache_objs = clamp(objs, 2U, XPCPU_CACHE_MAX_OBJS);
	size = struct_size_t(struct xpcpu_cache, objs,
			     XPCPU_CACHE_NR_CLASSES * xpcpu_cache_objs);
	for_each_possible_cpu(cpu) {
		struct xpcpu_cache *c = kvzalloc_node(size, GFP_KERNEL,
						      cpu_to_node(cpu));

		if (!c) {
			ret = -ENOMEM;
			goto err_free;
		}
		for (idx = 0; idx < XPCPU_CACHE_NR_CLASSES; idx++)
			c->cls[idx].objs = c->objs + idx * xpcpu_cache_objs;
		per_cpu(xpcpu_cache_pcp, cpu) = c;
	}

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "xpcpu/cache:dead",
					NULL, xpcpu_cache_cpu_dead);
	if (ret < 0)
		goto err_free;
	xpcpu_caches.hp_state = ret;

	mutex_lock(&xpcpu_caches.mutex);
	xpcpu_caches.ready = true;
	WRITE_ONCE(xpcpu_caches.on, on);
	mutex_unlock(&xpcpu_caches.mutex);
	return 0;

err_free:
	xpcpu_cache_free_all();
	return ret;
}

/**
 * xpcpu_cache_exit() - drain and free every cache
 *
 * Context: module exit; no allocation or free running.
 */
void xpcpu_cache_exit(void)
{
	xpcpu_cache_set_enabled(false);
	mutex_lock(&xpcpu_caches.mutex);
	xpcpu_caches.ready = false;
	mutex_unlock(&xpcpu_caches.mutex);
	cancel_delayed_work_sync(&xpcpu_caches.reap_work);
	cpuhp_remove_state_nocalls(xpcpu_caches.hp_state);
	xpcpu_cache_free_all();
}
