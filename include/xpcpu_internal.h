/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xpcpu internals shared by the pcpu_*.c files and the KUnit suites: the
 * layout (alloc info), the chunk and its memory backend, the pool that
 * indexes the chunks, and the pointer encoding.  Nothing here is API for
 * other modules.  Dependencies run one way: main -> debugfs -> core ->
 * cache_shrink -> cache and modules -> pool and first_chunk -> index and
 * chunk -> bitmap;
 * debugfs reads the pool's and the caches' views (the pool's is in
 * include/xpcpu_view.h, which test modules get too).
 */
#ifndef _XPCPU_INTERNAL_H
#define _XPCPU_INTERNAL_H

#include <linux/cache.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <xpcpu.h>
#include <xpcpu_bitmap.h>
#include <xpcpu_view.h>

/* The API's smallest allocation is one bitmap bit. */
static_assert(XPCPU_MIN_ALLOC_SIZE == 1 << XPCPU_MIN_ALLOC_SHIFT);

/* Every unit is at least this large, so XPCPU_MAX_ALLOC_SIZE fits a chunk. */
#define XPCPU_MIN_UNIT_SIZE	XPCPU_MAX_ALLOC_SIZE
/*
 * The kpcpu backend's unit: one __alloc_percpu_gfp() area, at most the
 * kernel's largest allocation (PCPU_MIN_UNIT_SIZE, 32 KiB).  Its units
 * are exactly this large, so it is also the largest allocation then.
 */
#define XPCPU_KPCPU_UNIT_SIZE	PCPU_MIN_UNIT_SIZE

/*
 * enum xpcpu_mode - the pointer mode and the backend behind it
 */
enum xpcpu_mode {
	XPCPU_MODE_OFFSET,		/* offset pointers, vmap backend */
	XPCPU_MODE_SPAN,		/* genuine, percpu backend (one vmap) */
	XPCPU_MODE_KPCPU,		/* genuine, kpcpu backend (kernel's) */
};

/* Slot lists: chunk slot = fls(largest free run in bytes) - this + 2. */
#define XPCPU_SLOT_BASE_SHIFT	5
/* Chunks a search may find too small in one hold of the pool lock. */
#define XPCPU_SCAN_BUDGET	8

/*
 * Encoded pointers of the vmap backend are biased so that dereferencing
 * one without an accessor faults (the result is a non-canonical address)
 * instead of silently reading some CPU's copy.  The bias is folded into
 * every CPU's xpcpu_unit_off, so the accessors still add one number.
 */
#define XPCPU_PTR_BIAS		(1UL << (BITS_PER_LONG - 2))

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
	unsigned long *unit_off;	/* each unit's distance from unit 0 */
	struct xpcpu_group_info *groups; /* nr_groups entries */
};

/*
 * struct xpcpu_chunk - one unit per possible CPU, mapped by the backend
 *
 * The allocator works on unit 0's address range (map); the same offset
 * in the other units holds the other CPUs' copies.
 */
struct xpcpu_chunk {
	struct xpcpu_bitmap map;	/* areas of unit 0's range, pool lock */
	unsigned long *cached_map;	/* area starts held by caches, atomic */
	struct list_head list;		/* on a pool slot, pool lock */
	void *base_addr;		/* unit 0's start */
	struct page **pages;		/* backend: its pages, NULL if borrowed */
	int nr_pages;			/* pages per unit */
	int slot;			/* current slot, -1 if not listed */
	int fresh_off;			/* from here on never taken: still zero */
	unsigned long empty_since;	/* jiffies when it last became empty */
	int id;				/* creation number, for reports */
	bool is_first;			/* first chunk: never destroyed */
	bool is_reserved;		/* reserved area of the first chunk */
};

/*
 * struct xpcpu_backend - how chunks get memory and where units sit
 *
 * As mm/percpu-vm.c and mm/percpu-km.c are behind five functions, the
 * memory of a chunk is behind these; unlike the kernel, which picks one
 * at build time, xpcpu picks one at load (xpcpu_layout_init()).
 */
