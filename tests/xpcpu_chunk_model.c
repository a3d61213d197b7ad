// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the suite "xpcpu_chunk" (xpcpu_chunk_test.c; see
 * xpcpu_chunk_model.h): private chunks from xpcpu_chunk_alloc_meta(), each
 * with a lock of its own held around every change, and a model of each --
 * one byte per bit (free, hidden or used) and the list of live areas,
 * whose first fit is found by a plain scan.  Every mutation runs
 * check_chunk() before and after it and compares the chunk with the model.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xpcpu_chunk_model.h"

enum { M_FREE, M_HIDDEN, M_USED };

/* test->priv: chunks to free when the case ends, whatever happened. */
#define MAX_CTX 4
struct chunk_priv {
	struct chunk_ctx *ctx[MAX_CTX];	/* contexts of this case */
	int nr;				/* used entries */
};

/* A snapshot of everything free_area() must leave alone on bad input. */
struct chunk_snap {
	unsigned long *alloc_map;	/* copy of alloc_map */
	unsigned long *bound_map;	/* copy of bound_map */
	struct xpcpu_block_md *md;	/* copy of md_blocks */
	struct xpcpu_block_md chunk_md;	/* copy of chunk_md */
	int free_bytes;			/* copy */
	int nr_alloc;			/* copy */
};

/* ---- the model ---------------------------------------------------- */

static void model_reset(struct chunk_ctx *ctx)
{
	struct xpcpu_chunk *c = ctx->chunk;
	int sb = xpcpu_off_to_bit(c->map.start_offset);
	int eb = xpcpu_off_to_bit(c->map.end_offset);
	int i;

	for (i = 0; i < c->map.nr_bits; i++)
		ctx->map[i] = (i < sb || i >= eb) ? M_HIDDEN : M_FREE;
	ctx->nr_live = 0;
	ctx->verified = false;
}

/* First fit by a plain scan: the lowest aligned start with room. */
int xpcpu_test_model_fit(struct chunk_ctx *ctx, int bits, int align)
{
	int nr = ctx->chunk->map.nr_bits;
	int s = 0, k;

	while (s + bits <= nr) {
		for (k = 0; k < bits && ctx->map[s + k] == M_FREE; k++)
			;
		if (k == bits)
			return s;
		s = round_up(s + k + 1, align);
	}
	return -ENOSPC;
}

static int model_free_bits(struct chunk_ctx *ctx)
{
	int i, n = 0;

	for (i = 0; i < ctx->chunk->map.nr_bits; i++)
		n += ctx->map[i] == M_FREE;
	return n;
}

int xpcpu_test_model_find(struct chunk_ctx *ctx, int bit)
{
	int i;

	for (i = 0; i < ctx->nr_live; i++)
		if (ctx->live_bit[i] == bit)
			return i;
	return -1;
}

/* The chunk's bitmaps and counters against the model. */
static bool model_compare(struct chunk_ctx *ctx)
{
	struct kunit *test = ctx->test;
	struct xpcpu_chunk *c = ctx->chunk;
	int i, bad = 0;

	for (i = 0; i < c->map.nr_bits; i++) {
		if (test_bit(i, c->map.alloc_map) == (ctx->map[i] == M_FREE)) {
			if (bad++ < 4)
				kunit_err(test, "model: bit %d in use %d, model says %d",
					  i, test_bit(i, c->map.alloc_map),
					  ctx->map[i]);
		}
	}
	for (i = 0; i < ctx->nr_live; i++) {
		int bit = ctx->live_bit[i], bits = ctx->live_bits[i];

		if (xpcpu_bitmap_area_bits(&c->map, bit) != bits ||
		    !test_bit(bit + bits, c->map.bound_map)) {
			if (bad++ < 8)
				kunit_err(test, "model: area at %d of %d bits: area_bits %d, end bound %d",
					  bit, bits, xpcpu_bitmap_area_bits(&c->map, bit),
					  test_bit(bit + bits, c->map.bound_map));
		}
	}
	KUNIT_EXPECT_EQ(test, c->map.free_bytes,
			xpcpu_bit_to_off(model_free_bits(ctx)));
	KUNIT_EXPECT_EQ(test, c->map.nr_alloc, ctx->nr_live);
	KUNIT_EXPECT_EQ(test, bad, 0);
	return !bad && c->map.nr_alloc == ctx->nr_live &&
	       c->map.free_bytes == xpcpu_bit_to_off(model_free_bits(ctx));
}

