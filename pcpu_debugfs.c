// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/xpcpu/: what xpcpu is doing.  "stats" prints the
 * alloc info, the global counters (the fields of the kernel's
 * percpu_stats), the per-CPU caches and a line per chunk, all from the
 * pool's read-only view; "counter" is a per-CPU counter allocated with
 * xpcpu, bumped with xpcpu_this_cpu_add().  The fault injection knobs go
 * here too when the kernel has them.  The test driver "ctl" is not part of
 * xpcpu.ko: tests/ctl/ (xpcpu_ctl.ko) adds it to this directory.  Only
 * module init and exit call in here; a debugfs failure is not an error.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <xpcpu_internal.h>

static struct dentry *xpcpu_dir;		/* /sys/kernel/debug/xpcpu */
static long __xpcpu *xpcpu_counter;	/* "counter", NULL if no memory */

#define XPCPU_STAT(m, name, val) \
	seq_printf(m, "  %-20s: %12llu\n", name, (unsigned long long)(val))

static void xpcpu_show_chunk(struct seq_file *m,
			     const struct xpcpu_chunk_view *v)
{
	seq_printf(m, "chunk %-4d %-5s slot %2d  free_bytes %6d  contig_bytes %6d  nr_alloc %5d  frag %3d%%\n",
		   v->id, v->is_first ? "first" : "", v->slot, v->free_bytes,
		   v->contig_bytes, v->nr_alloc,
		   v->free_bytes ? 100 - (int)div_u64(100ULL * v->contig_bytes,
						       v->free_bytes) : 0);
}

static void xpcpu_show_alloc_info(struct seq_file *m,
				  const struct xpcpu_alloc_info *ai,
				  const struct xpcpu_stats *st)
{
	int i, u;

	seq_puts(m, "Alloc info:\n");
	XPCPU_STAT(m, "unit_size", ai->unit_size);
	XPCPU_STAT(m, "static_size", ai->static_size);
	XPCPU_STAT(m, "reserved_size", ai->reserved_size);
	XPCPU_STAT(m, "reserved_used", st->reserved_used);
	XPCPU_STAT(m, "dynamic_size", ai->dyn_size);
	XPCPU_STAT(m, "nr_groups", ai->nr_groups);
	XPCPU_STAT(m, "nr_units", ai->nr_units);
	for (i = 0; i < ai->nr_groups; i++) {
		const struct xpcpu_group_info *gi = &ai->groups[i];

		seq_printf(m, "  group %d: node %d units", i, gi->node);
		for (u = gi->first_unit; u < gi->first_unit + gi->nr_units; u++)
			seq_printf(m, " %d(cpu%d)", u, ai->unit_cpu[u]);
		seq_putc(m, '\n');
	}
	seq_printf(m, "  %-20s: %12s\n", "pointers",
		   xpcpu_backend->genuine ? "genuine" : "offset");
	seq_printf(m, "  %-20s: %12s\n", "backend", xpcpu_backend->name);
	XPCPU_STAT(m, "span_bytes", xpcpu_layout_span());
	XPCPU_STAT(m, "pte_per_chunk", xpcpu_layout_span() >> PAGE_SHIFT);
	XPCPU_STAT(m, "hole_per_chunk", xpcpu_layout_hole_bytes());
	XPCPU_STAT(m, "largest_alloc", xpcpu_max_alloc_size());
}

/*
 * Page tables of the percpu backend's holes and its hole pages, all
 * chunks, and that cost per hundred bytes of chunk memory.
 */
static void xpcpu_show_holes(struct seq_file *m, const struct xpcpu_stats *st)
{
	u64 holes = st->nr_chunks * xpcpu_layout_hole_bytes();
	u64 mem = (u64)st->nr_populated_pages << PAGE_SHIFT;

	XPCPU_STAT(m, "hole_bytes", holes);
	XPCPU_STAT(m, "hole_pct", mem ? div64_u64(100 * holes, mem) : 0);
}

static void xpcpu_show_global(struct seq_file *m, const struct xpcpu_stats *st)
{
	seq_puts(m, "Global stats:\n");
	XPCPU_STAT(m, "nr_alloc", st->nr_alloc);
	XPCPU_STAT(m, "nr_dealloc", st->nr_dealloc);
	XPCPU_STAT(m, "nr_cur_alloc", st->nr_cur_alloc);
	XPCPU_STAT(m, "nr_max_alloc", st->nr_max_alloc);
	XPCPU_STAT(m, "nr_chunks", st->nr_chunks);
	XPCPU_STAT(m, "nr_max_chunks", st->nr_max_chunks);
	XPCPU_STAT(m, "nr_empty_chunks", st->nr_empty_chunks);
	XPCPU_STAT(m, "nr_created", st->nr_created);
	XPCPU_STAT(m, "nr_destroyed", st->nr_destroyed);
	XPCPU_STAT(m, "min_alloc_size", st->min_alloc_size);
	XPCPU_STAT(m, "max_alloc_size", st->max_alloc_size);
	XPCPU_STAT(m, "nr_atomic_alloc", st->nr_atomic_alloc);
	XPCPU_STAT(m, "nr_atomic_fail", st->nr_atomic_fail);
	XPCPU_STAT(m, "nr_bad_free", st->nr_bad_free);
	XPCPU_STAT(m, "nr_populated_pages", st->nr_populated_pages);
	xpcpu_show_holes(m, st);
	XPCPU_STAT(m, "nr_cached", st->nr_cached);
	XPCPU_STAT(m, "cached_bytes", st->cached_bytes);
}

