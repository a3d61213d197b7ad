// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu - a per-CPU chunk allocator for modules, after mm/percpu.c
 *
 * xpcpu hands out memory with one copy per possible CPU.  Memory comes in
 * chunks.  A chunk holds one unit per possible CPU; units are grouped by
 * NUMA node and every unit's pages come from its CPU's node.  A CPU's
 * unit sits at the same offset from the base of every chunk; with the
 * vmap backend all units of a chunk are mapped by one vmap(), unit after
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
 * and takes the first fit in the first chunk that has one.
 *
 * Pointers: a __xpcpu pointer is unit 0's address of the area minus
 * xpcpu_ptr_bias (xpcpu_addr_to_ptr() and xpcpu_ptr_to_addr() are the only
 * places that know); the vmap backend's bias makes a dereference without
 * an accessor fault.  xpcpu_unit_off, a per-CPU variable, holds bias + the
 * CPU's unit offset: xpcpu_this_ptr() is one %gs-relative load and an add.
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
 * Files, each with one job, dependencies running down the list:
 *
 *   pcpu_main.c         module init/exit and parameters; starts and stops
 *                       the parts below in order
 *   (this file)         this header and the exported API; validates
 *                       requests, zeroes new areas, traces
 *   pcpu_modules.c      client modules' static variables (reserved area)
 *   pcpu_pool.c         struct xpcpu_pool: lock, slot lists, the chunk
 *                       index, counters, the balance work, debugfs's view
 *   pcpu_first_chunk.c  the layout by node and the first chunk
 *   pcpu_chunk.c        chunk metadata and lifetime through a memory
 *                       backend (struct xpcpu_backend), pointer encoding
 *   pcpu_bitmap.c       the bitmap allocator and hints of one chunk; no
 *                       memory code, so it also builds in userspace
 *   pcpu_debugfs.c      /sys/kernel/debug/xpcpu: a viewer over the pool's
 *                       view and the counter/ctl demo over the public API
 *   pcpu_static_{start,end}.c  markers around xpcpu's own DEFINE_XPCPU()s
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
 * The chunk index (a maple tree from unit 0's range to the chunk) is
 * written only by chunk creation and destruction, from process context,
 * and read under RCU.  xpcpu_pool.grow_mutex serializes the creation and
 * destruction of chunks, which sleep (page allocation, vmap(), vunmap())
 * and so run outside the lock.  A blocking allocation takes it only when
 * no chunk can serve it -- unlike pcpu_alloc_mutex, which every blocking
 * allocation of the kernel's allocator takes.  The order is grow_mutex,
 * then lock.  Only the balance work (holding the mutex) destroys chunks:
 * it takes an empty chunk off its slot under the lock, erases it from the
 * index, waits for an RCU grace period and frees it, so a chunk found in
 * the index stays alive for the RCU read-side section that found it.
 *
 * Non-blocking allocations (no __GFP_DIRECT_RECLAIM) never sleep and never
 * create a chunk: they are served from existing chunks, and a failure
 * schedules the balance work, which keeps spare_chunks empty chunks ready
 * and frees the empty chunks beyond those once they have stayed empty for
 * empty_decay_ms, so that a workload that frees and soon allocates again
 * (a batch, a burst) finds its chunks still there.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/string.h>

#include <xpcpu_internal.h>

#define CREATE_TRACE_POINTS
#include <xpcpu_trace.h>

static void __xpcpu *xpcpu_alloc_area(size_t size, size_t align, gfp_t gfp,
				      unsigned long caller)
{
	bool is_atomic = !gfpflags_allow_blocking(gfp);
	struct xpcpu_chunk *chunk;
	void __xpcpu *ptr;
	unsigned int cpu;
	int off;

	if (unlikely(!xpcpu_request_ok(size, align))) {
		pr_warn_ratelimited("illegal allocation: size %zu align %zu from %pS\n",
				    size, align, (void *)caller);
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}
	size = ALIGN(size, XPCPU_MIN_ALLOC_SIZE);
	align = max_t(size_t, align, XPCPU_MIN_ALLOC_SIZE);

	off = xpcpu_pool_alloc(size, align, gfp, &chunk);
	if (off < 0) {
		trace_xpcpu_alloc_fail(false, is_atomic, size, align);
		return NULL;
	}

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
	void *base_addr;
	int off, ret;

	if (!ptr)
		return;

	ret = xpcpu_pool_free(xpcpu_ptr_to_addr(ptr), &base_addr, &off);
	if (ret < 0) {
		pr_warn_ratelimited("%s(%p) from %pS: %s; ignored\n",
				    __func__, ptr, (void *)_RET_IP_,
				    ret == -ENOENT ? "not an xpcpu pointer" :
				    "not a live area (double free?)");
		return;
	}
	trace_xpcpu_free(base_addr, off, ptr);
}
EXPORT_SYMBOL_GPL(xpcpu_free);
