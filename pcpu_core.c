// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu - a per-CPU chunk allocator for modules, after mm/percpu.c
 *
 * xpcpu hands out memory with one copy per possible CPU.  Memory comes in
 * chunks.  A chunk holds one unit per possible CPU; units are grouped by
 * NUMA node and every unit's pages come from its CPU's node.  All units of
 * a chunk are mapped by one vmap(), unit after unit, so a CPU's unit sits
 * at the same offset from the base of every chunk:
 *
 *   chunk base
 *   |  node 0 group          node 1 group
 *   v  +--------+--------+   +--------+--------+
 *      | unit 0 | unit 1 |   | unit 2 | unit 3 |    unit_size each
 *      | cpu 0  | cpu 1  |   | cpu 2  | cpu 3  |
 *      +--------+--------+   +--------+--------+
 *        ^ allocations are carved out of unit 0's range; the same offset
 *          in unit N holds CPU N's copy.
 *
 * The first chunk is built at load and laid out, in every unit, as
 *
 *   <  static  |  reserved  |           dynamic            >
 *      xpcpu's    client       served by __xpcpu_alloc()
 *      DEFINE_    modules'
 *      XPCPU      DEFINE_XPCPU
 *
 * and the reserved area is a chunk struct of its own sharing that memory.
 * Further chunks are all dynamic and are created fully populated (a module
 * cannot reserve address space and map it page by page as mm/percpu-vm.c
 * does), then freed whole when they stay empty.
 *
 * Allocation: one bit of alloc_map per 4 bytes of unit 0, bound_map marks
 * the starts and ends of areas, each page-sized block keeps hints
 * (contig_hint, scan_hint, first_free, left_free, right_free) and the chunk
 * keeps one over all blocks.  Chunks sit on slot lists by their longest
 * free run; an allocation walks the slots from the first that can fit it
 * and takes the first fit in the first chunk that has one
 * (pcpu_chunk.c).
 *
 * Pointers: a __xpcpu pointer is unit 0's address of the area minus
 * XPCPU_PTR_BIAS (xpcpu_addr_to_ptr() and xpcpu_ptr_to_addr() are the only
 * places that know), so that dereferencing it without an accessor faults.
 * xpcpu_unit_off, a per-CPU variable, holds bias + the CPU's unit offset:
 * xpcpu_this_ptr() is one %gs-relative load and an add.
 *
 * Usage:
 *
 *	int __xpcpu *hits = xpcpu_alloc(int);
 *
 *	(*xpcpu_get_ptr(hits))++;
 *	xpcpu_put_ptr(hits);
 *	...
 *	xpcpu_free(hits);
 *
 * Synchronization rules:
 *
 * xpcpu_lock, a spinlock taken with interrupts disabled, protects every
 * index structure: the slot lists, the chunk tree, each chunk's bitmaps,
 * hints and counters, and xpcpu_stats.  Allocation and free hold it for
 * the bitmap work only; zeroing the new area's copies happens after it is
 * dropped.  xpcpu_free() takes nothing else, so it can be called from any
 * context, interrupts off included.
 *
 * xpcpu_chunk_mutex serializes the creation and destruction of chunks,
 * which sleep (page allocation, vmap(), vunmap()) and so run outside
 * xpcpu_lock.  A blocking allocation takes it only when no chunk can
 * serve it -- unlike pcpu_alloc_mutex, which every blocking allocation of
 * the kernel's allocator takes.  The order is xpcpu_chunk_mutex, then
 * xpcpu_lock.  A chunk is unlinked from the slots and the tree under
 * xpcpu_lock before it is destroyed, and only the balance work (holding
 * the mutex) destroys chunks, so a chunk found under the lock stays alive
 * while the lock is held.
 *
 * Non-blocking allocations (no __GFP_DIRECT_RECLAIM) never sleep and never
 * create a chunk: they are served from existing chunks, and a failure
 * schedules the balance work, which keeps spare_chunks empty chunks ready
 * and frees the empty chunks beyond those once they have stayed empty for
 * empty_decay_ms, so that a workload that frees and soon allocates again
 * (a batch, a burst) finds its chunks still there.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <xpcpu_internal.h>

