// SPDX-License-Identifier: GPL-2.0
/*
 * The pool: every chunk, the slot lists that order them by their longest
 * free run, chunk growth and destruction, allocation and free.
 * Allocation walks the slots from the first that can fit a request, with
 * a bounded number of misses per hold of the lock; free finds the chunk
 * through the index (pcpu_index.c).  The balance work that keeps spare
 * chunks and frees decayed empty ones is in pcpu_balance.c, the read-only
 * view in pcpu_pool_view.c; the lock and the counters' helpers are in
 * xpcpu_internal.h, shared by the three.
 */
#include <linux/bitmap.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <xpcpu_internal.h>
#include <xpcpu_trace.h>

#ifdef XPCPU_DEBUG_IRQSOFF
struct xpcpu_irqsoff_stats xpcpu_irqsoff;
#endif

struct xpcpu_pool xpcpu_pool = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(xpcpu_pool.lock),
	.grow_mutex = __MUTEX_INITIALIZER(xpcpu_pool.grow_mutex),
	.index.lock = __MUTEX_INITIALIZER(xpcpu_pool.index.lock),
	.balance_work = __DELAYED_WORK_INITIALIZER(xpcpu_pool.balance_work,
						   xpcpu_balance_workfn, 0),
	.spare_chunks = 1,
	.empty_decay_ms = 1000,
};

/* Slot of a chunk whose longest free run is @size bytes. */
static int xpcpu_size_to_slot(int size)
{
	if (size == xpcpu_ai->unit_size)
		return xpcpu_pool.nr_slots - 1;
	return max(fls(size) - XPCPU_SLOT_BASE_SHIFT + 2, 1);
}

/**
 * xpcpu_chunk_slot() - the slot a chunk belongs on
 * @chunk: the chunk
 *
 * Return: 0 for a full chunk, the last slot for an empty one.
 */
XPCPU_VISIBLE_IF_KUNIT int xpcpu_chunk_slot(const struct xpcpu_chunk *chunk)
{
	int contig = chunk->map.chunk_md.contig_hint;

	if (chunk->map.free_bytes < XPCPU_MIN_ALLOC_SIZE || !contig)
		return 0;
	return xpcpu_size_to_slot(xpcpu_bit_to_off(contig));
}

bool xpcpu_chunk_is_empty(const struct xpcpu_chunk *chunk)
{
	return !chunk->is_first && !chunk->map.nr_alloc;
}

/* Move @chunk to the slot its hint asks for. */
static void xpcpu_chunk_relocate(struct xpcpu_chunk *chunk)
{
	int slot = xpcpu_chunk_slot(chunk);
	struct list_head *list = &xpcpu_pool.slots[slot];

	lockdep_assert_held(&xpcpu_pool.lock);
	if (slot == chunk->slot)
		return;
	/* Newly emptied chunks go last, so the oldest empties are used. */
	if (slot == xpcpu_pool.nr_slots - 1 || chunk->slot < slot)
		list_move_tail(&chunk->list, list);
	else
		list_move(&chunk->list, list);
	if (chunk->slot >= 0)
		xpcpu_pool.slot_len[chunk->slot]--;
	xpcpu_pool.slot_len[slot]++;
	chunk->slot = slot;
}

/* @chunk has no live area left: count it, and date it for the decay. */
static void xpcpu_chunk_became_empty(struct xpcpu_chunk *chunk)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_stat_chunk_emptied();
	chunk->empty_since = jiffies;
}

/*
 * Take @nr areas of @size bytes at @align, back to back, from @chunk and
 * count them; using up a spare chunk (@spare) asks for another.
 * Return: 0 with the first area's chunk, unit offset and freshness in
 * *@obj, or -ENOSPC.
 */
static int xpcpu_chunk_take(struct xpcpu_chunk *chunk, size_t size,
			    size_t align, int nr, bool spare,
			    struct xpcpu_cache_obj *obj)
{
	bool was_empty = xpcpu_chunk_is_empty(chunk);
	int bit;

