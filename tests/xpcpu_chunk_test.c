// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_chunk": the bitmap allocator of pcpu_bitmap.c on
 * private chunks from xpcpu_chunk_alloc_meta(), which need no memory
 * behind them and which nobody else sees; each has a lock of its own,
 * held around every change as the pool holds its own.  Every
 * mutation goes through a helper that runs check_chunk() before and after
 * it and compares the chunk with a reference model: one byte per bit
 * (free, hidden or used) and the list of live areas, whose first fit is
 * found by a plain scan.  The model and the checked mutations are in
 * xpcpu_chunk_model.c; this file holds the cases.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "xpcpu_chunk_model.h"

static int unit_pages(void)
{
	return xpcpu_ai->unit_pages;
}

/* ---- cases ---------------------------------------------------------- */

/* A new chunk is one free run: every hint says so. */
static void xpcpu_test_chunk_init_all_free(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, unit_pages(), 0, -1);
	struct xpcpu_chunk *c = ctx->chunk;
	int i;

	KUNIT_EXPECT_EQ(test, c->map.nr_bits, unit_pages() * XPCPU_BITS_PER_BLOCK);
	KUNIT_EXPECT_EQ(test, c->map.free_bytes, (int)xpcpu_ai->unit_size);
	KUNIT_EXPECT_EQ(test, c->map.nr_alloc, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint, c->map.nr_bits);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint_start, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.first_free, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.left_free, c->map.nr_bits);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.right_free, c->map.nr_bits);
	for (i = 0; i < c->map.nr_blocks; i++) {
		KUNIT_EXPECT_EQ(test, c->map.md_blocks[i].contig_hint,
				XPCPU_BITS_PER_BLOCK);
		KUNIT_EXPECT_EQ(test, c->map.md_blocks[i].scan_hint, 0);
		KUNIT_EXPECT_EQ(test, c->map.md_blocks[i].first_free, 0);
	}
	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(c), xpcpu_pool.nr_slots - 1);
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(c->map.alloc_map, c->map.nr_bits), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(c->map.nr_bits, c->map.bound_map));
}

/* Hidden edges are in use from the start and shape every hint. */
static void xpcpu_test_chunk_init_hidden_edges(struct kunit *test)
{
	int start = 1028, end = 2 * PAGE_SIZE - 2000;
	struct chunk_ctx *ctx = ctx_new(test, 2, start, end);
	struct xpcpu_chunk *c = ctx->chunk;
	int sb = xpcpu_off_to_bit(start), eb = xpcpu_off_to_bit(end);

	KUNIT_EXPECT_EQ(test, c->map.free_bytes, end - start);
	KUNIT_EXPECT_EQ(test, c->map.nr_alloc, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint, eb - sb);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint_start, sb);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.first_free, sb);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.left_free, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.right_free, 0);
	KUNIT_EXPECT_EQ(test, c->map.md_blocks[0].left_free, 0);
	KUNIT_EXPECT_EQ(test, c->map.md_blocks[0].right_free,
			XPCPU_BITS_PER_BLOCK - sb);
	KUNIT_EXPECT_EQ(test, c->map.md_blocks[1].left_free,
			eb - XPCPU_BITS_PER_BLOCK);
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(c->map.alloc_map, c->map.nr_bits),
			c->map.nr_bits - (eb - sb));
}

/* Sizes and alignments: every fit aligned, sized, and first per model. */
struct size_align {
	int size;			/* bytes */
	int align;			/* bytes */
};

static const struct size_align size_align_cases[] = {
	{ 4, 4 }, { 8, 4 }, { 12, 4 }, { 4, 8 }, { 8, 8 }, { 24, 8 },
	{ 16, 16 }, { 64, 64 }, { 100, 4 }, { 100, 32 }, { 128, 128 },
	{ 256, 256 }, { 512, 4 }, { 1000, 64 }, { 2048, 2048 },
	{ 4096, 4 }, { 4096, 4096 }, { 4100, 4 }, { 4100, 512 },
	{ 6000, 1024 }, { 8192, 4096 }, { 16384, 4096 }, { 32768, 4 },
	{ 32768, 4096 }, { 65536, 4 }, { 65536, 4096 },
};

