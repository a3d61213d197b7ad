/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpcpu internals: the chunk, its block metadata, the alloc info, the
 * global index and the helpers shared by pcpu_*.c, the debugfs code and
 * the KUnit suites.  Nothing here is API for other modules.
 */
#ifndef _XPCPU_INTERNAL_H
#define _XPCPU_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <xpcpu.h>

/* One bitmap bit stands for this many bytes. */
#define XPCPU_MIN_ALLOC_SHIFT	2
/* A block is one page: the unit of hint metadata. */
#define XPCPU_BITS_PER_BLOCK	(PAGE_SIZE >> XPCPU_MIN_ALLOC_SHIFT)
/* Every unit is at least this large, so XPCPU_MAX_ALLOC_SIZE fits a chunk. */
#define XPCPU_MIN_UNIT_SIZE	XPCPU_MAX_ALLOC_SIZE
/* Slot lists: chunk slot = fls(largest free run in bytes) - this + 2. */
#define XPCPU_SLOT_BASE_SHIFT	5

/*
 * Encoded pointers are biased so that dereferencing one without an
 * accessor faults (the result is a non-canonical address) instead of
 * silently reading some CPU's copy.  The bias is folded into every CPU's
 * xpcpu_unit_off, so the accessors still add one number.
 */
#define XPCPU_PTR_BIAS		(1UL << (BITS_PER_LONG - 2))

/*
 * struct xpcpu_block_md - free-space hints of one block, or of a chunk
 *
 * All offsets are in bits, relative to the start of the block (or chunk).
 * Exact tie rules, which the KUnit checker recomputes by brute force:
 * contig_hint_start is the first free run of the longest length;
 * scan_hint is the longest free run that starts before contig_hint_start
 * (0 if none) and scan_hint_start the last run of that length there.
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
 * struct xpcpu_chunk - one unit per possible CPU, all mapped by one vmap()
 *
 * The allocator works on unit 0's address range; the same offset in the
 * other units holds the other CPUs' copies.  Bits [0, start_offset / 4)
 * and [end_offset / 4, nr_bits) are hidden: marked allocated, never
 * handed out, never freed.
 */
struct xpcpu_chunk {
	struct list_head list;		/* on xpcpu_slot[slot], lock */
	struct rb_node node;		/* in xpcpu_chunk_tree, lock */
	void *base_addr;		/* unit 0's start, vmap()ed */
	struct page **pages;		/* nr_units * nr_pages, NULL if borrowed */
	unsigned long *alloc_map;	/* one bit per 4 bytes: in use */
	unsigned long *bound_map;	/* area starts and ends, nr_bits + 1 */
	struct xpcpu_block_md *md_blocks; /* one per page */
	struct xpcpu_block_md chunk_md;	/* hints over the whole chunk */
	int nr_pages;			/* pages per unit */
	int nr_bits;			/* bits per unit */
	int nr_blocks;			/* blocks per unit */
	int start_offset;		/* bytes hidden at the start */
	int end_offset;			/* bytes usable up to here */
	int free_bytes;			/* free bytes in [start, end) */
	int nr_alloc;			/* live areas */
	int slot;			/* current slot, -1 if not listed */
	unsigned long empty_since;	/* jiffies when it last became empty */
	int id;				/* creation number, for reports */
	bool is_first;			/* first chunk: never destroyed */
	bool is_reserved;		/* reserved area of the first chunk */
};

/*
 * struct xpcpu_group_info - the units of one NUMA node
 */
struct xpcpu_group_info {
	int node;			/* NUMA node of these CPUs */
	int first_unit;			/* index of the group's first unit */
	int nr_units;			/* units (possible CPUs) in it */
};

/*
 * struct xpcpu_alloc_info - the layout every chunk shares
 */
struct xpcpu_alloc_info {
	size_t static_size;		/* xpcpu.ko's DEFINE_XPCPU area */
	size_t reserved_size;		/* client modules' static area */
	size_t dyn_size;		/* first chunk's dynamic area */
	size_t unit_size;		/* bytes per unit, page multiple */
	int unit_pages;			/* unit_size / PAGE_SIZE */
	int nr_units;			/* one per possible CPU */
	int nr_groups;			/* one per node with possible CPUs */
	int *cpu_unit;			/* unit of each CPU, -1 if impossible */
	int *unit_cpu;			/* CPU of each unit */
	struct xpcpu_group_info *groups; /* nr_groups entries */
};

/*
 * struct xpcpu_stats - global counters, all under xpcpu_lock
 */
struct xpcpu_stats {
	u64 nr_alloc;			/* allocations served */
	u64 nr_dealloc;			/* areas freed */
	u64 nr_cur_alloc;		/* live areas */
	u64 nr_max_alloc;		/* most live areas at once */
	u64 nr_chunks;			/* chunks, the first included */
	u64 nr_max_chunks;		/* most chunks at once */
	u64 nr_empty_chunks;		/* empty chunks besides the first */
	u64 nr_created;			/* chunks created */
	u64 nr_destroyed;		/* chunks destroyed */
	u64 min_alloc_size;		/* smallest size asked for */
	u64 max_alloc_size;		/* largest size asked for */
	u64 nr_atomic_alloc;		/* non-blocking allocations served */
	u64 nr_atomic_fail;		/* non-blocking allocations failed */
	u64 nr_bad_free;		/* rejected xpcpu_free() calls */
	u64 reserved_used;		/* bytes of the reserved area in use */
};

