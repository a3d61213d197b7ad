// SPDX-License-Identifier: GPL-2.0
/*
 * The bitmap allocator of one chunk, after mm/percpu.c: alloc_map holds
 * one bit per 4 bytes of a unit's range, bound_map marks where areas
 * start and end, and every page-sized block keeps free-space hints
 * (struct xpcpu_block_md) so that a search skips blocks that cannot fit;
 * the map keeps the same hints over all of its blocks.  Hints are
 * updated incrementally on alloc and free, and a block is rescanned only
 * when a change hits its contig or scan hint run.
 *
 * Nothing here knows about pages, mappings, CPUs or modules: the pool
 * (pcpu_pool.c) calls these functions with map->lock held, the KUnit
 * suites drive private maps with a lock of their own, and tests/fuzz/
 * builds this file unchanged in userspace.
 */
#include <linux/bitmap.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/bug.h>
#include <linux/slab.h>

#include <xpcpu_bitmap.h>

#ifdef CONFIG_XPCPU_KUNIT_TEST
void (*xpcpu_bitmap_take_test_hook)(const struct xpcpu_bitmap *map, int bit,
				    int end);
#endif

/**
 * xpcpu_bitmap_init() - allocate the maps of @nr_pages pages
 * @map: the bitmap to set up
 * @nr_pages: pages in the range it describes
 * @lock: the lock its users hold around changes
 * @gfp: allocation flags
 *
 * The map comes back all free; see xpcpu_bitmap_reset() to hide edges.
 *
 * Return: 0 or -ENOMEM, with nothing left allocated.
 */
int xpcpu_bitmap_init(struct xpcpu_bitmap *map, int nr_pages,
		      raw_spinlock_t *lock, gfp_t gfp)
{
	map->nr_blocks = nr_pages;
	map->nr_bits = nr_pages * XPCPU_BITS_PER_BLOCK;
	map->lock = lock;
	map->alloc_map = bitmap_zalloc(map->nr_bits, gfp);
	map->bound_map = bitmap_zalloc(map->nr_bits + 1, gfp);
	map->md_blocks = kcalloc(map->nr_blocks, sizeof(*map->md_blocks), gfp);
	if (!map->alloc_map || !map->bound_map || !map->md_blocks) {
		xpcpu_bitmap_destroy(map);
		return -ENOMEM;
	}
	xpcpu_bitmap_reset(map, 0, xpcpu_bit_to_off(map->nr_bits));
	return 0;
}

/**
 * xpcpu_bitmap_destroy() - free what xpcpu_bitmap_init() allocated
 * @map: the bitmap
 */
void xpcpu_bitmap_destroy(struct xpcpu_bitmap *map)
{
	kfree(map->md_blocks);
	bitmap_free(map->bound_map);
	bitmap_free(map->alloc_map);
	map->md_blocks = NULL;
	map->bound_map = NULL;
	map->alloc_map = NULL;
}

/* Mark [start, end) bits in use as one hidden area. */
static void xpcpu_bitmap_hide(struct xpcpu_bitmap *map, int start, int end)
{
	if (start >= end)
		return;
	bitmap_set(map->alloc_map, start, end - start);
	__set_bit(start, map->bound_map);
	__set_bit(end, map->bound_map);
}

static void xpcpu_block_refresh(struct xpcpu_bitmap *map, int block)
{
	xpcpu_block_scan(map->alloc_map, xpcpu_block_to_bit(block),
			 XPCPU_BITS_PER_BLOCK, &map->md_blocks[block]);
}

static void xpcpu_map_refresh_hint(struct xpcpu_bitmap *map);

/**
 * xpcpu_bitmap_reset() - make the whole map free, hiding its edges
 * @map: the bitmap; nobody else may be using it
 * @start_offset: bytes at the start that are never handed out
 * @end_offset: bytes from here to the end are never handed out
 *
 * Both offsets must be multiples of 4.  Every area is forgotten.
 */