	lockdep_assert_held(&xpcpu_pool.lock);
	bit = xpcpu_bitmap_alloc_run(&chunk->map, xpcpu_off_to_bit(size),
				     xpcpu_off_to_bit(align), nr);
	if (bit < 0)
		return -ENOSPC;
	if (was_empty) {
		xpcpu_stat_chunk_unemptied();
		if (spare && xpcpu_pool.stats.nr_empty_chunks <
		    READ_ONCE(xpcpu_pool.spare_chunks))
			xpcpu_balance_queue(true);
	}
	xpcpu_chunk_relocate(chunk);
	xpcpu_stat_areas_taken(nr);
	obj->chunk = chunk;
	obj->off = xpcpu_bit_to_off(bit);
	/* Pages come zeroed; what was never taken still is. */
	obj->fresh = obj->off >= chunk->fresh_off;
	chunk->fresh_off = max_t(int, chunk->fresh_off, obj->off + nr * size);
	return 0;
}

/*
 * Put a new chunk on the index and a slot, and if @obj, take an area of
 * @size bytes at @align from it in the same hold of the lock, so that no
 * other allocation takes its room first.  The index comes first, from
 * process context (it may allocate); nothing can point into the chunk
 * before it is on a slot.
 */
static int xpcpu_pool_link(struct xpcpu_chunk *chunk, size_t size,
			   size_t align, struct xpcpu_cache_obj *obj)
{
	unsigned long flags;
	int ret;

	ret = xpcpu_index_add(&xpcpu_pool.index, chunk);
	if (ret)
		return ret;

	flags = xpcpu_pool_lock();
	chunk->slot = -1;
	xpcpu_stat_chunk_linked(chunk);
	if (xpcpu_chunk_is_empty(chunk))
		xpcpu_chunk_became_empty(chunk);
	/* Made for this request: it was no spare, so ask for none. */
	if (obj)
		ret = xpcpu_chunk_take(chunk, size, align, 1, false, obj);
	xpcpu_chunk_relocate(chunk);
	xpcpu_pool_unlock(flags);
	/* An empty chunk fits any request that passed validation. */
	WARN_ON_ONCE(ret);
	return 0;
}

/* Take an empty chunk off its slot; the index keeps it until erased. */
void xpcpu_pool_unlink(struct xpcpu_chunk *chunk)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	list_del_init(&chunk->list);
	if (chunk->slot >= 0)
		xpcpu_pool.slot_len[chunk->slot]--;
	chunk->slot = -1;
	xpcpu_stat_chunk_unlinked(chunk);
	if (xpcpu_chunk_is_empty(chunk))
		xpcpu_stat_chunk_unemptied();
}

/*
 * Create a chunk and put it in the pool, taking an area of @size bytes
 * at @align from it first if @obj.
 * Context: process context, grow_mutex held.
 * Return: the chunk, or NULL.
 */
struct xpcpu_chunk *xpcpu_pool_grow(gfp_t gfp, size_t size, size_t align,
				    struct xpcpu_cache_obj *obj)
{
	struct xpcpu_chunk *chunk;
	unsigned int noio;

	lockdep_assert_held(&xpcpu_pool.grow_mutex);
	/*
	 * Every allocation made for the chunk -- its pages, vmap()'s own,
	 * the metadata, the index copy -- stays out of I/O and FS reclaim:
	 * whoever holds grow_mutex may be waited for by a GFP_NOFS or
	 * GFP_NOIO caller that holds a lock reclaim needs.
	 */
	noio = memalloc_noio_save();
	chunk = xpcpu_chunk_create(xpcpu_ai, &xpcpu_pool.lock, gfp);
	if (chunk && xpcpu_pool_link(chunk, size, align, obj)) {
		xpcpu_chunk_destroy(chunk, xpcpu_ai);
		chunk = NULL;
	}
	memalloc_noio_restore(noio);
	if (!chunk)
		return NULL;
	trace_xpcpu_create_chunk(chunk->base_addr);
	return chunk;
}

/*
 * Destroy the chunks on @list, which are off their slots: out of the
 * index, wait for lookups that may still see them, then free them.  No
 * mutex: allocations that need a new chunk meanwhile need not wait for
 * the grace period.
 * Context: process context.
 */
