// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_ctl - a test driver of xpcpu: /sys/kernel/debug/xpcpu/ctl (0600)
 * allocates and frees through the public API and checks what it gets:
 * every new area aligned and zero on every possible CPU, a pattern per
 * area and CPU that must survive ("check"), bad frees rejected and
 * changing nothing ("badfree"); see xpcpu_ctl_run() for the commands.
 * Not part of xpcpu.ko: the guest tests load it after xpcpu.ko
 * (tests/guest/lib.sh, load_ctl) and unload it before.  Beyond the public
 * API it uses the view of include/xpcpu_view.h (namespace
 * XPCPU_INTERNAL_NS): the chunk views, to see that a rejected free changed
 * no chunk, and a static variable of xpcpu itself, to free it.  Unloading
 * frees every area it still holds.
 */
#include <linux/bsearch.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <xpcpu.h>
#include <xpcpu_view.h>

static unsigned int max_allocs = 4096;
module_param(max_allocs, uint, 0444);
MODULE_PARM_DESC(max_allocs, "Most live allocations made through ctl (default 4096)");

/*
 * struct xpcpu_ctl_area - an area allocated through ctl
 */
struct xpcpu_ctl_area {
	void __xpcpu *ptr;		/* the area */
	u32 size;			/* bytes asked for */
	u32 tag;			/* its pattern's seed */
};

/* Allocations made through ctl and what checked them; xpcpu_ctl_mutex. */
static DEFINE_MUTEX(xpcpu_ctl_mutex);
static struct xpcpu_ctl_area *xpcpu_ctl_areas;	/* live, max_allocs */
static unsigned int xpcpu_ctl_nr;		/* entries in xpcpu_ctl_areas */
static unsigned long *xpcpu_ctl_freed;	/* freed by the last free, sorted */
static unsigned int xpcpu_ctl_nr_freed;	/* entries in xpcpu_ctl_freed */
static u32 xpcpu_ctl_next_tag;		/* tag of the next area */
static unsigned long xpcpu_ctl_reused;	/* new areas where a freed one was */
static unsigned long xpcpu_ctl_checks;	/* "check" commands that passed */

static struct dentry *xpcpu_ctl_file;	/* /sys/kernel/debug/xpcpu/ctl */

/*
 * The byte ctl writes at @i of @cpu's copy of the area tagged @tag: no two
 * live areas (tags differ in their low byte) or CPUs hold the same bytes.
 */
static u8 xpcpu_ctl_pattern(u32 tag, unsigned int cpu, size_t i)
{
	return tag * 0x9d + cpu * 0x3b + i * 7 + (i >> 8) + 1;
}

/* Fill every possible CPU's copy of @a with its pattern. */
static void xpcpu_ctl_fill(const struct xpcpu_ctl_area *a)
{
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		u8 *c = xpcpu_ptr((u8 __xpcpu *)a->ptr, cpu);

		for (i = 0; i < a->size; i++)
			c[i] = xpcpu_ctl_pattern(a->tag, cpu, i);
	}
}

/* Return: 0 if every possible CPU's copy of @a holds its pattern, else -EIO. */
static int xpcpu_ctl_verify(const struct xpcpu_ctl_area *a)
{
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		const u8 *c = xpcpu_ptr((u8 __xpcpu *)a->ptr, cpu);

		for (i = 0; i < a->size; i++) {
			if (c[i] == xpcpu_ctl_pattern(a->tag, cpu, i))
				continue;
			pr_err("area %p (%u bytes) byte %zu of cpu %u is %#x, its pattern %#x: overwritten\n",
			       a->ptr, a->size, i, cpu, c[i],
			       xpcpu_ctl_pattern(a->tag, cpu, i));
			return -EIO;
		}
	}
	return 0;
}

/*
 * A new area must be aligned and read zero on every possible CPU.
 * Return: 0, or -EIO (the first problem is logged).
 */
static int xpcpu_ctl_check_new(void __xpcpu *ptr, size_t size, size_t align)
{
	unsigned int cpu;
	const u8 *c, *bad;

	align = max_t(size_t, align, XPCPU_MIN_ALLOC_SIZE);
	for_each_possible_cpu(cpu) {
		c = xpcpu_ptr((u8 __xpcpu *)ptr, cpu);
		if (!IS_ALIGNED((unsigned long)c, align)) {
			pr_err("new area %p: cpu %u's copy %p is not aligned to %zu\n",
			       ptr, cpu, c, align);
			return -EIO;
		}
		bad = memchr_inv(c, 0, size);
		if (bad) {
			pr_err("new area %p (%zu bytes): byte %td of cpu %u is %#x, not zero\n",
			       ptr, size, bad - c, cpu, *bad);
			return -EIO;
		}
	}
	return 0;
}

