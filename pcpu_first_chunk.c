// SPDX-License-Identifier: GPL-2.0
/*
 * The alloc info and the first chunk.  The alloc info orders one unit per
 * possible CPU by NUMA node (the groups) and fixes the unit size that all
 * chunks share.  The first chunk is built at load as <static | reserved |
 * dynamic>: the static area takes xpcpu's own DEFINE_XPCPU() templates,
 * the reserved area is served to client modules' static variables
 * (pcpu_modules.c), and the dynamic area is the first that
 * __xpcpu_alloc() carves.  As in mm/percpu.c, the reserved area is a
 * chunk struct of its own that shares the first chunk's memory.
 */
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include <xpcpu_internal.h>

/* The node a CPU's unit is grouped under; nodeless CPUs join the first. */
static int xpcpu_cpu_group_node(unsigned int cpu)
{
	int node = cpu_to_node(cpu);

	return node == NUMA_NO_NODE ? first_node(node_possible_map) : node;
}

/* Group CPUs by node: the order units are laid out in every chunk. */
static int xpcpu_fill_groups(struct xpcpu_alloc_info *ai)
{
	int node, cpu, unit = 0;

	for_each_node(node) {
		struct xpcpu_group_info *gi = &ai->groups[ai->nr_groups];

		gi->node = node;
		gi->first_unit = unit;
		for_each_possible_cpu(cpu) {
			if (xpcpu_cpu_group_node(cpu) != node)
				continue;
			ai->cpu_unit[cpu] = unit;
			ai->unit_cpu[unit++] = cpu;
			gi->nr_units++;
		}
		if (gi->nr_units)
			ai->nr_groups++;
	}
	return unit;
}


/*
 * The layout every chunk shares: built by xpcpu_build_alloc_info(), set
 * by the backend (xpcpu_layout_init()), published here with the first
 * chunk and fixed from then on; everything below pcpu_main.c reads it.
 */
const struct xpcpu_alloc_info *xpcpu_ai __ro_after_init;

/**
 * xpcpu_build_alloc_info() - lay out one unit per possible CPU, by node
 * @static_size: bytes of xpcpu's own static variables
 * @reserved_size: bytes for client modules' static variables
 * @dyn_size: bytes the first chunk must serve dynamically, at least
 *
 * The unit size is static + reserved + dynamic rounded up to a page, and
 * at least XPCPU_MIN_UNIT_SIZE so that the largest allocation fits an
 * empty chunk; the first chunk's dynamic area gets whatever that leaves.
 * The kpcpu backend shrinks it (xpcpu_alloc_info_fit_kpcpu()).
 *
 * Return: the alloc info (free with xpcpu_free_alloc_info()), or NULL.
 */
struct xpcpu_alloc_info *xpcpu_build_alloc_info(size_t static_size,
						size_t reserved_size,
						size_t dyn_size)
{
	struct xpcpu_alloc_info *ai;
	int cpu;

	ai = kzalloc(sizeof(*ai), GFP_KERNEL);
	if (!ai)
		return NULL;
	ai->cpu_unit = kcalloc(nr_cpu_ids, sizeof(*ai->cpu_unit), GFP_KERNEL);
	ai->unit_cpu = kcalloc(num_possible_cpus(), sizeof(*ai->unit_cpu),
			       GFP_KERNEL);
	ai->unit_off = kcalloc(num_possible_cpus(), sizeof(*ai->unit_off),
			       GFP_KERNEL);
	ai->groups = kcalloc(nr_node_ids, sizeof(*ai->groups), GFP_KERNEL);
	if (!ai->cpu_unit || !ai->unit_cpu || !ai->unit_off || !ai->groups)
		goto err_free;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		ai->cpu_unit[cpu] = -1;
	ai->nr_units = xpcpu_fill_groups(ai);

	ai->static_size = ALIGN(static_size, SMP_CACHE_BYTES);
	ai->reserved_size = ALIGN(reserved_size, 1 << XPCPU_MIN_ALLOC_SHIFT);
	ai->unit_size = PAGE_ALIGN(ai->static_size + ai->reserved_size +
				   dyn_size);
	ai->unit_size = max_t(size_t, ai->unit_size, XPCPU_MIN_UNIT_SIZE);
	ai->unit_pages = ai->unit_size >> PAGE_SHIFT;
	ai->dyn_size = ai->unit_size - ai->static_size - ai->reserved_size;
	return ai;

err_free:
	xpcpu_free_alloc_info(ai);
	return NULL;
}

