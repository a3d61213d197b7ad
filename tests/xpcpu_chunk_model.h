/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model that the suite "xpcpu_chunk" (xpcpu_chunk_test.c)
 * runs the bitmap allocator against (xpcpu_chunk_model.c): a private
 * chunk, its model, and the checked mutations and their short names that
 * the cases call; the suite's init and exit free the case's chunks
 * whatever happened.
 */
#ifndef _XPCPU_CHUNK_MODEL_H
#define _XPCPU_CHUNK_MODEL_H

#include <kunit/test.h>

#include "xpcpu_test_util.h"

/*
 * struct chunk_ctx - a private chunk and its reference model
 */
struct chunk_ctx {
	struct kunit *test;		/* the case */
	struct xpcpu_chunk *chunk;	/* the chunk under test */
	raw_spinlock_t lock;		/* held around changes of chunk */
	u8 *map;			/* model: M_* per bit */
	int *live_bit;			/* model: live areas' first bits */
	int *live_bits;			/* model: their sizes */
	int nr_live;			/* model: live areas */
	bool verified;			/* checked since the last change */
};

int xpcpu_test_model_init(struct kunit *test);
void xpcpu_test_model_exit(struct kunit *test);
struct chunk_ctx *xpcpu_test_model_new(struct kunit *test, int nr_pages,
				       int start_offset, int end_offset);
int xpcpu_test_model_fit(struct chunk_ctx *ctx, int bits, int align);
int xpcpu_test_model_find(struct chunk_ctx *ctx, int bit);
bool xpcpu_test_model_verify(struct chunk_ctx *ctx);
int xpcpu_test_model_alloc(struct chunk_ctx *ctx, int bits, int align);
bool xpcpu_test_model_free_idx(struct chunk_ctx *ctx, int idx);
bool xpcpu_test_model_free_bit(struct chunk_ctx *ctx, int bit);
void xpcpu_test_model_expect_free_rejected(struct chunk_ctx *ctx, int bit);

/*
 * A private chunk of @nr_pages pages, bits outside [@start_offset,
 * @end_offset) hidden (@end_offset -1: the end), and its model.
 */
static inline struct chunk_ctx *ctx_new(struct kunit *test, int nr_pages,
					int start_offset, int end_offset)
{
	return xpcpu_test_model_new(test, nr_pages, start_offset, end_offset);
}

/* The model's first fit: the bit, or -ENOSPC. */
static inline int model_fit(struct chunk_ctx *ctx, int bits, int align)
{
	return xpcpu_test_model_fit(ctx, bits, align);
}

/* The model's live area starting at @bit: its index, or -1. */
static inline int model_find(struct chunk_ctx *ctx, int bit)
{
	return xpcpu_test_model_find(ctx, bit);
}

/* check_chunk() and the chunk against the model. */
static inline bool verify(struct chunk_ctx *ctx)
{
	return xpcpu_test_model_verify(ctx);
}

/* Allocate through the chunk and the model: the bit, -ENOSPC or -EIO. */
static inline int ctx_alloc(struct chunk_ctx *ctx, int bits, int align)
{
	return xpcpu_test_model_alloc(ctx, bits, align);
}

/* Free the model's live area @idx; it moves the last one into @idx. */
static inline bool ctx_free_idx(struct chunk_ctx *ctx, int idx)
{
	return xpcpu_test_model_free_idx(ctx, idx);
}

/* Free the live area that starts at @bit. */
static inline bool ctx_free_bit(struct chunk_ctx *ctx, int bit)
{
	return xpcpu_test_model_free_bit(ctx, bit);
}

/* free_area(@bit) must fail with -EINVAL and change nothing. */
static inline void expect_free_rejected(struct chunk_ctx *ctx, int bit)
{
	xpcpu_test_model_expect_free_rejected(ctx, bit);
}

#endif /* _XPCPU_CHUNK_MODEL_H */