static void size_align_desc(const struct size_align *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %d align %d", p->size,
		 p->align);
}

KUNIT_ARRAY_PARAM(size_align, size_align_cases, size_align_desc);

static void xpcpu_test_chunk_alloc_size_align(struct kunit *test)
{
	const struct size_align *p = test->param_value;
	int bits = xpcpu_off_to_bit(p->size);
	int align = xpcpu_off_to_bit(p->align);
	int nr_pages, start, n = 0, bit, i;
	struct chunk_ctx *ctx;

	if (p->size > unit_pages() * PAGE_SIZE)
		kunit_skip(test, "larger than a unit (%d pages)", unit_pages());
	/* Room for a few dozen areas; 64K needs the whole (unit-sized) chunk. */
	nr_pages = clamp_t(int, DIV_ROUND_UP(32 * p->size, PAGE_SIZE), 1,
			   unit_pages());
	start = p->size * 2 <= nr_pages * PAGE_SIZE ? 4 : 0;
	ctx = ctx_new(test, nr_pages, start, -1);

	while ((bit = ctx_alloc(ctx, bits, align)) >= 0) {
		KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&ctx->chunk->map, bit),
				bits);
		KUNIT_EXPECT_TRUE(test, test_bit(bit, ctx->chunk->map.bound_map));
		KUNIT_EXPECT_TRUE(test,
				  test_bit(bit + bits, ctx->chunk->map.bound_map));
		/* No bound inside the area. */
		KUNIT_EXPECT_EQ(test, (int)find_next_bit(ctx->chunk->map.bound_map,
							 bit + bits, bit + 1),
				bit + bits);
		n++;
	}
	KUNIT_EXPECT_EQ(test, bit, -ENOSPC);
	KUNIT_EXPECT_GT(test, n, 0);
	/* Everything an aligned fit could use is used: model agrees. */
	KUNIT_EXPECT_EQ(test, model_fit(ctx, bits, align), -ENOSPC);
	for (i = 0; ctx->nr_live && i < n; i++)
		if (!ctx_free_idx(ctx, 0))
			break;
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.nr_alloc, 0);
}

/* Consecutive allocations of a free chunk are packed, first fit. */
static void xpcpu_test_chunk_alloc_packs_first_fit(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 2, 0, -1);
	static const int sizes[] = { 1, 3, 8, 2, 100, 1, 900, 17, 5 };
	int i, bit, next = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		bit = ctx_alloc(ctx, sizes[i], 1);
		KUNIT_EXPECT_EQ(test, bit, next);
		next += sizes[i];
	}
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.chunk_md.first_free, next);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.chunk_md.contig_hint_start, next);
	/* An aligned request skips the unaligned tail of the packed run. */
	bit = ctx_alloc(ctx, 4, 64);
	KUNIT_EXPECT_EQ(test, bit, round_up(next, 64));
	/* A small request then fills the gap the alignment left. */
	bit = ctx_alloc(ctx, 2, 1);
	KUNIT_EXPECT_EQ(test, bit, next);
}

/* area_bits(): a size at an area's start only. */
static void xpcpu_test_chunk_area_bits_only_at_start(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 2, 16, 2 * PAGE_SIZE - 16);
	struct xpcpu_chunk *c = ctx->chunk;
	int a, b;

	a = ctx_alloc(ctx, 10, 1);
	b = ctx_alloc(ctx, 1030, 1);	/* crosses the block boundary */
	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_ASSERT_GE(test, b, 0);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, a), 10);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, b), 1030);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, a + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, b + 1029), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, b + 1030), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, c->map.nr_bits - 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, c->map.nr_bits), -EINVAL);
	/* A freed area leaves a stale bound; it is no area any more. */
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, a));
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_area_bits(&c->map, a), -EINVAL);
}