static int xpcpu_ctl_cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Was @ptr handed out before and freed by the last free command? */
static bool xpcpu_ctl_was_freed(void __xpcpu *ptr)
{
	unsigned long key = (unsigned long)ptr;

	return bsearch(&key, xpcpu_ctl_freed, xpcpu_ctl_nr_freed,
		       sizeof(*xpcpu_ctl_freed), xpcpu_ctl_cmp_ptr);
}

/* Free the ctl areas [from, xpcpu_ctl_nr), remembering where they were. */
static void xpcpu_ctl_free_from(unsigned int from)
{
	lockdep_assert_held(&xpcpu_ctl_mutex);
	xpcpu_ctl_nr_freed = 0;
	while (xpcpu_ctl_nr > from) {
		void __xpcpu *ptr = xpcpu_ctl_areas[--xpcpu_ctl_nr].ptr;

		xpcpu_ctl_freed[xpcpu_ctl_nr_freed++] = (unsigned long)ptr;
		xpcpu_free(ptr);
	}
	sort(xpcpu_ctl_freed, xpcpu_ctl_nr_freed, sizeof(*xpcpu_ctl_freed),
	     xpcpu_ctl_cmp_ptr, NULL);
}

static void xpcpu_ctl_free_all(void)
{
	xpcpu_ctl_free_from(0);
}

/* Free areas 0, @k, 2 @k, ... of the live ones; the rest stay, in order. */
static void xpcpu_ctl_free_every(unsigned int k)
{
	unsigned int i, kept = 0;

	lockdep_assert_held(&xpcpu_ctl_mutex);
	xpcpu_ctl_nr_freed = 0;
	for (i = 0; i < xpcpu_ctl_nr; i++) {
		if (i % k) {
			xpcpu_ctl_areas[kept++] = xpcpu_ctl_areas[i];
			continue;
		}
		xpcpu_ctl_freed[xpcpu_ctl_nr_freed++] =
			(unsigned long)xpcpu_ctl_areas[i].ptr;
		xpcpu_free(xpcpu_ctl_areas[i].ptr);
	}
	xpcpu_ctl_nr = kept;
	sort(xpcpu_ctl_freed, xpcpu_ctl_nr_freed, sizeof(*xpcpu_ctl_freed),
	     xpcpu_ctl_cmp_ptr, NULL);
}

/*
 * Allocate @count areas, check that each is aligned and zeroed on every
 * possible CPU, and fill it with its pattern.  On a failed check every
 * area of this call is freed again.
 */
static int xpcpu_ctl_alloc(size_t size, size_t align, unsigned int count)
{
	unsigned int from = xpcpu_ctl_nr, reused = 0;
	int ret = 0;

	lockdep_assert_held(&xpcpu_ctl_mutex);
	if (!xpcpu_request_ok(size, align) || !count ||
	    count > max_allocs - xpcpu_ctl_nr)
		return -EINVAL;

	while (xpcpu_ctl_nr < from + count) {
		struct xpcpu_ctl_area *a = &xpcpu_ctl_areas[xpcpu_ctl_nr];

		a->ptr = __xpcpu_alloc(size, align);
		if (!a->ptr) {
			ret = -ENOMEM;
			break;
		}
		xpcpu_ctl_nr++;
		a->size = size;
		a->tag = xpcpu_ctl_next_tag++;
		ret = xpcpu_ctl_check_new(a->ptr, size, align);
		if (ret)
			break;
		xpcpu_ctl_fill(a);
		reused += xpcpu_ctl_was_freed(a->ptr);
	}
	if (ret) {
		xpcpu_ctl_free_from(from);
		return ret;
	}
	xpcpu_ctl_reused += reused;
	return 0;
}

/* Every live ctl area still holds its pattern on every possible CPU. */
static int xpcpu_ctl_check(void)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&xpcpu_ctl_mutex);
	for (i = 0; i < xpcpu_ctl_nr; i++) {
		ret = xpcpu_ctl_verify(&xpcpu_ctl_areas[i]);
		if (ret)
			return ret;
	}
	xpcpu_ctl_checks++;
	return 0;
}

/* Stats and chunk views, to see that a rejected free changed nothing. */
struct xpcpu_ctl_snap {
	struct xpcpu_stats st;		/* the public counters */
	struct xpcpu_chunk_view *views;	/* every chunk, by id */
	int nr_views;			/* entries in views */
};