static void xpcpu_show_chunks(struct seq_file *m)
{
	struct xpcpu_chunk_view *views = NULL;
	int n, max = 0, i;

	/* Chunks come and go: retry with room for what was seen. */
	for (;;) {
		n = xpcpu_pool_chunk_views(views, max);
		if (n <= max)
			break;
		kfree(views);
		max = n + 4;
		views = kcalloc(max, sizeof(*views), GFP_KERNEL);
		if (!views) {
			seq_puts(m, "  (no memory for the chunk list)\n");
			return;
		}
	}
	seq_puts(m, "Chunks:\n");
	for (i = 0; i < n; i++)
		xpcpu_show_chunk(m, &views[i]);
	kfree(views);
}

/* Every class a CPU has used, one line each. */
static void xpcpu_show_caches(struct seq_file *m)
{
	struct xpcpu_cache_class_stats cs;
	unsigned int cpu;
	int idx, size;

	seq_printf(m, "Caches: %s, %u areas per class, %lu KiB per CPU\n",
		   xpcpu_cache_enabled() ? "on" : "off", xpcpu_cache_objs,
		   READ_ONCE(xpcpu_cache_params.max_kb));
	for_each_possible_cpu(cpu) {
		for (idx = 0; idx < XPCPU_CACHE_NR_CLASSES; idx++) {
			size = xpcpu_cache_class_stats(cpu, idx, &cs);
			if (!cs.nr && !cs.hits && !cs.misses)
				continue;
			seq_printf(m, "  cpu%-3u class %3d  cached %4lu  hits %lu  misses %lu  refills %lu  flushes %lu\n",
				   cpu, size, cs.nr, cs.hits, cs.misses,
				   cs.refills, cs.flushes);
		}
	}
}

static int xpcpu_stats_show(struct seq_file *m, void *v)
{
	struct xpcpu_stats st;
	unsigned int cpu;

	xpcpu_get_stats(&st);
	xpcpu_show_alloc_info(m, xpcpu_ai, &st);
	xpcpu_show_global(m, &st);

	seq_puts(m, "Per CPU:\n");
	for_each_possible_cpu(cpu) {
		struct xpcpu_cpu_stats *cs = xpcpu_var_ptr(xpcpu_cpu_stats, cpu);

		seq_printf(m, "  cpu%-3u node %d  nr_alloc %lu  nr_free %lu\n",
			   cpu, cpu_to_node(cpu), READ_ONCE(cs->nr_alloc),
			   READ_ONCE(cs->nr_free));
	}
	xpcpu_show_caches(m);
	xpcpu_show_chunks(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xpcpu_stats);

static int xpcpu_counter_show(struct seq_file *m, void *v)
{
	unsigned int cpu;
	long sum = 0;

	for_each_possible_cpu(cpu) {
		long val = READ_ONCE(*xpcpu_ptr(xpcpu_counter, cpu));

		seq_printf(m, "cpu%u %ld\n", cpu, val);
		sum += val;
	}
	seq_printf(m, "sum %ld\n", sum);
	return 0;
}

static int xpcpu_counter_open(struct inode *inode, struct file *file)
{
	return single_open(file, xpcpu_counter_show, NULL);
}

static ssize_t xpcpu_counter_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	long n;
	int ret;

	ret = kstrtol_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	xpcpu_this_cpu_add(xpcpu_counter, n);
	return len;
}

static const struct file_operations xpcpu_counter_fops = {
	.owner = THIS_MODULE,
	.open = xpcpu_counter_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = xpcpu_counter_write,
};

/* The fault injection knobs of xpcpu's own attributes, if any. */
static void xpcpu_debugfs_faults(void)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	int i;

	for (i = 0; i < XPCPU_NR_FAULTS; i++)
		fault_create_debugfs_attr(xpcpu_fault_names[i], xpcpu_dir,
					  &xpcpu_fault_attrs[i]);
#endif
}

/**
 * xpcpu_debugfs_init() - create /sys/kernel/debug/xpcpu/
 *
 * Without memory for the counter, there is no "counter" file; debugfs
 * failures are not errors (debugfs_create_*() take an error dentry).
 *
 * Context: module init, after the first chunk exists.
 */
void xpcpu_debugfs_init(void)
{
	xpcpu_dir = debugfs_create_dir("xpcpu", NULL);
	debugfs_create_file("stats", 0444, xpcpu_dir, NULL, &xpcpu_stats_fops);
	xpcpu_counter = xpcpu_alloc(long);
	if (xpcpu_counter)
		debugfs_create_file("counter", 0600, xpcpu_dir, NULL,
				    &xpcpu_counter_fops);
	xpcpu_debugfs_faults();
}

/**
 * xpcpu_debugfs_exit() - remove the files and free the counter
 *
 * Context: module exit.
 */
void xpcpu_debugfs_exit(void)
{
	debugfs_remove_recursive(xpcpu_dir);
	xpcpu_free(xpcpu_counter);
}