void xpcpu_pool_destroy_list(struct list_head *list)
{
	struct xpcpu_chunk *chunk, *tmp;

	might_sleep();
	if (list_empty(list))
		return;
	/* Its copy of the index is allocated in NOIO scope, as in growth. */
	xpcpu_index_remove(&xpcpu_pool.index, list);
	/*
	 * Per-CPU caches of the last chunk looked up must look again.  The
	 * barrier orders the index stores above before the new generation:
	 * it pairs with the acquire in xpcpu_cache_lookup(), so a CPU that
	 * reads the new generation cannot then find the chunk in the index
	 * and keep it as its hint past the grace period below.
	 */
	smp_mb__before_atomic();
	atomic_long_inc(&xpcpu_pool.freed_gen);
	synchronize_rcu();
	list_for_each_entry_safe(chunk, tmp, list, list) {
		list_del(&chunk->list);
		trace_xpcpu_destroy_chunk(chunk->base_addr);
		xpcpu_chunk_destroy(chunk, xpcpu_ai);
	}
}

/*
 * The first slot whose every chunk fits @need bytes at @align: its chunks'
 * longest free run is at least twice the size of the slot before's, which
 * covers the request and the worst alignment padding.
 */
static int xpcpu_sure_slot(int need, size_t align)
{
	return min(xpcpu_size_to_slot(2 * (need + (int)align)),
		   xpcpu_pool.nr_slots - 1);
}

/*
 * struct xpcpu_scan - a slot search spread over several holds of the lock
 */
struct xpcpu_scan {
	int budget;			/* misses left in this hold */
	int slot;			/* where the last hold stopped, or -1 */
	int tried;			/* chunks of that slot tried so far */
};

/* The first chunk of the slots from @slot on, which surely fit. */
static int xpcpu_take_sure(size_t size, size_t align, int nr, int slot,
			   struct xpcpu_cache_obj *obj)
{
	struct xpcpu_chunk *chunk;

	for (; slot < xpcpu_pool.nr_slots; slot++) {
		list_for_each_entry(chunk, &xpcpu_pool.slots[slot], list) {
			xpcpu_irqsoff_scanned();
			if (!xpcpu_chunk_take(chunk, size, align, nr, true, obj))
				return 0;
		}
	}
	return -ENOSPC;
}

/*
 * Allocate @nr areas of @size bytes at @align, back to back, from the
 * first chunk in slot order that fits them, trying at most @scan->budget
 * chunks that turn out not to fit.
 *
 * The slots below xpcpu_sure_slot() hold chunks that may or may not fit
 * (a free run long enough but misaligned, or just shorter than needed);
 * with many fragmented chunks there, trying them all would keep
 * interrupts off for a time that grows with the chunk count.  So each
 * miss costs one unit of the budget; when it runs out, the chunks of that
 * slot not tried yet are rotated to its front and the place is kept in
 * @scan, and the search goes to the slots where the first chunk fits.
 * If none does, the next hold resumes where this one stopped: slot by
 * slot, every chunk is tried in the end.  The work per hold is bounded by
 * the budget, whatever the number of chunks.
 *
 * Context: pool lock held.
 * Return: 0 with the first area in *@obj; -EAGAIN when the budget ran
 * out before every chunk was tried; -ENOSPC when none fits.
 */
static int xpcpu_alloc_from_slots(size_t size, size_t align, int nr,
				  struct xpcpu_cache_obj *obj,
				  struct xpcpu_scan *scan)
{
	int need = nr * size, sure = xpcpu_sure_slot(need, align);
	struct xpcpu_chunk *chunk;
	struct list_head *head;
	int slot, n;