static int xpcpu_ctl_cmp_view(const void *a, const void *b)
{
	return ((const struct xpcpu_chunk_view *)a)->id -
	       ((const struct xpcpu_chunk_view *)b)->id;
}

static int xpcpu_ctl_take_snap(struct xpcpu_ctl_snap *s)
{
	int n, max = 16;

	for (;;) {
		s->views = kcalloc(max, sizeof(*s->views), GFP_KERNEL);
		if (!s->views)
			return -ENOMEM;
		xpcpu_get_stats(&s->st);
		n = xpcpu_pool_chunk_views(s->views, max);
		if (n <= max)
			break;
		kfree(s->views);
		max = n + 4;
	}
	sort(s->views, n, sizeof(*s->views), xpcpu_ctl_cmp_view, NULL);
	s->nr_views = n;
	return 0;
}

static bool xpcpu_ctl_same(const char *what, const char *field, u64 a, u64 b)
{
	if (a != b)
		pr_err("badfree %s: %s went from %llu to %llu\n", what,
		       field, a, b);
	return a == b;
}

static bool xpcpu_ctl_same_views(const struct xpcpu_ctl_snap *a,
				 const struct xpcpu_ctl_snap *b)
{
	const struct xpcpu_chunk_view *x, *y;
	int i;

	if (a->nr_views != b->nr_views)
		return false;
	for (i = 0; i < a->nr_views; i++) {
		x = &a->views[i];
		y = &b->views[i];
		if (x->id != y->id || x->slot != y->slot ||
		    x->free_bytes != y->free_bytes ||
		    x->contig_bytes != y->contig_bytes ||
		    x->nr_alloc != y->nr_alloc)
			return false;
	}
	return true;
}

/*
 * After a rejected free: nr_bad_free one up, the allocation counters the
 * same and, unless the balance work created or freed a chunk meanwhile,
 * every chunk's view the same.
 */
static int xpcpu_ctl_same_but_bad_free(const char *what,
				       const struct xpcpu_ctl_snap *a,
				       const struct xpcpu_ctl_snap *b)
{
	const struct xpcpu_stats *x = &a->st, *y = &b->st;
	bool ok = true;

	if (y->nr_bad_free != x->nr_bad_free + 1) {
		pr_err("badfree %s: nr_bad_free went from %llu to %llu, not one up: the free was not rejected\n",
		       what, x->nr_bad_free, y->nr_bad_free);
		ok = false;
	}
	ok &= xpcpu_ctl_same(what, "nr_alloc", x->nr_alloc, y->nr_alloc);
	ok &= xpcpu_ctl_same(what, "nr_dealloc", x->nr_dealloc, y->nr_dealloc);
	ok &= xpcpu_ctl_same(what, "nr_cur_alloc", x->nr_cur_alloc,
			     y->nr_cur_alloc);
	ok &= xpcpu_ctl_same(what, "nr_cached", x->nr_cached, y->nr_cached);
	ok &= xpcpu_ctl_same(what, "cached_bytes", x->cached_bytes,
			     y->cached_bytes);
	ok &= xpcpu_ctl_same(what, "reserved_used", x->reserved_used,
			     y->reserved_used);
	if (x->nr_created == y->nr_created &&
	    x->nr_destroyed == y->nr_destroyed && !xpcpu_ctl_same_views(a, b)) {
		pr_err("badfree %s: a chunk's slot, free bytes, longest run or areas changed\n",
		       what);
		ok = false;
	}
	return ok ? 0 : -EIO;
}

/* The kinds of bad free that "badfree" tries. */
enum xpcpu_ctl_bad {
	XPCPU_CTL_BAD_DOUBLE,		/* an area freed already */
	XPCPU_CTL_BAD_FOREIGN,		/* kmalloc()ed memory */
	XPCPU_CTL_BAD_INTERIOR,		/* 4 bytes into a live area */
	XPCPU_CTL_BAD_STATIC,		/* xpcpu's own static variable */
	XPCPU_CTL_BAD_COPY,		/* another CPU's copy of a live area */
	XPCPU_CTL_NR_BAD,
};

static const char *const xpcpu_ctl_bad_names[XPCPU_CTL_NR_BAD] = {
	[XPCPU_CTL_BAD_DOUBLE] = "double",
	[XPCPU_CTL_BAD_FOREIGN] = "foreign",
	[XPCPU_CTL_BAD_INTERIOR] = "interior",
	[XPCPU_CTL_BAD_STATIC] = "static",
	[XPCPU_CTL_BAD_COPY] = "copy",
};

