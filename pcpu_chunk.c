// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu chunks: their lifetime (metadata, node-local pages for every
 * possible CPU's unit, one vmap() over all of them) and the bitmap
 * allocator that carves areas out of unit 0's range.  alloc_map holds one
 * bit per 4 bytes, bound_map marks where areas start and end, and every
 * page-sized block keeps free-space hints (struct xpcpu_block_md) so that
 * a search can skip blocks that cannot fit, as mm/percpu.c does.
 *
 * Nothing here takes a lock: the callers in pcpu_core.c and
 * pcpu_first_chunk.c hold xpcpu_lock around the bitmap functions, and the
 * KUnit suites drive private chunks that nobody else sees.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <xpcpu_internal.h>

#if IS_ENABLED(CONFIG_XPCPU_KUNIT_TEST)
atomic_t xpcpu_fail_page_alloc = ATOMIC_INIT(0);
#endif

static int xpcpu_chunk_seq;

/**
 * xpcpu_chunk_alloc_meta() - allocate a chunk's struct and bitmaps
 * @nr_pages: pages per unit
 * @gfp: allocation flags
 *
 * The chunk comes back fully free and without memory behind it; see
 * xpcpu_chunk_init_hints() and xpcpu_chunk_populate().
 *
 * Return: the chunk, or NULL.
 */
struct xpcpu_chunk *xpcpu_chunk_alloc_meta(int nr_pages, gfp_t gfp)
{
	struct xpcpu_chunk *chunk;

	chunk = kzalloc(sizeof(*chunk), gfp);
	if (!chunk)
		return NULL;

	chunk->nr_pages = nr_pages;
	chunk->nr_blocks = nr_pages;
	chunk->nr_bits = nr_pages * XPCPU_BITS_PER_BLOCK;
	chunk->alloc_map = bitmap_zalloc(chunk->nr_bits, gfp);
	chunk->bound_map = bitmap_zalloc(chunk->nr_bits + 1, gfp);
	chunk->md_blocks = kcalloc(chunk->nr_blocks, sizeof(*chunk->md_blocks),
				   gfp);
	if (!chunk->alloc_map || !chunk->bound_map || !chunk->md_blocks) {
		xpcpu_chunk_free_meta(chunk);
		return NULL;
	}

	INIT_LIST_HEAD(&chunk->list);
	RB_CLEAR_NODE(&chunk->node);
	chunk->slot = -1;
	chunk->id = xpcpu_chunk_seq++;
	xpcpu_chunk_init_hints(chunk, 0, xpcpu_bit_to_off(chunk->nr_bits));
	return chunk;
}

/**
 * xpcpu_chunk_free_meta() - free what xpcpu_chunk_alloc_meta() allocated
 * @chunk: the chunk, or NULL
 */
void xpcpu_chunk_free_meta(struct xpcpu_chunk *chunk)
{
	if (!chunk)
		return;
	kfree(chunk->md_blocks);
	bitmap_free(chunk->bound_map);
	bitmap_free(chunk->alloc_map);
	kfree(chunk);
}

/* Mark [start, end) bits in use as one hidden area. */
static void xpcpu_chunk_hide(struct xpcpu_chunk *chunk, int start, int end)
{
	if (start >= end)
		return;
	bitmap_set(chunk->alloc_map, start, end - start);
	set_bit(start, chunk->bound_map);
	set_bit(end, chunk->bound_map);
}

/**
 * xpcpu_chunk_init_hints() - reset a chunk to free, hiding its edges
 * @chunk: the chunk
 * @start_offset: bytes at the start that are never handed out
 * @end_offset: bytes from here to the end are never handed out
 *
 * Both offsets must be multiples of 4.
 */
void xpcpu_chunk_init_hints(struct xpcpu_chunk *chunk, int start_offset,
			    int end_offset)
{
	int i;

	bitmap_zero(chunk->alloc_map, chunk->nr_bits);
	bitmap_zero(chunk->bound_map, chunk->nr_bits + 1);
	chunk->start_offset = start_offset;
	chunk->end_offset = end_offset;
	chunk->free_bytes = end_offset - start_offset;
	chunk->nr_alloc = 0;

	xpcpu_chunk_hide(chunk, 0, xpcpu_off_to_bit(start_offset));
	xpcpu_chunk_hide(chunk, xpcpu_off_to_bit(end_offset), chunk->nr_bits);
	set_bit(chunk->nr_bits, chunk->bound_map);

	for (i = 0; i < chunk->nr_blocks; i++)
		xpcpu_block_scan(chunk->alloc_map, xpcpu_block_to_bit(i),
				 XPCPU_BITS_PER_BLOCK, &chunk->md_blocks[i]);
	xpcpu_chunk_refresh_hint(chunk);
}