/* Per-CPU activity, a DEFINE_XPCPU variable of xpcpu itself. */
struct xpcpu_cpu_stats {
	unsigned long nr_alloc;		/* allocations made on this CPU */
	unsigned long nr_free;		/* frees made on this CPU */
};

/* pcpu_core.c: the global index */
extern spinlock_t xpcpu_lock;
extern struct mutex xpcpu_chunk_mutex;
extern struct xpcpu_alloc_info *xpcpu_ai;
extern struct xpcpu_chunk *xpcpu_first_chunk;
extern struct xpcpu_chunk *xpcpu_reserved_chunk;
extern struct list_head *xpcpu_slot;
extern int xpcpu_nr_slots;
extern struct xpcpu_stats xpcpu_stats;
DECLARE_XPCPU(struct xpcpu_cpu_stats, xpcpu_cpu_stats);

int xpcpu_chunk_slot(const struct xpcpu_chunk *chunk);
void xpcpu_schedule_balance(void);
void xpcpu_run_balance(void);
void xpcpu_flush_balance(void);
int xpcpu_spare_chunks(void);

/* pcpu_chunk.c: chunk lifetime and the bitmap allocator */
struct xpcpu_chunk *xpcpu_chunk_alloc_meta(int nr_pages, gfp_t gfp);
void xpcpu_chunk_free_meta(struct xpcpu_chunk *chunk);
void xpcpu_chunk_init_hints(struct xpcpu_chunk *chunk, int start_offset,
			    int end_offset);
int xpcpu_chunk_populate(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai, gfp_t gfp);
void xpcpu_chunk_depopulate(struct xpcpu_chunk *chunk,
			    const struct xpcpu_alloc_info *ai);
struct xpcpu_chunk *xpcpu_chunk_create(const struct xpcpu_alloc_info *ai,
				       gfp_t gfp);
void xpcpu_chunk_destroy(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai);
int xpcpu_chunk_find_fit(struct xpcpu_chunk *chunk, int bits, int align_bits);
int xpcpu_chunk_alloc_area(struct xpcpu_chunk *chunk, int bits,
			   int align_bits);
int xpcpu_chunk_free_area(struct xpcpu_chunk *chunk, int bit);
int xpcpu_chunk_area_bits(const struct xpcpu_chunk *chunk, int bit);
void xpcpu_block_scan(const unsigned long *map, int start, int nr_bits,
		      struct xpcpu_block_md *md);
void xpcpu_chunk_refresh_hint(struct xpcpu_chunk *chunk);

/* pcpu_first_chunk.c: alloc info and the first chunk */
struct xpcpu_alloc_info *xpcpu_build_alloc_info(size_t static_size,
						size_t reserved_size,
						size_t dyn_size);
void xpcpu_free_alloc_info(struct xpcpu_alloc_info *ai);
int xpcpu_setup_first_chunk(struct xpcpu_alloc_info *ai);
void xpcpu_teardown_first_chunk(void);
int xpcpu_reserved_alloc(size_t size, size_t align, int *off);
void xpcpu_reserved_free(int off);
void xpcpu_report_modules(void);

/* pcpu_debugfs.c */
int xpcpu_debugfs_init(void);
void xpcpu_debugfs_exit(void);

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

/* The pointer encoding, in one place: unit 0's address <-> __xpcpu. */
static inline void __xpcpu *xpcpu_addr_to_ptr(void *addr)
{
	return (void __force __xpcpu *)((unsigned long)addr - XPCPU_PTR_BIAS);
}

static inline void *xpcpu_ptr_to_addr(const void __xpcpu *ptr)
{
	return (void *)((unsigned long)ptr + XPCPU_PTR_BIAS);
}

/* The address of @cpu's copy of the byte at unit offset @off of @chunk. */
static inline void *xpcpu_chunk_addr(const struct xpcpu_chunk *chunk,
				     unsigned int cpu, int off)
{
	return (char *)xpcpu_ptr(xpcpu_addr_to_ptr(chunk->base_addr), cpu) +
	       off;
}

/*
 * Test-only fault injection: fail the Nth page allocation of a chunk
 * population from now.  Compiled away without the KUnit suites.
 */
#if IS_ENABLED(CONFIG_XPCPU_KUNIT_TEST)
extern atomic_t xpcpu_fail_page_alloc;
unsigned int xpcpu_test_set_spare_chunks(unsigned int spare);
unsigned int xpcpu_test_set_empty_decay_ms(unsigned int ms);

static inline bool xpcpu_should_fail_page_alloc(void)
{
	return atomic_add_unless(&xpcpu_fail_page_alloc, -1, 0) &&
	       atomic_read(&xpcpu_fail_page_alloc) == 0;
}
#else
static inline bool xpcpu_should_fail_page_alloc(void)
{
	return false;
}
#endif

#endif /* _XPCPU_INTERNAL_H */