/*
 * The pointer of a bad free of @kind; @area is a live ctl area of @size
 * bytes (at least 8), @buf a kmalloc()ed buffer.  For a double free,
 * @area is freed here first.
 */
static void __xpcpu *xpcpu_ctl_bad_ptr(enum xpcpu_ctl_bad kind,
				       void __xpcpu *area, void *buf)
{
	unsigned int cpu = cpumask_last(cpu_possible_mask);

	switch (kind) {
	case XPCPU_CTL_BAD_DOUBLE:
		xpcpu_free(area);
		return area;
	case XPCPU_CTL_BAD_FOREIGN:
		return (void __force __xpcpu *)buf;
	case XPCPU_CTL_BAD_INTERIOR:
		return (u8 __xpcpu *)area + XPCPU_MIN_ALLOC_SIZE;
	case XPCPU_CTL_BAD_STATIC:
		return xpcpu_own_static_ptr();
	case XPCPU_CTL_BAD_COPY:
		return (u8 __xpcpu *)area +
		       ((unsigned long)xpcpu_ptr(area, cpu) -
			(unsigned long)xpcpu_ptr(area, 0));
	default:
		return NULL;
	}
}

/*
 * "badfree KIND [SIZE]": allocate an area of SIZE bytes (default 8, at
 * least 8), try the bad free of KIND, check that it was rejected and
 * changed nothing but nr_bad_free, then check that two new areas of the
 * same size are distinct, zeroed and aligned (a double free that got in
 * would hand one area out twice); they stay as ctl areas.
 */
static int xpcpu_ctl_badfree(enum xpcpu_ctl_bad kind, size_t size)
{
	const char *what = xpcpu_ctl_bad_names[kind];
	struct xpcpu_ctl_snap before = {}, after = {};
	void __xpcpu *area, *bad;
	unsigned int from;
	void *buf;
	int ret;

	lockdep_assert_held(&xpcpu_ctl_mutex);
	if (!xpcpu_request_ok(size, XPCPU_MIN_ALLOC_SIZE) || size < 8 ||
	    xpcpu_ctl_nr + 2 > max_allocs ||
	    (kind == XPCPU_CTL_BAD_COPY && num_possible_cpus() < 2))
		return -EINVAL;
	buf = kzalloc(size, GFP_KERNEL);
	area = __xpcpu_alloc(size, XPCPU_MIN_ALLOC_SIZE);
	if (!buf || !area) {
		ret = -ENOMEM;
		goto out_free;
	}
	bad = xpcpu_ctl_bad_ptr(kind, area, buf);
	if (kind == XPCPU_CTL_BAD_DOUBLE)
		area = NULL;
	ret = xpcpu_ctl_take_snap(&before);
	if (ret)
		goto out_free;
	xpcpu_free(bad);
	ret = xpcpu_ctl_take_snap(&after);
	if (ret)
		goto out_free;
	ret = xpcpu_ctl_same_but_bad_free(what, &before, &after);
	if (ret)
		goto out_free;

	from = xpcpu_ctl_nr;
	ret = xpcpu_ctl_alloc(size, XPCPU_MIN_ALLOC_SIZE, 2);
	if (!ret && xpcpu_ctl_areas[from].ptr == xpcpu_ctl_areas[from + 1].ptr) {
		pr_err("badfree %s: area %p handed out twice\n", what,
		       xpcpu_ctl_areas[from].ptr);
		ret = -EIO;
	}
out_free:
	kfree(after.views);
	kfree(before.views);
	xpcpu_free(area);
	kfree(buf);
	return ret;
}

static int xpcpu_ctl_bad_kind(const char *name)
{
	int i;

	for (i = 0; i < XPCPU_CTL_NR_BAD; i++)
		if (!strcmp(name, xpcpu_ctl_bad_names[i]))
			return i;
	return -EINVAL;
}

/*
 * The commands; anything else is -EINVAL and changes nothing:
 *   alloc SIZE ALIGN [COUNT]   new areas, checked (aligned, zero on every
 *                              CPU: -EIO otherwise) and filled with a
 *                              pattern per area and CPU
 *   check                      every live area holds its pattern (-EIO)
 *   free all | free every K    free all areas, or areas 0, K, 2K, ...
 *   badfree KIND [SIZE]        a bad free of KIND is rejected (-EIO)
 */