	lockdep_assert_held(&xpcpu_pool.lock);
	slot = xpcpu_size_to_slot(need);
	if (scan->slot >= slot)
		slot = scan->slot;
	else
		scan->tried = 0;
	for (; slot < sure; slot++, scan->tried = 0) {
		head = &xpcpu_pool.slots[slot];
		n = scan->tried;
		list_for_each_entry(chunk, head, list) {
			/* The rest of the slot was tried in earlier holds. */
			if (n++ >= xpcpu_pool.slot_len[slot])
				break;
			xpcpu_irqsoff_scanned();
			if (!xpcpu_chunk_take(chunk, size, align, nr, true, obj))
				return 0;
			if (--scan->budget > 0)
				continue;
			/* Out of budget: the untried rest goes first next time. */
			if (!list_is_last(&chunk->list, head))
				list_rotate_to_front(chunk->list.next, head);
			scan->slot = slot;
			scan->tried = n;
			return xpcpu_take_sure(size, align, nr, sure, obj) ?
			       -EAGAIN : 0;
		}
	}
	return xpcpu_take_sure(size, align, nr, sure, obj);
}

/*
 * One area from the chunks there are: searches of at most
 * XPCPU_SCAN_BUDGET misses per hold of the lock, the lock dropped in
 * between, until some chunk fits or every chunk was tried.
 */
static int xpcpu_alloc_locked(size_t size, size_t align, bool is_atomic,
			      struct xpcpu_cache_obj *obj)
{
	struct xpcpu_scan scan = { .slot = -1 };
	unsigned long flags;
	int passes = 0, ret;

	do {
		scan.budget = XPCPU_SCAN_BUDGET;
		flags = xpcpu_pool_lock();
		ret = xpcpu_alloc_from_slots(size, align, 1, obj, &scan);
		/*
		 * Each pass goes on from where the one before stopped: enough
		 * passes for every chunk and every slot, whatever moved
		 * meanwhile (a bound, not the expected count).
		 */
		if (ret == -EAGAIN && ++passes > xpcpu_pool.stats.nr_chunks /
		    XPCPU_SCAN_BUDGET + xpcpu_pool.nr_slots)
			ret = -ENOSPC;
		if (ret == -ENOSPC && is_atomic)
			xpcpu_stat_atomic_fail();
		xpcpu_pool_unlock(flags);
	} while (ret == -EAGAIN);
	return ret ? -ENOSPC : 0;
}

/**
 * xpcpu_pool_alloc() - take an area from some chunk
 * @size: bytes, a multiple of 4, at most XPCPU_MAX_ALLOC_SIZE
 * @align: alignment, a power of two from 4 to PAGE_SIZE
 * @gfp: without __GFP_DIRECT_RECLAIM, only existing chunks serve it
 * @obj: the area's chunk, unit offset and freshness go here
 *
 * A blocking allocation that no chunk can serve creates one, under
 * grow_mutex; a non-blocking one that fails asks the balance work for
 * spare chunks.  So does a blocking one narrower than GFP_KERNEL (in its
 * flags or its task's scope) when the backend's chunk creation takes the
 * kernel's pcpu_alloc_mutex (the kpcpu backend: full_gfp_grows).
 *
 * Context: any context if @gfp does not allow blocking, else process
 * context.
 * Return: 0 or -ENOMEM.
 */
int xpcpu_pool_alloc(size_t size, size_t align, gfp_t gfp,
		     struct xpcpu_cache_obj *obj)
{
	bool is_atomic = !gfpflags_allow_blocking(gfp);
	/* Only these reach the chunk's allocations, in NOIO scope there. */
	gfp_t chunk_gfp = gfp & (GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	int ret;

	ret = xpcpu_alloc_locked(size, align, is_atomic, obj);
	if (!ret)
		return 0;
	if (is_atomic || (xpcpu_backend->full_gfp_grows &&
			  (current_gfp_context(gfp) & GFP_KERNEL) != GFP_KERNEL)) {
		xpcpu_balance_queue(true);
		return -ENOMEM;
	}

	mutex_lock(&xpcpu_pool.grow_mutex);
	/* Someone may have made room while we waited. */
	ret = xpcpu_alloc_locked(size, align, false, obj);
	if (ret) {
		obj->chunk = NULL;
		if (xpcpu_pool_grow(chunk_gfp, size, align, obj) && obj->chunk)
			ret = 0;
	}
	mutex_unlock(&xpcpu_pool.grow_mutex);
	return ret ? -ENOMEM : 0;
}

/* @nr areas of @chunk went back to its bitmap: count them, relocate it. */
static void xpcpu_chunk_released(struct xpcpu_chunk *chunk, int nr)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_stat_areas_released(nr);
	if (xpcpu_chunk_is_empty(chunk)) {
		xpcpu_chunk_became_empty(chunk);
		if (xpcpu_pool.stats.nr_empty_chunks >
		    READ_ONCE(xpcpu_pool.spare_chunks))
			xpcpu_balance_queue(false);
	}
	xpcpu_chunk_relocate(chunk);
}