/* Neighbours merge on free; the contig hint follows the merged run. */
static void xpcpu_test_chunk_free_coalesces_neighbours(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 1, 0, -1);
	struct xpcpu_block_md *cmd = &ctx->chunk->map.chunk_md;
	int a, b, c, d;

	a = ctx_alloc(ctx, 10, 1);
	b = ctx_alloc(ctx, 10, 1);
	c = ctx_alloc(ctx, 10, 1);
	d = ctx_alloc(ctx, XPCPU_BITS_PER_BLOCK - 30, 1);
	KUNIT_ASSERT_EQ(test, d, 30);
	KUNIT_ASSERT_EQ(test, ctx->chunk->map.free_bytes, 0);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 0);
	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(ctx->chunk), 0);

	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, b));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 10);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 10);
	KUNIT_EXPECT_EQ(test, cmd->left_free, 0);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, a));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 20);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 0);
	KUNIT_EXPECT_EQ(test, cmd->left_free, 20);
	KUNIT_EXPECT_EQ(test, cmd->first_free, 0);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, c));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 30);
	KUNIT_EXPECT_EQ(test, cmd->right_free, 0);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, d));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, XPCPU_BITS_PER_BLOCK);
	KUNIT_EXPECT_EQ(test, cmd->right_free, XPCPU_BITS_PER_BLOCK);
	/* Merged: one area of the whole block fits again. */
	KUNIT_EXPECT_EQ(test, ctx_alloc(ctx, XPCPU_BITS_PER_BLOCK, 1), 0);
}

/* Equal runs: the first one is the contig hint, also after a free. */
static void xpcpu_test_chunk_free_tie_first_run_wins(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 1, 0, -1);
	struct xpcpu_block_md *cmd = &ctx->chunk->map.chunk_md;
	int i;

	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, 10, 1), 10 * i);
	KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, XPCPU_BITS_PER_BLOCK - 40, 1), 40);

	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, 30));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 10);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 30);
	/* As long, but earlier: it takes over. */
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, 10));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, 10);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 10);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.md_blocks[0].contig_hint_start, 10);
	/* Allocating the first leaves the other as the hint. */
	KUNIT_EXPECT_EQ(test, ctx_alloc(ctx, 10, 1), 10);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 30);
	/* A longer run later: the earlier one becomes the scan hint. */
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, 0));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 0);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, 40));
	KUNIT_EXPECT_EQ(test, cmd->contig_hint, XPCPU_BITS_PER_BLOCK - 30);
	KUNIT_EXPECT_EQ(test, cmd->contig_hint_start, 30);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.md_blocks[0].scan_hint, 10);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.md_blocks[0].scan_hint_start, 0);
}

/* Runs merge across block boundaries, both ways. */
static void xpcpu_test_chunk_free_coalesces_across_blocks(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 3, 0, -1);
	struct xpcpu_chunk *ch = ctx->chunk;
	const int bpb = XPCPU_BITS_PER_BLOCK;
	int a, b, c;

	a = ctx_alloc(ctx, bpb - 4, 1);
	b = ctx_alloc(ctx, 10, 1);		/* [bpb - 4, bpb + 6) */
	c = ctx_alloc(ctx, 2 * bpb - 6, 1);	/* to the end */
	KUNIT_ASSERT_EQ(test, b, bpb - 4);
	KUNIT_ASSERT_EQ(test, c, bpb + 6);

	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, b));
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.contig_hint, 10);
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.contig_hint_start, bpb - 4);
	KUNIT_EXPECT_EQ(test, ch->map.md_blocks[0].right_free, 4);
	KUNIT_EXPECT_EQ(test, ch->map.md_blocks[1].left_free, 6);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, c));
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.contig_hint, 2 * bpb + 4);
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.contig_hint_start, bpb - 4);
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.right_free, 2 * bpb + 4);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, a));
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.contig_hint, 3 * bpb);
	KUNIT_EXPECT_EQ(test, ch->map.chunk_md.left_free, 3 * bpb);
	/* A request spanning all three blocks fits at 0 again. */
	KUNIT_EXPECT_EQ(test, ctx_alloc(ctx, 3 * bpb, 1), 0);
}

