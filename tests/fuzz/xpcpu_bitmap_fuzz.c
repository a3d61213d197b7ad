// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz target of the bitmap allocator of one chunk: pcpu_bitmap.c,
 * included unchanged and built against the shim headers beside this file
 * (as tools/testing/radix-tree builds lib/radix-tree.c), driven by a
 * sequence of operations decoded from the input bytes and checked after
 * every step against a model that keeps one byte per 4 bytes of the map
 * and the list of live areas.
 *
 * Input: byte 0 picks the pages (1..16) and whether one of the
 * allocations of xpcpu_bitmap_init() fails; then the hidden edges; then
 * operations, one opcode byte each followed by its arguments (see
 * fz_run()).  Reading past the end yields zeros, and the run ends there.
 *
 * Checked after every step: alloc_map equals the model bit for bit (no
 * overlap, nothing handed out of the hidden edges), bound_map marks
 * every area's start and end, every block hint (scan hints included) and
 * the map hint (no scan hint there) equal a brute-force recomputation
 * from the model with the tie rules of struct xpcpu_block_md,
 * free_bytes and nr_alloc equal the model's, and area_bits() /
 * small_area_bits() agree with the model at every area edge that changed
 * (see check_all() for what is incremental).  Every allocation must
 * return exactly the model's first fit (lowest aligned bit).  Bad frees
 * must return -EINVAL and change nothing.  A mismatch prints what and
 * aborts, so libFuzzer keeps the input.
 *
 * XPCPU_FUZZ_TRACE=1 prints every operation; XPCPU_FUZZ_FULL=1 makes
 * every check bit by bit after every step (make replay sets it).
 */
#include "../../pcpu_bitmap.c"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpcpu_bitmap_fuzz.h"

#define FZ_MAX_PAGES	16
#define FZ_MAX_BITS	(FZ_MAX_PAGES * XPCPU_BITS_PER_BLOCK)
#define FZ_MAX_WORDS	BITS_TO_LONGS(FZ_MAX_BITS + 1)
#define FZ_MAX_OPS	256
#define FZ_MAX_REPEAT	64	/* allocations of one fill, frees of one sweep */
#define FZ_NR_FREED	16	/* recently freed starts kept for double frees */

/*
 * The model and the checks loop over every bit: keep libFuzzer's coverage
 * and comparison hooks out of them (they guide nothing, and cost most of
 * the time); ASan and UBSan stay.
 */
#ifdef __clang__
#define FZ_NO_COVERAGE	__attribute__((no_sanitize("coverage")))
#else
#define FZ_NO_COVERAGE
#endif

/* The brute-force hints, one copy with the KUnit checkers. */
#define XPCPU_HINT_ORACLE_ATTR	FZ_NO_COVERAGE
#include "../xpcpu_hint_oracle.h"

int xpcpu_shim_fail_nth;
int xpcpu_shim_nr_live;
int xpcpu_shim_nr_warnings;

enum fz_state {
	FZ_FREE,
	FZ_HIDDEN,
	FZ_LIVE,
};

struct fz_area {
	int start;			/* first bit */
	int bits;			/* size in bits */
};

/* What the map should hold. */
struct fz_model {
	int nr_pages;			/* pages of the map */
	int nr_bits;			/* bits of the map */
	int sb;				/* first bit past the hidden start */
	int eb;				/* first bit of the hidden end */
	int free_bits;			/* free bits in [sb, eb) */
	int nr_areas;			/* live areas */
	u8 state[FZ_MAX_BITS];		/* enum fz_state of every bit */
	u8 is_start[FZ_MAX_BITS + 1];	/* an area (live or hidden) starts */
	unsigned long used_w[FZ_MAX_WORDS]; /* state != FZ_FREE, as bits */
	unsigned long start_w[FZ_MAX_WORDS]; /* is_start, as bits */
	unsigned int dirty;		/* blocks changed since the last check */
	int chg_lo, chg_hi;		/* bits changed since then: [lo, hi] */
	struct xpcpu_block_md want[FZ_MAX_PAGES]; /* block hints of the model */
	int area_at[FZ_MAX_BITS];	/* 1 + index in areas[] of a live start */
	struct fz_area areas[FZ_MAX_BITS]; /* live areas, any order */
	int freed[FZ_NR_FREED];		/* recently freed starts */
	int nr_freed;			/* how many were ever recorded */
};