struct xpcpu_backend {
	const char *name;		/* shown in debugfs stats */
	bool genuine;			/* ptr + __per_cpu_offset[cpu] works */
	bool full_gfp_grows;		/* only GFP_KERNEL requests grow */
	/* Distance of @cpu's unit from unit 0, the same in every chunk. */
	unsigned long (*unit_offset)(const struct xpcpu_alloc_info *ai,
				     unsigned int cpu);
	/* What a pointer is less than unit 0's address of its area. */
	unsigned long (*ptr_bias)(const struct xpcpu_alloc_info *ai);
	/* Give @chunk its pages and mapping; set chunk->base_addr. */
	int (*populate)(struct xpcpu_chunk *chunk,
			const struct xpcpu_alloc_info *ai, gfp_t gfp);
	/* Undo populate(). */
	void (*depopulate)(struct xpcpu_chunk *chunk,
			   const struct xpcpu_alloc_info *ai);
};

/*
 * struct xpcpu_pool_stats - the pool's counters, all under the pool lock
 *
 * The chunk fields of the kernel's percpu_stats (mm/percpu-stats.c);
 * the per-allocation counters are per CPU (struct xpcpu_cpu_stats).
 */
struct xpcpu_pool_stats {
	u64 nr_areas;			/* areas taken, cached ones included */
	u64 nr_chunks;			/* chunks, the first included */
	u64 nr_max_chunks;		/* most chunks at once */
	u64 nr_empty_chunks;		/* empty chunks besides the first */
	u64 nr_created;			/* chunks created */
	u64 nr_destroyed;		/* chunks destroyed */
	u64 nr_atomic_fail;		/* non-blocking allocations failed */
	u64 reserved_used;		/* bytes of the reserved area in use */
};

/*
 * struct xpcpu_index - the chunks by unit 0 address, for free to find
 * an area's chunk
 *
 * An array sorted by start address, replaced as a whole (copy, then
 * rcu_assign_pointer()) when a chunk is added, so a lookup is a binary
 * search that never waits for a writer: it runs in hard interrupts, also
 * on the CPU whose writer it interrupted.  (A maple tree does not allow
 * that: a reader that meets a node its own CPU's interrupted writer has
 * marked dead retries until that writer resumes, which it never does.)
 * Removal clears an entry's chunk in place and compacts when it can.
 */
struct xpcpu_index {
	struct rcu_head rcu;
	int nr;				/* entries */
	struct xpcpu_index_entry {
		unsigned long start;	/* unit 0's first byte */
		struct xpcpu_chunk *chunk; /* NULL once removed */
	} ent[];
};

/*
 * struct xpcpu_index_root - where the current array is, and its writers'
 * lock (for the pool's index: taken by creation inside grow_mutex, by
 * destruction alone; never under the pool lock)
 */
struct xpcpu_index_root {
	struct mutex lock;		/* serializes writers */
	struct xpcpu_index __rcu *index; /* the array readers search */
};

/*
 * struct xpcpu_pool - every chunk, and what finds them
 *
 * lock is a raw spinlock so that allocation and free work under a raw
 * spinlock and from hard interrupts on PREEMPT_RT as well; it is held for
 * bitmap work only, never around anything that sleeps or allocates.
 */
struct xpcpu_pool {
	raw_spinlock_t lock;		/* slots, chunk maps, stats */
	struct mutex grow_mutex;	/* serializes creation; before lock */
	struct xpcpu_index_root index;	/* unit 0 range -> chunk */
	struct list_head *slots;	/* chunks by longest free run, lock */
	int *slot_len;			/* chunks on each slot, lock */
	int nr_slots;			/* slots; the last holds empty chunks */
	struct xpcpu_chunk *first;	/* dynamic part of the first chunk */
	struct xpcpu_chunk *reserved;	/* reserved part of the first chunk */
	struct xpcpu_pool_stats stats;	/* lock */
	struct delayed_work balance_work; /* keeps spares, frees decayed */
	unsigned int spare_chunks;	/* parameter: empty chunks kept */
	unsigned int empty_decay_ms;	/* parameter: empty lifetime */
	atomic_long_t freed_gen;	/* bumped before a chunk is freed */
	bool balance_force;		/* next balance ignores the decay */
	bool trimmed;			/* no spares until an allocation asks */
	bool dying;			/* unloading: no more balance work */
};