/* The slot a chunk goes on follows its longest free run. */
static int expected_slot(int contig_bytes)
{
	if (!contig_bytes)
		return 0;
	if (contig_bytes == xpcpu_ai->unit_size)
		return xpcpu_pool.nr_slots - 1;
	return max(fls(contig_bytes) - XPCPU_SLOT_BASE_SHIFT + 2, 1);
}

static void xpcpu_test_chunk_slot_follows_contig(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, unit_pages(), 0, -1);
	struct xpcpu_chunk *c = ctx->chunk;
	int hole, prev_slot = 0, bit;

	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(c), xpcpu_pool.nr_slots - 1);
	bit = ctx_alloc(ctx, 1, 1);
	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(c),
			expected_slot(xpcpu_ai->unit_size - 4));
	KUNIT_EXPECT_LT(test, xpcpu_chunk_slot(c), xpcpu_pool.nr_slots - 1);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, bit));

	/* Fill it, then open one hole of growing size. */
	KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, c->map.nr_bits, 1), 0);
	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(c), 0);
	KUNIT_ASSERT_TRUE(test, ctx_free_idx(ctx, 0));
	for (hole = 1; hole < c->map.nr_bits; hole *= 2) {
		int slot;

		KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, 7, 1), 0);
		KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, hole, 1), 7);
		KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, c->map.nr_bits - 7 - hole, 1),
				7 + hole);
		KUNIT_ASSERT_TRUE(test, ctx_free_bit(ctx, 7));
		KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint, hole);
		slot = xpcpu_chunk_slot(c);
		KUNIT_EXPECT_EQ_MSG(test, slot,
				    expected_slot(xpcpu_bit_to_off(hole)),
				    "hole of %d bytes", xpcpu_bit_to_off(hole));
		KUNIT_EXPECT_GT(test, slot, 0);
		KUNIT_EXPECT_GE(test, slot, prev_slot);
		KUNIT_EXPECT_LT(test, slot, xpcpu_pool.nr_slots - 1);
		prev_slot = slot;
		while (ctx->nr_live)
			KUNIT_ASSERT_TRUE(test, ctx_free_idx(ctx, 0));
	}
}

/* Fill a chunk with mixed sizes, then drain it in @order. */
enum drain_order { DRAIN_FORWARD, DRAIN_REVERSE, DRAIN_RANDOM };

static void fill_then_drain(struct kunit *test, enum drain_order order)
{
	static const int sizes[] = { 1, 2, 3, 5, 8, 13, 4 };
	struct chunk_ctx *ctx = ctx_new(test, 2, 12, 2 * PAGE_SIZE - 20);
	struct xpcpu_chunk *c = ctx->chunk;
	struct xpcpu_block_md first_md = c->map.chunk_md;
	struct rnd_state rnd;
	int i = 0, usable = c->map.free_bytes;

	xpcpu_test_rnd_init(&rnd, 0x100 + order);
	while (ctx_alloc(ctx, sizes[i++ % ARRAY_SIZE(sizes)], 1) >= 0)
		;
	while (ctx_alloc(ctx, 1, 1) >= 0)
		;
	KUNIT_ASSERT_EQ(test, c->map.free_bytes, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.contig_hint, 0);
	KUNIT_EXPECT_EQ(test, c->map.chunk_md.first_free, c->map.nr_bits);
	KUNIT_EXPECT_EQ(test, xpcpu_chunk_slot(c), 0);
	KUNIT_EXPECT_EQ(test, xpcpu_bitmap_find_fit(&c->map, 1, 1), -ENOSPC);

	/* Keep the model's list in address order for forward/reverse. */
	while (ctx->nr_live) {
		int idx = 0, j;

		for (j = 1; j < ctx->nr_live; j++) {
			bool lower = ctx->live_bit[j] < ctx->live_bit[idx];

			if (order == DRAIN_FORWARD ? lower : !lower)
				idx = j;
		}
		if (order == DRAIN_RANDOM)
			idx = xpcpu_test_rand(&rnd, ctx->nr_live);
		if (!ctx_free_idx(ctx, idx))
			break;
	}
	KUNIT_EXPECT_EQ(test, c->map.free_bytes, usable);
	KUNIT_EXPECT_EQ(test, c->map.nr_alloc, 0);
	KUNIT_EXPECT_EQ(test, memcmp(&first_md, &c->map.chunk_md, sizeof(first_md)),
			0);
}