/**
 * xpcpu_pool_lookup() - the chunk whose unit 0 contains @addr
 * @addr: any address
 *
 * Context: in an RCU read-side section (interrupts off is one), which
 * keeps the chunk alive: xpcpu_pool_destroy_list() erases a chunk from
 * the index and bumps freed_gen, then waits for a grace period.
 * Return: the chunk, or NULL.
 */
struct xpcpu_chunk *xpcpu_pool_lookup(void *addr)
{
	return xpcpu_index_lookup(&xpcpu_pool.index, (unsigned long)addr);
}

/**
 * xpcpu_pool_free() - return the area at @addr to its chunk
 * @addr: unit 0's address of the area
 * @base_addr: the chunk's base goes here
 * @offp: the area's unit offset goes here
 *
 * Changes nothing unless @addr starts a live area: a pointer into no
 * chunk, into a hidden part, inside an area, to a free area or to one
 * that a per-CPU cache holds is rejected.
 *
 * Context: any context.
 * Return: the area's size in bytes, -ENOENT if @addr is in no chunk,
 * -EINVAL if it does not start a live area.
 */
int xpcpu_pool_free(void *addr, void **base_addr, int *offp)
{
	struct xpcpu_chunk *chunk;
	unsigned long flags;
	int off, bit, bits = -ENOENT;

	rcu_read_lock();
	chunk = xpcpu_pool_lookup(addr);
	if (!chunk)
		goto out;
	off = addr - chunk->base_addr;
	bit = xpcpu_off_to_bit(off);
	bits = -EINVAL;
	if (!IS_ALIGNED(off, XPCPU_MIN_ALLOC_SIZE) ||
	    !xpcpu_chunk_claim_start(chunk, bit))
		goto out;

	flags = xpcpu_pool_lock();
	bits = xpcpu_bitmap_free(&chunk->map, bit);
	if (bits >= 0)
		xpcpu_chunk_released(chunk, 1);
	/* Before the lock goes: an allocation must not see the claim. */
	xpcpu_chunk_unclaim(chunk, off);
	*base_addr = chunk->base_addr;
	*offp = off;
	xpcpu_pool_unlock(flags);
out:
	rcu_read_unlock();
	return bits < 0 ? bits : xpcpu_bit_to_off(bits);
}

/**
 * xpcpu_pool_alloc_batch() - areas for a per-CPU cache
 * @size: bytes of each, a class size
 * @align: their alignment, a power of two that divides @size
 * @objs: room for @nr areas
 * @nr: how many to take, at most
 *
 * One hold of the lock, existing chunks only: back to back in one chunk
 * if some chunk has room for all of them, else in smaller runs; the runs
 * share one search budget (XPCPU_SCAN_BUDGET misses), so a refill may
 * come back short or empty while chunks it did not try have room (the
 * caller then allocates from the pool, which tries them).  Every area
 * comes back claimed in its chunk's cached_map.
 *
 * Context: any context.
 * Return: the number of areas in @objs.
 */
int xpcpu_pool_alloc_batch(int size, int align, struct xpcpu_cache_obj *objs,
			   int nr)
{
	struct xpcpu_scan scan = { .budget = XPCPU_SCAN_BUDGET };
	struct xpcpu_cache_obj run_obj;
	int n = 0, run = nr, i, off;
	unsigned long flags;

	flags = xpcpu_pool_lock();
	while (n < nr && run && scan.budget > 0) {
		run = min(run, nr - n);
		scan.slot = -1;
		if (xpcpu_alloc_from_slots(size, align, run, &run_obj,
					   &scan)) {
			run /= 2;
			continue;
		}
		for (i = 0, off = run_obj.off; i < run; i++, off += size) {
			/* A bogus free of a new area may have claimed it. */
			if (!xpcpu_chunk_claim_start(run_obj.chunk,
						     xpcpu_off_to_bit(off)))
				continue;
			objs[n] = run_obj;
			objs[n++].off = off;
		}
	}
	xpcpu_pool_unlock(flags);
	return n;
}

