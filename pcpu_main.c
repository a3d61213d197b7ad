// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu.ko's init and exit, and its parameters.  Init builds the layout,
 * chooses the pointer mode and memory backend, creates the first chunk,
 * starts the pool, then the per-CPU caches and their shrinker, then
 * debugfs; exit stops them in the opposite order, releasing client
 * modules' static areas before the pool.  The design is in pcpu_core.c.
 */
#include <linux/cache.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <xpcpu_internal.h>

static unsigned int reserved_size = 8 << 10;
module_param(reserved_size, uint, 0444);
MODULE_PARM_DESC(reserved_size, "Bytes per CPU for client modules' static per-CPU variables (DEFINE_XPCPU), at most 65536 (default 8192)");

static unsigned int dynamic_size = 28 << 10;
module_param(dynamic_size, uint, 0444);
MODULE_PARM_DESC(dynamic_size, "Bytes per CPU the first chunk serves dynamically, at least; at most 65536 (default 28672)");

module_param_named(spare_chunks, xpcpu_pool.spare_chunks, uint, 0644);
MODULE_PARM_DESC(spare_chunks, "Empty chunks the balance work keeps ready for atomic allocations, in chunks (default 1)");

module_param_named(empty_decay_ms, xpcpu_pool.empty_decay_ms, uint, 0644);
MODULE_PARM_DESC(empty_decay_ms, "Milliseconds an empty chunk beyond spare_chunks stays before it is freed (default 1000)");

static bool caches = true;

static int xpcpu_param_set_caches(const char *val,
				  const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	/* Before init, only record it: init starts the caches that way. */
	if (xpcpu_ai) {
		ret = xpcpu_cache_set_enabled(on);
		if (ret)
			return ret;
	}
	caches = on;
	return 0;
}

static int xpcpu_param_get_caches(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", xpcpu_cache_enabled() ? 'Y' : 'N');
}

static const struct kernel_param_ops xpcpu_caches_ops = {
	.set = xpcpu_param_set_caches,
	.get = xpcpu_param_get_caches,
};
module_param_cb(caches, &xpcpu_caches_ops, NULL, 0644);
MODULE_PARM_DESC(caches, "Per-CPU caches of small free areas: Y or N; N drains them (default Y)");

static unsigned int cache_objs = 32;
module_param(cache_objs, uint, 0444);
MODULE_PARM_DESC(cache_objs, "Free areas a CPU caches per size class, at most (2-1024, default 32)");

static int xpcpu_param_set_cache_kb(const char *val,
				    const struct kernel_param *kp)
{
	unsigned long kb;
	int ret;

	ret = kstrtoul(val, 0, &kb);
	return ret ?: xpcpu_cache_set_max_kb(kb);
}

static int xpcpu_param_get_cache_kb(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(xpcpu_cache_params.max_kb));
}

static const struct kernel_param_ops xpcpu_cache_kb_ops = {
	.set = xpcpu_param_set_cache_kb,
	.get = xpcpu_param_get_cache_kb,
};
module_param_cb(cache_kb, &xpcpu_cache_kb_ops, NULL, 0644);
MODULE_PARM_DESC(cache_kb, "KiB of memory one CPU's caches may hold, every CPU's copy of an area counted; lowering it gives back the excess (0-1048576, default 64)");

static char *pointers = "auto";
module_param(pointers, charp, 0444);
MODULE_PARM_DESC(pointers, "auto: genuine per-CPU pointers (this_cpu_*() work): units at the kernel's per-CPU offsets in one vmap() when their span fits genuine_max_mb, else chunks from the kernel's per-CPU allocator (largest allocation 32 KiB), else offset pointers; offset: always offset pointers; genuine: genuine as auto or fail to load; span / kpcpu: that genuine backend or fail to load (default auto)");

static unsigned int genuine_max_mb = 64;
module_param(genuine_max_mb, uint, 0444);
MODULE_PARM_DESC(genuine_max_mb, "MiB of address space a chunk may span for genuine per-CPU pointers in one vmap(), at most: page table entries, not memory (default 64)");

/*
 * The pointer mode, if the parameters and the layout allow; shrinks @ai's
 * units for the kpcpu backend.
 */
static int __init xpcpu_choose_pointers(struct xpcpu_alloc_info *ai,
					enum xpcpu_mode *mode)
{
	unsigned long span = xpcpu_percpu_span(ai);
	bool fits = span && span <= (unsigned long)genuine_max_mb << 20;
	bool any = !strcmp(pointers, "auto") || !strcmp(pointers, "genuine");