/*
 * struct xpcpu_cpu_stats - one CPU's allocations and frees
 *
 * A DEFINE_XPCPU() variable of xpcpu itself, changed only by its CPU
 * with interrupts off (xpcpu_stat_*()); xpcpu_get_stats() sums them.
 */
struct xpcpu_cpu_stats {
	unsigned long nr_alloc;		/* allocations served on this CPU */
	unsigned long nr_free;		/* frees done on this CPU */
	unsigned long nr_atomic_alloc;	/* of those, non-blocking ones */
	unsigned long nr_bad_free;	/* rejected frees */
	unsigned long min_size;		/* smallest size served, 0 if none */
	unsigned long max_size;		/* largest size served */
};

/*
 * The per-CPU caches (pcpu_cache.c): classes of every 4 bytes up to
 * XPCPU_CACHE_FINE_MAX, then every 16 bytes up to XPCPU_CACHE_MAX_SIZE.
 */
#define XPCPU_CACHE_MAX_SIZE	256
#define XPCPU_CACHE_FINE_MAX	64
/* Bytes between the classes above XPCPU_CACHE_FINE_MAX. */
#define XPCPU_CACHE_COARSE_STEP	16
#define XPCPU_CACHE_NR_CLASSES	(XPCPU_CACHE_FINE_MAX / XPCPU_MIN_ALLOC_SIZE + \
				 (XPCPU_CACHE_MAX_SIZE - XPCPU_CACHE_FINE_MAX) / \
				 XPCPU_CACHE_COARSE_STEP)
/* The reap work's period while some cache holds areas. */
#define XPCPU_CACHE_REAP_MS	1000
/* Most areas per class and CPU (parameter cache_objs). */
#define XPCPU_CACHE_MAX_OBJS	1024U
/* KiB of memory one CPU's caches may hold (parameter cache_kb). */
#define XPCPU_CACHE_DEFAULT_KB	64
#define XPCPU_CACHE_MAX_KB	BIT(20)

/**
 * xpcpu_cache_class_size() - bytes of every area of a class
 * @idx: the class
 *
 * Return: the size.
 */
static inline int xpcpu_cache_class_size(int idx)
{
	if (idx < XPCPU_CACHE_FINE_MAX / XPCPU_MIN_ALLOC_SIZE)
		return (idx + 1) * XPCPU_MIN_ALLOC_SIZE;
	return XPCPU_CACHE_FINE_MAX + (idx + 1 - XPCPU_CACHE_FINE_MAX /
				       XPCPU_MIN_ALLOC_SIZE) *
				      XPCPU_CACHE_COARSE_STEP;
}

/**
 * xpcpu_cache_class_align() - alignment of every area of a class
 * @idx: the class
 *
 * Return: the largest power of two that divides its size.
 */
static inline int xpcpu_cache_class_align(int idx)
{
	int size = xpcpu_cache_class_size(idx);

	return size & -size;
}

/**
 * xpcpu_cache_class() - the class that serves a request, if any
 * @size: bytes, a multiple of 4
 * @align: alignment, a power of two
 *
 * Return: the smallest class of at least @size bytes, or -1 when that
 * class's areas are not aligned to @align or @size has no class.
 */
static inline int xpcpu_cache_class(size_t size, size_t align)
{
	int idx;

	if (size > XPCPU_CACHE_MAX_SIZE)
		return -1;
	if (size <= XPCPU_CACHE_FINE_MAX)
		idx = size / XPCPU_MIN_ALLOC_SIZE - 1;
	else
		idx = XPCPU_CACHE_FINE_MAX / XPCPU_MIN_ALLOC_SIZE - 1 +
		      DIV_ROUND_UP(size - XPCPU_CACHE_FINE_MAX,
				   XPCPU_CACHE_COARSE_STEP);
	return align <= xpcpu_cache_class_align(idx) ? idx : -1;
}