static void xpcpu_test_chunk_fill_drain_forward(struct kunit *test)
{
	fill_then_drain(test, DRAIN_FORWARD);
}

static void xpcpu_test_chunk_fill_drain_reverse(struct kunit *test)
{
	fill_then_drain(test, DRAIN_REVERSE);
}

static void xpcpu_test_chunk_fill_drain_random(struct kunit *test)
{
	fill_then_drain(test, DRAIN_RANDOM);
}

/* Only bits between the hidden edges are ever handed out. */
static void xpcpu_test_chunk_hidden_never_allocated(struct kunit *test)
{
	int start = 40, end = PAGE_SIZE - 60;
	struct chunk_ctx *ctx = ctx_new(test, 1, start, end);
	int sb = xpcpu_off_to_bit(start), eb = xpcpu_off_to_bit(end);
	int bit, n = 0;

	while ((bit = ctx_alloc(ctx, 1, 1)) >= 0) {
		KUNIT_EXPECT_GE(test, bit, sb);
		KUNIT_EXPECT_LT(test, bit, eb);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, eb - sb);
	/* A request larger than what is between the edges never fits. */
	while (ctx->nr_live)
		KUNIT_ASSERT_TRUE(test, ctx_free_idx(ctx, 0));
	KUNIT_EXPECT_EQ(test, ctx_alloc(ctx, eb - sb + 1, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx_alloc(ctx, eb - sb, 1), sb);
}

/* Hidden bits are no area: freeing them changes nothing. */
static void xpcpu_test_chunk_hidden_free_rejected(struct kunit *test)
{
	int start = 40, end = 2 * PAGE_SIZE - 60;
	struct chunk_ctx *ctx = ctx_new(test, 2, start, end);
	int sb = xpcpu_off_to_bit(start), eb = xpcpu_off_to_bit(end);
	int bit;

	KUNIT_ASSERT_EQ(test, ctx_alloc(ctx, 5, 1), sb);
	for (bit = 0; bit < sb; bit++)
		expect_free_rejected(ctx, bit);
	for (bit = eb; bit < ctx->chunk->map.nr_bits; bit++)
		expect_free_rejected(ctx, bit);
	expect_free_rejected(ctx, ctx->chunk->map.nr_bits);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.free_bytes, end - start - 20);
}

/* Double, interior and never-allocated frees change nothing. */
static void xpcpu_test_chunk_bad_free_rejected(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 2, 0, -1);
	int a, b;

	a = ctx_alloc(ctx, 16, 1);
	b = ctx_alloc(ctx, 1100, 4);
	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_ASSERT_GE(test, b, 0);
	expect_free_rejected(ctx, a + 1);
	expect_free_rejected(ctx, a + 15);
	expect_free_rejected(ctx, b + 1024);
	expect_free_rejected(ctx, b + 1100);		/* free, never used */
	expect_free_rejected(ctx, ctx->chunk->map.nr_bits - 1);
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, a));
	expect_free_rejected(ctx, a);			/* double free */
	KUNIT_EXPECT_TRUE(test, ctx_free_bit(ctx, b));
	expect_free_rejected(ctx, b);
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.free_bytes, 2 * (int)PAGE_SIZE);
}