#define CREATE_TRACE_POINTS
#include <xpcpu_trace.h>

DEFINE_PER_CPU(unsigned long, xpcpu_unit_off);
EXPORT_PER_CPU_SYMBOL_GPL(xpcpu_unit_off);

/* Protects the slots, the chunk tree, chunk bitmaps/hints, xpcpu_stats. */
DEFINE_SPINLOCK(xpcpu_lock);
/* Serializes chunk creation and destruction; taken before xpcpu_lock. */
DEFINE_MUTEX(xpcpu_chunk_mutex);

struct xpcpu_alloc_info *xpcpu_ai;		/* layout, set at init */
struct xpcpu_chunk *xpcpu_first_chunk;		/* dynamic part of chunk 0 */
struct xpcpu_chunk *xpcpu_reserved_chunk;	/* reserved part of chunk 0 */
struct list_head *xpcpu_slot;			/* chunks by longest free run */
int xpcpu_nr_slots;				/* slots, free slot last */
struct xpcpu_stats xpcpu_stats;			/* under xpcpu_lock */
DEFINE_XPCPU(struct xpcpu_cpu_stats, xpcpu_cpu_stats);

static struct rb_root xpcpu_chunk_tree = RB_ROOT; /* by base, xpcpu_lock */
static bool xpcpu_dying;			/* no more balance work */

static unsigned int reserved_size = 8 << 10;
module_param(reserved_size, uint, 0444);
MODULE_PARM_DESC(reserved_size, "Bytes for client modules' static per-CPU variables (default 8192)");

static unsigned int dynamic_size = 28 << 10;
module_param(dynamic_size, uint, 0444);
MODULE_PARM_DESC(dynamic_size, "Bytes the first chunk serves dynamically, at least (default 28672)");

static unsigned int spare_chunks = 1;
module_param(spare_chunks, uint, 0644);
MODULE_PARM_DESC(spare_chunks, "Empty chunks the balance work keeps ready for atomic allocations (default 1)");

static unsigned int empty_decay_ms = 1000;
module_param(empty_decay_ms, uint, 0644);
MODULE_PARM_DESC(empty_decay_ms, "Milliseconds an empty chunk beyond spare_chunks stays before it is freed (default 1000)");

static void xpcpu_balance_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(xpcpu_balance_work, xpcpu_balance_workfn);
static bool xpcpu_balance_force;		/* next run ignores the decay */
static void xpcpu_schedule_reclaim(void);

/**
 * xpcpu_spare_chunks() - how many empty chunks the balance work keeps
 *
 * Return: the spare_chunks module parameter.
 */
int xpcpu_spare_chunks(void)
{
	return READ_ONCE(spare_chunks);
}

#if IS_ENABLED(CONFIG_XPCPU_KUNIT_TEST)
/**
 * xpcpu_test_set_spare_chunks() - KUnit hook: change spare_chunks
 * @spare: the new value
 *
 * The balance work applies it the next time it runs.
 *
 * Return: the old value.
 */
unsigned int xpcpu_test_set_spare_chunks(unsigned int spare)
{
	return xchg(&spare_chunks, spare);
}

/**
 * xpcpu_test_set_empty_decay_ms() - KUnit hook: change empty_decay_ms
 * @ms: the new value
 *
 * Return: the old value.
 */
unsigned int xpcpu_test_set_empty_decay_ms(unsigned int ms)
{
	return xchg(&empty_decay_ms, ms);
}
#endif

