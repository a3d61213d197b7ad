// SPDX-License-Identifier: GPL-2.0
/*
 * Client modules' static per-CPU variables.  A module that defines
 * DEFINE_XPCPU() variables calls xpcpu_module_init(): its templates get
 * an area of the first chunk's reserved part, copied into every CPU's
 * unit, and the module's __xpcpu_delta points its accessors there.
 * xpcpu_module_exit() gives the area back (and, in the client, poisons
 * the delta again); whatever is left at unload is reported and released.
 * The client's __xpcpu_start, __xpcpu_end and __xpcpu_delta come from
 * include/xpcpu.lds, which include/xpcpu.mk links into it.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <xpcpu_internal.h>

/*
 * struct xpcpu_module_area - static variables of one client module
 */
struct xpcpu_module_area {
	void __xpcpu *copies;		/* its area in the reserved chunk */
	struct list_head list;		/* on xpcpu_modules */
	struct module *mod;		/* the client */
	char *start;			/* its __xpcpu_start */
	size_t size;			/* bytes */
};

/* Registered client modules; the mutex also orders their set-up. */
static LIST_HEAD(xpcpu_modules);
static DEFINE_MUTEX(xpcpu_modules_mutex);

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
	size_t size = ALIGN(end - start, XPCPU_MIN_ALLOC_SIZE);
	size_t align = (unsigned long)start & -(unsigned long)start;
	const char *name = mod ? module_name(mod) : "vmlinux";
	struct xpcpu_module_area *area, *pos;
	struct xpcpu_pool_stats st;
	int ret;

	if (!size)
		return 0;
	align = clamp_t(size_t, align, XPCPU_MIN_ALLOC_SIZE, PAGE_SIZE);

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
	area->copies = xpcpu_pool_reserved_alloc(size, align);
	if (!area->copies) {
		xpcpu_pool_read_stats(&st);
		pr_warn("%s: %zu bytes of static per-CPU variables do not fit the reserved area (%llu of %zu bytes in use); raise reserved_size\n",
			name, size, st.reserved_used, xpcpu_ai->reserved_size);
		ret = -ENOMEM;
		goto err_unlock;
	}
	xpcpu_copy_to_every_cpu(area->copies, start, end - start);
	WRITE_ONCE(*delta, (unsigned long)area->copies - (unsigned long)start);
	list_add_tail(&area->list, &xpcpu_modules);
	mutex_unlock(&xpcpu_modules_mutex);
	pr_debug("%s: %zu bytes of static variables at %p\n", name, size,
		 area->copies);
	return 0;

err_unlock:
	mutex_unlock(&xpcpu_modules_mutex);
	kfree(area);
	return ret;
}
EXPORT_SYMBOL_GPL(__xpcpu_module_init);

/* Give @area back and forget it. */
static void xpcpu_module_release(struct xpcpu_module_area *area)
{
	lockdep_assert_held(&xpcpu_modules_mutex);
	list_del(&area->list);
	xpcpu_pool_reserved_free(area->copies);
	kfree(area);
}

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
			xpcpu_module_release(area);
			break;
		}
	}
	mutex_unlock(&xpcpu_modules_mutex);
}
EXPORT_SYMBOL_GPL(__xpcpu_module_exit);

/**
 * xpcpu_modules_release_all() - report and drop registrations at unload
 *
 * A client cannot outlive xpcpu.ko (it uses its symbols), so anything
 * left here is a registration its exit never released.
 *
 * Context: module exit.
 */
void xpcpu_modules_release_all(void)
{
	struct xpcpu_module_area *area, *tmp;

	mutex_lock(&xpcpu_modules_mutex);
	list_for_each_entry_safe(area, tmp, &xpcpu_modules, list) {
		pr_warn("unload: static variables of a client (%zu bytes at %p) were never released\n",
			area->size, area->copies);
		xpcpu_module_release(area);
	}
	mutex_unlock(&xpcpu_modules_mutex);
}