/*
 * Free the areas of @objs[0..nr), all of @size bytes, in runs of
 * neighbours in the same chunk: a cache hands them back in the order it
 * took them, so areas freed in (or against) allocation order come back
 * as one run.
 */
static void xpcpu_free_runs(struct xpcpu_cache_obj *objs, int nr, int size)
{
	int bits = xpcpu_off_to_bit(size), i, k, step, first;

	lockdep_assert_held(&xpcpu_pool.lock);
	for (i = 0; i < nr; i += k) {
		struct xpcpu_chunk *chunk = objs[i].chunk;

		first = objs[i].off;
		step = size;
		if (i + 1 < nr && objs[i + 1].off == first - size)
			step = -size;
		for (k = 1; i + k < nr && objs[i + k].chunk == chunk &&
		     objs[i + k].off == first + k * step; k++)
			;
		if (step < 0)
			first = objs[i + k - 1].off;
		if (WARN_ON_ONCE(xpcpu_bitmap_free_run(&chunk->map,
						       xpcpu_off_to_bit(first),
						       bits, k)))
			continue;
		xpcpu_chunk_released(chunk, k);
	}
}

/**
 * xpcpu_pool_free_batch() - take back areas a per-CPU cache held
 * @objs: the areas, claimed in their chunks' cached_map
 * @nr: how many
 * @size: bytes of each
 *
 * Neighbours go back as one run; one hold of the lock.  The claims are
 * let go after the areas are free, before the lock is.
 *
 * Context: any context.
 */
void xpcpu_pool_free_batch(struct xpcpu_cache_obj *objs, int nr, int size)
{
	unsigned long flags;
	int i;

	flags = xpcpu_pool_lock();
	xpcpu_free_runs(objs, nr, size);
	/* Before the lock goes: an allocation must not see the claims. */
	for (i = 0; i < nr; i++)
		xpcpu_chunk_unclaim(objs[i].chunk, objs[i].off);
	xpcpu_pool_unlock(flags);
}

/**
 * xpcpu_pool_reserved_alloc() - carve an area out of the reserved area
 * @size: bytes, a multiple of 4
 * @align: alignment, a power of two from 4 to PAGE_SIZE
 *
 * Context: any context.
 * Return: the area as a __xpcpu pointer, or NULL when it does not fit.
 */
void __xpcpu *xpcpu_pool_reserved_alloc(size_t size, size_t align)
{
	struct xpcpu_chunk *rsv = xpcpu_pool.reserved;
	void __xpcpu *ptr = NULL;
	unsigned long flags;
	int bit;

	flags = xpcpu_pool_lock();
	bit = xpcpu_bitmap_alloc(&rsv->map, xpcpu_off_to_bit(size),
				 xpcpu_off_to_bit(align));
	if (bit >= 0) {
		xpcpu_stat_reserved(size);
		ptr = xpcpu_addr_to_ptr((char *)rsv->base_addr +
					xpcpu_bit_to_off(bit));
	}
	xpcpu_pool_unlock(flags);

	if (ptr)
		trace_xpcpu_alloc(_RET_IP_, true, false, size, align,
				  rsv->base_addr, xpcpu_bit_to_off(bit), ptr,
				  size * xpcpu_ai->nr_units, GFP_KERNEL);
	else
		trace_xpcpu_alloc_fail(true, false, size, align);
	return ptr;
}

/**
 * xpcpu_pool_reserved_free() - return an area to the reserved area
 * @ptr: what xpcpu_pool_reserved_alloc() gave
 *
 * Context: any context.
 */