/* Slot of a chunk whose longest free run is @size bytes. */
static int xpcpu_size_to_slot(int size)
{
	if (size == xpcpu_ai->unit_size)
		return xpcpu_nr_slots - 1;
	return max(fls(size) - XPCPU_SLOT_BASE_SHIFT + 2, 1);
}

/**
 * xpcpu_chunk_slot() - the slot a chunk belongs on
 * @chunk: the chunk
 *
 * Return: 0 for a full chunk, xpcpu_nr_slots - 1 for an empty one.
 */
int xpcpu_chunk_slot(const struct xpcpu_chunk *chunk)
{
	int contig = chunk->chunk_md.contig_hint;

	if (chunk->free_bytes < XPCPU_MIN_ALLOC_SIZE || !contig)
		return 0;
	return xpcpu_size_to_slot(xpcpu_bit_to_off(contig));
}

static bool xpcpu_chunk_is_empty(const struct xpcpu_chunk *chunk)
{
	return !chunk->is_first && !chunk->nr_alloc;
}

/* Move @chunk to the slot its hint asks for. */
static void xpcpu_chunk_relocate(struct xpcpu_chunk *chunk)
{
	int slot = xpcpu_chunk_slot(chunk);

	lockdep_assert_held(&xpcpu_lock);
	if (slot == chunk->slot)
		return;
	/* Newly emptied chunks go last, so the oldest empties are used. */
	if (slot == xpcpu_nr_slots - 1 || chunk->slot < slot)
		list_move_tail(&chunk->list, &xpcpu_slot[slot]);
	else
		list_move(&chunk->list, &xpcpu_slot[slot]);
	chunk->slot = slot;
}

static int xpcpu_chunk_cmp(const void *key, const struct rb_node *node)
{
	const struct xpcpu_chunk *chunk = rb_entry(node, struct xpcpu_chunk,
						   node);
	unsigned long addr = (unsigned long)key;
	unsigned long base = (unsigned long)chunk->base_addr;

	if (addr < base)
		return -1;
	if (addr >= base + xpcpu_ai->unit_size)
		return 1;
	return 0;
}

static bool xpcpu_chunk_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct xpcpu_chunk, node)->base_addr <
	       rb_entry(b, struct xpcpu_chunk, node)->base_addr;
}

/* The chunk whose unit 0 contains @addr, or NULL. */
static struct xpcpu_chunk *xpcpu_chunk_lookup(void *addr)
{
	struct rb_node *node;

	lockdep_assert_held(&xpcpu_lock);
	node = rb_find(addr, &xpcpu_chunk_tree, xpcpu_chunk_cmp);
	return node ? rb_entry(node, struct xpcpu_chunk, node) : NULL;
}

/* @chunk has no live area left: count it, and date it for the decay. */
static void xpcpu_chunk_became_empty(struct xpcpu_chunk *chunk)
{
	xpcpu_stats.nr_empty_chunks++;
	chunk->empty_since = jiffies;
}

/* Put a new chunk on the index. */
static void xpcpu_chunk_link(struct xpcpu_chunk *chunk)
{
	lockdep_assert_held(&xpcpu_lock);
	rb_add(&chunk->node, &xpcpu_chunk_tree, xpcpu_chunk_less);
	chunk->slot = -1;
	INIT_LIST_HEAD(&chunk->list);
	xpcpu_chunk_relocate(chunk);
	xpcpu_stats.nr_chunks++;
	xpcpu_stats.nr_max_chunks = max(xpcpu_stats.nr_max_chunks,
					xpcpu_stats.nr_chunks);
	if (xpcpu_chunk_is_empty(chunk))
		xpcpu_chunk_became_empty(chunk);
}

/* Take a chunk off the index; it must be empty. */
static void xpcpu_chunk_unlink(struct xpcpu_chunk *chunk)
{
	lockdep_assert_held(&xpcpu_lock);
	rb_erase(&chunk->node, &xpcpu_chunk_tree);
	list_del_init(&chunk->list);
	chunk->slot = -1;
	xpcpu_stats.nr_chunks--;
	if (xpcpu_chunk_is_empty(chunk))
		xpcpu_stats.nr_empty_chunks--;
}