/*
 * struct xpcpu_cache_obj - a free area held by a cache
 */
struct xpcpu_cache_obj {
	struct xpcpu_chunk *chunk;	/* its chunk */
	int off;			/* its unit offset */
	bool fresh;			/* never handed out: still zero */
};

/*
 * struct xpcpu_cache_class_stats - one CPU's counters for one class
 */
struct xpcpu_cache_class_stats {
	unsigned long nr;		/* areas cached now */
	unsigned long hits;		/* allocations served from the cache */
	unsigned long misses;		/* allocations that found it empty */
	unsigned long refills;		/* batches taken from the pool */
	unsigned long flushes;		/* batches given back to the pool */
};

/*
 * struct xpcpu_cache_params - the caches' run-time knobs
 */
struct xpcpu_cache_params {
	unsigned long max_kb;		/* cache_kb: KiB per CPU, all copies */
	atomic_long_t nr_shrinks;	/* shrinker scans that drained */
};

/* pcpu_chunk.c: chunk lifetime through the backend, pointer encoding */
extern unsigned long xpcpu_ptr_bias;
extern const struct xpcpu_backend *xpcpu_backend;
unsigned long xpcpu_percpu_span(const struct xpcpu_alloc_info *ai);
void xpcpu_layout_init(struct xpcpu_alloc_info *ai, enum xpcpu_mode mode);
unsigned long xpcpu_layout_span(void);
unsigned long xpcpu_layout_hole_bytes(void);
unsigned long xpcpu_chunk_nr_pages(void);
struct xpcpu_chunk *xpcpu_chunk_alloc_meta(int nr_pages, raw_spinlock_t *lock,
					   gfp_t gfp);
void xpcpu_chunk_free_meta(struct xpcpu_chunk *chunk);
struct xpcpu_chunk *xpcpu_chunk_create(const struct xpcpu_alloc_info *ai,
				       raw_spinlock_t *lock, gfp_t gfp);
void xpcpu_chunk_destroy(struct xpcpu_chunk *chunk,
			 const struct xpcpu_alloc_info *ai);

/* pcpu_core.c: the API's per-CPU counters */
DECLARE_XPCPU(struct xpcpu_cpu_stats, xpcpu_cpu_stats);

/* pcpu_cache.c: per-CPU caches of small free areas */
extern struct xpcpu_cache_params xpcpu_cache_params;
extern unsigned int xpcpu_cache_objs;
int xpcpu_cache_init(unsigned int objs, bool on);
void xpcpu_cache_exit(void);
bool xpcpu_cache_alloc(int idx, size_t size, bool is_atomic,
		       struct xpcpu_cache_obj *obj);
int xpcpu_cache_free(void *addr, void **base_addr, int *offp);
int xpcpu_cache_set_enabled(bool on);
bool xpcpu_cache_enabled(void);
void xpcpu_cache_drain_now(void);
unsigned long xpcpu_cache_nr_cached(unsigned long *bytes);
int xpcpu_cache_class_stats(unsigned int cpu, int idx,
			    struct xpcpu_cache_class_stats *st);
/* ... and for pcpu_cache_shrink.c: the cache mutex, per-CPU give-back */
void xpcpu_cache_lock(void);
bool xpcpu_cache_trylock(void);
void xpcpu_cache_unlock(void);
unsigned long xpcpu_cache_shed_cpu(unsigned int cpu, unsigned long nr);
void xpcpu_cache_fit_all(void);

/* pcpu_cache_shrink.c: the caches' cap (cache_kb) and shrinker */
int xpcpu_cache_shrink_init(void);
void xpcpu_cache_shrink_exit(void);
int xpcpu_cache_set_max_kb(unsigned long kb);

/* pcpu_index.c: address -> chunk, under RCU */
int xpcpu_index_add(struct xpcpu_index_root *root, struct xpcpu_chunk *chunk);
void xpcpu_index_remove(struct xpcpu_index_root *root, struct list_head *list);
struct xpcpu_chunk *xpcpu_index_lookup(struct xpcpu_index_root *root,
				       unsigned long addr);