void xpcpu_bitmap_reset(struct xpcpu_bitmap *map, int start_offset,
			int end_offset)
{
	int i;

	bitmap_zero(map->alloc_map, map->nr_bits);
	bitmap_zero(map->bound_map, map->nr_bits + 1);
	map->start_offset = start_offset;
	map->end_offset = end_offset;
	map->free_bytes = end_offset - start_offset;
	map->nr_alloc = 0;

	xpcpu_bitmap_hide(map, 0, xpcpu_off_to_bit(start_offset));
	xpcpu_bitmap_hide(map, xpcpu_off_to_bit(end_offset), map->nr_bits);
	__set_bit(map->nr_bits, map->bound_map);

	for (i = 0; i < map->nr_blocks; i++)
		xpcpu_block_refresh(map, i);
	xpcpu_map_refresh_hint(map);
}

/**
 * xpcpu_block_scan() - compute the hints of a range of a bitmap
 * @map: the alloc_map
 * @start: first bit of the range
 * @nr_bits: its length
 * @md: where the hints go, relative to @start
 *
 * Walks the free runs once with the find_*_bit() helpers; see struct
 * xpcpu_block_md for what each hint means and the tie rules.
 */
void xpcpu_block_scan(const unsigned long *map, int start, int nr_bits,
		      struct xpcpu_block_md *md)
{
	unsigned int end = start + nr_bits;
	int best = 0, best_start = 0;	/* longest run so far, last start */
	unsigned int rs = start, re;

	md->nr_bits = nr_bits;
	md->scan_hint = 0;
	md->scan_hint_start = 0;
	md->contig_hint = 0;
	md->contig_hint_start = nr_bits;
	md->left_free = 0;
	md->right_free = 0;
	md->first_free = nr_bits;

	for_each_clear_bitrange_from(rs, re, map, end) {
		int len = re - rs;

		if (rs == start) {
			md->left_free = len;
			md->first_free = 0;
		} else if (md->first_free == nr_bits) {
			md->first_free = rs - start;
		}
		if (re == end)
			md->right_free = len;
		if (len > md->contig_hint) {
			md->scan_hint = best;
			md->scan_hint_start = best ? best_start : 0;
			md->contig_hint = len;
			md->contig_hint_start = rs - start;
		}
		if (len >= best) {
			best = len;
			best_start = rs - start;
		}
	}
	if (!md->contig_hint)
		md->contig_hint_start = 0;
}