static void xpcpu_account_alloc(size_t size, bool is_atomic)
{
	struct xpcpu_cpu_stats *cs = xpcpu_this_ptr(__xpcpu_var(xpcpu_cpu_stats));
	struct xpcpu_stats *st = &xpcpu_stats;

	lockdep_assert_held(&xpcpu_lock);
	cs->nr_alloc++;
	st->nr_alloc++;
	st->nr_cur_alloc++;
	st->nr_max_alloc = max(st->nr_max_alloc, st->nr_cur_alloc);
	if (!st->min_alloc_size || size < st->min_alloc_size)
		st->min_alloc_size = size;
	st->max_alloc_size = max_t(u64, st->max_alloc_size, size);
	if (is_atomic)
		st->nr_atomic_alloc++;
}

/*
 * Allocate @size bytes at @align from the first chunk, in slot order,
 * that fits, and count it.
 * Return: the chunk and the area's first bit in *@bitp, or NULL.
 */
static struct xpcpu_chunk *xpcpu_alloc_from_slots(size_t size, size_t align,
						  bool is_atomic, int *bitp)
{
	int bits = xpcpu_off_to_bit(size), align_bits = xpcpu_off_to_bit(align);
	struct xpcpu_chunk *chunk;
	int slot, bit;

	lockdep_assert_held(&xpcpu_lock);
	for (slot = xpcpu_size_to_slot(xpcpu_bit_to_off(bits));
	     slot < xpcpu_nr_slots; slot++) {
		list_for_each_entry(chunk, &xpcpu_slot[slot], list) {
			bool was_empty = xpcpu_chunk_is_empty(chunk);

			bit = xpcpu_chunk_alloc_area(chunk, bits, align_bits);
			if (bit < 0)
				continue;
			if (was_empty) {
				xpcpu_stats.nr_empty_chunks--;
				if (xpcpu_stats.nr_empty_chunks <
				    xpcpu_spare_chunks())
					xpcpu_schedule_balance();
			}
			xpcpu_chunk_relocate(chunk);
			xpcpu_account_alloc(size, is_atomic);
			*bitp = bit;
			return chunk;
		}
	}
	if (is_atomic)
		xpcpu_stats.nr_atomic_fail++;
	return NULL;
}

/* Create a chunk and allocate from it; called with the mutex held. */
static struct xpcpu_chunk *xpcpu_alloc_new_chunk(size_t size, size_t align,
						 gfp_t gfp, int *bitp)
{
	struct xpcpu_chunk *chunk;
	unsigned long flags;

	lockdep_assert_held(&xpcpu_chunk_mutex);
	chunk = xpcpu_chunk_create(xpcpu_ai, gfp);
	if (!chunk)
		return NULL;
	trace_xpcpu_create_chunk(chunk->base_addr);

	spin_lock_irqsave(&xpcpu_lock, flags);
	xpcpu_stats.nr_created++;
	xpcpu_chunk_link(chunk);
	chunk = xpcpu_alloc_from_slots(size, align, false, bitp);
	spin_unlock_irqrestore(&xpcpu_lock, flags);
	return chunk;
}

static bool xpcpu_bad_request(size_t size, size_t align)
{
	return !size || size > XPCPU_MAX_ALLOC_SIZE || !align ||
	       !is_power_of_2(align) || align > PAGE_SIZE;
}