/* check_chunk() and the model; true when both agree with the chunk. */
bool xpcpu_test_model_verify(struct chunk_ctx *ctx)
{
	int errs = check_chunk(ctx->test, ctx->chunk);
	bool ok;

	KUNIT_EXPECT_EQ_MSG(ctx->test, errs, 0, "check_chunk() found %d mismatches",
			    errs);
	ok = model_compare(ctx) && !errs;
	ctx->verified = ok;
	return ok;
}

static bool verify_before(struct chunk_ctx *ctx)
{
	return ctx->verified || verify(ctx);
}

/* ---- set-up --------------------------------------------------------- */

struct chunk_ctx *xpcpu_test_model_new(struct kunit *test, int nr_pages,
				       int start_offset, int end_offset)
{
	struct chunk_priv *priv = test->priv;
	struct chunk_ctx *ctx;
	int nr_bits = nr_pages * XPCPU_BITS_PER_BLOCK;

	KUNIT_ASSERT_LT(test, priv->nr, MAX_CTX);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	ctx->map = kunit_kzalloc(test, nr_bits, GFP_KERNEL);
	ctx->live_bit = kunit_kcalloc(test, nr_bits, sizeof(int), GFP_KERNEL);
	ctx->live_bits = kunit_kcalloc(test, nr_bits, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->map);
	KUNIT_ASSERT_NOT_NULL(test, ctx->live_bit);
	KUNIT_ASSERT_NOT_NULL(test, ctx->live_bits);

	raw_spin_lock_init(&ctx->lock);
	ctx->chunk = xpcpu_chunk_alloc_meta(nr_pages, &ctx->lock, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->chunk);
	priv->ctx[priv->nr++] = ctx;
	if (end_offset < 0)
		end_offset = xpcpu_bit_to_off(nr_bits);
	if (start_offset || end_offset != xpcpu_bit_to_off(nr_bits))
		xpcpu_bitmap_reset(&ctx->chunk->map, start_offset, end_offset);
	model_reset(ctx);
	KUNIT_ASSERT_TRUE(test, verify(ctx));
	return ctx;
}

/* The bitmap calls, under the chunk's lock. */
static int ctx_bitmap_alloc(struct chunk_ctx *ctx, int bits, int align)
{
	int bit;

	raw_spin_lock(&ctx->lock);
	bit = xpcpu_bitmap_alloc(&ctx->chunk->map, bits, align);
	raw_spin_unlock(&ctx->lock);
	return bit;
}

static int ctx_bitmap_free(struct chunk_ctx *ctx, int bit)
{
	int bits;

	raw_spin_lock(&ctx->lock);
	bits = xpcpu_bitmap_free(&ctx->chunk->map, bit);
	raw_spin_unlock(&ctx->lock);
	return bits;
}

/* Allocate through the chunk and the model, checking both ways. */
int xpcpu_test_model_alloc(struct chunk_ctx *ctx, int bits, int align)
{
	struct kunit *test = ctx->test;
	int want, got;

	if (!verify_before(ctx))
		return -EIO;
	want = model_fit(ctx, bits, align);
	got = ctx_bitmap_alloc(ctx, bits, align);
	ctx->verified = false;
	KUNIT_EXPECT_EQ_MSG(test, got, want,
			    "alloc_area(%d bits, align %d): model's first fit %d",
			    bits, align, want);
	if (got != want)
		return -EIO;
	if (got >= 0) {
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(got, align),
				      "bit %d, align %d", got, align);
		memset(ctx->map + got, M_USED, bits);
		ctx->live_bit[ctx->nr_live] = got;
		ctx->live_bits[ctx->nr_live++] = bits;
	}
	if (!verify(ctx))
		return -EIO;
	return got;
}