/* Do [s1, e1) and [s2, e2) share a bit? */
static bool xpcpu_overlap(int s1, int e1, int s2, int e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * The first block from @block on, stepping by @step (1 or -1), that is
 * not entirely free: -1 or nr_blocks when there is none.
 */
static int xpcpu_next_busy_block(const struct xpcpu_bitmap *map, int block,
				 int step)
{
	while (block >= 0 && block < map->nr_blocks &&
	       map->md_blocks[block].contig_hint == XPCPU_BITS_PER_BLOCK)
		block += step;
	return block;
}

/*
 * Block hints after the block's bits [s, e) (block-relative) were
 * allocated.  Unless the area cut into the contig or the scan hint's run,
 * those stay right (runs only shrink, and the area was free: it lies in
 * one run) and only the edges move; else rescan the block.
 */
static void xpcpu_block_update_alloc(struct xpcpu_bitmap *map, int block,
				     int s, int e)
{
	struct xpcpu_block_md *md = &map->md_blocks[block];
	int base = xpcpu_block_to_bit(block);

	if (xpcpu_overlap(s, e, md->contig_hint_start,
			  md->contig_hint_start + md->contig_hint) ||
	    xpcpu_overlap(s, e, md->scan_hint_start,
			  md->scan_hint_start + md->scan_hint)) {
		xpcpu_block_refresh(map, block);
		return;
	}
	if (s <= md->first_free && md->first_free < e)
		md->first_free = find_next_zero_bit(map->alloc_map,
						    base + md->nr_bits,
						    base + e) - base;
	if (s < md->left_free)
		md->left_free = s;
	if (e > md->nr_bits - md->right_free)
		md->right_free = md->nr_bits - e;
}

/*
 * Block hints after the block's bits [s, e) were freed.  The freed bits
 * join their free neighbours in the block into one run [rs, re): a run
 * that becomes the (first) longest needs the scan hint recomputed, so
 * the block is rescanned; one before the contig hint may become the
 * scan hint (the last longest there); the edges follow the run, which
 * goes back in [*rsp, *rep).
 */
static void xpcpu_block_update_free(struct xpcpu_bitmap *map, int block,
				    int s, int e, int *rsp, int *rep)
{
	struct xpcpu_block_md *md = &map->md_blocks[block];
	const unsigned long *bits = map->alloc_map;
	int base = xpcpu_block_to_bit(block);
	int rs = s, re = e, len;

	/* The old edge runs say when no search is needed. */
	if (md->left_free >= s) {
		rs = 0;
	} else if (!test_bit(base + s - 1, bits)) {
		unsigned long prev = find_last_bit(bits + BIT_WORD(base), s);

		rs = prev == s ? 0 : prev + 1;
	}
	if (md->right_free >= md->nr_bits - e)
		re = md->nr_bits;
	else
		re = find_next_bit(bits, base + md->nr_bits, base + e) - base;
	len = re - rs;
	*rsp = rs;
	*rep = re;

	if (len > md->contig_hint ||
	    (len == md->contig_hint && rs < md->contig_hint_start)) {
		/* From bit 0 no run comes before it: no scan hint. */
		if (rs) {
			xpcpu_block_refresh(map, block);
			return;
		}
		md->contig_hint = len;
		md->contig_hint_start = 0;
		md->scan_hint = 0;
		md->scan_hint_start = 0;
	} else if (rs < md->contig_hint_start &&
		   (len > md->scan_hint ||
		    (len == md->scan_hint && rs > md->scan_hint_start))) {
		md->scan_hint = len;
		md->scan_hint_start = rs;
	}
	md->first_free = min(md->first_free, rs);
	if (rs == 0)
		md->left_free = re;
	if (re == md->nr_bits)
		md->right_free = len;
}

/* The part of [bit, end) in @block, block-relative: [*s, *e). */
static void xpcpu_block_clip(int block, int bit, int end, int *s, int *e)
{
	int base = xpcpu_block_to_bit(block);

	*s = max(bit, base) - base;
	*e = min_t(int, end, base + XPCPU_BITS_PER_BLOCK) - base;
}

/* Candidate run for the map hint; earlier runs win ties. */
static void xpcpu_hint_consider(struct xpcpu_block_md *md, int start, int len)
{
	if (len > md->contig_hint) {
		md->contig_hint = len;
		md->contig_hint_start = start;
	}
}

/*
 * Rebuild the map hint from the block hints in one pass over the blocks:
 * a free run of the map is either inside one block (that block's
 * contig_hint) or a right_free, whole free blocks and a left_free joined
 * across block boundaries.
 */
static void xpcpu_map_refresh_hint(struct xpcpu_bitmap *map)
{
	struct xpcpu_block_md *cmd = &map->chunk_md;
	int run_start = 0, run_len = 0;
	int i;

	cmd->nr_bits = map->nr_bits;
	cmd->scan_hint = 0;
	cmd->scan_hint_start = 0;
	cmd->contig_hint = 0;
	cmd->contig_hint_start = 0;
	cmd->first_free = map->nr_bits;
	cmd->left_free = 0;

	for (i = 0; i < map->nr_blocks; i++) {
		struct xpcpu_block_md *md = &map->md_blocks[i];
		int base = xpcpu_block_to_bit(i);

		if (cmd->first_free == map->nr_bits &&
		    md->first_free < md->nr_bits)
			cmd->first_free = base + md->first_free;

		if (md->contig_hint == md->nr_bits) {
			if (!run_len)
				run_start = base;
			run_len += md->nr_bits;
			continue;
		}
		if (md->left_free) {
			if (!run_len)
				run_start = base;
			run_len += md->left_free;
		}
		if (run_len && run_start == 0)
			cmd->left_free = run_len;
		xpcpu_hint_consider(cmd, run_start, run_len);
		xpcpu_hint_consider(cmd, base + md->contig_hint_start,
				    md->contig_hint);
		run_len = md->right_free;
		run_start = base + md->nr_bits - run_len;
	}
	if (run_len && run_start == 0)
		cmd->left_free = run_len;
	xpcpu_hint_consider(cmd, run_start, run_len);
	cmd->right_free = run_len;
}

/*
 * Try [start, limit) for @bits free bits at @align_bits alignment.
 * Return: the first bit of the fit, or -1.
 */
static int xpcpu_try_range(const struct xpcpu_bitmap *map, int start,
			   int limit, int bits, int align_bits)
{
	unsigned long bit;

	if (limit - start < bits)
		return -1;
	bit = bitmap_find_next_zero_area(map->alloc_map, limit, start, bits,
					 align_bits - 1);
	return bit + bits <= limit ? bit : -1;
}

/**
 * xpcpu_bitmap_find_fit() - first fit, using the hints to skip blocks
 * @map: the bitmap
 * @bits: size in bits
 * @align_bits: alignment in bits, a power of two
 *
 * For each block from the map's first free bit: a fit inside the block
 * when its contig_hint allows one (starting past the scan_hint when that
 * run is too short), then a fit in the run that starts with the block's
 * right_free and continues across whole free blocks into the next
 * block's left_free.
 *
 * Return: the first bit of the fit, or -ENOSPC.
 */
int xpcpu_bitmap_find_fit(const struct xpcpu_bitmap *map, int bits,
			  int align_bits)
{
	int i, bit;

	if (map->chunk_md.contig_hint < bits)
		return -ENOSPC;

	i = xpcpu_bit_to_block(map->chunk_md.first_free);
	while (i < map->nr_blocks) {
		const struct xpcpu_block_md *md = &map->md_blocks[i];
		int base = xpcpu_block_to_bit(i);
		int rs, j, limit;

		if (md->contig_hint >= bits) {
			int from = md->first_free;

			/* Runs before the scan hint's end are all shorter. */
			if (md->scan_hint && bits > md->scan_hint)
				from = md->scan_hint_start + md->scan_hint;
			bit = xpcpu_try_range(map, base + from,
					      base + md->nr_bits, bits,
					      align_bits);
			if (bit >= 0)
				return bit;
		}
		if (!md->right_free) {
			i++;
			continue;
		}

		rs = base + md->nr_bits - md->right_free;
		j = xpcpu_next_busy_block(map, i + 1, 1);
		limit = xpcpu_block_to_bit(j);
		if (j < map->nr_blocks)
			limit += map->md_blocks[j].left_free;
		bit = xpcpu_try_range(map, rs, limit, bits, align_bits);
		if (bit >= 0)
			return bit;
		/* Whole free blocks in between could not fit it either. */
		i = max(i + 1, j);
	}
	return -ENOSPC;
}

/* The map hint after [bit, bit + bits) was allocated. */
static void xpcpu_map_update_hint_alloc(struct xpcpu_bitmap *map, int bit,
					int bits)
{
	struct xpcpu_block_md *cmd = &map->chunk_md;
	int end = bit + bits;

	if (xpcpu_overlap(bit, end, cmd->contig_hint_start,
			  cmd->contig_hint_start + cmd->contig_hint) ||
	    (bit <= cmd->first_free && cmd->first_free < end) ||
	    bit < cmd->left_free || end > map->nr_bits - cmd->right_free)
		xpcpu_map_refresh_hint(map);
}

/*
 * Mark [bit, bit + nr * bits) in use as @nr areas of @bits bits each, back
 * to back, and update the hints as for one area over the whole range.
 *
 * The lockless check of a free (xpcpu_bitmap_small_area_bits()) reads an
 * area's alloc bit, then its bound bits; so the new bounds are published
 * first and the alloc bits after an smp_wmb(), which pairs with the
 * smp_rmb() there.  A reader that sees a new alloc bit sees the new
 * bounds: a stale pointer into the middle of the new range finds its
 * bound bit cleared and is rejected, where the reverse order let it see
 * the new alloc bit with a stale bound of a freed area (two owners).
 */
static void xpcpu_bitmap_take(struct xpcpu_bitmap *map, int bit, int bits,
			      int nr)
{
	int end = bit + nr * bits, b, s, e, i;

	bitmap_clear(map->bound_map, bit + 1, end - bit - 1);
	for (i = 0; i <= nr; i++)
		__set_bit(bit + i * bits, map->bound_map);
	xpcpu_bitmap_take_hook(map, bit, end);
	smp_wmb();	/* bounds before alloc bits: see above */
	bitmap_set(map->alloc_map, bit, end - bit);

	map->free_bytes -= xpcpu_bit_to_off(end - bit);
	map->nr_alloc += nr;

	for (b = xpcpu_bit_to_block(bit); b <= xpcpu_bit_to_block(end - 1); b++) {
		xpcpu_block_clip(b, bit, end, &s, &e);
		xpcpu_block_update_alloc(map, b, s, e);
	}
	xpcpu_map_update_hint_alloc(map, bit, end - bit);
}

/**
 * xpcpu_bitmap_alloc() - allocate @bits bits, first fit
 * @map: the bitmap
 * @bits: size in bits
 * @align_bits: alignment in bits, a power of two
 *
 * Context: map->lock held.
 * Return: the first bit of the area, or -ENOSPC.
 */
int xpcpu_bitmap_alloc(struct xpcpu_bitmap *map, int bits, int align_bits)
{
	return xpcpu_bitmap_alloc_run(map, bits, align_bits, 1);
}

/**
 * xpcpu_bitmap_alloc_run() - allocate @nr areas back to back, first fit
 * @map: the bitmap
 * @bits: size of each area in bits, a multiple of @align_bits
 * @align_bits: alignment in bits, a power of two
 * @nr: how many areas
 *
 * One search and one hint update for all of them: what a per-CPU cache
 * refill takes.
 *
 * Context: map->lock held.
 * Return: the first bit of the first area, -ENOSPC, or -EINVAL for
 * @nr or @bits below 1.
 */
int xpcpu_bitmap_alloc_run(struct xpcpu_bitmap *map, int bits, int align_bits,
			   int nr)
{
	int bit;

	lockdep_assert_held(map->lock);
	if (WARN_ON_ONCE(nr < 1 || bits < 1))
		return -EINVAL;
	bit = xpcpu_bitmap_find_fit(map, nr * bits, align_bits);
	if (bit >= 0)
		xpcpu_bitmap_take(map, bit, bits, nr);
	return bit;
}

/**
 * xpcpu_bitmap_area_bits() - size of the live area that starts at @bit
 * @map: the bitmap
 * @bit: the area's first bit
 *
 * An area is live when its first bit is both in use and an area start,
 * and not a hidden edge of the map.
 *
 * Return: its size in bits, or -EINVAL when no live area starts there.
 */
int xpcpu_bitmap_area_bits(const struct xpcpu_bitmap *map, int bit)
{
	if (bit < xpcpu_off_to_bit(map->start_offset) ||
	    bit >= xpcpu_off_to_bit(map->end_offset))
		return -EINVAL;
	if (!test_bit(bit, map->alloc_map) || !test_bit(bit, map->bound_map))
		return -EINVAL;
	return find_next_bit(map->bound_map, map->nr_bits + 1, bit + 1) - bit;
}

/*
 * The free run [rs, re) found in the first and last block touched by a
 * free, extended over the neighbouring blocks when it reaches their
 * edge: whole free blocks, then the next block's right_free/left_free.
 */
static int xpcpu_run_extend_back(const struct xpcpu_bitmap *map, int rs)
{
	int block;

	if (xpcpu_bit_in_block(rs))
		return rs;
	block = xpcpu_next_busy_block(map, xpcpu_bit_to_block(rs) - 1, -1);
	if (block < 0)
		return 0;
	return xpcpu_block_to_bit(block + 1) - map->md_blocks[block].right_free;
}

static int xpcpu_run_extend_forward(const struct xpcpu_bitmap *map, int re)
{
	int block;

	if (re >= map->nr_bits || xpcpu_bit_in_block(re))
		return re;
	block = xpcpu_next_busy_block(map, xpcpu_bit_to_block(re), 1);
	if (block == map->nr_blocks)
		return map->nr_bits;
	return xpcpu_block_to_bit(block) + map->md_blocks[block].left_free;
}

/* The map hint after a free left the free run [rs, re). */
static void xpcpu_map_update_hint_free(struct xpcpu_bitmap *map, int rs,
				       int re)
{
	struct xpcpu_block_md *cmd = &map->chunk_md;

	rs = xpcpu_run_extend_back(map, rs);
	re = xpcpu_run_extend_forward(map, re);

	if (re - rs > cmd->contig_hint ||
	    (re - rs == cmd->contig_hint && rs < cmd->contig_hint_start)) {
		cmd->contig_hint = re - rs;
		cmd->contig_hint_start = rs;
	}
	cmd->first_free = min(cmd->first_free, rs);
	if (rs == 0)
		cmd->left_free = re;
	if (re == map->nr_bits)
		cmd->right_free = re - rs;
}

/*
 * Make [bit, end), which held @nr areas, free and update the hints: the
 * freed bits join their free neighbours into one run.
 */
static void xpcpu_bitmap_give(struct xpcpu_bitmap *map, int bit, int end,
			      int nr)
{
	int first, last, b, s, e, rs, re, run_start = 0, run_end = 0;

	bitmap_clear(map->alloc_map, bit, end - bit);
	map->free_bytes += xpcpu_bit_to_off(end - bit);
	map->nr_alloc -= nr;

	first = xpcpu_bit_to_block(bit);
	last = xpcpu_bit_to_block(end - 1);
	for (b = first; b <= last; b++) {
		xpcpu_block_clip(b, bit, end, &s, &e);
		xpcpu_block_update_free(map, b, s, e, &rs, &re);
		if (b == first)
			run_start = xpcpu_block_to_bit(b) + rs;
		if (b == last)
			run_end = xpcpu_block_to_bit(b) + re;
	}
	xpcpu_map_update_hint_free(map, run_start, run_end);
}

/**
 * xpcpu_bitmap_free() - free the area that starts at @bit
 * @map: the bitmap
 * @bit: the area's first bit
 *
 * Checks the maps first: freeing something that is not a live area start
 * (never allocated, freed already, inside an area, hidden) changes
 * nothing.
 *
 * Context: map->lock held.
 * Return: the area's size in bits, or -EINVAL.
 */
int xpcpu_bitmap_free(struct xpcpu_bitmap *map, int bit)
{
	int bits;

	lockdep_assert_held(map->lock);
	bits = xpcpu_bitmap_area_bits(map, bit);
	if (bits >= 0)
		xpcpu_bitmap_give(map, bit, bit + bits, 1);
	return bits;
}

/**
 * xpcpu_bitmap_free_run() - free @nr areas of @bits bits back to back
 * @map: the bitmap
 * @bit: the first area's first bit
 * @bits: size of each area in bits
 * @nr: how many areas
 *
 * Checks every area first and frees nothing unless each is a live area
 * of @bits bits; then one hint update for all of them.
 *
 * Context: map->lock held.
 * Return: 0, or -EINVAL (nothing freed).
 */
int xpcpu_bitmap_free_run(struct xpcpu_bitmap *map, int bit, int bits, int nr)
{
	int i;

	lockdep_assert_held(map->lock);
	if (WARN_ON_ONCE(nr < 1 || bits < 1))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		int got = bits <= BITS_PER_LONG ?
			  xpcpu_bitmap_small_area_bits(map, bit + i * bits) :
			  xpcpu_bitmap_area_bits(map, bit + i * bits);

		if (got != bits)
			return -EINVAL;
	}
	xpcpu_bitmap_give(map, bit, bit + nr * bits, nr);
	return 0;
}