int xpcpu_index_walk(struct xpcpu_index_root *root,
		     bool (*fn)(struct xpcpu_chunk *chunk, void *arg),
		     void *arg);
void xpcpu_index_destroy(struct xpcpu_index_root *root);

/* pcpu_pool.c: the chunks, their slots and the balance work */
extern struct xpcpu_pool xpcpu_pool;
int xpcpu_pool_init(struct xpcpu_chunk *first, struct xpcpu_chunk *reserved);
void xpcpu_pool_exit(void);
struct xpcpu_chunk *xpcpu_pool_lookup(void *addr);
int xpcpu_pool_alloc(size_t size, size_t align, gfp_t gfp,
		     struct xpcpu_cache_obj *obj);
int xpcpu_pool_free(void *addr, void **base_addr, int *offp);
int xpcpu_pool_alloc_batch(int size, int align, struct xpcpu_cache_obj *objs,
			   int nr);
void xpcpu_pool_free_batch(struct xpcpu_cache_obj *objs, int nr, int size);
int xpcpu_pool_nr_pinned_chunks(void);
void __xpcpu *xpcpu_pool_reserved_alloc(size_t size, size_t align);
void xpcpu_pool_reserved_free(void __xpcpu *ptr);
void xpcpu_pool_balance(bool force);
void xpcpu_pool_trim(void);
void xpcpu_pool_read_stats(struct xpcpu_pool_stats *st);

/* pcpu_first_chunk.c: the layout (fixed once published) and the first chunk */
extern const struct xpcpu_alloc_info *xpcpu_ai;
struct xpcpu_alloc_info *xpcpu_build_alloc_info(size_t static_size,
						size_t reserved_size,
						size_t dyn_size);
void xpcpu_free_alloc_info(const struct xpcpu_alloc_info *ai);
int xpcpu_alloc_info_fit_kpcpu(struct xpcpu_alloc_info *ai);
int xpcpu_first_chunk_create(const struct xpcpu_alloc_info *ai,
			     raw_spinlock_t *lock,
			     struct xpcpu_chunk **firstp,
			     struct xpcpu_chunk **reservedp);
void xpcpu_first_chunk_destroy(const struct xpcpu_alloc_info *ai,
			       struct xpcpu_chunk *first,
			       struct xpcpu_chunk *reserved);

/* pcpu_modules.c: client modules' static variables */
void xpcpu_modules_release_all(void);

/* pcpu_debugfs.c */
void xpcpu_debugfs_init(void);
void xpcpu_debugfs_exit(void);

/*
 * Test hooks: functions the KUnit suites call from outside their file.
 * One that the file uses itself is XPCPU_VISIBLE_IF_KUNIT, static in
 * every other build (the kernel's VISIBLE_IF_KUNIT, which 6.1 lacks); one
 * that only tests use is built into the KUnit kernel alone.  A shipped
 * module carries no test hooks.
 */
#ifdef CONFIG_XPCPU_KUNIT_TEST
#define XPCPU_VISIBLE_IF_KUNIT
struct page *xpcpu_chunk_hole_page(const struct xpcpu_chunk *chunk);
void xpcpu_cache_reap_now(void);
unsigned long xpcpu_cache_shrink(unsigned long nr);
int xpcpu_chunk_slot(const struct xpcpu_chunk *chunk);
#else
#define XPCPU_VISIBLE_IF_KUNIT	static
#endif

/* The pointer encoding, in one place: unit 0's address <-> __xpcpu. */
static inline void __xpcpu *xpcpu_addr_to_ptr(void *addr)
{
	return (void __force __xpcpu *)((unsigned long)addr - xpcpu_ptr_bias);
}

static inline void *xpcpu_ptr_to_addr(const void __xpcpu *ptr)
{
	return (void *)((unsigned long)ptr + xpcpu_ptr_bias);
}