/* Pages of @unit start at this index of chunk->pages. */
static int xpcpu_unit_page_idx(const struct xpcpu_chunk *chunk, int unit)
{
	return unit * chunk->nr_pages;
}

static void xpcpu_chunk_free_pages(struct xpcpu_chunk *chunk, int nr)
{
	while (nr--) {
		if (chunk->pages[nr])
			__free_page(chunk->pages[nr]);
	}
}

/*
 * Fill @pages with @nr pages from @node: the bulk allocator takes them
 * from the per-CPU free lists in one call, and falls back to one page at
 * a time; go on while it makes progress.
 */
static int xpcpu_alloc_unit_pages(int node, gfp_t gfp, int nr,
				  struct page **pages)
{
	unsigned long have = 0, got;

	while (have < nr) {
		got = alloc_pages_bulk_array_node(gfp, node, nr, pages);
		if (got <= have)
			return -ENOMEM;
		have = got;
	}
	return 0;
}

/**
 * xpcpu_chunk_populate() - give a chunk its memory
 * @chunk: a chunk from xpcpu_chunk_alloc_meta()
 * @ai: the layout: unit order, unit size, each CPU's node
 * @gfp: flags for the pages; must allow sleeping (vmap() does)
 *
 * Allocates every unit's pages on its CPU's node and maps them all, unit
 * after unit, with one vmap(), so that a CPU's unit sits at the same
 * offset from base_addr in every chunk.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM with nothing left allocated.
 */
int xpcpu_chunk_populate(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai, gfp_t gfp)
{
	int nr = ai->nr_units * chunk->nr_pages;
	int unit, i;

	chunk->pages = kvcalloc(nr, sizeof(*chunk->pages), gfp);
	if (!chunk->pages)
		return -ENOMEM;

	for (unit = 0; unit < ai->nr_units; unit++) {
		int node = cpu_to_node(ai->unit_cpu[unit]);
		struct page **pages = chunk->pages +
				      xpcpu_unit_page_idx(chunk, unit);

		for (i = 0; i < chunk->nr_pages; i++)
			if (xpcpu_should_fail_page_alloc())
				goto err_free_pages;
		if (xpcpu_alloc_unit_pages(node, gfp, chunk->nr_pages, pages))
			goto err_free_pages;
	}

	chunk->base_addr = vmap(chunk->pages, nr, VM_MAP, PAGE_KERNEL);
	if (!chunk->base_addr)
		goto err_free_pages;
	return 0;

err_free_pages:
	xpcpu_chunk_free_pages(chunk, nr);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	return -ENOMEM;
}

/**
 * xpcpu_chunk_depopulate() - unmap and free a chunk's memory
 * @chunk: a populated chunk
 * @ai: the layout it was populated with
 *
 * Context: process context.
 */
void xpcpu_chunk_depopulate(struct xpcpu_chunk *chunk,
			    const struct xpcpu_alloc_info *ai)
{
	if (!chunk->pages)
		return;
	vunmap(chunk->base_addr);
	xpcpu_chunk_free_pages(chunk, ai->nr_units * chunk->nr_pages);
	kvfree(chunk->pages);
	chunk->pages = NULL;
	chunk->base_addr = NULL;
}

/**
 * xpcpu_chunk_create() - a new, free, populated chunk of ai->unit_size
 * @ai: the layout
 * @gfp: allocation flags (GFP_KERNEL or narrower, e.g. GFP_NOFS)
 *
 * Context: process context, may sleep.
 * Return: the chunk, not yet on any list, or NULL.
 */
struct xpcpu_chunk *xpcpu_chunk_create(const struct xpcpu_alloc_info *ai,
				       gfp_t gfp)
{
	struct xpcpu_chunk *chunk;

	chunk = xpcpu_chunk_alloc_meta(ai->unit_pages, gfp);
	if (!chunk)
		return NULL;
	if (xpcpu_chunk_populate(chunk, ai, gfp)) {
		xpcpu_chunk_free_meta(chunk);
		return NULL;
	}
	return chunk;
}

