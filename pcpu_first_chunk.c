// SPDX-License-Identifier: GPL-2.0
/*
 * The alloc info and the first chunk.  The alloc info orders one unit per
 * possible CPU by NUMA node (the groups) and fixes the unit size that all
 * chunks share.  The first chunk is built at load as <static | reserved |
 * dynamic>: the static area takes xpcpu's own DEFINE_XPCPU() templates,
 * the reserved area is served to client modules' static variables through
 * __xpcpu_module_init(), and the dynamic area is the first chunk that
 * __xpcpu_alloc() carves.  As in mm/percpu.c, the reserved area is a
 * chunk struct of its own that shares the first chunk's memory.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include <xpcpu_internal.h>

/*
 * struct xpcpu_module_area - static variables of one client module
 */
struct xpcpu_module_area {
	struct list_head list;		/* on xpcpu_modules */
	struct module *mod;		/* the client */
	char *start;			/* its __xpcpu_start */
	int off;			/* unit offset of its copies */
	size_t size;			/* bytes */
};

/* Registered client modules; the mutex also orders their set-up. */
static LIST_HEAD(xpcpu_modules);
static DEFINE_MUTEX(xpcpu_modules_mutex);

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

/**
 * xpcpu_build_alloc_info() - lay out one unit per possible CPU, by node
 * @static_size: bytes of xpcpu's own static variables
 * @reserved_size: bytes for client modules' static variables
 * @dyn_size: bytes the first chunk must serve dynamically, at least
 *
 * The unit size is static + reserved + dynamic rounded up to a page, and
 * at least XPCPU_MIN_UNIT_SIZE so that the largest allocation fits an
 * empty chunk; the first chunk's dynamic area gets whatever that leaves.
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
	ai->groups = kcalloc(nr_node_ids, sizeof(*ai->groups), GFP_KERNEL);
	if (!ai->cpu_unit || !ai->unit_cpu || !ai->groups)
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
 * xpcpu_free_alloc_info() - free an alloc info
 * @ai: the alloc info, or NULL
 */
void xpcpu_free_alloc_info(struct xpcpu_alloc_info *ai)
{
	if (!ai)
		return;
	kfree(ai->groups);
	kfree(ai->unit_cpu);
	kfree(ai->cpu_unit);
	kfree(ai);
}

/* Copy @size bytes of @src to unit offset @off of every unit. */
static void xpcpu_copy_to_units(struct xpcpu_chunk *chunk, int off,
				const void *src, size_t size)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memcpy(xpcpu_chunk_addr(chunk, cpu, off), src, size);
}

/**
 * xpcpu_setup_first_chunk() - build the first and the reserved chunk
 * @ai: the layout; kept as xpcpu_ai
 *
 * Populates the first chunk like any other, copies xpcpu's own static
 * templates into every unit and points __xpcpu_delta at them.
 *
 * Context: module init, before anything else can allocate.
 * Return: 0 or -ENOMEM.
 */
int xpcpu_setup_first_chunk(struct xpcpu_alloc_info *ai)
{
	int static_end = ai->static_size;
	int reserved_end = static_end + ai->reserved_size;
	struct xpcpu_chunk *first, *reserved;
	unsigned int cpu;

	first = xpcpu_chunk_create(ai, GFP_KERNEL);
	if (!first)
		return -ENOMEM;
	reserved = xpcpu_chunk_alloc_meta(ai->unit_pages, GFP_KERNEL);
	if (!reserved) {
		xpcpu_chunk_destroy(first, ai);
		return -ENOMEM;
	}

	first->is_first = true;
	xpcpu_chunk_init_hints(first, reserved_end, ai->unit_size);
	reserved->is_reserved = true;
	reserved->base_addr = first->base_addr;
	xpcpu_chunk_init_hints(reserved, static_end, reserved_end);

	for_each_possible_cpu(cpu)
		per_cpu(xpcpu_unit_off, cpu) = XPCPU_PTR_BIAS +
			ai->cpu_unit[cpu] * ai->unit_size;

	xpcpu_copy_to_units(first, 0, __xpcpu_start,
			    __xpcpu_end - __xpcpu_start);
	WRITE_ONCE(__xpcpu_delta,
		   (unsigned long)xpcpu_addr_to_ptr(first->base_addr) -
		   (unsigned long)__xpcpu_start);

	xpcpu_ai = ai;
	xpcpu_first_chunk = first;
	xpcpu_reserved_chunk = reserved;
	return 0;
}

/**
 * xpcpu_teardown_first_chunk() - release the first and the reserved chunk
 *
 * Context: module exit, nothing else running.
 */
void xpcpu_teardown_first_chunk(void)
{
	xpcpu_chunk_free_meta(xpcpu_reserved_chunk);
	xpcpu_reserved_chunk = NULL;
	xpcpu_chunk_destroy(xpcpu_first_chunk, xpcpu_ai);
	xpcpu_first_chunk = NULL;
}

/**
 * xpcpu_reserved_alloc() - carve an area out of the reserved area
 * @size: bytes, a multiple of 4
 * @align: alignment, a power of two from 4 to PAGE_SIZE
 * @off: where the area's unit offset goes
 *
 * Context: process context; takes xpcpu_lock.
 * Return: 0 or -ENOMEM when the reserved area cannot fit it.
 */