void xpcpu_pool_reserved_free(void __xpcpu *ptr)
{
	struct xpcpu_chunk *rsv = xpcpu_pool.reserved;
	int off = xpcpu_ptr_to_addr(ptr) - rsv->base_addr;
	unsigned long flags;
	int bits;

	flags = xpcpu_pool_lock();
	bits = xpcpu_bitmap_free(&rsv->map, xpcpu_off_to_bit(off));
	if (!WARN_ON_ONCE(bits < 0))
		xpcpu_stat_reserved(-xpcpu_bit_to_off(bits));
	xpcpu_pool_unlock(flags);
	if (bits >= 0)
		trace_xpcpu_free(rsv->base_addr, off, ptr);
}

/* Report leaks, then unlink every chunk but the first onto @list. */
static void xpcpu_collect_all(struct list_head *list)
{
	struct xpcpu_chunk *chunk, *tmp;
	int slot;

	lockdep_assert_held(&xpcpu_pool.lock);
	for (slot = 0; slot < xpcpu_pool.nr_slots; slot++) {
		list_for_each_entry_safe(chunk, tmp, &xpcpu_pool.slots[slot],
					 list) {
			if (chunk->map.nr_alloc)
				xpcpu_report_chunk(chunk);
			if (chunk->is_first)
				continue;
			xpcpu_pool_unlink(chunk);
			list_add(&chunk->list, list);
		}
	}
}

/**
 * xpcpu_pool_init() - start the pool with the first chunk
 * @first: the first chunk's dynamic part
 * @reserved: its reserved part, which shares @first's memory
 *
 * Context: module init, xpcpu_ai set.
 * Return: 0 or -ENOMEM.
 */
int xpcpu_pool_init(struct xpcpu_chunk *first, struct xpcpu_chunk *reserved)
{
	int i, ret;

	xpcpu_pool.nr_slots = xpcpu_size_to_slot(xpcpu_ai->unit_size - 1) + 2;
	xpcpu_pool.slots = kcalloc(xpcpu_pool.nr_slots,
				   sizeof(*xpcpu_pool.slots), GFP_KERNEL);
	xpcpu_pool.slot_len = kcalloc(xpcpu_pool.nr_slots,
				      sizeof(*xpcpu_pool.slot_len), GFP_KERNEL);
	if (!xpcpu_pool.slots || !xpcpu_pool.slot_len) {
		ret = -ENOMEM;
		goto err_free_slots;
	}
	for (i = 0; i < xpcpu_pool.nr_slots; i++)
		INIT_LIST_HEAD(&xpcpu_pool.slots[i]);
	xpcpu_pool.first = first;
	xpcpu_pool.reserved = reserved;
	WRITE_ONCE(xpcpu_pool.dying, false);

	ret = xpcpu_pool_link(first, 0, 0, NULL);
	if (ret)
		goto err_free_slots;
	xpcpu_balance_queue(true);
	return 0;

err_free_slots:
	kfree(xpcpu_pool.slot_len);
	kfree(xpcpu_pool.slots);
	xpcpu_pool.slots = NULL;
	return ret;
}

/**
 * xpcpu_pool_exit() - stop the balance work, report leaks, free chunks
 *
 * Every chunk but the first is freed; the first chunk stays with its
 * creator (xpcpu_first_chunk_destroy()).
 *
 * Context: module exit, no allocation or free running.
 */
void xpcpu_pool_exit(void)
{
	unsigned long flags;
	LIST_HEAD(to_free);

	WRITE_ONCE(xpcpu_pool.dying, true);
	cancel_delayed_work_sync(&xpcpu_pool.balance_work);

	mutex_lock(&xpcpu_pool.grow_mutex);
	flags = xpcpu_pool_lock();
	xpcpu_collect_all(&to_free);
	xpcpu_pool_unlink(xpcpu_pool.first);
	xpcpu_pool_unlock(flags);
	xpcpu_pool_destroy_list(&to_free);
	mutex_unlock(&xpcpu_pool.grow_mutex);

	/* Every chunk is off it now; lookups after exit find nothing. */
	xpcpu_index_destroy(&xpcpu_pool.index);
	kfree(xpcpu_pool.slot_len);
	kfree(xpcpu_pool.slots);
	xpcpu_pool.slots = NULL;
}