/* The address of @cpu's copy of the byte at unit offset @off of @chunk. */
static inline void *xpcpu_chunk_addr(const struct xpcpu_chunk *chunk,
				     unsigned int cpu, int off)
{
	return (char *)xpcpu_ptr(xpcpu_addr_to_ptr(chunk->base_addr), cpu) +
	       off;
}

/* Copy @size bytes of @src into every possible CPU's copy of @dst. */
static inline void xpcpu_copy_to_every_cpu(void __xpcpu *dst, const void *src,
					   size_t size)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memcpy(xpcpu_ptr(dst, cpu), src, size);
}

/*
 * An area's start bit in its chunk's cached_map is held by whoever is
 * freeing the area and by the cache it sits in: xpcpu_chunk_claim_start()
 * takes it (false if someone holds it), xpcpu_chunk_claim() also checks,
 * before a free of an area of @bits <= BITS_PER_LONG bits, that the area
 * is live and that long: it fails if a cache holds the area (a double
 * free) or if the area changed meanwhile.  Fully ordered,
 * so a claim after an unclaim sees the alloc bits the unclaimer cleared
 * before; and whoever gives an area back to the bitmap unclaims it before
 * dropping the pool lock, so an allocation never finds a claimed area.
 */
static inline bool xpcpu_chunk_claim_start(struct xpcpu_chunk *chunk, int bit)
{
	return !test_and_set_bit(bit, chunk->cached_map);
}

/* Claim the small area at @bit and check it is live and @bits long. */
static inline int xpcpu_chunk_claim(struct xpcpu_chunk *chunk, int bit,
				    int bits)
{
	if (!xpcpu_chunk_claim_start(chunk, bit))
		return -EINVAL;
	if (xpcpu_bitmap_small_area_bits(&chunk->map, bit) != bits) {
		clear_bit(bit, chunk->cached_map);
		return -EINVAL;
	}
	return 0;
}

/* Let go of the claim on the area at unit offset @off. */
static inline void xpcpu_chunk_unclaim(struct xpcpu_chunk *chunk, int off)
{
	/* Order the area's bitmap changes before the bit a claimer tests. */
	smp_mb__before_atomic();
	clear_bit(xpcpu_off_to_bit(off), chunk->cached_map);
}

/*
 * The API's counters, after mm/percpu-internal.h's pcpu_stats_*(): each
 * CPU counts its own, with interrupts off.
 */
static inline struct xpcpu_cpu_stats *xpcpu_this_cpu_stats(void)
{
	lockdep_assert_irqs_disabled();
	return xpcpu_this_ptr(__xpcpu_var(xpcpu_cpu_stats));
}

static inline void xpcpu_stat_alloc(size_t size, bool is_atomic)
{
	struct xpcpu_cpu_stats *cs = xpcpu_this_cpu_stats();

	/* Summed by other CPUs with READ_ONCE() (xpcpu_get_stats()). */
	WRITE_ONCE(cs->nr_alloc, cs->nr_alloc + 1);
	if (is_atomic)
		WRITE_ONCE(cs->nr_atomic_alloc, cs->nr_atomic_alloc + 1);
	if (!cs->min_size || size < cs->min_size)
		WRITE_ONCE(cs->min_size, size);
	if (size > cs->max_size)
		WRITE_ONCE(cs->max_size, size);
}

static inline void xpcpu_stat_free(void)
{
	struct xpcpu_cpu_stats *cs = xpcpu_this_cpu_stats();

	WRITE_ONCE(cs->nr_free, cs->nr_free + 1);
}

static inline void xpcpu_stat_bad_free(void)
{
	struct xpcpu_cpu_stats *cs = xpcpu_this_cpu_stats();

	WRITE_ONCE(cs->nr_bad_free, cs->nr_bad_free + 1);
}

/*
 * Interrupts-off accounting, in KUnit builds and out-of-tree builds with
 * XPCPU_DEBUG=1 only (compiled away otherwise): the longest section
 * xpcpu ran with interrupts off (a pool lock hold, a per-CPU cache
 * operation; ktime_get_mono_fast_ns(), NMI-safe, ns resolution where
 * local_clock() may tick by jiffies) and the chunks searches tried.
 */