int xpcpu_reserved_alloc(size_t size, size_t align, int *off)
{
	unsigned long flags;
	int bit;

	spin_lock_irqsave(&xpcpu_lock, flags);
	bit = xpcpu_chunk_alloc_area(xpcpu_reserved_chunk,
				     xpcpu_off_to_bit(size),
				     xpcpu_off_to_bit(align));
	if (bit >= 0)
		xpcpu_stats.reserved_used += size;
	spin_unlock_irqrestore(&xpcpu_lock, flags);
	if (bit < 0)
		return -ENOMEM;
	*off = xpcpu_bit_to_off(bit);
	return 0;
}

/**
 * xpcpu_reserved_free() - return an area to the reserved area
 * @off: the unit offset xpcpu_reserved_alloc() gave
 *
 * Context: any; takes xpcpu_lock.
 */
void xpcpu_reserved_free(int off)
{
	unsigned long flags;
	int bits;

	spin_lock_irqsave(&xpcpu_lock, flags);
	bits = xpcpu_chunk_free_area(xpcpu_reserved_chunk,
				     xpcpu_off_to_bit(off));
	if (!WARN_ON_ONCE(bits < 0))
		xpcpu_stats.reserved_used -= xpcpu_bit_to_off(bits);
	spin_unlock_irqrestore(&xpcpu_lock, flags);
}

/**
 * __xpcpu_module_init() - set up a client module's static variables
 * @mod: the module (THIS_MODULE)
 * @start: its __xpcpu_start
 * @end: its __xpcpu_end
 * @delta: its __xpcpu_delta, set to the distance template -> copies
 *
 * Use xpcpu_module_init(), which passes the caller's own symbols.  The
 * area keeps the alignment the templates have in the module's section.
 *
 * Context: process context, may sleep.
 * Return: 0, -EBUSY if @mod registered already, -ENOMEM if the reserved
 * area is too small.
 */
int __xpcpu_module_init(struct module *mod, char *start, char *end,
			unsigned long *delta)
{
	size_t size = ALIGN(end - start, 1 << XPCPU_MIN_ALLOC_SHIFT);
	size_t align = (unsigned long)start & -(unsigned long)start;
	struct xpcpu_module_area *area, *pos;
	const char *name = mod ? module_name(mod) : "vmlinux";
	unsigned long copies;
	int ret;

	if (!size)
		return 0;
	align = clamp_t(size_t, align, 1 << XPCPU_MIN_ALLOC_SHIFT, PAGE_SIZE);

	area = kzalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return -ENOMEM;
	area->mod = mod;
	area->start = start;
	area->size = size;

	mutex_lock(&xpcpu_modules_mutex);
	list_for_each_entry(pos, &xpcpu_modules, list) {
		if (pos->start == start) {
			ret = -EBUSY;
			goto err_unlock;
		}
	}
	ret = xpcpu_reserved_alloc(size, align, &area->off);
	if (ret) {
		pr_warn("%s: %zu bytes of static per-CPU variables do not fit the reserved area (%zu of %zu bytes in use); raise reserved_size\n",
			name, size, (size_t)xpcpu_stats.reserved_used,
			xpcpu_ai->reserved_size);
		goto err_unlock;
	}
	xpcpu_copy_to_units(xpcpu_reserved_chunk, area->off, start, end - start);
	copies = (unsigned long)xpcpu_addr_to_ptr((char *)
			xpcpu_reserved_chunk->base_addr + area->off);
	WRITE_ONCE(*delta, copies - (unsigned long)start);
	list_add_tail(&area->list, &xpcpu_modules);
	mutex_unlock(&xpcpu_modules_mutex);
	pr_debug("%s: %zu bytes of static variables at unit offset %d\n",
		 name, size, area->off);
	return 0;

err_unlock:
	mutex_unlock(&xpcpu_modules_mutex);
	kfree(area);
	return ret;
}
EXPORT_SYMBOL_GPL(__xpcpu_module_init);

/**
 * __xpcpu_module_exit() - release a client module's static variables
 * @mod: the module (THIS_MODULE)
 * @start: its __xpcpu_start
 *
 * Use xpcpu_module_exit().  A module that never registered is ignored.
 *
 * Context: process context.
 */
void __xpcpu_module_exit(struct module *mod, char *start)
{
	struct xpcpu_module_area *area;

	mutex_lock(&xpcpu_modules_mutex);
	list_for_each_entry(area, &xpcpu_modules, list) {
		if (area->start == start && area->mod == mod) {
			list_del(&area->list);
			xpcpu_reserved_free(area->off);
			kfree(area);
			break;
		}
	}
	mutex_unlock(&xpcpu_modules_mutex);
}
EXPORT_SYMBOL_GPL(__xpcpu_module_exit);

/**
 * xpcpu_report_modules() - report and drop registrations at unload
 *
 * A client cannot outlive xpcpu.ko (it uses its symbols), so anything
 * left here is a registration its exit never released.
 *
 * Context: module exit.
 */
void xpcpu_report_modules(void)
{
	struct xpcpu_module_area *area, *tmp;

	mutex_lock(&xpcpu_modules_mutex);
	list_for_each_entry_safe(area, tmp, &xpcpu_modules, list) {
		pr_warn("unload: static variables of a client (%zu bytes at reserved offset %d) were never released\n",
			area->size, area->off);
		list_del(&area->list);
		xpcpu_reserved_free(area->off);
		kfree(area);
	}
	mutex_unlock(&xpcpu_modules_mutex);
}