/* A copy of everything a failed call must leave alone. */
struct fz_snap {
	struct xpcpu_bitmap map;	/* the struct itself */
	unsigned long alloc[FZ_MAX_WORDS]; /* alloc_map */
	unsigned long bound[FZ_MAX_WORDS]; /* bound_map */
	struct xpcpu_block_md md[FZ_MAX_PAGES]; /* block hints */
};

struct fz_in {
	const u8 *p;			/* next byte */
	size_t n;			/* bytes left */
};

static struct fz_model m;
static struct fz_snap snap;
static struct xpcpu_bitmap map;
static raw_spinlock_t map_lock;
static int fz_step;			/* operations done on this input */
static const char *fz_op = "init";	/* the current one */
static bool fz_trace;
static bool fz_full;			/* every check bit by bit, every step */
static bool fz_env_read;		/* fz_trace and fz_full are set */

static void __printf(1, 2) __noreturn fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xpcpu fuzz: FAILED at step %d (%s), %d pages, hidden [0, %d) and [%d, %d) bits, %d live areas: ",
		fz_step, fz_op, m.nr_pages, m.sb, m.eb, m.nr_bits, m.nr_areas);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void __printf(1, 2) fz_log(const char *fmt, ...)
{
	va_list ap;

	if (!fz_trace)
		return;
	fprintf(stderr, "[%d] ", fz_step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static unsigned int fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned int fz_u16(struct fz_in *in)
{
	unsigned int lo = fz_u8(in);

	return lo | fz_u8(in) << 8;
}

/* Hidden bits at one edge: none, a few, anywhere, or near a block edge. */
static int fz_edge(struct fz_in *in, int nr_bits)
{
	unsigned int e = fz_u8(in);
	int h;

	switch (e >> 6) {
	case 0:
		return 0;
	case 1:
		h = e & 63;
		break;
	case 2:
		h = fz_u16(in) % (nr_bits + 1);
		break;
	default:
		h = XPCPU_BITS_PER_BLOCK * ((e >> 3) & 7) + (int)(e & 7) - 4;
		break;
	}
	return h < 0 ? 0 : min(h, nr_bits);
}

/* A size in bits: up to 256 bytes, 4 KiB, 64 KiB, or 256-byte steps. */
static int fz_size(struct fz_in *in)
{
	unsigned int v = fz_u16(in);

	switch (v >> 14) {
	case 0:
		return 1 + (v & 63);
	case 1:
		return 1 + (v & 1023);
	case 2:
		return 1 + (v & 16383);
	default:
		return 64 * (1 + (v & 255));
	}
}

/* An alignment in bits, a power of two from 4 bytes to PAGE_SIZE. */
static int fz_align(struct fz_in *in)
{
	return 1 << (fz_u8(in) % 11);
}

/* ---- The model ---- */

/* The model's own bit helper: nothing shared with the shims. */
static FZ_NO_COVERAGE void model_set_bits(unsigned long *w, int start, int bits, bool on)
{
	int i = start, end = start + bits;

	while (i < end) {
		if (i % BITS_PER_LONG == 0 && end - i >= BITS_PER_LONG) {
			w[i / BITS_PER_LONG] = on ? ~0UL : 0;
			i += BITS_PER_LONG;
			continue;
		}
		if (on)
			w[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
		else
			w[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
		i++;
	}
}

/* Bits [start, start + bits] and their blocks may have changed. */
static void model_dirty(int start, int bits)
{
	int b, last = min(start + bits, m.nr_bits - 1) / XPCPU_BITS_PER_BLOCK;

	for (b = start / XPCPU_BITS_PER_BLOCK; b <= last; b++)
		m.dirty |= 1U << b;
	m.chg_lo = min(m.chg_lo, start);
	m.chg_hi = max(m.chg_hi, start + bits);
}

static void model_mark(int start, int bits, enum fz_state state)
{
	memset(&m.state[start], state, bits);
	memset(&m.is_start[start], 0, bits);
	m.is_start[start] = state != FZ_FREE;
	model_set_bits(m.used_w, start, bits, state != FZ_FREE);
	model_set_bits(m.start_w, start, bits, false);
	model_set_bits(m.start_w, start, 1, state != FZ_FREE);
	model_dirty(start, bits);
}

static void model_reset(int sb, int eb)
{
	m.sb = sb;
	m.eb = eb;
	m.free_bits = eb - sb;
	m.nr_areas = 0;
	memset(m.state, FZ_FREE, sizeof(m.state));
	memset(m.is_start, 0, sizeof(m.is_start));
	memset(m.area_at, 0, sizeof(m.area_at));
	memset(m.used_w, 0, sizeof(m.used_w));
	memset(m.start_w, 0, sizeof(m.start_w));
	if (sb > 0)
		model_mark(0, sb, FZ_HIDDEN);
	if (eb < m.nr_bits)
		model_mark(eb, m.nr_bits - eb, FZ_HIDDEN);
	m.is_start[m.nr_bits] = 1;
	model_set_bits(m.start_w, m.nr_bits, 1, true);
	m.dirty = ~0U;
	m.chg_lo = 0;
	m.chg_hi = m.nr_bits;
}

static void model_add(int start, int bits)
{
	model_mark(start, bits, FZ_LIVE);
	m.areas[m.nr_areas].start = start;
	m.areas[m.nr_areas].bits = bits;
	m.area_at[start] = ++m.nr_areas;
	m.free_bits -= bits;
}

static void model_remove(int start)
{
	int i = m.area_at[start] - 1;
	struct fz_area a = m.areas[i];

	model_mark(a.start, a.bits, FZ_FREE);
	m.area_at[a.start] = 0;
	m.areas[i] = m.areas[--m.nr_areas];
	if (i < m.nr_areas)
		m.area_at[m.areas[i].start] = i + 1;
	m.free_bits += a.bits;
	m.freed[m.nr_freed++ % FZ_NR_FREED] = a.start;
}

/* The first bit in [bit, end) that is used (@used) or free, or end. */
static FZ_NO_COVERAGE int model_next(int bit, int end, bool used)
{
	while (bit < end) {
		unsigned long w = m.used_w[bit / BITS_PER_LONG];

		w = (used ? w : ~w) >> (bit % BITS_PER_LONG);
		if (w)
			return min(bit + __builtin_ctzl(w), end);
		bit = (bit / BITS_PER_LONG + 1) * BITS_PER_LONG;
	}
	return end;
}

/* The lowest @align-aligned run of @bits free bits, or -ENOSPC. */
static FZ_NO_COVERAGE int model_first_fit(int bits, int align)
{
	int rs, re, p;

	for (rs = model_next(0, m.nr_bits, false); rs < m.nr_bits;
	     rs = model_next(re, m.nr_bits, false)) {
		re = model_next(rs, m.nr_bits, true);
		p = (rs + align - 1) & ~(align - 1);
		if (p + bits <= re)
			return p;
	}
	return -ENOSPC;
}

/*
 * model_md() by free runs instead of bits, for the checks after every
 * step; the same rules (see model_md()).
 */
static FZ_NO_COVERAGE void model_md_runs(int start, int nr_bits, struct xpcpu_block_md *md)
{
	int end = start + nr_bits, rs, re, stop;

	memset(md, 0, sizeof(*md));
	md->nr_bits = nr_bits;
	md->first_free = nr_bits;
	for (rs = model_next(start, end, false); rs < end;
	     rs = model_next(re, end, false)) {
		re = model_next(rs, end, true);
		if (md->first_free == nr_bits)
			md->first_free = rs - start;
		if (rs == start)
			md->left_free = re - rs;
		if (re == end)
			md->right_free = re - rs;
		if (re - rs > md->contig_hint) {
			md->contig_hint = re - rs;
			md->contig_hint_start = rs - start;
		}
	}
	stop = start + md->contig_hint_start;
	for (rs = model_next(start, stop, false); rs < stop;
	     rs = model_next(re, stop, false)) {
		re = model_next(rs, stop, true);
		if (re - rs >= md->scan_hint) {
			md->scan_hint = re - rs;
			md->scan_hint_start = rs - start;
		}
	}
}

static FZ_NO_COVERAGE bool model_free_bit(int bit)
{
	return m.state[bit] == FZ_FREE;
}

/* model_free_bit() as xpcpu_hint_oracle() reads a bit. */
static FZ_NO_COVERAGE bool model_oracle_bit(const void *ctx, int bit)
{
	return model_free_bit(bit);
}

/*
 * The hints of [start, start + nr_bits) by brute force from the model:
 * xpcpu_hint_oracle() of ../xpcpu_hint_oracle.h (the KUnit checkers'
 * xpcpu_test_brute_md() too), on the model's bits.
 */
static FZ_NO_COVERAGE void model_md(int start, int nr_bits, struct xpcpu_block_md *md)
{
	xpcpu_hint_oracle(model_oracle_bit, NULL, start, nr_bits, md);
}

/* ---- The checks ---- */

static FZ_NO_COVERAGE void check_md(const char *what, int idx,
		     const struct xpcpu_block_md *got,
		     const struct xpcpu_block_md *want, bool with_scan)
{
#define CMP(f)								\
	do {								\
		if (got->f != want->f)					\
			fz_fail("%s %d: " #f " is %d, brute force says %d " \
				"(contig %d@%d scan %d@%d left %d right %d first %d)", \
				what, idx, got->f, want->f,		\
				want->contig_hint, want->contig_hint_start, \
				want->scan_hint, want->scan_hint_start,	\
				want->left_free, want->right_free,	\
				want->first_free);			\
	} while (0)
	CMP(contig_hint);
	CMP(contig_hint_start);
	CMP(left_free);
	CMP(right_free);
	CMP(first_free);
	CMP(nr_bits);
	if (with_scan) {
		CMP(scan_hint);
		CMP(scan_hint_start);
	}
#undef CMP
}

static void check_scalars(void)
{
	if (map.nr_bits != m.nr_bits || map.nr_blocks != m.nr_pages)
		fz_fail("geometry: %d bits, %d blocks", map.nr_bits,
			map.nr_blocks);
	if (map.start_offset != xpcpu_bit_to_off(m.sb) ||
	    map.end_offset != xpcpu_bit_to_off(m.eb))
		fz_fail("edges: start_offset %d end_offset %d", map.start_offset,
			map.end_offset);
	if (map.free_bytes != xpcpu_bit_to_off(m.free_bits))
		fz_fail("free_bytes is %d, the model has %d", map.free_bytes,
			xpcpu_bit_to_off(m.free_bits));
	if (map.nr_alloc != m.nr_areas)
		fz_fail("nr_alloc is %d, the model has %d areas", map.nr_alloc,
			m.nr_areas);
	if (map.lock != &map_lock || map_lock.held)
		fz_fail("the lock: %p, held %d", (void *)map.lock, map_lock.held);
}

/* alloc_map equals the model; bound_map marks every start and end. */
static FZ_NO_COVERAGE void check_maps_bits(void)
{
	int bit;

	for (bit = 0; bit < m.nr_bits; bit++) {
		bool used = m.state[bit] != FZ_FREE;

		if (test_bit(bit, map.alloc_map) != used)
			fz_fail("alloc_map bit %d is %d, the model says %s", bit,
				!used, m.state[bit] == FZ_LIVE ? "live" :
				used ? "hidden" : "free");
		if (used && test_bit(bit, map.bound_map) != m.is_start[bit])
			fz_fail("bound_map bit %d is %d inside an area that starts %s",
				bit, !m.is_start[bit],
				m.is_start[bit] ? "here" : "before");
		/* The end of the area before a free bit. */
		if (!used && bit && m.state[bit - 1] != FZ_FREE &&
		    !test_bit(bit, map.bound_map))
			fz_fail("bound_map bit %d (end of an area) is clear", bit);
	}
	if (!test_bit(m.nr_bits, map.bound_map))
		fz_fail("bound_map bit nr_bits (%d) is clear", m.nr_bits);
}

/* check_maps_bits() a word at a time; it names the bit on a mismatch. */
static FZ_NO_COVERAGE void check_maps(void)
{
	int w, words = m.nr_bits / BITS_PER_LONG;

	for (w = 0; w < words; w++) {
		unsigned long u = m.used_w[w], b = map.bound_map[w];
		unsigned long prev = w ? m.used_w[w - 1] >> (BITS_PER_LONG - 1) : 0;
		unsigned long ends = ~u & (u << 1 | prev);

		if (map.alloc_map[w] != u || (b & u) != (m.start_w[w] & u) ||
		    (b & ends) != ends)
			check_maps_bits();
	}
	if (!test_bit(m.nr_bits, map.bound_map))
		fz_fail("bound_map bit nr_bits (%d) is clear", m.nr_bits);
}

/* Every block hint and the map hint, against model_md() or model_md_runs(). */
static void check_hints(bool full)
{
	struct xpcpu_block_md want;
	int i;

	for (i = 0; i < m.nr_pages; i++) {
		if (full || m.dirty & 1U << i) {
			if (full)
				model_md(xpcpu_block_to_bit(i),
					 XPCPU_BITS_PER_BLOCK, &m.want[i]);
			else
				model_md_runs(xpcpu_block_to_bit(i),
					      XPCPU_BITS_PER_BLOCK, &m.want[i]);
		}
		check_md("block", i, &map.md_blocks[i], &m.want[i], true);
	}
	if (full)
		model_md(0, m.nr_bits, &want);
	else
		model_md_runs(0, m.nr_bits, &want);
	check_md("map hint, block", -1, &map.chunk_md, &want, false);
}

/* Is @bit next to an area boundary or a change of state? */
static FZ_NO_COVERAGE bool model_near_edge(int bit)
{
	if (m.is_start[bit] || m.is_start[bit + 1] || !bit ||
	    bit + 1 == m.nr_bits || m.is_start[bit - 1])
		return true;
	return m.state[bit - 1] != m.state[bit] ||
	       m.state[bit + 1] != m.state[bit];
}

/*
 * area_bits() and small_area_bits() of the bits in [from, to): every bit
 * with @all, else the ends of the range and the bits at or next to an
 * area boundary or a change of state (the others read the same map bits
 * as their neighbours, and the maps were compared bit for bit).
 */
static FZ_NO_COVERAGE void check_area_bits(int from, int to, bool all)
{
	int bit;

	for (bit = from; bit < to; bit++) {
		int i = bit < m.nr_bits ? m.area_at[bit] : 0;
		int want = i ? m.areas[i - 1].bits : -EINVAL;
		int small = want > BITS_PER_LONG ? 0 : want;
		int got;

		if (!all && bit != from && bit != to - 1 && bit < m.nr_bits &&
		    !model_near_edge(bit))
			continue;
		got = xpcpu_bitmap_area_bits(&map, bit);
		if (got != want)
			fz_fail("xpcpu_bitmap_area_bits(%d) is %d, the model says %d",
				bit, got, want);
		got = xpcpu_bitmap_small_area_bits(&map, bit);
		if (got != small)
			fz_fail("xpcpu_bitmap_small_area_bits(%d) is %d, the model says %d",
				bit, got, small);
	}
}

/*
 * After every step: the maps a word at a time, the hints of the blocks
 * that changed (recomputed by runs) and the cached ones of the others,
 * area_bits() at the edges of what changed.  With @full (at the end of
 * every input) the maps and the hints bit by bit, area_bits() at every
 * edge; under XPCPU_FUZZ_FULL=1 all of it, at every bit, every step.
 */
static void check_all(bool full)
{
	full |= fz_full;
	check_scalars();
	if (full)
		check_maps_bits();
	else
		check_maps();
	check_hints(full);
	if (full)
		check_area_bits(0, m.nr_bits + 1, fz_full);
	else if (m.chg_lo <= m.chg_hi)
		check_area_bits(m.chg_lo, m.chg_hi + 1, false);
	m.dirty = 0;
	m.chg_lo = INT_MAX;
	m.chg_hi = -1;
}

static void snap_take(void)
{
	int words = BITS_TO_LONGS(m.nr_bits + 1);

	snap.map = map;
	memcpy(snap.alloc, map.alloc_map, BITS_TO_LONGS(m.nr_bits) *
	       sizeof(long));
	memcpy(snap.bound, map.bound_map, words * sizeof(long));
	memcpy(snap.md, map.md_blocks, m.nr_pages * sizeof(*snap.md));
}

static void snap_check(const char *call)
{
	int words = BITS_TO_LONGS(m.nr_bits + 1);

	if (memcmp(&snap.map, &map, sizeof(map)))
		fz_fail("%s changed struct xpcpu_bitmap", call);
	if (memcmp(snap.alloc, map.alloc_map, BITS_TO_LONGS(m.nr_bits) *
		   sizeof(long)))
		fz_fail("%s changed alloc_map", call);
	if (memcmp(snap.bound, map.bound_map, words * sizeof(long)))
		fz_fail("%s changed bound_map", call);
	if (memcmp(snap.md, map.md_blocks, m.nr_pages * sizeof(*snap.md)))
		fz_fail("%s changed a block hint", call);
}

/* ---- The operations ---- */

static void fz_check_fit(const char *call, int got, int bits, int align)
{
	int want = model_first_fit(bits, align);

	if (got >= 0 && (got % align || got < m.sb || got + bits > m.eb))
		fz_fail("%s(%d bits, align %d) = %d: misaligned or out of [%d, %d)",
			call, bits, align, got, m.sb, m.eb);
	if (got != want)
		fz_fail("%s(%d bits, align %d) = %d, the model's first fit is %d",
			call, bits, align, got, want);
}

/* Allocate @nr areas of @bits back to back; false when nothing fits. */
static bool op_alloc(int bits, int align, int nr)
{
	int bit, i;

	map_lock.held = 1;
	if (nr == 1)
		bit = xpcpu_bitmap_alloc(&map, bits, align);
	else
		bit = xpcpu_bitmap_alloc_run(&map, bits, align, nr);
	map_lock.held = 0;
	fz_log("alloc_run(%d bits, align %d, nr %d) = %d", bits, align, nr,
	       bit);
	fz_check_fit(nr == 1 ? "alloc" : "alloc_run", bit, nr * bits, align);
	if (bit < 0)
		return false;
	for (i = 0; i < nr; i++)
		model_add(bit + i * bits, bits);
	return true;
}

static void op_free(int start)
{
	int want = m.areas[m.area_at[start] - 1].bits, got;

	map_lock.held = 1;
	got = xpcpu_bitmap_free(&map, start);
	map_lock.held = 0;
	fz_log("free(%d) = %d", start, got);
	if (got != want)
		fz_fail("free(%d) = %d, the area has %d bits", start, got, want);
	model_remove(start);
}

/* The number of live areas of @bits bits back to back from @start. */
static int fz_neighbours(int start, int bits, int max_nr)
{
	int k = 0, b;

	for (b = start; k < max_nr && b < m.nr_bits && m.area_at[b] &&
	     m.areas[m.area_at[b] - 1].bits == bits; b += bits)
		k++;
	return k;
}

static void op_free_run(struct fz_in *in)
{
	struct fz_area a;
	int nr, got, i;

	if (!m.nr_areas)
		return;
	a = m.areas[fz_u16(in) % m.nr_areas];
	nr = fz_neighbours(a.start, a.bits, 1 + fz_u8(in) % 64);
	map_lock.held = 1;
	got = xpcpu_bitmap_free_run(&map, a.start, a.bits, nr);
	map_lock.held = 0;
	fz_log("free_run(%d, %d bits, nr %d) = %d", a.start, a.bits, nr, got);
	if (got)
		fz_fail("free_run(%d, %d bits, nr %d) = %d, want 0", a.start,
			a.bits, nr, got);
	for (i = 0; i < nr; i++)
		model_remove(a.start + i * a.bits);
}

/* A bit at which no live area starts, or -1. */
static int fz_bad_bit(struct fz_in *in)
{
	unsigned int kind = fz_u8(in), r = fz_u16(in);
	struct fz_area a;
	int bit, i;

	switch (kind % 5) {
	case 0:		/* inside a live area */
		if (!m.nr_areas)
			return -1;
		a = m.areas[r % m.nr_areas];
		return a.bits > 1 ? a.start + 1 + (int)(fz_u16(in) %
							(a.bits - 1)) : -1;
	case 1:		/* a free bit */
		for (i = 0; i < m.nr_bits; i++) {
			bit = (r + i) % m.nr_bits;
			if (model_free_bit(bit))
				return bit;
		}
		return -1;
	case 2:		/* a hidden bit */
		bit = r % m.nr_bits;
		return bit < m.sb || bit >= m.eb ? bit : -1;
	case 3:		/* a start freed before */
		if (!m.nr_freed)
			return -1;
		bit = m.freed[r % min(m.nr_freed, FZ_NR_FREED)];
		return m.area_at[bit] ? -1 : bit;
	default:	/* anything, up to a word past the end */
		bit = r % (m.nr_bits + BITS_PER_LONG);
		return bit < m.nr_bits && m.area_at[bit] ? -1 : bit;
	}
}

static void op_bad_free(struct fz_in *in)
{
	int bit = fz_bad_bit(in), got;

	if (bit < 0)
		return;
	snap_take();
	map_lock.held = 1;
	got = xpcpu_bitmap_free(&map, bit);
	map_lock.held = 0;
	fz_log("bad free(%d) = %d", bit, got);
	if (got != -EINVAL)
		fz_fail("free(%d) of no live area = %d, want -EINVAL", bit, got);
	snap_check("a bad free");
}

static void op_bad_free_run(struct fz_in *in)
{
	unsigned int kind = fz_u8(in), r = fz_u16(in), d = fz_u8(in);
	int bit, bits, nr, got;
	struct fz_area a;

	if (!m.nr_areas)
		return;
	a = m.areas[r % m.nr_areas];
	bit = a.start;
	bits = a.bits;
	switch (kind % 3) {
	case 0:		/* one area more than there are neighbours */
		nr = fz_neighbours(bit, bits, FZ_MAX_BITS) + 1;
		break;
	case 1:		/* a wrong size */
		bits = a.bits + 1 + (int)(d % 64);
		if (d & 0x80 && a.bits > 1)
			bits = 1 + (int)(d % (a.bits - 1));
		nr = 1 + (int)(fz_u8(in) % 8);
		break;
	default:	/* from inside the area */
		if (a.bits == 1)
			return;
		bit = a.start + 1 + (int)(d % (a.bits - 1));
		nr = 1 + (int)(fz_u8(in) % 8);
		break;
	}
	snap_take();
	map_lock.held = 1;
	got = xpcpu_bitmap_free_run(&map, bit, bits, nr);
	map_lock.held = 0;
	fz_log("bad free_run(%d, %d bits, nr %d) = %d", bit, bits, nr, got);
	if (got != -EINVAL)
		fz_fail("free_run(%d, %d bits, nr %d) of no such run = %d, want -EINVAL",
			bit, bits, nr, got);
	snap_check("a bad free_run");
}

static void op_reset(struct fz_in *in)
{
	int sb = fz_edge(in, m.nr_bits);
	int tail = fz_edge(in, m.nr_bits - sb);

	map_lock.held = 1;
	xpcpu_bitmap_reset(&map, xpcpu_bit_to_off(sb),
			   xpcpu_bit_to_off(m.nr_bits - tail));
	map_lock.held = 0;
	fz_log("reset(%d, %d bits)", sb, m.nr_bits - tail);
	model_reset(sb, m.nr_bits - tail);
}

/* A new map: xpcpu_bitmap_init(), maybe with a failed allocation first. */
static void op_init(struct fz_in *in)
{
	unsigned int b = fz_u8(in);
	int live = xpcpu_shim_nr_live, ret;

	m.nr_pages = 1 + (b & 15);
	m.nr_bits = m.nr_pages * XPCPU_BITS_PER_BLOCK;
	if (b & 0x30) {
		xpcpu_shim_fail_nth = (b >> 4) & 3;
		ret = xpcpu_bitmap_init(&map, m.nr_pages, &map_lock, GFP_KERNEL);
		xpcpu_shim_fail_nth = 0;
		if (ret != -ENOMEM || xpcpu_shim_nr_live != live ||
		    map.alloc_map || map.bound_map || map.md_blocks)
			fz_fail("init with allocation %u failing = %d, %d allocations left",
				(b >> 4) & 3, ret, xpcpu_shim_nr_live - live);
	}
	ret = xpcpu_bitmap_init(&map, m.nr_pages, &map_lock, GFP_KERNEL);
	if (ret)
		fz_fail("init(%d pages) = %d", m.nr_pages, ret);
	fz_log("init(%d pages)", m.nr_pages);
	model_reset(0, m.nr_bits);
	check_all(false);
	op_reset(in);
}

static void op_find_fit(struct fz_in *in)
{
	int bits = fz_size(in), align = fz_align(in), got;

	snap_take();
	got = xpcpu_bitmap_find_fit(&map, bits, align);
	fz_log("find_fit(%d bits, align %d) = %d", bits, align, got);
	fz_check_fit("find_fit", got, bits, align);
	snap_check("find_fit");
}

/* xpcpu_block_scan() of any range against the brute force. */
static void op_block_scan(struct fz_in *in)
{
	int start = fz_u16(in) % m.nr_bits;
	int len = 1 + fz_u16(in) % (m.nr_bits - start);
	struct xpcpu_block_md got, want;

	xpcpu_block_scan(map.alloc_map, start, len, &got);
	fz_log("block_scan(%d, %d)", start, len);
	if (fz_full)
		model_md(start, len, &want);
	else
		model_md_runs(start, len, &want);
	check_md("block_scan of a range from bit", start, &got, &want, true);
}

/* Allocations of one size until one fails, checking after each. */
static void op_fill(struct fz_in *in)
{
	int bits = fz_size(in), align = fz_align(in);
	int n = 1 + fz_u8(in) % FZ_MAX_REPEAT;

	while (n-- && op_alloc(bits, align, 1))
		check_all(false);
}

/* Free every @k-th live area in address order (or backwards). */
static void op_sweep(struct fz_in *in)
{
	unsigned int b = fz_u8(in);
	int k = 1 + (b & 7), phase = (b >> 3) % k, i = 0, n = 0, bit;
	bool down = b & 0x80;
	int starts[FZ_MAX_REPEAT];

	for (bit = 0; bit < m.nr_bits && n < FZ_MAX_REPEAT; bit++) {
		int at = down ? m.nr_bits - 1 - bit : bit;

		if (m.area_at[at] && i++ % k == phase)
			starts[n++] = at;
	}
	for (i = 0; i < n; i++) {
		op_free(starts[i]);
		check_all(false);
	}
}

static void fz_run(struct fz_in *in)
{
	unsigned int op;
	int bits, align;

	fz_step = 0;
	fz_op = "init";
	m.nr_freed = 0;
	op_init(in);
	check_all(false);

	while (in->n && fz_step < FZ_MAX_OPS) {
		fz_step++;
		op = fz_u8(in) % 16;
		switch (op) {
		case 0 ... 3:
			fz_op = "alloc";
			bits = fz_size(in);
			op_alloc(bits, fz_align(in), 1);
			break;
		case 4:
			fz_op = "alloc_run";
			align = 1 << (fz_u8(in) % 5);
			op = fz_u8(in);
			bits = align * (1 + (int)(op % (op & 0x80 ? 32 :
							 64 / align)));
			op_alloc(bits, align, 1 + (int)(fz_u8(in) % 64));
			break;
		case 5 ... 7:
			fz_op = "free";
			if (m.nr_areas)
				op_free(m.areas[fz_u16(in) % m.nr_areas].start);
			break;
		case 8:
			fz_op = "free_run";
			op_free_run(in);
			break;
		case 9:
			fz_op = "bad free";
			op_bad_free(in);
			break;
		case 10:
			fz_op = "bad free_run";
			op_bad_free_run(in);
			break;
		case 11:
			fz_op = "reset";
			if (fz_u8(in) & 1) {
				fz_op = "re-init";
				xpcpu_bitmap_destroy(&map);
				op_init(in);
			} else {
				op_reset(in);
			}
			break;
		case 12:
			fz_op = "find_fit";
			op_find_fit(in);
			break;
		case 13:
			fz_op = "block_scan";
			op_block_scan(in);
			break;
		case 14:
			fz_op = "fill";
			op_fill(in);
			break;
		default:
			fz_op = "sweep";
			op_sweep(in);
			break;
		}
		check_all(false);
	}
	fz_op = "end";
	check_all(true);
	xpcpu_bitmap_destroy(&map);
	if (xpcpu_shim_nr_live)
		fz_fail("%d allocations left after xpcpu_bitmap_destroy()",
			xpcpu_shim_nr_live);
	/* Every call here is within the contract: no warning may fire. */
	if (xpcpu_shim_nr_warnings)
		fz_fail("%d WARN_ON_ONCE() fired", xpcpu_shim_nr_warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .n = size };

	if (!size)
		return 0;
	if (!fz_env_read) {
		fz_trace = !!getenv("XPCPU_FUZZ_TRACE");
		fz_full = !!getenv("XPCPU_FUZZ_FULL");
		fz_env_read = true;
	}
	xpcpu_shim_nr_live = 0;
	xpcpu_shim_nr_warnings = 0;
	fz_run(&in);
	return 0;
}
