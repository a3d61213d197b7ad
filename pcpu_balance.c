// SPDX-License-Identifier: GPL-2.0
/*
 * The balance work and the pool's housekeeping: keep spare_chunks empty
 * chunks ready for non-blocking allocations, free the empty chunks beyond
 * them once they stayed empty for empty_decay_ms (in batches, each in a
 * short hold of the pool lock), xpcpu_trim(), and the reap work's search
 * for chunks that only per-CPU caches keep (an RCU walk of the index, no
 * lock).  Chunks are made and destroyed by pcpu_pool.c.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/workqueue.h>

#include <xpcpu_internal.h>

/*
 * Ask the balance work to run: now (@urgent: the spares ran low), or once
 * an empty chunk may have decayed, leaving a run already pending as it is.
 */
void xpcpu_balance_queue(bool urgent)
{
	unsigned long delay;

	if (READ_ONCE(xpcpu_pool.dying))
		return;
	if (urgent) {
		WRITE_ONCE(xpcpu_pool.trimmed, false);
		mod_delayed_work(system_unbound_wq, &xpcpu_pool.balance_work, 0);
		return;
	}
	delay = msecs_to_jiffies(READ_ONCE(xpcpu_pool.empty_decay_ms));
	queue_delayed_work(system_unbound_wq, &xpcpu_pool.balance_work, delay);
}

static bool xpcpu_chunk_pinned(struct xpcpu_chunk *chunk, void *arg)
{
	/*
	 * Racy by design: nr_alloc changes under the pool lock and
	 * cached_map bits with atomics while this reads them.  A wrong
	 * answer costs one drain of the caches too many or one reap period
	 * of delay, never correctness.
	 */
	int nr_alloc = data_race(chunk->map.nr_alloc);
	int nr_cached;

	if (chunk->is_first || !nr_alloc)
		return false;
	/* Racy by design too: cached_map bits change by atomics. */
	nr_cached = data_race(bitmap_weight(chunk->cached_map,
					    chunk->map.nr_bits));
	return nr_cached == nr_alloc;
}

/**
 * xpcpu_pool_nr_pinned_chunks() - chunks that only caches keep
 *
 * A walk of the index under RCU: no lock, interrupts stay on, however
 * many chunks there are.  An estimate while allocations run.
 *
 * Context: process context.
 * Return: the number of chunks, the first not included, whose every
 * area sits in some per-CPU cache.
 */
int xpcpu_pool_nr_pinned_chunks(void)
{
	return xpcpu_index_walk(&xpcpu_pool.index, xpcpu_chunk_pinned, NULL);
}

/* Empty chunks one hold of the lock takes off their slot, at most. */
#define XPCPU_COLLECT_BATCH	16

/*
 * Unlink onto @list up to XPCPU_COLLECT_BATCH empty chunks beyond @keep
 * that have been empty for @decay jiffies, oldest first (chunks join the
 * free slot at its tail); *@more tells whether the batch filled up.
 * Return: jiffies until the next one decays, 0 if none waits.
 */
static unsigned long xpcpu_collect_empty(struct list_head *list, int keep,
					 unsigned long decay, bool *more)
{
	struct list_head *free_slot = &xpcpu_pool.slots[xpcpu_pool.nr_slots - 1];
	struct xpcpu_chunk *chunk, *tmp;
	unsigned long now = jiffies;
	int n = 0;

	lockdep_assert_held(&xpcpu_pool.lock);
	*more = false;
	list_for_each_entry_safe(chunk, tmp, free_slot, list) {
		if ((int)xpcpu_pool.stats.nr_empty_chunks <= keep)
			break;
		if (!xpcpu_chunk_is_empty(chunk))
			continue;
		if (time_before(now, chunk->empty_since + decay))
			return chunk->empty_since + decay - now;
		if (n++ == XPCPU_COLLECT_BATCH) {
			*more = true;
			break;
		}
		xpcpu_pool_unlink(chunk);
		list_add(&chunk->list, list);
	}
	return 0;
}

/*
 * xpcpu_collect_empty() in batches, each in its own short hold of the
 * lock, until no decayed chunk is left beyond @keep.
 */
static unsigned long xpcpu_collect_decayed(struct list_head *list, int keep,
					   unsigned long decay)
{
	unsigned long flags, next;
	bool more;

	do {
		flags = xpcpu_pool_lock();
		next = xpcpu_collect_empty(list, keep, decay, &more);
		xpcpu_pool_unlock(flags);
	} while (more);
	return next;
}

/*
 * Keep spare_chunks empty chunks: free the empty chunks beyond them that
 * have decayed (and come back when the next one will have), then create
 * chunks until there are spare_chunks.
 */
void xpcpu_balance_workfn(struct work_struct *work)
{
	unsigned long decay = msecs_to_jiffies(READ_ONCE(xpcpu_pool.empty_decay_ms));
	int spare = READ_ONCE(xpcpu_pool.spare_chunks);
	unsigned long next;
	LIST_HEAD(to_free);

	/*
	 * Any caller may wait for this work (on grow_mutex): what it
	 * allocates, it allocates in xpcpu_pool_grow() and
	 * xpcpu_pool_destroy_list(), both in NOIO scope.
	 */
	if (xchg(&xpcpu_pool.balance_force, false))
		decay = 0;

	next = xpcpu_collect_decayed(&to_free, spare, decay);
	xpcpu_pool_destroy_list(&to_free);
	if (next && !READ_ONCE(xpcpu_pool.dying))
		queue_delayed_work(system_unbound_wq, &xpcpu_pool.balance_work, next);

	mutex_lock(&xpcpu_pool.grow_mutex);
	while (!READ_ONCE(xpcpu_pool.dying) && !READ_ONCE(xpcpu_pool.trimmed) &&
	       (int)READ_ONCE(xpcpu_pool.stats.nr_empty_chunks) < spare &&
	       xpcpu_pool_grow(GFP_KERNEL, 0, 0, NULL))
		;
	mutex_unlock(&xpcpu_pool.grow_mutex);
}

/**
 * xpcpu_pool_trim() - free every empty chunk now, the spares included
 *
 * No spare is made again until an allocation takes one or finds none.
 *
 * Context: process context.
 */
void xpcpu_pool_trim(void)
{
	LIST_HEAD(to_free);

	WRITE_ONCE(xpcpu_pool.trimmed, true);
	xpcpu_collect_decayed(&to_free, 0, 0);
	xpcpu_pool_destroy_list(&to_free);
}

/**
 * xpcpu_pool_balance() - run the balance work now and wait for it
 * @force: free the empty chunks beyond the spares whatever their age
 *
 * Context: process context.
 */
void xpcpu_pool_balance(bool force)
{
	if (force)
		WRITE_ONCE(xpcpu_pool.balance_force, true);
	xpcpu_balance_queue(true);
	flush_delayed_work(&xpcpu_pool.balance_work);
}
