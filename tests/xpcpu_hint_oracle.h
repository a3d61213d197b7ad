/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The brute-force hint oracle: the hints of a range of bits recomputed bit
 * by bit, with the tie rules of struct xpcpu_block_md read literally.  One
 * copy for the KUnit checkers (xpcpu_test_util.c, over a chunk's
 * alloc_map) and the userspace fuzzer (fuzz/xpcpu_bitmap_fuzz.c, over its
 * model, through its shim headers); each says how to read a bit.
 * Header-only so that both builds include it; include it where memset()
 * is declared.
 */
#ifndef _XPCPU_HINT_ORACLE_H
#define _XPCPU_HINT_ORACLE_H

#include <xpcpu_bitmap.h>

/* The fuzzer keeps its coverage hooks out of the oracle (FZ_NO_COVERAGE). */
#ifndef XPCPU_HINT_ORACLE_ATTR
#define XPCPU_HINT_ORACLE_ATTR
#endif

/*
 * Is bit @bit free?  @ctx is whatever the caller passed to
 * xpcpu_hint_oracle() (a bitmap, or nothing).
 */
typedef bool (*xpcpu_hint_oracle_free_fn)(const void *ctx, int bit);

/*
 * The next run of free bits from bit @start + *@pos on, ending at @end
 * (relative to @start) at the latest: its start goes to @rs and *@pos
 * past its end.  Return: its length, 0 when no free bit is left.
 */
static inline XPCPU_HINT_ORACLE_ATTR int
xpcpu_hint_oracle_run(xpcpu_hint_oracle_free_fn bit_free, const void *ctx,
		      int start, int end, int *pos, int *rs)
{
	int i = *pos;

	while (i < end && !bit_free(ctx, start + i))
		i++;
	*rs = i;
	while (i < end && bit_free(ctx, start + i))
		i++;
	*pos = i;
	return i - *rs;
}

/**
 * xpcpu_hint_oracle() - the hints of a range of bits, by brute force
 * @bit_free: reads one bit
 * @ctx: passed to @bit_free
 * @start: first bit of the range
 * @nr_bits: its length
 * @md: the result, offsets relative to @start
 *
 * Follows the tie rules of struct xpcpu_block_md literally: contig_hint is
 * the longest free run and contig_hint_start the first run of that length;
 * scan_hint is the longest run starting before contig_hint_start and
 * scan_hint_start the last run of that length there.  Without free bits
 * every hint is 0 and first_free is @nr_bits.
 */
static inline XPCPU_HINT_ORACLE_ATTR void
xpcpu_hint_oracle(xpcpu_hint_oracle_free_fn bit_free, const void *ctx,
		  int start, int nr_bits, struct xpcpu_block_md *md)
{
	int pos, rs, len;

	memset(md, 0, sizeof(*md));
	md->nr_bits = nr_bits;
	md->first_free = nr_bits;

	/* Pass 1: every free run; the longest, the edges, the first. */
	pos = 0;
	while ((len = xpcpu_hint_oracle_run(bit_free, ctx, start, nr_bits,
					    &pos, &rs))) {
		if (md->first_free == nr_bits)
			md->first_free = rs;
		if (rs == 0)
			md->left_free = len;
		if (rs + len == nr_bits)
			md->right_free = len;
		if (len > md->contig_hint) {
			md->contig_hint = len;
			md->contig_hint_start = rs;
		}
	}

	/* Pass 2: the runs before the contig hint; the last longest wins. */
	pos = 0;
	while ((len = xpcpu_hint_oracle_run(bit_free, ctx, start,
					    md->contig_hint_start, &pos,
					    &rs))) {
		if (len >= md->scan_hint) {
			md->scan_hint = len;
			md->scan_hint_start = rs;
		}
	}
}

#endif /* _XPCPU_HINT_ORACLE_H */