/**
 * xpcpu_chunk_destroy() - release a chunk and its memory
 * @chunk: a chunk that is on no list any more
 * @ai: the layout
 *
 * Context: process context.
 */
void xpcpu_chunk_destroy(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai)
{
	xpcpu_chunk_depopulate(chunk, ai);
	xpcpu_chunk_free_meta(chunk);
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

static void xpcpu_block_refresh(struct xpcpu_chunk *chunk, int block)
{
	xpcpu_block_scan(chunk->alloc_map, xpcpu_block_to_bit(block),
			 XPCPU_BITS_PER_BLOCK, &chunk->md_blocks[block]);
}

/* Do [s1, e1) and [s2, e2) share a bit? */
static bool xpcpu_overlap(int s1, int e1, int s2, int e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * Block hints after the block's bits [s, e) (block-relative) were
 * allocated.  Unless the area cut into the contig or the scan hint's run,
 * those stay right (runs only shrink, and the area was free: it lies in
 * one run) and only the edges move; else rescan the block.
 */
static void xpcpu_block_update_alloc(struct xpcpu_chunk *chunk, int block,
				     int s, int e)
{
	struct xpcpu_block_md *md = &chunk->md_blocks[block];
	int base = xpcpu_block_to_bit(block);

	if (xpcpu_overlap(s, e, md->contig_hint_start,
			  md->contig_hint_start + md->contig_hint) ||
	    xpcpu_overlap(s, e, md->scan_hint_start,
			  md->scan_hint_start + md->scan_hint)) {
		xpcpu_block_refresh(chunk, block);
		return;
	}
	if (s <= md->first_free && md->first_free < e)
		md->first_free = find_next_zero_bit(chunk->alloc_map,
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
static void xpcpu_block_update_free(struct xpcpu_chunk *chunk, int block,
				    int s, int e, int *rsp, int *rep)
{
	struct xpcpu_block_md *md = &chunk->md_blocks[block];
	const unsigned long *map = chunk->alloc_map;
	int base = xpcpu_block_to_bit(block);
	int rs = s, re = e, len;

	/* The old edge runs say when no search is needed. */
	if (md->left_free >= s) {
		rs = 0;
	} else if (!test_bit(base + s - 1, map)) {
		unsigned long prev = find_last_bit(map + BIT_WORD(base), s);

		rs = prev == s ? 0 : prev + 1;
	}
	if (md->right_free >= md->nr_bits - e)
		re = md->nr_bits;
	else
		re = find_next_bit(map, base + md->nr_bits, base + e) - base;
	len = re - rs;
	*rsp = rs;
	*rep = re;

	if (len > md->contig_hint ||
	    (len == md->contig_hint && rs < md->contig_hint_start)) {
		/* From bit 0 no run comes before it: no scan hint. */
		if (rs) {
			xpcpu_block_refresh(chunk, block);
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

/* Candidate run for the chunk hint; earlier runs win ties. */
static void xpcpu_hint_consider(struct xpcpu_block_md *md, int start, int len)
{
	if (len > md->contig_hint) {
		md->contig_hint = len;
		md->contig_hint_start = start;
	}
}

/**
 * xpcpu_chunk_refresh_hint() - rebuild the chunk hint from the block hints
 * @chunk: the chunk, its block hints up to date
 *
 * One pass over the blocks: a free run of the chunk is either inside one
 * block (that block's contig_hint) or a right_free, whole free blocks and
 * a left_free joined across block boundaries.
 */
void xpcpu_chunk_refresh_hint(struct xpcpu_chunk *chunk)
{
	struct xpcpu_block_md *cmd = &chunk->chunk_md;
	int run_start = 0, run_len = 0;
	int i;

	cmd->nr_bits = chunk->nr_bits;
	cmd->scan_hint = 0;
	cmd->scan_hint_start = 0;
	cmd->contig_hint = 0;
	cmd->contig_hint_start = 0;
	cmd->first_free = chunk->nr_bits;
	cmd->left_free = 0;

	for (i = 0; i < chunk->nr_blocks; i++) {
		struct xpcpu_block_md *md = &chunk->md_blocks[i];
		int base = xpcpu_block_to_bit(i);

		if (cmd->first_free == chunk->nr_bits &&
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
static int xpcpu_try_range(struct xpcpu_chunk *chunk, int start, int limit,
			   int bits, int align_bits)
{
	unsigned long bit;

	if (limit - start < bits)
		return -1;
	bit = bitmap_find_next_zero_area(chunk->alloc_map, limit, start, bits,
					 align_bits - 1);
	return bit + bits <= limit ? bit : -1;
}

/**
 * xpcpu_chunk_find_fit() - first fit, using the hints to skip blocks
 * @chunk: the chunk
 * @bits: size in bits
 * @align_bits: alignment in bits, a power of two
 *
 * For each block from the chunk's first free bit: a fit inside the block
 * when its contig_hint allows one (starting past the scan_hint when that
 * run is too short), then a fit in the run that starts with the block's
 * right_free and continues across whole free blocks into the next
 * block's left_free.
 *
 * Return: the first bit of the fit, or -ENOSPC.
 */
int xpcpu_chunk_find_fit(struct xpcpu_chunk *chunk, int bits, int align_bits)
{
	int i, bit;

	if (chunk->chunk_md.contig_hint < bits)
		return -ENOSPC;

	i = xpcpu_bit_to_block(chunk->chunk_md.first_free);
	while (i < chunk->nr_blocks) {
		struct xpcpu_block_md *md = &chunk->md_blocks[i];
		int base = xpcpu_block_to_bit(i);
		int rs, j;

		if (md->contig_hint >= bits) {
			int from = md->first_free;

			/* Runs before the scan hint's end are all shorter. */
			if (md->scan_hint && bits > md->scan_hint)
				from = md->scan_hint_start + md->scan_hint;
			bit = xpcpu_try_range(chunk, base + from,
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
		for (j = i + 1; j < chunk->nr_blocks &&
		     chunk->md_blocks[j].contig_hint == XPCPU_BITS_PER_BLOCK; j++)
			;
		bit = xpcpu_try_range(chunk, rs, xpcpu_block_to_bit(j) +
				      (j < chunk->nr_blocks ?
				       chunk->md_blocks[j].left_free : 0),
				      bits, align_bits);
		if (bit >= 0)
			return bit;
		/* Whole free blocks in between could not fit it either. */
		i = max(i + 1, j);
	}
	return -ENOSPC;
}

/* The chunk hint after [bit, bit + bits) was allocated. */
static void xpcpu_chunk_update_hint_alloc(struct xpcpu_chunk *chunk, int bit,
					  int bits)
{
	struct xpcpu_block_md *cmd = &chunk->chunk_md;
	int end = bit + bits;

	if (xpcpu_overlap(bit, end, cmd->contig_hint_start,
			  cmd->contig_hint_start + cmd->contig_hint) ||
	    (bit <= cmd->first_free && cmd->first_free < end) ||
	    bit < cmd->left_free || end > chunk->nr_bits - cmd->right_free)
		xpcpu_chunk_refresh_hint(chunk);
}

/**
 * xpcpu_chunk_alloc_area() - allocate @bits bits from @chunk
 * @chunk: the chunk
 * @bits: size in bits
 * @align_bits: alignment in bits, a power of two
 *
 * Context: xpcpu_lock held for a chunk on the global lists.
 * Return: the first bit of the area, or -ENOSPC.
 */
int xpcpu_chunk_alloc_area(struct xpcpu_chunk *chunk, int bits,
			   int align_bits)
{
	int bit, b, s, e;

	bit = xpcpu_chunk_find_fit(chunk, bits, align_bits);
	if (bit < 0)
		return bit;

	bitmap_set(chunk->alloc_map, bit, bits);
	__set_bit(bit, chunk->bound_map);
	bitmap_clear(chunk->bound_map, bit + 1, bits - 1);
	__set_bit(bit + bits, chunk->bound_map);

	chunk->free_bytes -= xpcpu_bit_to_off(bits);
	chunk->nr_alloc++;

	for (b = xpcpu_bit_to_block(bit);
	     b <= xpcpu_bit_to_block(bit + bits - 1); b++) {
		xpcpu_block_clip(b, bit, bit + bits, &s, &e);
		xpcpu_block_update_alloc(chunk, b, s, e);
	}
	xpcpu_chunk_update_hint_alloc(chunk, bit, bits);
	return bit;
}

/**
 * xpcpu_chunk_area_bits() - size of the live area that starts at @bit
 * @chunk: the chunk
 * @bit: the area's first bit
 *
 * An area is live when its first bit is both in use and an area start,
 * and not a hidden edge of the chunk.
 *
 * Return: its size in bits, or -EINVAL when no live area starts there.
 */
int xpcpu_chunk_area_bits(const struct xpcpu_chunk *chunk, int bit)
{
	if (bit < xpcpu_off_to_bit(chunk->start_offset) ||
	    bit >= xpcpu_off_to_bit(chunk->end_offset))
		return -EINVAL;
	if (!test_bit(bit, chunk->alloc_map) || !test_bit(bit, chunk->bound_map))
		return -EINVAL;
	return find_next_bit(chunk->bound_map, chunk->nr_bits + 1, bit + 1) - bit;
}

/*
 * The free run [rs, re) found in the first and last block touched by a
 * free, extended over the neighbouring blocks when it reaches their
 * edge: whole free blocks, then the next block's right_free/left_free.
 */
static int xpcpu_run_extend_back(struct xpcpu_chunk *chunk, int rs)
{
	int block = xpcpu_bit_to_block(rs);

	if (xpcpu_bit_in_block(rs))
		return rs;
	while (block > 0 &&
	       chunk->md_blocks[block - 1].contig_hint == XPCPU_BITS_PER_BLOCK)
		block--;
	if (!block)
		return 0;
	return xpcpu_block_to_bit(block) - chunk->md_blocks[block - 1].right_free;
}

static int xpcpu_run_extend_forward(struct xpcpu_chunk *chunk, int re)
{
	int block = xpcpu_bit_to_block(re);

	if (re >= chunk->nr_bits || xpcpu_bit_in_block(re))
		return re;
	while (block < chunk->nr_blocks &&
	       chunk->md_blocks[block].contig_hint == XPCPU_BITS_PER_BLOCK)
		block++;
	if (block == chunk->nr_blocks)
		return chunk->nr_bits;
	return xpcpu_block_to_bit(block) + chunk->md_blocks[block].left_free;
}

/* The chunk hint after a free left the free run [rs, re). */
static void xpcpu_chunk_update_hint_free(struct xpcpu_chunk *chunk, int rs,
					 int re)
{
	struct xpcpu_block_md *cmd = &chunk->chunk_md;

	rs = xpcpu_run_extend_back(chunk, rs);
	re = xpcpu_run_extend_forward(chunk, re);

	if (re - rs > cmd->contig_hint ||
	    (re - rs == cmd->contig_hint && rs < cmd->contig_hint_start)) {
		cmd->contig_hint = re - rs;
		cmd->contig_hint_start = rs;
	}
	cmd->first_free = min(cmd->first_free, rs);
	if (rs == 0)
		cmd->left_free = re;
	if (re == chunk->nr_bits)
		cmd->right_free = re - rs;
}

/**
 * xpcpu_chunk_free_area() - free the area that starts at @bit
 * @chunk: the chunk
 * @bit: the area's first bit
 *
 * Checks the bitmaps first: freeing something that is not a live area
 * start (never allocated, freed already, inside an area, hidden) changes
 * nothing.
 *
 * Context: xpcpu_lock held for a chunk on the global lists.
 * Return: the area's size in bits, or -EINVAL.
 */
int xpcpu_chunk_free_area(struct xpcpu_chunk *chunk, int bit)
{
	int bits = xpcpu_chunk_area_bits(chunk, bit);
	int first, last, b, s, e, rs, re, run_start = 0, run_end = 0;

	if (bits < 0)
		return bits;

	bitmap_clear(chunk->alloc_map, bit, bits);
	chunk->free_bytes += xpcpu_bit_to_off(bits);
	chunk->nr_alloc--;

	first = xpcpu_bit_to_block(bit);
	last = xpcpu_bit_to_block(bit + bits - 1);
	for (b = first; b <= last; b++) {
		xpcpu_block_clip(b, bit, bit + bits, &s, &e);
		xpcpu_block_update_free(chunk, b, s, e, &rs, &re);
		if (b == first)
			run_start = xpcpu_block_to_bit(b) + rs;
		if (b == last)
			run_end = xpcpu_block_to_bit(b) + re;
	}
	xpcpu_chunk_update_hint_free(chunk, run_start, run_end);
	return bits;
}