static void __xpcpu *xpcpu_alloc_area(size_t size, size_t align, gfp_t gfp,
				      unsigned long caller)
{
	bool is_atomic = !gfpflags_allow_blocking(gfp);
	gfp_t chunk_gfp = gfp & (GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	struct xpcpu_chunk *chunk;
	void __xpcpu *ptr;
	unsigned long flags;
	unsigned int cpu;
	int bit, off;

	if (unlikely(xpcpu_bad_request(size, align))) {
		pr_warn_ratelimited("illegal allocation: size %zu align %zu from %pS\n",
				    size, align, (void *)caller);
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}
	size = ALIGN(size, XPCPU_MIN_ALLOC_SIZE);
	align = max_t(size_t, align, XPCPU_MIN_ALLOC_SIZE);

	spin_lock_irqsave(&xpcpu_lock, flags);
	chunk = xpcpu_alloc_from_slots(size, align, is_atomic, &bit);
	spin_unlock_irqrestore(&xpcpu_lock, flags);

	if (!chunk && !is_atomic) {
		mutex_lock(&xpcpu_chunk_mutex);
		/* Someone may have made room while we waited. */
		spin_lock_irqsave(&xpcpu_lock, flags);
		chunk = xpcpu_alloc_from_slots(size, align, false, &bit);
		spin_unlock_irqrestore(&xpcpu_lock, flags);
		if (!chunk)
			chunk = xpcpu_alloc_new_chunk(size, align, chunk_gfp,
						      &bit);
		mutex_unlock(&xpcpu_chunk_mutex);
	}

	if (!chunk) {
		if (is_atomic)
			xpcpu_schedule_balance();
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}

	off = xpcpu_bit_to_off(bit);
	for_each_possible_cpu(cpu)
		memset(xpcpu_chunk_addr(chunk, cpu, off), 0, size);

	ptr = xpcpu_addr_to_ptr((char *)chunk->base_addr + off);
	trace_xpcpu_alloc(caller, false, is_atomic, size, align,
			  chunk->base_addr, off, ptr, size * xpcpu_ai->nr_units,
			  gfp);
	return ptr;
}

/**
 * __xpcpu_alloc_gfp() - allocate zeroed per-CPU memory
 * @size: bytes per CPU, 1 to XPCPU_MAX_ALLOC_SIZE (rounded up to 4)
 * @align: alignment, a power of two up to PAGE_SIZE (below 4 means 4)
 * @gfp: allocation flags; without __GFP_DIRECT_RECLAIM (GFP_NOWAIT,
 *	 GFP_ATOMIC) the call never sleeps and only existing chunks serve it
 *
 * Every possible CPU's copy is zeroed.  A bad @size or @align gets a
 * rate-limited warning that names the caller.
 *
 * Context: any context if @gfp does not allow blocking, else process
 * context.
 * Return: a __xpcpu pointer, or NULL.
 */
void __xpcpu *__xpcpu_alloc_gfp(size_t size, size_t align, gfp_t gfp)
{
	return xpcpu_alloc_area(size, align, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(__xpcpu_alloc_gfp);

/**
 * __xpcpu_alloc() - allocate zeroed per-CPU memory, may sleep
 * @size: bytes per CPU, 1 to XPCPU_MAX_ALLOC_SIZE (rounded up to 4)
 * @align: alignment, a power of two up to PAGE_SIZE (below 4 means 4)
 *
 * Context: process context, may sleep.
 * Return: a __xpcpu pointer, or NULL.
 */
void __xpcpu *__xpcpu_alloc(size_t size, size_t align)
{
	return xpcpu_alloc_area(size, align, GFP_KERNEL, _RET_IP_);
}
EXPORT_SYMBOL_GPL(__xpcpu_alloc);

/**
 * xpcpu_free() - free memory from __xpcpu_alloc() or __xpcpu_alloc_gfp()
 * @ptr: the pointer; NULL does nothing
 *
 * A pointer xpcpu did not hand out, or one freed already, gets a
 * rate-limited warning and is ignored; nothing is changed.
 *
 * Context: any context, interrupts disabled included.
 */
void xpcpu_free(void __xpcpu *ptr)
{
	void *addr = xpcpu_ptr_to_addr(ptr);
	struct xpcpu_chunk *chunk;
	void *base_addr;
	unsigned long flags;
	int off = -1, bits = -EINVAL;

	if (!ptr)
		return;

	spin_lock_irqsave(&xpcpu_lock, flags);
	chunk = xpcpu_chunk_lookup(addr);
	if (chunk) {
		off = addr - chunk->base_addr;
		if (IS_ALIGNED(off, XPCPU_MIN_ALLOC_SIZE))
			bits = xpcpu_chunk_free_area(chunk,
						     xpcpu_off_to_bit(off));
	}
	if (bits < 0) {
		xpcpu_stats.nr_bad_free++;
		spin_unlock_irqrestore(&xpcpu_lock, flags);
		pr_warn_ratelimited("%s(%p) from %pS: %s; ignored\n",
				    __func__, ptr, (void *)_RET_IP_,
				    chunk ? "not a live area (double free?)" :
					    "not an xpcpu pointer");
		return;
	}

	xpcpu_this_ptr(__xpcpu_var(xpcpu_cpu_stats))->nr_free++;
	xpcpu_stats.nr_dealloc++;
	xpcpu_stats.nr_cur_alloc--;
	if (xpcpu_chunk_is_empty(chunk)) {
		xpcpu_chunk_became_empty(chunk);
		if (xpcpu_stats.nr_empty_chunks > xpcpu_spare_chunks())
			xpcpu_schedule_reclaim();
	}
	xpcpu_chunk_relocate(chunk);
	base_addr = chunk->base_addr;
	spin_unlock_irqrestore(&xpcpu_lock, flags);

	trace_xpcpu_free(base_addr, off, ptr);
}
EXPORT_SYMBOL_GPL(xpcpu_free);

/**
 * xpcpu_schedule_balance() - ask the balance work to run now
 *
 * For when the spare chunks ran low: it creates chunks up to spare_chunks.
 *
 * Context: any context.
 */
void xpcpu_schedule_balance(void)
{
	if (!READ_ONCE(xpcpu_dying))
		mod_delayed_work(system_wq, &xpcpu_balance_work, 0);
}

/*
 * A chunk became empty beyond the spares: look again once it may have
 * decayed.  A run already pending, sooner or later, is left as it is.
 */
static void xpcpu_schedule_reclaim(void)
{
	if (!READ_ONCE(xpcpu_dying))
		queue_delayed_work(system_wq, &xpcpu_balance_work,
				   msecs_to_jiffies(READ_ONCE(empty_decay_ms)));
}

/**
 * xpcpu_run_balance() - run the balance work now and wait for it
 *
 * Context: process context.
 */
void xpcpu_run_balance(void)
{
	xpcpu_schedule_balance();
	flush_delayed_work(&xpcpu_balance_work);
}

/**
 * xpcpu_flush_balance() - balance now, freeing empty chunks beyond the
 * spares whatever their age, and wait for it
 *
 * Context: process context.
 */
void xpcpu_flush_balance(void)
{
	WRITE_ONCE(xpcpu_balance_force, true);
	xpcpu_run_balance();
}

/*
 * Unlink onto @list the empty chunks beyond @keep that have been empty
 * for @decay jiffies, oldest first (chunks join the free slot at its
 * tail).  Return: jiffies until the next one decays, 0 if none waits.
 */
static unsigned long xpcpu_collect_empty(struct list_head *list, int keep,
					 unsigned long decay)
{
	struct list_head *free_slot = &xpcpu_slot[xpcpu_nr_slots - 1];
	struct xpcpu_chunk *chunk, *tmp;
	unsigned long now = jiffies;

	lockdep_assert_held(&xpcpu_lock);
	list_for_each_entry_safe(chunk, tmp, free_slot, list) {
		if ((int)xpcpu_stats.nr_empty_chunks <= keep)
			break;
		if (!xpcpu_chunk_is_empty(chunk))
			continue;
		if (time_before(now, chunk->empty_since + decay))
			return chunk->empty_since + decay - now;
		xpcpu_chunk_unlink(chunk);
		list_add(&chunk->list, list);
	}
	return 0;
}

static void xpcpu_destroy_list(struct list_head *list)
{
	struct xpcpu_chunk *chunk, *tmp;
	unsigned long flags;

	list_for_each_entry_safe(chunk, tmp, list, list) {
		list_del(&chunk->list);
		trace_xpcpu_destroy_chunk(chunk->base_addr);
		xpcpu_chunk_destroy(chunk, xpcpu_ai);
		spin_lock_irqsave(&xpcpu_lock, flags);
		xpcpu_stats.nr_destroyed++;
		spin_unlock_irqrestore(&xpcpu_lock, flags);
	}
}

/*
 * Keep spare_chunks empty chunks: free the empty chunks beyond them that
 * have decayed (and come back when the next one will have), then create
 * chunks until there are spare_chunks.
 */
static void xpcpu_balance_workfn(struct work_struct *work)
{
	unsigned long decay = msecs_to_jiffies(READ_ONCE(empty_decay_ms));
	int spare = xpcpu_spare_chunks();
	struct xpcpu_chunk *chunk;
	unsigned long flags, next;
	LIST_HEAD(to_free);

	if (xchg(&xpcpu_balance_force, false))
		decay = 0;

	mutex_lock(&xpcpu_chunk_mutex);
	spin_lock_irqsave(&xpcpu_lock, flags);
	next = xpcpu_collect_empty(&to_free, spare, decay);
	spin_unlock_irqrestore(&xpcpu_lock, flags);
	xpcpu_destroy_list(&to_free);
	if (next && !READ_ONCE(xpcpu_dying))
		queue_delayed_work(system_wq, &xpcpu_balance_work, next);

	while (!READ_ONCE(xpcpu_dying) &&
	       (int)READ_ONCE(xpcpu_stats.nr_empty_chunks) < spare) {
		chunk = xpcpu_chunk_create(xpcpu_ai, GFP_KERNEL);
		if (!chunk)
			break;
		trace_xpcpu_create_chunk(chunk->base_addr);
		spin_lock_irqsave(&xpcpu_lock, flags);
		xpcpu_stats.nr_created++;
		xpcpu_chunk_link(chunk);
		spin_unlock_irqrestore(&xpcpu_lock, flags);
	}
	mutex_unlock(&xpcpu_chunk_mutex);
}

/* Print what is still allocated in @chunk, at most a few areas. */
static void xpcpu_report_chunk(struct xpcpu_chunk *chunk)
{
	int start = xpcpu_off_to_bit(chunk->start_offset);
	int end = xpcpu_off_to_bit(chunk->end_offset);
	int bit, shown = 0;

	pr_warn("unload: chunk %d still has %d live area(s), %d bytes in use; releasing them\n",
		chunk->id, chunk->nr_alloc,
		chunk->end_offset - chunk->start_offset - chunk->free_bytes);
	for (bit = start; bit < end && shown < 8; bit++) {
		int bits = xpcpu_chunk_area_bits(chunk, bit);

		if (bits < 0)
			continue;
		pr_warn("unload:   area at offset %d, %d bytes per CPU\n",
			xpcpu_bit_to_off(bit), xpcpu_bit_to_off(bits));
		bit += bits - 1;
		shown++;
	}
	if (chunk->nr_alloc > shown)
		pr_warn("unload:   ... and %d more\n", chunk->nr_alloc - shown);
}

/* Report leaks, then unlink every chunk but the first onto @list. */
static void xpcpu_collect_all(struct list_head *list)
{
	struct xpcpu_chunk *chunk, *tmp;
	int slot;

	lockdep_assert_held(&xpcpu_lock);
	for (slot = 0; slot < xpcpu_nr_slots; slot++) {
		list_for_each_entry_safe(chunk, tmp, &xpcpu_slot[slot], list) {
			if (chunk->nr_alloc)
				xpcpu_report_chunk(chunk);
			if (chunk->is_first)
				continue;
			xpcpu_chunk_unlink(chunk);
			chunk->nr_alloc = 0;
			list_add(&chunk->list, list);
		}
	}
}

static int xpcpu_init_slots(void)
{
	int i;

	xpcpu_nr_slots = max(fls(xpcpu_ai->unit_size) -
			     XPCPU_SLOT_BASE_SHIFT + 2, 1) + 2;
	xpcpu_slot = kcalloc(xpcpu_nr_slots, sizeof(*xpcpu_slot), GFP_KERNEL);
	if (!xpcpu_slot)
		return -ENOMEM;
	for (i = 0; i < xpcpu_nr_slots; i++)
		INIT_LIST_HEAD(&xpcpu_slot[i]);
	return 0;
}

static int __init xpcpu_init(void)
{
	struct xpcpu_alloc_info *ai;
	unsigned long flags;
	int ret;

	if (reserved_size > XPCPU_MAX_ALLOC_SIZE ||
	    dynamic_size > XPCPU_MAX_ALLOC_SIZE) {
		pr_err("reserved_size and dynamic_size must be at most %d\n",
		       XPCPU_MAX_ALLOC_SIZE);
		return -EINVAL;
	}

	ai = xpcpu_build_alloc_info(__xpcpu_end - __xpcpu_start, reserved_size,
				    dynamic_size);
	if (!ai)
		return -ENOMEM;
	xpcpu_ai = ai;
	ret = xpcpu_init_slots();
	if (ret)
		goto err_free_ai;
	ret = xpcpu_setup_first_chunk(ai);
	if (ret)
		goto err_free_slots;

	spin_lock_irqsave(&xpcpu_lock, flags);
	xpcpu_chunk_link(xpcpu_first_chunk);
	spin_unlock_irqrestore(&xpcpu_lock, flags);

	ret = xpcpu_debugfs_init();
	if (ret)
		goto err_teardown;

	xpcpu_schedule_balance();
	pr_info("%d units in %d groups, unit %zu bytes: static %zu reserved %zu dynamic %zu\n",
		ai->nr_units, ai->nr_groups, ai->unit_size, ai->static_size,
		ai->reserved_size, ai->dyn_size);
	return 0;

err_teardown:
	spin_lock_irqsave(&xpcpu_lock, flags);
	xpcpu_chunk_unlink(xpcpu_first_chunk);
	spin_unlock_irqrestore(&xpcpu_lock, flags);
	xpcpu_teardown_first_chunk();
err_free_slots:
	kfree(xpcpu_slot);
err_free_ai:
	xpcpu_free_alloc_info(ai);
	xpcpu_ai = NULL;
	return ret;
}

static void __exit xpcpu_exit(void)
{
	unsigned long flags;
	LIST_HEAD(to_free);

	xpcpu_debugfs_exit();
	WRITE_ONCE(xpcpu_dying, true);
	cancel_delayed_work_sync(&xpcpu_balance_work);
	xpcpu_report_modules();

	mutex_lock(&xpcpu_chunk_mutex);
	spin_lock_irqsave(&xpcpu_lock, flags);
	xpcpu_collect_all(&to_free);
	xpcpu_chunk_unlink(xpcpu_first_chunk);
	spin_unlock_irqrestore(&xpcpu_lock, flags);
	xpcpu_destroy_list(&to_free);
	mutex_unlock(&xpcpu_chunk_mutex);

	xpcpu_teardown_first_chunk();
	kfree(xpcpu_slot);
	xpcpu_free_alloc_info(xpcpu_ai);
	xpcpu_ai = NULL;
}

module_init(xpcpu_init);
module_exit(xpcpu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu: per-CPU chunk allocator for modules");