struct xpcpu_irqsoff_stats {
	u64 max_ns;			/* longest interrupts-off section */
	int max_scanned;		/* most chunks tried in one hold */
	unsigned long nr_scanned;	/* chunks tried, all holds */
	u64 hold_t0;			/* this pool-lock hold's start, lock */
	int hold_scanned;		/* chunks tried in this hold, lock */
};

#ifdef XPCPU_DEBUG_IRQSOFF
#include <linux/timekeeping.h>

extern struct xpcpu_irqsoff_stats xpcpu_irqsoff;

/*
 * The timekeeper's fast clock reads a seqcount latch that the tick
 * updates; the reader retries, so the race is by design, but 6.1 does not
 * annotate it: data_race() keeps KCSAN's report of the kernel's own race
 * out of xpcpu's runs.
 */
static inline u64 xpcpu_irqsoff_begin(void)
{
	/* The clock's latch race, by design (above). */
	return data_race(ktime_get_mono_fast_ns());
}

static inline void xpcpu_irqsoff_end(u64 t0)
{
	/* The clock's latch race, by design (above). */
	u64 ns = data_race(ktime_get_mono_fast_ns()) - t0;
	u64 old = READ_ONCE(xpcpu_irqsoff.max_ns);

	/* A debug maximum: a lost update between CPUs is of no matter. */
	if (ns > old)
		WRITE_ONCE(xpcpu_irqsoff.max_ns, ns);
}

/* A pool-lock hold starts (lock held): its clock and its chunk count. */
static inline void xpcpu_irqsoff_hold_begin(void)
{
	xpcpu_irqsoff.hold_t0 = xpcpu_irqsoff_begin();
	xpcpu_irqsoff.hold_scanned = 0;
}

static inline void xpcpu_irqsoff_hold_end(void)
{
	xpcpu_irqsoff_end(xpcpu_irqsoff.hold_t0);
}

/* A search tried one more chunk in this hold of the pool lock (held). */
static inline void xpcpu_irqsoff_scanned(void)
{
	int nr = ++xpcpu_irqsoff.hold_scanned;

	if (nr > READ_ONCE(xpcpu_irqsoff.max_scanned))
		WRITE_ONCE(xpcpu_irqsoff.max_scanned, nr);
	WRITE_ONCE(xpcpu_irqsoff.nr_scanned, xpcpu_irqsoff.nr_scanned + 1);
}

/* Start measuring afresh (tests). */
static inline void xpcpu_irqsoff_reset(void)
{
	WRITE_ONCE(xpcpu_irqsoff.max_ns, 0);
	WRITE_ONCE(xpcpu_irqsoff.max_scanned, 0);
	WRITE_ONCE(xpcpu_irqsoff.nr_scanned, 0);
}
#else
static inline u64 xpcpu_irqsoff_begin(void)
{
	return 0;
}

static inline void xpcpu_irqsoff_end(u64 t0)
{
}

static inline void xpcpu_irqsoff_hold_begin(void)
{
}

static inline void xpcpu_irqsoff_hold_end(void)
{
}

static inline void xpcpu_irqsoff_scanned(void)
{
}
#endif

/*
 * The pool lock: a raw spinlock held with interrupts off, for bitmap work
 * only.  Debug builds time every hold (xpcpu_irqsoff_*()).
 */
static inline unsigned long xpcpu_pool_lock(void)
	__acquires(&xpcpu_pool.lock)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xpcpu_pool.lock, flags);
	xpcpu_irqsoff_hold_begin();
	return flags;
}

static inline void xpcpu_pool_unlock(unsigned long flags)
	__releases(&xpcpu_pool.lock)
{
	xpcpu_irqsoff_hold_end();
	raw_spin_unlock_irqrestore(&xpcpu_pool.lock, flags);
}

/*
 * Counters, after mm/percpu-internal.h's pcpu_stats_*() helpers: every
 * change of xpcpu_pool.stats goes through one of these, named for the
 * event, under the lock.
 */