/* xpcpu_block_scan() on crafted blocks: the tie rules, spelled out. */
static void set_used(unsigned long *map, int from, int to)
{
	bitmap_set(map, from, to - from);
}

static void xpcpu_test_chunk_block_scan_tie_rules(struct kunit *test)
{
	const int n = XPCPU_BITS_PER_BLOCK;
	struct xpcpu_block_md md;
	unsigned long *map = kunit_kzalloc(test, BITS_TO_LONGS(2 * n) *
					   sizeof(long), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, map);

	/* Free runs [10,15) [20,25) [30,40) [50,60) [70,73): used elsewhere. */
	set_used(map, n, 2 * n);	/* block 1 is all in use */
	set_used(map, 0, 10);
	set_used(map, 15, 20);
	set_used(map, 25, 30);
	set_used(map, 40, 50);
	set_used(map, 60, 70);
	set_used(map, 73, n);
	xpcpu_block_scan(map, 0, n, &md);
	KUNIT_EXPECT_EQ(test, md.contig_hint, 10);
	KUNIT_EXPECT_EQ(test, md.contig_hint_start, 30);	/* first of two */
	KUNIT_EXPECT_EQ(test, md.scan_hint, 5);
	KUNIT_EXPECT_EQ(test, md.scan_hint_start, 20);		/* last of two */
	KUNIT_EXPECT_EQ(test, md.first_free, 10);
	KUNIT_EXPECT_EQ(test, md.left_free, 0);
	KUNIT_EXPECT_EQ(test, md.right_free, 0);
	KUNIT_EXPECT_EQ(test, md.nr_bits, n);

	/* Nothing free. */
	xpcpu_block_scan(map, n, n, &md);
	KUNIT_EXPECT_EQ(test, md.contig_hint, 0);
	KUNIT_EXPECT_EQ(test, md.contig_hint_start, 0);
	KUNIT_EXPECT_EQ(test, md.scan_hint, 0);
	KUNIT_EXPECT_EQ(test, md.first_free, n);
	KUNIT_EXPECT_EQ(test, md.left_free, 0);
	KUNIT_EXPECT_EQ(test, md.right_free, 0);

	/* Free at both edges, the contig hint first: no scan hint. */
	bitmap_zero(map, 2 * n);
	set_used(map, 100, n - 50);
	xpcpu_block_scan(map, 0, n, &md);
	KUNIT_EXPECT_EQ(test, md.contig_hint, 100);
	KUNIT_EXPECT_EQ(test, md.contig_hint_start, 0);
	KUNIT_EXPECT_EQ(test, md.scan_hint, 0);
	KUNIT_EXPECT_EQ(test, md.scan_hint_start, 0);
	KUNIT_EXPECT_EQ(test, md.left_free, 100);
	KUNIT_EXPECT_EQ(test, md.right_free, 50);
	KUNIT_EXPECT_EQ(test, md.first_free, 0);

	/* The right edge is the longest: the run before it is the scan. */
	bitmap_zero(map, 2 * n);
	set_used(map, 0, 1);
	set_used(map, 4, n - 7);
	xpcpu_block_scan(map, 0, n, &md);
	KUNIT_EXPECT_EQ(test, md.contig_hint, 7);
	KUNIT_EXPECT_EQ(test, md.contig_hint_start, n - 7);
	KUNIT_EXPECT_EQ(test, md.scan_hint, 3);
	KUNIT_EXPECT_EQ(test, md.scan_hint_start, 1);
	KUNIT_EXPECT_EQ(test, md.first_free, 1);
	KUNIT_EXPECT_EQ(test, md.left_free, 0);
	KUNIT_EXPECT_EQ(test, md.right_free, 7);
}