/**
 * xpcpu_alloc_info_fit_kpcpu() - shrink the units for the kpcpu backend
 * @ai: an alloc info from xpcpu_build_alloc_info()
 *
 * The kpcpu backend's chunks are areas of the kernel's per-CPU allocator,
 * which serves at most XPCPU_KPCPU_UNIT_SIZE: every unit becomes that
 * large, and the first chunk's dynamic area whatever the static and
 * reserved areas leave of it (less than dynamic_size asked for, maybe;
 * further chunks serve the rest).
 *
 * Context: module init, before xpcpu_layout_init().
 * Return: 0, or -ENOSPC if less than a page would be left for the
 * dynamic area (@ai is unchanged then).
 */
int xpcpu_alloc_info_fit_kpcpu(struct xpcpu_alloc_info *ai)
{
	size_t fixed = ai->static_size + ai->reserved_size;

	if (fixed + PAGE_SIZE > XPCPU_KPCPU_UNIT_SIZE)
		return -ENOSPC;
	ai->unit_size = XPCPU_KPCPU_UNIT_SIZE;
	ai->unit_pages = ai->unit_size >> PAGE_SHIFT;
	ai->dyn_size = ai->unit_size - fixed;
	return 0;
}

/**
 * xpcpu_free_alloc_info() - free an alloc info
 * @ai: the alloc info, or NULL
 */
void xpcpu_free_alloc_info(const struct xpcpu_alloc_info *ai)
{
	if (!ai)
		return;
	kfree(ai->groups);
	kfree(ai->unit_off);
	kfree(ai->unit_cpu);
	kfree(ai->cpu_unit);
	kfree(ai);
}

/**
 * xpcpu_first_chunk_create() - build the first and the reserved chunk
 * @ai: the layout
 * @lock: the lock their maps are changed under
 * @firstp: the first chunk (its dynamic area) goes here
 * @reservedp: the reserved area's chunk, sharing its memory, goes here
 *
 * Populates the first chunk like any other, hides its static and
 * reserved areas from the dynamic allocator, copies xpcpu's own static
 * templates into every unit and points __xpcpu_delta at them; then
 * publishes @ai as xpcpu_ai, the layout everything else reads.
 *
 * Context: module init, after xpcpu_layout_init().
 * Return: 0 or -ENOMEM.
 */
int xpcpu_first_chunk_create(const struct xpcpu_alloc_info *ai,
			     raw_spinlock_t *lock,
			     struct xpcpu_chunk **firstp,
			     struct xpcpu_chunk **reservedp)
{
	void __xpcpu *statics;
	int static_end = ai->static_size;
	int reserved_end = static_end + ai->reserved_size;
	struct xpcpu_chunk *first, *reserved;

	first = xpcpu_chunk_create(ai, lock, GFP_KERNEL);
	if (!first)
		return -ENOMEM;
	reserved = xpcpu_chunk_alloc_meta(ai->unit_pages, lock, GFP_KERNEL);
	if (!reserved) {
		xpcpu_chunk_destroy(first, ai);
		return -ENOMEM;
	}

	first->is_first = true;
	first->fresh_off = ai->unit_size;	/* zeroing it is cheap */
	xpcpu_bitmap_reset(&first->map, reserved_end, ai->unit_size);
	reserved->is_reserved = true;
	reserved->base_addr = first->base_addr;
	xpcpu_bitmap_reset(&reserved->map, static_end, reserved_end);

	statics = xpcpu_addr_to_ptr(first->base_addr);
	xpcpu_copy_to_every_cpu(statics, __xpcpu_start,
				__xpcpu_end - __xpcpu_start);
	WRITE_ONCE(__xpcpu_delta,
		   (unsigned long)statics - (unsigned long)__xpcpu_start);
	xpcpu_ai = ai;

	*firstp = first;
	*reservedp = reserved;
	return 0;
}

/**
 * xpcpu_first_chunk_destroy() - release the first and the reserved chunk
 * @ai: the layout
 * @first: the first chunk
 * @reserved: the reserved area's chunk
 *
 * Context: module exit, nothing else running.
 */
void xpcpu_first_chunk_destroy(const struct xpcpu_alloc_info *ai,
			       struct xpcpu_chunk *first,
			       struct xpcpu_chunk *reserved)
{
	xpcpu_chunk_free_meta(reserved);
	xpcpu_chunk_destroy(first, ai);
}
