// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu - a per-CPU chunk allocator for modules, after mm/percpu.c
 *
 * xpcpu hands out memory with one copy per possible CPU.  Memory comes in
 * chunks.  A chunk holds one unit per possible CPU; units are grouped by
 * NUMA node and every unit's pages come from its CPU's node.  A CPU's
 * unit sits at the same offset from the base of every chunk.  Three
 * memory backends (pcpu_chunk.c), one chosen at load: with the vmap
 * backend all units of a chunk are mapped by one vmap(), unit after
 * unit:
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
 * With the percpu backend the units sit at the kernel's own per-CPU
 * offsets from unit 0 (__per_cpu_offset[c] - __per_cpu_offset[unit 0's
 * CPU]), in one vmap() whose holes between units all map one zeroed page:
 * only where that span fits genuine_max_mb.  With the kpcpu backend a
 * chunk is one area of the kernel's own per-CPU allocator,
 * __alloc_percpu_gfp() of the unit size, 32 KiB at most
 * (XPCPU_KPCPU_UNIT_SIZE): the units sit at the same offsets, on any
 * layout, in the kernel's chunks; xpcpu carves the area as any chunk.
 *
 * In the first chunk the reserved area is a chunk struct of its own
 * sharing that memory.  With the kpcpu backend the first chunk is one
 * 32 KiB area too, xpcpu's static templates copied into every possible
 * CPU's copy: its dynamic area is what static + reserved leave.
 * Further chunks are all dynamic and are created fully populated (a module
 * cannot reserve address space and map it page by page as mm/percpu-vm.c
 * does; the kpcpu backend's come populated and zeroed on every possible
 * CPU from the kernel), then freed whole when they stay empty.
 *
 * Allocation: one bit of alloc_map per 4 bytes of unit 0, bound_map marks
 * the starts and ends of areas, each page-sized block keeps hints
 * (contig_hint, scan_hint, first_free, left_free, right_free) and the chunk
 * keeps one over all blocks.  Chunks sit on slot lists by their longest
 * free run; an allocation walks the slots from the first that can fit it
 * and takes the first fit in the first chunk that has one.
 *
 * Pointers: a __xpcpu pointer is unit 0's address of the area minus
 * xpcpu_ptr_bias (xpcpu_addr_to_ptr() and xpcpu_ptr_to_addr() are the only
 * places that know); the vmap backend's bias makes a dereference without
 * an accessor fault.  xpcpu_unit_off, a per-CPU variable, holds bias + the
 * CPU's unit offset: xpcpu_this_ptr() is one %gs-relative load and an add.
 * With the percpu and kpcpu backends the bias is __per_cpu_offset of unit
 * 0's CPU, so xpcpu_unit_off is __per_cpu_offset itself and a pointer is
 * a genuine __percpu one (static key xpcpu_genuine_ptrs): this_cpu_*()
 * work on it, one %gs-relative instruction, and xpcpu_ptr() reads the
 * __per_cpu_offset array rather than every CPU's xpcpu_unit_off.  pointers=auto picks percpu
 * where its span fits, else kpcpu if static + reserved leave a page of the
 * 32 KiB unit, else vmap; the kpcpu backend's largest allocation is its
 * unit (xpcpu_max_alloc_size()).
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
 * Files, each with one job; a file calls only files below its own row
 * (pcpu_main.c starts them all, in order):
 *
 *   pcpu_main.c         module init/exit and parameters; starts and stops
 *                       the parts below in order
 *   pcpu_debugfs.c      /sys/kernel/debug/xpcpu: read-only views
 *   (this file)         this header and the exported API; validates
 *                       requests, zeroes new areas, traces
 *   pcpu_cache_shrink.c the caches' cap (cache_kb) and shrinker: how much
 *                       to give back, and from which CPU
 *   pcpu_cache.c        per-CPU caches of small free areas in front of
 *                       the pool (struct xpcpu_caches)
 *   pcpu_modules.c      client modules' static variables (reserved area)
 *   pcpu_balance.c      the balance work: spare chunks, decayed empty
 *                       chunks, trim; the reap work's pinned-chunk walk
 *   pcpu_pool_view.c    the pool's read-only view (include/xpcpu_view.h)
 *                       and the unload report
 *   pcpu_pool.c         struct xpcpu_pool: slot lists, grow/destroy,
 *                       bounded slot searches, alloc/free, batches (its
 *                       lock and counters' helpers: xpcpu_internal.h)
 *   pcpu_first_chunk.c  the layout by node and the first chunk
 *   pcpu_index.c        address -> chunk: a sorted array under RCU
 *   pcpu_chunk.c        chunk metadata and lifetime through a memory
 *                       backend (struct xpcpu_backend), pointer encoding
 *   pcpu_bitmap.c       the bitmap allocator and hints of one chunk; no
 *                       memory code, so it also builds in userspace
 *   pcpu_static_{start,end}.c  markers around xpcpu's own DEFINE_XPCPU()s
 *
 * Test drivers are not in xpcpu.ko: tests/ctl/ (xpcpu_ctl.ko, the debugfs
 * "ctl" command interpreter) is a module of its own over the public API
 * and the view of include/xpcpu_view.h, whose two symbols xpcpu exports
 * in the namespace XPCPU_INTERNAL_NS only; the KUnit suites (tests/) build
 * into the KUnit kernel alone.
 *
 * Synchronization rules:
 *
 * xpcpu_pool.lock, a raw spinlock taken with interrupts disabled, protects
 * the slot lists, each chunk's bitmaps, hints and counters, and the pool's
 * counters.  Allocation and free hold it for the bitmap work only; zeroing
 * the new area's copies happens after it is dropped.  Being raw, it may
 * be taken in any context, hard interrupts and raw spinlocks included,
 * on PREEMPT_RT too; so nothing that sleeps or allocates happens under it.
 *
 * The chunk index (struct xpcpu_index, a sorted array of unit 0 ranges
 * replaced as a whole) is written only by chunk creation and destruction,
 * from process context under xpcpu_pool.index.lock, and read under RCU
 * without waiting for a writer, so also from a hard interrupt that
 * interrupted one.  xpcpu_pool.grow_mutex serializes the creation of
 * chunks, which sleeps (page allocation, vmap()) and so runs outside the
 * lock.  A blocking allocation takes it only when no chunk can serve it
 * -- unlike pcpu_alloc_mutex, which every blocking allocation of the
 * kernel's allocator takes.  The order is grow_mutex, then lock.  The
 * kpcpu backend's chunk creation and destruction take the kernel's
 * pcpu_alloc_mutex (and its pcpu_lock) inside grow_mutex, or inside
 * nothing of xpcpu's when the balance work destroys; never the other way
 * round: nothing of xpcpu runs under the kernel's locks.  The
 * balance work and xpcpu_trim() destroy chunks, without the mutex: an
 * empty chunk is taken off its slot under the lock, erased from the index
 * (bumping freed_gen, which invalidates the caches' last-chunk hints),
 * and freed after an RCU grace period, so a chunk found in the index
 * stays alive for the RCU read-side section (or interrupts-off section)
 * that found it.
 *
 * Per-CPU caches (pcpu_cache.c): areas of up to XPCPU_CACHE_MAX_SIZE bytes
 * come in size classes, and each CPU keeps up to cache_objs free areas per
 * class, cache_kb KiB of memory in all (every unit's copy counted).
 * Allocation of a class pops one with interrupts off and no lock; free
 * finds the chunk in the index under RCU and the area's size in bound_map
 * without the lock (a live area's bits do not change until it is freed),
 * and pushes it.  A miss takes half a
 * class's worth from the pool, a full class gives half back, each under
 * one hold of the pool lock.  Caches hold areas that are allocated in
 * their chunk's bitmap; a chunk's cached_map marks them, and every free
 * claims the area's bit with test_and_set_bit() first, so a double free
 * of a cached area is caught without the lock.  A CPU's cache is only
 * touched by that CPU with interrupts off -- hard interrupts, on
 * PREEMPT_RT too -- by an IPI on that CPU, or by the hotplug teardown
 * once the CPU is dead; the pool lock nests inside.  The reap work drains
 * idle caches and, when some chunk holds nothing but cached areas, all of
 * them; a shrinker drains them under memory pressure, and lowering
 * cache_kb gives back the excess (both in pcpu_cache_shrink.c).
 *
 * Bounded work with interrupts off: a search of the slots tries at most
 * XPCPU_SCAN_BUDGET chunks that do not fit per hold of the pool lock, then
 * goes to the slots whose chunks surely fit (xpcpu_alloc_from_slots());
 * a blocking search drops the lock and goes on until every chunk was
 * tried.  The views, the reap work's look for chunks only caches hold and
 * the collection of decayed empty chunks walk the index under RCU or take
 * the lock per chunk or per small batch.  What one hold does is
 * independent of the number of chunks.
 *
 * Non-blocking allocations (no __GFP_DIRECT_RECLAIM) never sleep and never
 * create a chunk: they are served from existing chunks, and a failure
 * schedules the balance work, which keeps spare_chunks empty chunks ready
 * and frees the empty chunks beyond those once they have stayed empty for
 * empty_decay_ms, so that a workload that frees and soon allocates again
 * (a batch, a burst) finds its chunks still there.
 *
 * Allocation contexts: everything allocated while grow_mutex is held --
 * a chunk's pages, vmap()'s own allocations, the metadata, the index copy
 * -- runs in memalloc_noio_save() scope (xpcpu_pool_grow()), whoever
 * asked, the balance work included: a GFP_NOFS or GFP_NOIO caller may
 * wait for grow_mutex while it holds a lock that FS or I/O reclaim needs,
 * so the holder must never recurse into that reclaim.  mm/percpu.c
 * narrows each request by current_gfp_context() and runs its balance
 * work in NOIO scope, but a GFP_KERNEL request holding pcpu_alloc_mutex
 * still reclaims through the FS while a GFP_NOFS one waits for it; here
 * no holder does.  The index copy (pcpu_index.c), made under the index
 * lock that growth takes inside grow_mutex, is allocated in the same
 * scope, for destruction and module init too.  A caller's own scope
 * narrows further, as always.  Non-blocking requests allocate nothing.
 * The kpcpu backend's __alloc_percpu_gfp() runs in that scope too: the
 * kernel narrows it with current_gfp_context() to GFP_NOIO, which still
 * blocks (6.1 and 6.12 call a request atomic only without
 * __GFP_DIRECT_RECLAIM), so it takes pcpu_alloc_mutex and populates
 * without I/O or FS reclaim.  What it cannot promise: the mutex's holder
 * may be a GFP_KERNEL caller of the kernel's allocator that reclaims
 * through the FS, so only full GFP_KERNEL requests grow a kpcpu pool
 * (full_gfp_grows, xpcpu_pool_alloc()); a narrower one is served by
 * existing and spare chunks or fails, as a non-blocking one does.
 *
 * Lockless pairs.  Each lockless read pairs with one write; each pair has
 * a litmus test in the Linux-kernel memory model's format in
 * tests/litmus/ with the outcome it forbids, tied to the code by
 * scripts/litmus-check.py (run by make test):
 *
 *  - Area bounds before alloc bits (xpcpu-take-publish.litmus):
 *    xpcpu_bitmap_take() writes the new bound bits, smp_wmb(), then the
 *    alloc bits; xpcpu_bitmap_small_area_bits() reads the alloc bit,
 *    smp_rmb(), then the bound bits.  A lockless free that sees an area's
 *    alloc bit sees its bounds, so a stale pointer into a new area is
 *    rejected, never taken for a smaller area of its own.
 *  - Claim after give (xpcpu-claim-after-give.litmus): whoever gives an
 *    area back clears its alloc bits, then lets its cached_map claim go
 *    (smp_mb__before_atomic(), clear_bit()); a free claims with
 *    test_and_set_bit() (fully ordered) and then checks the area again,
 *    so it sees the area gone.  The claim makes the check exact: a live
 *    area's bits cannot change while its start is claimed.
 *  - Chunk index and freed_gen (xpcpu-freed-gen.litmus): destruction
 *    removes the chunk from the index, smp_mb__before_atomic(), bumps
 *    freed_gen, then waits for a grace period before freeing; the caches'
 *    lookup reads freed_gen with acquire, then the index.  A hint stamped
 *    with a generation never points to a chunk removed before it; a hint
 *    with an older generation is not used.  The index itself is RCU:
 *    rcu_assign_pointer() of a filled array, rcu_dereference() of it.
 *  - The reap work's search for chunks only caches hold
 *    (xpcpu_chunk_pinned()) reads nr_alloc and cached_map under RCU
 *    alone, with data_race(): racy by design, pairing with nothing; a
 *    wrong answer costs one drain too many or one reap period.
 *  - Per-CPU counters (the caches' and the API's) are written by their
 *    CPU with WRITE_ONCE() and summed by others with READ_ONCE(): a
 *    snapshot, no order.
 *  - Per-CPU cache arrays are touched only by their CPU with interrupts
 *    off (or an IPI on it, or the hotplug teardown once it is dead): no
 *    pair, no barrier.
 *  - The backend, xpcpu_ptr_bias, xpcpu_unit_off and xpcpu_genuine_ptrs
 *    are set once at module init, before the first chunk exists and
 *    before any symbol is callable: no pair.  The kpcpu backend adds no
 *    lockless read: its chunk is found through the same RCU index (keyed
 *    by unit 0's address, a plain kernel address inside the kernel's
 *    chunk, not the __percpu cookie).
 */
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <xpcpu_internal.h>

#define CREATE_TRACE_POINTS
#include <xpcpu_trace.h>

DEFINE_XPCPU(struct xpcpu_cpu_stats, xpcpu_cpu_stats);

/**
 * xpcpu_own_static_ptr() - the __xpcpu pointer of one of xpcpu's own
 * DEFINE_XPCPU() variables
 *
 * For test modules (XPCPU_INTERNAL_NS): tests/ctl checks that freeing it
 * is rejected, which only xpcpu.ko itself can name.
 *
 * Context: any context.
 * Return: xpcpu_var(xpcpu_cpu_stats).
 */
void __xpcpu *xpcpu_own_static_ptr(void)
{
	return xpcpu_var(xpcpu_cpu_stats);
}
EXPORT_SYMBOL_NS_GPL(xpcpu_own_static_ptr, XPCPU_INTERNAL_NS);

/* Most live allocations seen at once: sampled, see struct xpcpu_stats. */
static u64 xpcpu_max_alloc;

/* Live allocations now, summed over every CPU's counters. */
static u64 xpcpu_nr_live(void)
{
	unsigned long alloc = 0, free = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct xpcpu_cpu_stats *cs = xpcpu_var_ptr(xpcpu_cpu_stats, cpu);

		alloc += READ_ONCE(cs->nr_alloc);
		free += READ_ONCE(cs->nr_free);
	}
	return alloc - free;
}

/*
 * Approximate by design: two CPUs can both pass the test and the smaller
 * store last; a statistic, sampled, as the kernel's nr_max_alloc is.
 */
static void xpcpu_sample_max_alloc(u64 live)
{
	if (live > READ_ONCE(xpcpu_max_alloc))
		WRITE_ONCE(xpcpu_max_alloc, live);
}

/* Zero @size bytes at @p; small areas with plain stores, not a string op. */
static __always_inline void xpcpu_zero(void *p, size_t size)
{
	size_t i;

	if (size > XPCPU_CACHE_MAX_SIZE) {
		memset(p, 0, size);
	} else if (IS_ALIGNED((unsigned long)p | size, sizeof(u64))) {
		for (i = 0; i < size / sizeof(u64); i++)
			WRITE_ONCE(((u64 *)p)[i], 0);
	} else {
		for (i = 0; i < size / sizeof(u32); i++)
			WRITE_ONCE(((u32 *)p)[i], 0);
	}
}

/* Zero the @size bytes at unit 0's @addr in every unit. */
static void xpcpu_zero_every_unit(char *addr, size_t size)
{
	const unsigned long *unit_off = xpcpu_ai->unit_off;
	int unit;

	for (unit = 0; unit < xpcpu_ai->nr_units; unit++)
		xpcpu_zero(addr + unit_off[unit], size);
}

/*
 * An area from the pool, when the caches cannot serve the request: of
 * the class's size and alignment if it has a class, so that its free can
 * go to a cache.  Return: 0 with the area in *@obj, or -ENOMEM.
 */
static int xpcpu_alloc_from_pool(size_t size, size_t align, int idx,
				 gfp_t gfp, struct xpcpu_cache_obj *obj)
{
	bool is_atomic = !gfpflags_allow_blocking(gfp);
	size_t area_size = size, area_align = align;
	unsigned long flags;

	if (idx >= 0) {
		area_size = xpcpu_cache_class_size(idx);
		area_align = xpcpu_cache_class_align(idx);
	}
	if (xpcpu_pool_alloc(area_size, area_align, gfp, obj))
		return -ENOMEM;
	local_irq_save(flags);
	xpcpu_stat_alloc(size, is_atomic);
	local_irq_restore(flags);
	xpcpu_sample_max_alloc(xpcpu_nr_live());
	return 0;
}

static void __xpcpu *xpcpu_alloc_area(size_t size, size_t align, gfp_t gfp,
				      unsigned long caller)
{
	bool is_atomic = !gfpflags_allow_blocking(gfp);
	struct xpcpu_cache_obj obj;
	void *addr;
	int idx;

	/* A unit under XPCPU_MAX_ALLOC_SIZE: the kpcpu backend's 32 KiB. */
	if (unlikely(!xpcpu_request_ok(size, align) ||
		     size > xpcpu_ai->unit_size)) {
		pr_warn_ratelimited("illegal allocation: size %zu align %zu from %pS\n",
				    size, align, (void *)caller);
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}
	size = ALIGN(size, XPCPU_MIN_ALLOC_SIZE);
	align = max_t(size_t, align, XPCPU_MIN_ALLOC_SIZE);

	idx = xpcpu_cache_class(size, align);
	if ((idx < 0 || !xpcpu_cache_alloc(idx, size, is_atomic, &obj)) &&
	    xpcpu_alloc_from_pool(size, align, idx, gfp, &obj)) {
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}

	addr = (char *)obj.chunk->base_addr + obj.off;
	if (!obj.fresh)
		xpcpu_zero_every_unit(addr, size);
	trace_xpcpu_alloc(caller, false, is_atomic, size, align,
			  obj.chunk->base_addr, obj.off, xpcpu_addr_to_ptr(addr),
			  size * xpcpu_ai->nr_units, gfp);
	return xpcpu_addr_to_ptr(addr);
}

/**
 * xpcpu_max_alloc_size() - the largest area xpcpu serves in this mode
 *
 * XPCPU_MAX_ALLOC_SIZE, or less when the backend's chunks are smaller
 * (the kpcpu backend: XPCPU_KPCPU_UNIT_SIZE).
 *
 * Context: any context, once xpcpu is loaded.
 * Return: bytes per CPU.
 */
size_t xpcpu_max_alloc_size(void)
{
	return min_t(size_t, XPCPU_MAX_ALLOC_SIZE, xpcpu_ai->unit_size);
}
EXPORT_SYMBOL_GPL(xpcpu_max_alloc_size);

/**
 * __xpcpu_alloc_gfp() - allocate zeroed per-CPU memory
 * @size: bytes per CPU, 1 to XPCPU_MAX_ALLOC_SIZE (rounded up to 4)
 * @align: alignment, a power of two up to PAGE_SIZE (below 4 means 4)
 * @gfp: allocation flags; without __GFP_DIRECT_RECLAIM (GFP_NOWAIT,
 *	 GFP_ATOMIC) the call never sleeps and only existing chunks serve it;
 *	 with the kpcpu backend so are requests narrower than GFP_KERNEL
 *	 (GFP_NOFS, GFP_NOIO, or in such a scope), which may sleep
 *
 * Every possible CPU's copy is zeroed (an area never handed out before
 * is zero already: chunks are populated with zeroed pages).  A bad @size
 * or @align gets a rate-limited warning that names the caller.
 *
 * Context: any context if @gfp does not allow blocking (hard interrupts
 * and raw spinlocks included, on PREEMPT_RT too), else process context.
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
 * Context: any context, interrupts disabled, hard interrupts and raw
 * spinlocks included, on PREEMPT_RT too.
 */
void xpcpu_free(void __xpcpu *ptr)
{
	void *addr = xpcpu_ptr_to_addr(ptr);
	unsigned long flags;
	void *base_addr;
	int off, ret;

	if (!ptr)
		return;

	ret = xpcpu_cache_free(addr, &base_addr, &off);
	if (ret == -EAGAIN) {
		ret = xpcpu_pool_free(addr, &base_addr, &off);
		local_irq_save(flags);
		if (ret >= 0)
			xpcpu_stat_free();
		local_irq_restore(flags);
	}
	if (ret < 0) {
		local_irq_save(flags);
		xpcpu_stat_bad_free();
		local_irq_restore(flags);
		pr_warn_ratelimited("%s(%p) from %pS: %s; ignored\n",
				    __func__, ptr, (void *)_RET_IP_,
				    ret == -ENOENT ? "not an xpcpu pointer" :
				    "not a live area (double free?)");
		return;
	}
	trace_xpcpu_free(base_addr, off, ptr);
}
EXPORT_SYMBOL_GPL(xpcpu_free);

/**
 * xpcpu_get_stats() - read the allocator's counters
 * @st: where they go
 *
 * Context: any context.
 */
void xpcpu_get_stats(struct xpcpu_stats *st)
{
	struct xpcpu_pool_stats ps;
	unsigned long cached_bytes;
	unsigned int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct xpcpu_cpu_stats *cs = xpcpu_var_ptr(xpcpu_cpu_stats, cpu);
		unsigned long min = READ_ONCE(cs->min_size);

		st->nr_alloc += READ_ONCE(cs->nr_alloc);
		st->nr_dealloc += READ_ONCE(cs->nr_free);
		st->nr_atomic_alloc += READ_ONCE(cs->nr_atomic_alloc);
		st->nr_bad_free += READ_ONCE(cs->nr_bad_free);
		if (min && (!st->min_alloc_size || min < st->min_alloc_size))
			st->min_alloc_size = min;
		st->max_alloc_size = max_t(u64, st->max_alloc_size,
					   READ_ONCE(cs->max_size));
	}
	st->nr_cur_alloc = st->nr_alloc - st->nr_dealloc;
	xpcpu_sample_max_alloc(st->nr_cur_alloc);
	st->nr_max_alloc = READ_ONCE(xpcpu_max_alloc);

	xpcpu_pool_read_stats(&ps);
	st->nr_atomic_fail = ps.nr_atomic_fail;
	st->nr_chunks = ps.nr_chunks;
	st->nr_max_chunks = ps.nr_max_chunks;
	st->nr_empty_chunks = ps.nr_empty_chunks;
	st->nr_created = ps.nr_created;
	st->nr_destroyed = ps.nr_destroyed;
	st->nr_populated_pages = xpcpu_chunk_nr_pages();
	st->nr_cached = xpcpu_cache_nr_cached(&cached_bytes);
	st->cached_bytes = cached_bytes;
	st->reserved_size = xpcpu_ai->reserved_size;
	st->reserved_used = ps.reserved_used;
}
EXPORT_SYMBOL_GPL(xpcpu_get_stats);

/**
 * xpcpu_set_caches() - turn the per-CPU caches on or off
 * @on: the new state; off drains every cache back to its chunks
 *
 * The same as writing xpcpu.ko's "caches" parameter; for benchmarks and
 * tests that compare both in one boot.
 *
 * Context: process context.
 * Return: 0, or -ENODEV while xpcpu is not set up.
 */
int xpcpu_set_caches(bool on)
{
	return xpcpu_cache_set_enabled(on);
}
EXPORT_SYMBOL_GPL(xpcpu_set_caches);

/**
 * xpcpu_caches_on() - are the per-CPU caches on?
 *
 * Return: their state.
 */
bool xpcpu_caches_on(void)
{
	return xpcpu_cache_enabled();
}
EXPORT_SYMBOL_GPL(xpcpu_caches_on);

/**
 * xpcpu_trim() - give back all memory that no live allocation uses
 *
 * Drains the per-CPU caches and frees every empty chunk, the spare ones
 * kept for atomic allocations included; spares are made again once an
 * allocation needs one.  The freed chunks' mappings are flushed now
 * (vm_unmap_aliases()) rather than lazily at some later vmap().  For a
 * cold start in benchmarks, or after a burst.
 *
 * Context: process context, may sleep.
 */
void xpcpu_trim(void)
{
	xpcpu_cache_drain_now();
	xpcpu_pool_trim();
	vm_unmap_aliases();
}
EXPORT_SYMBOL_GPL(xpcpu_trim);
