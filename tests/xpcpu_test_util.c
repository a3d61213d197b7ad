// SPDX-License-Identifier: GPL-2.0
/*
 * The invariant checkers of the xpcpu KUnit suites.  check_chunk() walks a
 * chunk's bitmaps bit by bit (test_bit() only, never xpcpu_block_scan())
 * and compares what it finds with every block hint, the chunk hint,
 * free_bytes, nr_alloc and the hidden edges; check_slots() does that for
 * every chunk on the slot lists and checks the lists and the global
 * counters against them.  Both only print (kunit_err()), so they can run
 * under the pool lock; the caller turns the returned count into an EXPECT.
 */
#include <kunit/test.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/spinlock.h>

#include "xpcpu_hint_oracle.h"
#include "xpcpu_test_util.h"

static ulong test_seed;
module_param(test_seed, ulong, 0444);
MODULE_PARM_DESC(test_seed, "Seed of the xpcpu KUnit random tests (0: random, logged)");

/* At most this many mismatches are printed per check. */
#define XPCPU_TEST_MAX_REPORTS	8

struct xpcpu_test_report {
	struct kunit *test;			/* where to print */
	const struct xpcpu_chunk *chunk;	/* what is checked */
	int errs;				/* mismatches found */
};

#define report(r, fmt, ...)						\
do {									\
	if ((r)->errs++ < XPCPU_TEST_MAX_REPORTS)			\
		kunit_err((r)->test, "check_chunk: chunk %d: " fmt,	\
			  (r)->chunk->id, ##__VA_ARGS__);		\
} while (0)

/* A bit of a kernel bitmap, for xpcpu_hint_oracle(). */
static bool map_bit_free(const void *map, int bit)
{
	return !test_bit(bit, map);
}

/**
 * xpcpu_test_brute_md() - the hints of a bitmap range, by brute force
 * @map: the bitmap
 * @start: first bit of the range
 * @nr_bits: its length
 * @md: the result, offsets relative to @start
 *
 * xpcpu_hint_oracle() (xpcpu_hint_oracle.h, shared with the fuzzer) on
 * @map's bits: see there for the tie rules.
 */
void xpcpu_test_brute_md(const unsigned long *map, int start, int nr_bits,
			 struct xpcpu_block_md *md)
{
	xpcpu_hint_oracle(map_bit_free, map, start, nr_bits, md);
}

static void cmp_field(struct xpcpu_test_report *r, const char *what, int idx,
		      const char *field, int got, int want)
{
	if (got != want)
		report(r, "%s %d: %s is %d, brute force says %d", what, idx,
		       field, got, want);
}

static void cmp_md(struct xpcpu_test_report *r, const char *what, int idx,
		   const struct xpcpu_block_md *got,
		   const struct xpcpu_block_md *want, bool with_scan)
{
	cmp_field(r, what, idx, "contig_hint", got->contig_hint,
		  want->contig_hint);
	cmp_field(r, what, idx, "contig_hint_start", got->contig_hint_start,
		  want->contig_hint_start);
	cmp_field(r, what, idx, "left_free", got->left_free, want->left_free);
	cmp_field(r, what, idx, "right_free", got->right_free,
		  want->right_free);
	cmp_field(r, what, idx, "first_free", got->first_free,
		  want->first_free);
	cmp_field(r, what, idx, "nr_bits", got->nr_bits, want->nr_bits);
	if (!with_scan)
		return;
	cmp_field(r, what, idx, "scan_hint", got->scan_hint, want->scan_hint);
	cmp_field(r, what, idx, "scan_hint_start", got->scan_hint_start,
		  want->scan_hint_start);
}

static void check_geometry(struct xpcpu_test_report *r)
{
	const struct xpcpu_chunk *c = r->chunk;

	if (c->map.nr_blocks != c->nr_pages ||
	    c->map.nr_bits != c->nr_pages * XPCPU_BITS_PER_BLOCK)
		report(r, "geometry: %d pages, %d blocks, %d bits",
		       c->nr_pages, c->map.nr_blocks, c->map.nr_bits);
	if (c->map.start_offset < 0 || c->map.start_offset > c->map.end_offset ||
	    c->map.end_offset > xpcpu_bit_to_off(c->map.nr_bits) ||
	    !IS_ALIGNED(c->map.start_offset, XPCPU_MIN_ALLOC_SIZE) ||
	    !IS_ALIGNED(c->map.end_offset, XPCPU_MIN_ALLOC_SIZE))
		report(r, "edges: start_offset %d end_offset %d of %d bytes",
		       c->map.start_offset, c->map.end_offset,
		       xpcpu_bit_to_off(c->map.nr_bits));
}

/* The hidden edges are in use; everything in between is areas or free. */
static void check_areas(struct xpcpu_test_report *r)
{
	const struct xpcpu_chunk *c = r->chunk;
	int sb = xpcpu_off_to_bit(c->map.start_offset);
	int eb = xpcpu_off_to_bit(c->map.end_offset);
	int bit, nr_free = 0, nr_areas = 0;

	for (bit = 0; bit < sb; bit++)
		if (!test_bit(bit, c->map.alloc_map)) {
			report(r, "hidden start bit %d is free", bit);
			break;
		}
	for (bit = eb; bit < c->map.nr_bits; bit++)
		if (!test_bit(bit, c->map.alloc_map)) {
			report(r, "hidden end bit %d is free", bit);
			break;
		}
	if (!test_bit(c->map.nr_bits, c->map.bound_map))
		report(r, "bound_map bit nr_bits (%d) is clear", c->map.nr_bits);

	for (bit = sb; bit < eb; ) {
		int end;

		if (!test_bit(bit, c->map.alloc_map)) {
			nr_free++;
			bit++;
			continue;
		}
		if (!test_bit(bit, c->map.bound_map)) {
			report(r, "bit %d in use but in no area", bit);
			bit++;
			continue;
		}
		/* An area: in use up to the next bound, which is <= eb. */
		for (end = bit + 1; end <= c->map.nr_bits &&
		     !test_bit(end, c->map.bound_map); end++)
			;
		if (end > eb)
			report(r, "area at bit %d ends at %d, past the end %d",
			       bit, end, eb);
		for (; bit < min(end, eb); bit++)
			if (!test_bit(bit, c->map.alloc_map)) {
				report(r, "bit %d inside an area is free", bit);
				break;
			}
		bit = min(end, eb);
		nr_areas++;
	}
	if (c->map.free_bytes != xpcpu_bit_to_off(nr_free))
		report(r, "free_bytes is %d, the bitmap has %d free",
		       c->map.free_bytes, xpcpu_bit_to_off(nr_free));
	if (c->map.nr_alloc != nr_areas)
		report(r, "nr_alloc is %d, the bitmaps hold %d areas",
		       c->map.nr_alloc, nr_areas);
}

/**
 * xpcpu_test_check_chunk() - see check_chunk()
 * @test: where mismatches are reported
 * @chunk: the chunk
 *
 * Return: the number of mismatches.
 */
int xpcpu_test_check_chunk(struct kunit *test, const struct xpcpu_chunk *chunk)
{
	struct xpcpu_test_report r = { .test = test, .chunk = chunk };
	struct xpcpu_block_md want;
	int i;

	check_geometry(&r);
	if (r.errs)
		return r.errs;
	for (i = 0; i < chunk->map.nr_blocks; i++) {
		xpcpu_test_brute_md(chunk->map.alloc_map, xpcpu_block_to_bit(i),
				    XPCPU_BITS_PER_BLOCK, &want);
		cmp_md(&r, "block", i, &chunk->map.md_blocks[i], &want, true);
	}
	/* The chunk hint: no scan hint is kept at that level. */
	xpcpu_test_brute_md(chunk->map.alloc_map, 0, chunk->map.nr_bits, &want);
	cmp_md(&r, "chunk hint of", chunk->id, &chunk->map.chunk_md, &want, false);
	check_areas(&r);
	return r.errs;
}

/**
 * xpcpu_test_check_slots() - see check_slots()
 * @test: where mismatches are reported
 *
 * Context: process context; takes xpcpu_pool.lock.
 * Return: the number of mismatches.
 */
int xpcpu_test_check_slots(struct kunit *test)
{
	struct xpcpu_chunk *chunk;
	u64 nr_chunks = 0, nr_areas = 0, nr_empty = 0, nr_first = 0;
	u64 nr_claimed = 0;
	struct xpcpu_pool_stats ps;
	struct xpcpu_stats st;
	unsigned long flags;
	int slot, len, errs = 0;

	/* Areas are live or cached: only exact while nothing runs. */
	xpcpu_get_stats(&st);
	raw_spin_lock_irqsave(&xpcpu_pool.lock, flags);
	for (slot = 0; slot < xpcpu_pool.nr_slots; slot++) {
		len = 0;
		list_for_each_entry(chunk, &xpcpu_pool.slots[slot], list)
			len++;
		if (len != xpcpu_pool.slot_len[slot]) {
			kunit_err(test, "check_slots: slot %d holds %d chunks, slot_len says %d",
				  slot, len, xpcpu_pool.slot_len[slot]);
			errs++;
		}
		list_for_each_entry(chunk, &xpcpu_pool.slots[slot], list) {
			nr_chunks++;
			if (chunk->slot != slot ||
			    xpcpu_chunk_slot(chunk) != slot) {
				kunit_err(test, "check_slots: chunk %d on slot %d, chunk->slot %d, xpcpu_chunk_slot() %d",
					  chunk->id, slot, chunk->slot,
					  xpcpu_chunk_slot(chunk));
				errs++;
			}
			if (chunk->is_reserved) {
				kunit_err(test, "check_slots: reserved chunk on slot %d",
					  slot);
				errs++;
			}
			errs += xpcpu_test_check_chunk(test, chunk);
			nr_areas += chunk->map.nr_alloc;
			nr_claimed += bitmap_weight(chunk->cached_map,
						    chunk->map.nr_bits);
			nr_first += chunk->is_first;
			if (!chunk->is_first && !chunk->map.nr_alloc)
				nr_empty++;
		}
	}
	errs += xpcpu_test_check_chunk(test, xpcpu_pool.reserved);
	ps = xpcpu_pool.stats;
	raw_spin_unlock_irqrestore(&xpcpu_pool.lock, flags);

	if (nr_first != 1 || nr_chunks != ps.nr_chunks ||
	    nr_areas != ps.nr_areas || nr_empty != ps.nr_empty_chunks) {
		kunit_err(test, "check_slots: lists hold %llu chunks (%llu first, %llu empty) with %llu areas; pool stats say %llu chunks, %llu empty, %llu areas",
			  nr_chunks, nr_first, nr_empty, nr_areas,
			  ps.nr_chunks, ps.nr_empty_chunks, ps.nr_areas);
		errs++;
	}
	if (nr_areas != st.nr_cur_alloc + st.nr_cached) {
		kunit_err(test, "check_slots: %llu areas taken, but %llu live and %llu cached",
			  nr_areas, st.nr_cur_alloc, st.nr_cached);
		errs++;
	}
	/* Every cached area is claimed, and only those. */
	if (nr_claimed != st.nr_cached) {
		kunit_err(test, "check_slots: %llu areas claimed in cached_map, %llu cached",
			  nr_claimed, st.nr_cached);
		errs++;
	}
	return errs;
}

/**
 * xpcpu_test_seed() - the seed of this run's random tests
 *
 * Return: xpcpu.test_seed if set, else one random seed for the whole run.
 */
u64 xpcpu_test_seed(void)
{
	static u64 seed;

	if (!READ_ONCE(seed))
		WRITE_ONCE(seed, test_seed ? test_seed : (get_random_u64() | 1));
	return READ_ONCE(seed);
}

/**
 * xpcpu_test_log_seed() - log the seed from a suite_init
 * @suite: the suite
 */
void xpcpu_test_log_seed(struct kunit_suite *suite)
{
	u64 seed = xpcpu_test_seed();

	kunit_log(KERN_INFO, suite, KUNIT_SUBTEST_INDENT
		  "# %s: random seed %llu (replay: xpcpu.test_seed=%llu)",
		  suite->name, seed, seed);
}