static inline void xpcpu_stat_areas_taken(int nr)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_pool.stats.nr_areas += nr;
}

static inline void xpcpu_stat_areas_released(int nr)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_pool.stats.nr_areas -= nr;
}

/* @chunk joined the pool: made by xpcpu_pool_grow() unless the first. */
static inline void xpcpu_stat_chunk_linked(const struct xpcpu_chunk *chunk)
{
	struct xpcpu_pool_stats *st = &xpcpu_pool.stats;

	lockdep_assert_held(&xpcpu_pool.lock);
	st->nr_chunks++;
	st->nr_max_chunks = max(st->nr_max_chunks, st->nr_chunks);
	if (!chunk->is_first)
		st->nr_created++;
}

/* @chunk left the pool for good: it is destroyed next, unless the first. */
static inline void xpcpu_stat_chunk_unlinked(const struct xpcpu_chunk *chunk)
{
	struct xpcpu_pool_stats *st = &xpcpu_pool.stats;

	lockdep_assert_held(&xpcpu_pool.lock);
	st->nr_chunks--;
	if (!chunk->is_first)
		st->nr_destroyed++;
}

static inline void xpcpu_stat_chunk_emptied(void)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	/* The balance work reads it without the lock (READ_ONCE()). */
	WRITE_ONCE(xpcpu_pool.stats.nr_empty_chunks,
		   xpcpu_pool.stats.nr_empty_chunks + 1);
}

static inline void xpcpu_stat_chunk_unemptied(void)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	WRITE_ONCE(xpcpu_pool.stats.nr_empty_chunks,
		   xpcpu_pool.stats.nr_empty_chunks - 1);
}

static inline void xpcpu_stat_atomic_fail(void)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_pool.stats.nr_atomic_fail++;
}

static inline void xpcpu_stat_reserved(int bytes)
{
	lockdep_assert_held(&xpcpu_pool.lock);
	xpcpu_pool.stats.reserved_used += bytes;
}

/*
 * Pool internals shared by pcpu_pool.c, pcpu_balance.c and
 * pcpu_pool_view.c.
 */
bool xpcpu_chunk_is_empty(const struct xpcpu_chunk *chunk);
void xpcpu_pool_unlink(struct xpcpu_chunk *chunk);
struct xpcpu_chunk *xpcpu_pool_grow(gfp_t gfp, size_t size, size_t align,
				    struct xpcpu_cache_obj *obj);
void xpcpu_pool_destroy_list(struct list_head *list);
void xpcpu_balance_queue(bool urgent);
void xpcpu_balance_workfn(struct work_struct *work);
void xpcpu_report_chunk(struct xpcpu_chunk *chunk);

/*
 * Fault injection (lib/fault-inject.c) where it matters for a chunk: its
 * creation, its pages, its mapping.  Knobs in /sys/kernel/debug/xpcpu/
 * with CONFIG_FAULT_INJECTION_DEBUG_FS; compiled away without
 * CONFIG_FAULT_INJECTION, as Debian's kernels have it.
 */
enum xpcpu_fault {
	XPCPU_FAIL_CHUNK,		/* xpcpu_chunk_create() */
	XPCPU_FAIL_PAGES,		/* each page of a chunk's units */
	XPCPU_FAIL_VMAP,		/* the chunk's vmap() */
	XPCPU_NR_FAULTS,
};

#ifdef CONFIG_FAULT_INJECTION
#include <linux/fault-inject.h>

extern struct fault_attr xpcpu_fault_attrs[XPCPU_NR_FAULTS];
extern const char * const xpcpu_fault_names[XPCPU_NR_FAULTS];

static inline bool xpcpu_should_fail(enum xpcpu_fault fault)
{
	return should_fail(&xpcpu_fault_attrs[fault], 1);
}
#else
static inline bool xpcpu_should_fail(enum xpcpu_fault fault)
{
	return false;
}
#endif

#endif /* _XPCPU_INTERNAL_H */