/* Free the model's live area @idx; it moves the last one into @idx. */
bool xpcpu_test_model_free_idx(struct chunk_ctx *ctx, int idx)
{
	struct kunit *test = ctx->test;
	int bit = ctx->live_bit[idx], bits = ctx->live_bits[idx];
	int got;

	if (!verify_before(ctx))
		return false;
	got = ctx_bitmap_free(ctx, bit);
	ctx->verified = false;
	KUNIT_EXPECT_EQ_MSG(test, got, bits, "free_area(%d)", bit);
	memset(ctx->map + bit, M_FREE, bits);
	ctx->live_bit[idx] = ctx->live_bit[--ctx->nr_live];
	ctx->live_bits[idx] = ctx->live_bits[ctx->nr_live];
	return verify(ctx) && got == bits;
}

bool xpcpu_test_model_free_bit(struct chunk_ctx *ctx, int bit)
{
	int idx = model_find(ctx, bit);

	KUNIT_EXPECT_GE_MSG(ctx->test, idx, 0, "bit %d is no live area", bit);
	return idx >= 0 && ctx_free_idx(ctx, idx);
}

static void snap_take(struct kunit *test, struct xpcpu_chunk *c,
		      struct chunk_snap *s)
{
	s->alloc_map = kunit_kmalloc(test, BITS_TO_LONGS(c->map.nr_bits) *
				     sizeof(long), GFP_KERNEL);
	s->bound_map = kunit_kmalloc(test, BITS_TO_LONGS(c->map.nr_bits + 1) *
				     sizeof(long), GFP_KERNEL);
	s->md = kunit_kmalloc_array(test, c->map.nr_blocks, sizeof(*s->md),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->alloc_map);
	KUNIT_ASSERT_NOT_NULL(test, s->bound_map);
	KUNIT_ASSERT_NOT_NULL(test, s->md);
	bitmap_copy(s->alloc_map, c->map.alloc_map, c->map.nr_bits);
	bitmap_copy(s->bound_map, c->map.bound_map, c->map.nr_bits + 1);
	memcpy(s->md, c->map.md_blocks, c->map.nr_blocks * sizeof(*s->md));
	s->chunk_md = c->map.chunk_md;
	s->free_bytes = c->map.free_bytes;
	s->nr_alloc = c->map.nr_alloc;
}

static bool snap_same(struct xpcpu_chunk *c, const struct chunk_snap *s)
{
	return bitmap_equal(s->alloc_map, c->map.alloc_map, c->map.nr_bits) &&
	       bitmap_equal(s->bound_map, c->map.bound_map, c->map.nr_bits + 1) &&
	       !memcmp(s->md, c->map.md_blocks, c->map.nr_blocks * sizeof(*s->md)) &&
	       !memcmp(&s->chunk_md, &c->map.chunk_md, sizeof(s->chunk_md)) &&
	       s->free_bytes == c->map.free_bytes && s->nr_alloc == c->map.nr_alloc;
}

/* free_area(@bit) must fail with -EINVAL and change nothing. */
void xpcpu_test_model_expect_free_rejected(struct chunk_ctx *ctx, int bit)
{
	struct kunit *test = ctx->test;
	struct chunk_snap s;

	snap_take(test, ctx->chunk, &s);
	KUNIT_EXPECT_EQ_MSG(test, ctx_bitmap_free(ctx, bit),
			    -EINVAL, "free_area(%d)", bit);
	KUNIT_EXPECT_TRUE_MSG(test, snap_same(ctx->chunk, &s),
			      "free_area(%d) changed the chunk", bit);
	ctx->verified = false;
	verify(ctx);
	kunit_kfree(test, s.alloc_map);
	kunit_kfree(test, s.bound_map);
	kunit_kfree(test, s.md);
}

/* ---- the suite's init and exit ------------------------------------- */

/**
 * xpcpu_test_model_init() - the suite's init: test->priv for the chunks
 * @test: the case
 *
 * Return: 0 or -ENOMEM.
 */
int xpcpu_test_model_init(struct kunit *test)
{
	struct chunk_priv *priv = kunit_kzalloc(test, sizeof(*priv),
						GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	test->priv = priv;
	return 0;
}

/**
 * xpcpu_test_model_exit() - the suite's exit: free the case's chunks
 * @test: the case
 */
void xpcpu_test_model_exit(struct kunit *test)
{
	struct chunk_priv *priv = test->priv;
	int i;

	for (i = 0; i < priv->nr; i++)
		xpcpu_chunk_free_meta(priv->ctx[i]->chunk);
}