/* xpcpu_block_scan() agrees with brute force on random blocks. */
static void xpcpu_test_chunk_block_scan_matches_brute_force(struct kunit *test)
{
	const int n = XPCPU_BITS_PER_BLOCK;
	unsigned long *map = kunit_kzalloc(test, BITS_TO_LONGS(3 * n) *
					   sizeof(long), GFP_KERNEL);
	struct xpcpu_block_md got, want;
	struct rnd_state rnd;
	int iter, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, map);
	xpcpu_test_rnd_init(&rnd, 0x200);
	for (iter = 0; iter < 300 && bad < 3; iter++) {
		int bit = 0, max_run = 1 << xpcpu_test_rand(&rnd, 10);
		int start = xpcpu_test_rand(&rnd, n);

		/* Alternate used and free runs of random lengths. */
		bitmap_zero(map, 3 * n);
		while (bit < 3 * n) {
			int len = 1 + xpcpu_test_rand(&rnd, max_run);

			if (xpcpu_test_rand(&rnd, 2))
				bitmap_set(map, bit, min(len, 3 * n - bit));
			bit += len;
		}
		xpcpu_block_scan(map, start, n, &got);
		xpcpu_test_brute_md(map, start, n, &want);
		if (memcmp(&got, &want, sizeof(got))) {
			kunit_err(test, "iteration %d start %d: contig %d@%d scan %d@%d l %d r %d ff %d; want contig %d@%d scan %d@%d l %d r %d ff %d",
				  iter, start, got.contig_hint,
				  got.contig_hint_start, got.scan_hint,
				  got.scan_hint_start, got.left_free,
				  got.right_free, got.first_free,
				  want.contig_hint, want.contig_hint_start,
				  want.scan_hint, want.scan_hint_start,
				  want.left_free, want.right_free,
				  want.first_free);
			bad++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* A random size: mostly small, sometimes across blocks. */
static int random_bits(struct rnd_state *rnd)
{
	u32 r = xpcpu_test_rand(rnd, 100);

	if (r < 70)
		return 1 + xpcpu_test_rand(rnd, 16);
	if (r < 95)
		return 1 + xpcpu_test_rand(rnd, 256);
	return 1 + xpcpu_test_rand(rnd, 2 * XPCPU_BITS_PER_BLOCK);
}

static int random_align(struct rnd_state *rnd)
{
	u32 r = xpcpu_test_rand(rnd, 100);

	if (r < 50)
		return 1;
	return 1 << xpcpu_test_rand(rnd, ilog2(XPCPU_BITS_PER_BLOCK) + 1);
}

/* Seeded random allocs and frees; every step against the model. */
static void xpcpu_test_chunk_random_matches_model(struct kunit *test)
{
	struct rnd_state rnd;
	struct chunk_ctx *ctx;
	int start, end, op, nr_pages = 4;

	xpcpu_test_rnd_init(&rnd, 0x300);
	start = xpcpu_bit_to_off(xpcpu_test_rand(&rnd, 512));
	end = nr_pages * PAGE_SIZE - xpcpu_bit_to_off(xpcpu_test_rand(&rnd, 512));
	ctx = ctx_new(test, nr_pages, start, end);
	kunit_info(test, "seed %llu, hidden [0, %d) and [%d, %lu)",
		   xpcpu_test_seed(), start, end, nr_pages * PAGE_SIZE);

	for (op = 0; op < 700; op++) {
		u32 r = xpcpu_test_rand(&rnd, 100);
		bool ok = true;

		if (r < 5) {
			/* A bit that starts no live area. */
			int bit = xpcpu_test_rand(&rnd, ctx->chunk->map.nr_bits);

			if (model_find(ctx, bit) < 0)
				expect_free_rejected(ctx, bit);
		} else if (ctx->nr_live && r < 50) {
			ok = ctx_free_idx(ctx, xpcpu_test_rand(&rnd,
							      ctx->nr_live));
		} else {
			ok = ctx_alloc(ctx, random_bits(&rnd),
				       random_align(&rnd)) != -EIO;
		}
		if (!ok) {
			kunit_err(test, "op %d failed (seed %llu)", op,
				  xpcpu_test_seed());
			return;
		}
	}
	while (ctx->nr_live)
		if (!ctx_free_idx(ctx, 0))
			return;
	KUNIT_EXPECT_EQ(test, ctx->chunk->map.free_bytes, end - start);
}

/* find_fit() on random layouts: aligned, and the model's first fit. */
static void xpcpu_test_chunk_find_fit_first_aligned(struct kunit *test)
{
	struct chunk_ctx *ctx = ctx_new(test, 4, 8, 4 * PAGE_SIZE - 8);
	struct rnd_state rnd;
	int round, q, bad = 0;

	xpcpu_test_rnd_init(&rnd, 0x400);
	for (round = 0; round < 6 && !bad; round++) {
		/* Fragment: allocate a lot, then free about half. */
		while (ctx_alloc(ctx, 1 + xpcpu_test_rand(&rnd, 40 << round),
				 1) >= 0)
			;
		while (ctx->nr_live > 0 && xpcpu_test_rand(&rnd, 4))
			if (!ctx_free_idx(ctx, xpcpu_test_rand(&rnd,
							      ctx->nr_live)))
				return;
		for (q = 0; q < 200; q++) {
			int bits = random_bits(&rnd), align = random_align(&rnd);
			int got = xpcpu_bitmap_find_fit(&ctx->chunk->map, bits, align);
			int want = model_fit(ctx, bits, align);

			if (got != want && bad++ < 5)
				kunit_err(test, "round %d: find_fit(%d bits, align %d) = %d, first fit %d",
					  round, bits, align, got, want);
			if (got >= 0 && !IS_ALIGNED(got, align) && bad++ < 5)
				kunit_err(test, "find_fit(%d, %d) = %d unaligned",
					  bits, align, got);
		}
		KUNIT_EXPECT_TRUE(test, verify(ctx));
		while (ctx->nr_live)
			if (!ctx_free_idx(ctx, 0))
				return;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* ---- suite ---------------------------------------------------------- */

static int xpcpu_chunk_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_chunk_test_cases[] = {
	KUNIT_CASE(xpcpu_test_chunk_init_all_free),
	KUNIT_CASE(xpcpu_test_chunk_init_hidden_edges),
	KUNIT_CASE_PARAM(xpcpu_test_chunk_alloc_size_align,
			 size_align_gen_params),
	KUNIT_CASE(xpcpu_test_chunk_alloc_packs_first_fit),
	KUNIT_CASE(xpcpu_test_chunk_area_bits_only_at_start),
	KUNIT_CASE(xpcpu_test_chunk_free_coalesces_neighbours),
	KUNIT_CASE(xpcpu_test_chunk_free_tie_first_run_wins),
	KUNIT_CASE(xpcpu_test_chunk_free_coalesces_across_blocks),
	KUNIT_CASE(xpcpu_test_chunk_slot_follows_contig),
	KUNIT_CASE(xpcpu_test_chunk_fill_drain_forward),
	KUNIT_CASE(xpcpu_test_chunk_fill_drain_reverse),
	KUNIT_CASE(xpcpu_test_chunk_fill_drain_random),
	KUNIT_CASE(xpcpu_test_chunk_hidden_never_allocated),
	KUNIT_CASE(xpcpu_test_chunk_hidden_free_rejected),
	KUNIT_CASE(xpcpu_test_chunk_bad_free_rejected),
	KUNIT_CASE(xpcpu_test_chunk_block_scan_tie_rules),
	KUNIT_CASE(xpcpu_test_chunk_block_scan_matches_brute_force),
	KUNIT_CASE(xpcpu_test_chunk_random_matches_model),
	KUNIT_CASE(xpcpu_test_chunk_find_fit_first_aligned),
	{}
};

static struct kunit_suite xpcpu_chunk_test_suite = {
	.name = "xpcpu_chunk",
	.suite_init = xpcpu_chunk_test_suite_init,
	.init = xpcpu_test_model_init,
	.exit = xpcpu_test_model_exit,
	.test_cases = xpcpu_chunk_test_cases,
};

kunit_test_suite(xpcpu_chunk_test_suite);