	if (!strcmp(pointers, "offset")) {
		*mode = XPCPU_MODE_OFFSET;
		return 0;
	}
	if (fits && (any || !strcmp(pointers, "span"))) {
		*mode = XPCPU_MODE_SPAN;
		return 0;
	}
	if (any || !strcmp(pointers, "kpcpu")) {
		if (!xpcpu_alloc_info_fit_kpcpu(ai)) {
			if (span)
				pr_info("the per-CPU offsets span %lu KiB, more than genuine_max_mb=%u: chunks from the kernel's per-CPU allocator, largest allocation %lu bytes\n",
					span >> 10, genuine_max_mb,
					XPCPU_KPCPU_UNIT_SIZE);
			*mode = XPCPU_MODE_KPCPU;
			return 0;
		}
		pr_info("static %zu + reserved %zu bytes leave no dynamic area in a %lu-byte unit of the kernel's per-CPU allocator\n",
			ai->static_size, ai->reserved_size,
			XPCPU_KPCPU_UNIT_SIZE);
	}
	if (!strcmp(pointers, "auto")) {
		pr_info("genuine per-CPU pointers do not fit: offset pointers\n");
		*mode = XPCPU_MODE_OFFSET;
		return 0;
	}
	if (any || !strcmp(pointers, "span") || !strcmp(pointers, "kpcpu")) {
		pr_err("pointers=%s: the per-CPU offsets span %lu KiB (0: units would overlap), more than genuine_max_mb=%u, and the kernel's per-CPU allocator cannot hold the first chunk\n",
		       pointers, span >> 10, genuine_max_mb);
		return -EINVAL;
	}
	pr_err("pointers=%s: expected auto, offset, genuine, span or kpcpu\n",
	       pointers);
	return -EINVAL;
}

static int __init xpcpu_init(void)
{
	struct xpcpu_chunk *first, *reserved;
	struct xpcpu_alloc_info *ai;
	enum xpcpu_mode mode;
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
	ret = xpcpu_choose_pointers(ai, &mode);
	if (ret)
		goto err_free_ai;
	xpcpu_layout_init(ai, mode);
	ret = xpcpu_first_chunk_create(ai, &xpcpu_pool.lock, &first,
				       &reserved);
	if (ret)
		goto err_free_ai;
	ret = xpcpu_pool_init(first, reserved);
	if (ret)
		goto err_destroy_first;
	ret = xpcpu_cache_init(cache_objs, caches);
	if (ret)
		goto err_pool_exit;
	ret = xpcpu_cache_shrink_init();
	if (ret)
		goto err_cache_exit;
	xpcpu_debugfs_init();

	pr_info("%d units in %d groups, unit %zu bytes: static %zu reserved %zu dynamic %zu; %s pointers (%s backend, pointers=%s, %lu KiB per chunk, largest allocation %zu); caches %s\n",
		ai->nr_units, ai->nr_groups, ai->unit_size, ai->static_size,
		ai->reserved_size, ai->dyn_size,
		xpcpu_backend->genuine ? "genuine" : "offset",
		xpcpu_backend->name, pointers,
		xpcpu_layout_span() >> 10, xpcpu_max_alloc_size(),
		caches ? "on" : "off");
	return 0;

err_cache_exit:
	xpcpu_cache_exit();
err_pool_exit:
	xpcpu_pool_exit();
err_destroy_first:
	xpcpu_first_chunk_destroy(ai, first, reserved);
err_free_ai:
	xpcpu_free_alloc_info(ai);
	return ret;
}

static void __exit xpcpu_exit(void)
{
	struct xpcpu_chunk *first = xpcpu_pool.first;
	struct xpcpu_chunk *reserved = xpcpu_pool.reserved;

	xpcpu_debugfs_exit();
	xpcpu_cache_shrink_exit();
	xpcpu_cache_exit();
	xpcpu_modules_release_all();
	xpcpu_pool_exit();
	xpcpu_first_chunk_destroy(xpcpu_ai, first, reserved);
	xpcpu_free_alloc_info(xpcpu_ai);
}

module_init(xpcpu_init);
module_exit(xpcpu_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("xpcpu developers");
MODULE_DESCRIPTION("xpcpu: per-CPU chunk allocator for modules (mm/percpu.c as a module other modules call)");
MODULE_VERSION(XPCPU_VERSION);
