/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bitmap allocator of one chunk (pcpu_bitmap.c): the allocation state
 * of a unit's address range and the free-space hints that speed up its
 * searches.  It knows nothing of pages, mappings, CPUs or modules, so the
 * same file also builds in userspace (tests/fuzz/) against shim headers.
 */
#ifndef _XPCPU_BITMAP_H
#define _XPCPU_BITMAP_H

#include <asm/barrier.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

/* One bitmap bit stands for this many bytes. */
#define XPCPU_MIN_ALLOC_SHIFT	2
/* A block is one page: the unit of hint metadata. */
#define XPCPU_BITS_PER_BLOCK	(PAGE_SIZE >> XPCPU_MIN_ALLOC_SHIFT)

/*
 * struct xpcpu_block_md - free-space hints of one block, or of a whole map
 *
 * All offsets are in bits, relative to the start of the block (or map).
 * Exact tie rules, which the KUnit checker and the fuzzer recompute by
 * brute force: contig_hint_start is the first free run of the longest
 * length; scan_hint is the longest free run that starts before
 * contig_hint_start (0 if none) and scan_hint_start the last run of that
 * length there.
 */
struct xpcpu_block_md {
	int scan_hint;			/* longest free run before contig */
	int scan_hint_start;		/* its start */
	int contig_hint;		/* longest free run */
	int contig_hint_start;		/* its first start */
	int left_free;			/* free bits from the start */
	int right_free;			/* free bits up to the end */
	int first_free;			/* first free bit, nr_bits if none */
	int nr_bits;			/* bits covered */
};

/*
 * struct xpcpu_bitmap - allocation state of one unit's address range
 *
 * alloc_map has a bit per 4 bytes, set when in use; bound_map has a bit
 * set at the start of every area and at the end of the last one (nr_bits
 * + 1 bits).  Bits [0, start_offset / 4) and [end_offset / 4, nr_bits)
 * are hidden: marked in use as one area each, never handed out, never
 * freed.  Every change happens under *lock.
 */
struct xpcpu_bitmap {
	unsigned long *alloc_map;	/* in use, one bit per 4 bytes */
	unsigned long *bound_map;	/* area boundaries, nr_bits + 1 */
	struct xpcpu_block_md *md_blocks; /* hints, one per block */
	struct xpcpu_block_md chunk_md;	/* hints over the whole map */
	raw_spinlock_t *lock;		/* held around every change */
	int nr_bits;			/* bits in the map */
	int nr_blocks;			/* blocks (pages) in the map */
	int start_offset;		/* bytes hidden at the start */
	int end_offset;			/* bytes usable up to here */
	int free_bytes;			/* free bytes in [start, end) */
	int nr_alloc;			/* areas in use, hidden ones excluded */
};

/* Conversions: bytes, bits and blocks. */
static inline int xpcpu_off_to_bit(int off)
{
	return off >> XPCPU_MIN_ALLOC_SHIFT;
}

static inline int xpcpu_bit_to_off(int bit)
{
	return bit << XPCPU_MIN_ALLOC_SHIFT;
}

static inline int xpcpu_bit_to_block(int bit)
{
	return bit / XPCPU_BITS_PER_BLOCK;
}

static inline int xpcpu_block_to_bit(int block)
{
	return block * XPCPU_BITS_PER_BLOCK;
}

static inline int xpcpu_bit_in_block(int bit)
{
	return bit & (XPCPU_BITS_PER_BLOCK - 1);
}

/**
 * xpcpu_bitmap_small_area_bits() - size of a small live area at @bit
 * @map: the bitmap
 * @bit: the area's first bit
 *
 * Like xpcpu_bitmap_area_bits() for areas of at most BITS_PER_LONG bits,
 * and cheaper: the end is found in one word-sized window of bound_map.
 * Each word is read once, so it may run without map->lock: a live area's
 * bits do not change until it is freed.
 *
 * Return: the size in bits; 0 if a live area longer than BITS_PER_LONG
 * bits starts at @bit; -EINVAL if no live area starts there.
 */
static inline int xpcpu_bitmap_small_area_bits(const struct xpcpu_bitmap *map,
					       int bit)
{
	const unsigned long *bound = map->bound_map;
	unsigned int next = bit + 1, shift = next % BITS_PER_LONG;
	unsigned long window;

	if (bit < xpcpu_off_to_bit(map->start_offset) ||
	    bit >= xpcpu_off_to_bit(map->end_offset))
		return -EINVAL;
	if (!test_bit(bit, map->alloc_map))
		return -EINVAL;
	/*
	 * Pairs with the smp_wmb() in xpcpu_bitmap_take(): the bounds read
	 * below are at least as new as the alloc bit just read.
	 */
	smp_rmb();
	if (!test_bit(bit, bound))
		return -EINVAL;
	window = READ_ONCE(bound[BIT_WORD(next)]) >> shift;
	if (shift && BIT_WORD(next) + 1 < BITS_TO_LONGS(map->nr_bits + 1))
		window |= READ_ONCE(bound[BIT_WORD(next) + 1]) <<
			  (BITS_PER_LONG - shift);
	return window ? __ffs(window) + 1 : 0;
}

/*
 * A test's view of xpcpu_bitmap_take() between publishing the new bounds
 * and the alloc bits (KUnit builds only; nothing in a shipped module).
 */
#ifdef CONFIG_XPCPU_KUNIT_TEST
extern void (*xpcpu_bitmap_take_test_hook)(const struct xpcpu_bitmap *map,
					   int bit, int end);

static inline void xpcpu_bitmap_take_hook(const struct xpcpu_bitmap *map,
					  int bit, int end)
{
	if (xpcpu_bitmap_take_test_hook)
		xpcpu_bitmap_take_test_hook(map, bit, end);
}
#else
static inline void xpcpu_bitmap_take_hook(const struct xpcpu_bitmap *map,
					  int bit, int end)
{
}
#endif

int xpcpu_bitmap_init(struct xpcpu_bitmap *map, int nr_pages,
		      raw_spinlock_t *lock, gfp_t gfp);
void xpcpu_bitmap_destroy(struct xpcpu_bitmap *map);
void xpcpu_bitmap_reset(struct xpcpu_bitmap *map, int start_offset,
			int end_offset);
int xpcpu_bitmap_find_fit(const struct xpcpu_bitmap *map, int bits,
			  int align_bits);
int xpcpu_bitmap_alloc(struct xpcpu_bitmap *map, int bits, int align_bits);
int xpcpu_bitmap_alloc_run(struct xpcpu_bitmap *map, int bits, int align_bits,
			   int nr);
int xpcpu_bitmap_free(struct xpcpu_bitmap *map, int bit);
int xpcpu_bitmap_free_run(struct xpcpu_bitmap *map, int bit, int bits, int nr);
int xpcpu_bitmap_area_bits(const struct xpcpu_bitmap *map, int bit);
void xpcpu_block_scan(const unsigned long *map, int start, int nr_bits,
		      struct xpcpu_block_md *md);

#endif /* _XPCPU_BITMAP_H */