static int xpcpu_ctl_run(int argc, char **argv)
{
	unsigned int size, align, count = 1;
	int kind;

	if (argc == 1 && !strcmp(argv[0], "check"))
		return xpcpu_ctl_check();
	if (argc == 2 && !strcmp(argv[0], "free") && !strcmp(argv[1], "all")) {
		xpcpu_ctl_free_all();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[0], "free") &&
	    !strcmp(argv[1], "every")) {
		if (kstrtouint(argv[2], 0, &count) || !count)
			return -EINVAL;
		xpcpu_ctl_free_every(count);
		return 0;
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[0], "badfree")) {
		size = 8;
		kind = xpcpu_ctl_bad_kind(argv[1]);
		if (kind < 0 || (argc == 3 && kstrtouint(argv[2], 0, &size)))
			return -EINVAL;
		return xpcpu_ctl_badfree(kind, size);
	}
	if ((argc != 3 && argc != 4) || strcmp(argv[0], "alloc") ||
	    kstrtouint(argv[1], 0, &size) || kstrtouint(argv[2], 0, &align) ||
	    (argc == 4 && kstrtouint(argv[3], 0, &count)))
		return -EINVAL;
	return xpcpu_ctl_alloc(size, align, count);
}

/* Reading ctl: the live areas and what the checks saw. */
static int xpcpu_ctl_show(struct seq_file *m, void *v)
{
	unsigned long bytes = 0;
	unsigned int i;

	mutex_lock(&xpcpu_ctl_mutex);
	for (i = 0; i < xpcpu_ctl_nr; i++)
		bytes += xpcpu_ctl_areas[i].size;
	seq_printf(m, "areas %u\n", xpcpu_ctl_nr);
	seq_printf(m, "bytes %lu\n", bytes);
	seq_printf(m, "reused %lu\n", xpcpu_ctl_reused);
	seq_printf(m, "checks %lu\n", xpcpu_ctl_checks);
	mutex_unlock(&xpcpu_ctl_mutex);
	return 0;
}

static int xpcpu_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, xpcpu_ctl_show, NULL);
}

static ssize_t xpcpu_ctl_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char *buf, **argv;
	int argc, ret;

	if (len > 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	argv = argv_split(GFP_KERNEL, buf, &argc);
	kfree(buf);
	if (!argv)
		return -ENOMEM;

	mutex_lock(&xpcpu_ctl_mutex);
	ret = xpcpu_ctl_run(argc, argv);
	mutex_unlock(&xpcpu_ctl_mutex);
	argv_free(argv);
	return ret ? ret : len;
}

static const struct file_operations xpcpu_ctl_fops = {
	.owner = THIS_MODULE,
	.open = xpcpu_ctl_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = xpcpu_ctl_write,
};

/*
 * The ctl file goes into xpcpu's own debugfs directory, which xpcpu.ko
 * keeps while this module (which uses its symbols) is loaded.
 */
static int __init xpcpu_ctl_init(void)
{
	struct dentry *dir;

	dir = debugfs_lookup("xpcpu", NULL);
	if (IS_ERR_OR_NULL(dir)) {
		pr_err("no /sys/kernel/debug/xpcpu: load xpcpu.ko first, with debugfs mounted\n");
		return -ENOENT;
	}
	xpcpu_ctl_areas = kvcalloc(max_allocs, sizeof(*xpcpu_ctl_areas),
				   GFP_KERNEL);
	xpcpu_ctl_freed = kvcalloc(max_allocs, sizeof(*xpcpu_ctl_freed),
				   GFP_KERNEL);
	if (!xpcpu_ctl_areas || !xpcpu_ctl_freed) {
		kvfree(xpcpu_ctl_freed);
		kvfree(xpcpu_ctl_areas);
		dput(dir);
		return -ENOMEM;
	}
	xpcpu_ctl_file = debugfs_create_file("ctl", 0600, dir, NULL,
					     &xpcpu_ctl_fops);
	dput(dir);
	return 0;
}

static void __exit xpcpu_ctl_exit(void)
{
	debugfs_remove(xpcpu_ctl_file);
	mutex_lock(&xpcpu_ctl_mutex);
	xpcpu_ctl_free_all();
	mutex_unlock(&xpcpu_ctl_mutex);
	kvfree(xpcpu_ctl_freed);
	kvfree(xpcpu_ctl_areas);
}

module_init(xpcpu_ctl_init);
module_exit(xpcpu_ctl_exit);
MODULE_IMPORT_NS(XPCPU_INTERNAL_NS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu test driver: debugfs ctl allocates, frees and checks through xpcpu's API");
