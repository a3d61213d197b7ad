// SPDX-License-Identifier: GPL-2.0
/*
 * The pool's read-only view: a consistent copy of its counters, what
 * debugfs (and tests/ctl, through include/xpcpu_view.h) shows of each
 * chunk -- one short hold of the lock per chunk, found by an RCU walk of
 * the index -- and the unload report of what is still allocated.
 */
#include <linux/export.h>
#include <linux/printk.h>

#include <xpcpu_internal.h>

/**
 * xpcpu_pool_read_stats() - a consistent copy of the pool's counters
 * @st: where it goes
 *
 * Context: any context.
 */
void xpcpu_pool_read_stats(struct xpcpu_pool_stats *st)
{
	unsigned long flags;

	flags = xpcpu_pool_lock();
	*st = xpcpu_pool.stats;
	xpcpu_pool_unlock(flags);
}

/* One chunk's view, in one short hold of the lock. */
static void xpcpu_chunk_view(const struct xpcpu_chunk *chunk,
			     struct xpcpu_chunk_view *v)
{
	unsigned long flags;

	flags = xpcpu_pool_lock();
	v->id = chunk->id;
	v->slot = chunk->slot;
	v->free_bytes = chunk->map.free_bytes;
	v->contig_bytes = xpcpu_bit_to_off(chunk->map.chunk_md.contig_hint);
	v->nr_alloc = chunk->map.nr_alloc;
	v->is_first = chunk->is_first;
	xpcpu_pool_unlock(flags);
}

/* Where xpcpu_pool_chunk_views() is. */
struct xpcpu_view_walk {
	struct xpcpu_chunk_view *views;	/* room for max */
	int max;			/* views that fit */
	int n;				/* chunks seen */
};

static bool xpcpu_view_one(struct xpcpu_chunk *chunk, void *arg)
{
	struct xpcpu_view_walk *w = arg;

	if (w->n < w->max)
		xpcpu_chunk_view(chunk, &w->views[w->n]);
	w->n++;
	return true;
}

/**
 * xpcpu_pool_chunk_views() - what debugfs shows of each chunk
 * @views: room for @max views
 * @max: how many fit
 *
 * Chunks in address order, the reserved area not included.  One short
 * hold of the pool lock per chunk, so interrupts are never off for long,
 * however many chunks there are; each view is consistent, the set is a
 * snapshot only while nothing allocates.  Exported to test modules
 * (XPCPU_INTERNAL_NS): tests/ctl compares them around a bad free.
 *
 * Context: process context.
 * Return: the number of chunks, which may exceed @max (only @max are
 * filled in).
 */
int xpcpu_pool_chunk_views(struct xpcpu_chunk_view *views, int max)
{
	struct xpcpu_view_walk w = { .views = views, .max = max };

	xpcpu_index_walk(&xpcpu_pool.index, xpcpu_view_one, &w);
	return w.n;
}
EXPORT_SYMBOL_NS_GPL(xpcpu_pool_chunk_views, XPCPU_INTERNAL_NS);

/* Print what is still allocated in @chunk, at most a few areas. */
void xpcpu_report_chunk(struct xpcpu_chunk *chunk)
{
	const struct xpcpu_bitmap *map = &chunk->map;
	int start = xpcpu_off_to_bit(map->start_offset);
	int end = xpcpu_off_to_bit(map->end_offset);
	int bit, shown = 0;

	pr_warn("unload: chunk %d still has %d live area(s), %d bytes in use; releasing them\n",
		chunk->id, map->nr_alloc,
		map->end_offset - map->start_offset - map->free_bytes);
	for (bit = start; bit < end && shown < 8; bit++) {
		int bits = xpcpu_bitmap_area_bits(map, bit);

		if (bits < 0)
			continue;
		pr_warn("unload:   area at offset %d, %d bytes per CPU\n",
			xpcpu_bit_to_off(bit), xpcpu_bit_to_off(bits));
		bit += bits - 1;
		shown++;
	}
	if (map->nr_alloc > shown)
		pr_warn("unload:   ... and %d more\n", map->nr_alloc - shown);
}
