// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_sample - per-CPU packet and byte counters on xpcpu, the way a
 * network driver keeps its statistics: each CPU adds to its own copy on
 * the hot path, without a lock or a shared cache line, and a reader sums
 * the copies of every possible CPU.  A module of one object
 * (obj-m := xpcpu_sample.o) whose Kbuild adds one line,
 * "include <xpcpu>/include/xpcpu.mk"; see samples/Kbuild.
 *
 * It shows both kinds of xpcpu memory:
 *  - dynamic: struct xpcpu_sample_stats, from xpcpu_alloc(), one per CPU;
 *  - static: xpcpu_sample_writes, a DEFINE_XPCPU() variable, which needs
 *    xpcpu_module_init() in init and xpcpu_module_exit() in exit.
 *
 * /sys/kernel/debug/xpcpu_sample/
 *   packet (0200)  write "LEN [COUNT]": COUNT packets (default 1) of LEN
 *                  bytes arrive on the writing CPU (the hot path)
 *   stats  (0444)  each possible CPU's packets, bytes and writes, their
 *                  totals, and a few of xpcpu's own counters
 *                  (xpcpu_get_stats())
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include <xpcpu.h>

/* What each CPU counts: dynamic per-CPU memory. */
struct xpcpu_sample_stats {
	u64 packets;			/* packets seen on this CPU */
	u64 bytes;			/* their bytes */
};

static struct xpcpu_sample_stats __xpcpu *xpcpu_sample_stats;

/* Writes to the packet file, per CPU: a static per-CPU variable. */
static DEFINE_XPCPU(unsigned long, xpcpu_sample_writes);

static struct dentry *xpcpu_sample_dir;

/* Largest COUNT one write may account. */
#define XPCPU_SAMPLE_MAX_COUNT	1000000

/*
 * The hot path: account @count packets of @len bytes on this CPU.  Each
 * add is one instruction that neither preemption nor an interrupt on
 * this CPU can split, so it may run in any context, a driver's interrupt
 * handler included.
 */
static void xpcpu_sample_rx(unsigned int len, unsigned int count)
{
	xpcpu_this_cpu_add(&xpcpu_sample_stats->packets, count);
	xpcpu_this_cpu_add(&xpcpu_sample_stats->bytes, (u64)len * count);
}

static ssize_t xpcpu_sample_packet_write(struct file *file,
					 const char __user *ubuf,
					 size_t len, loff_t *ppos)
{
	unsigned int plen, count = 1;
	char buf[32];
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%u %u", &plen, &count);
	if (n < 1 || !count || count > XPCPU_SAMPLE_MAX_COUNT)
		return -EINVAL;

	xpcpu_sample_rx(plen, count);
	xpcpu_this_cpu_inc(xpcpu_var(xpcpu_sample_writes));
	return len;
}

static const struct file_operations xpcpu_sample_packet_fops = {
	.owner = THIS_MODULE,
	.write = xpcpu_sample_packet_write,
	.llseek = noop_llseek,
};

/*
 * The report: sum every possible CPU's copy.  Writers may run meanwhile,
 * so the totals are a snapshot; READ_ONCE() keeps each read whole.
 */
static int xpcpu_sample_stats_show(struct seq_file *m, void *v)
{
	u64 packets = 0, bytes = 0, writes = 0;
	struct xpcpu_stats xs;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct xpcpu_sample_stats *s = xpcpu_ptr(xpcpu_sample_stats, cpu);
		u64 p = READ_ONCE(s->packets), b = READ_ONCE(s->bytes);
		unsigned long w =
			READ_ONCE(*xpcpu_var_ptr(xpcpu_sample_writes, cpu));

		seq_printf(m, "cpu%u packets %llu bytes %llu writes %lu\n",
			   cpu, p, b, w);
		packets += p;
		bytes += b;
		writes += w;
	}
	seq_printf(m, "total packets %llu bytes %llu writes %llu\n",
		   packets, bytes, writes);

	xpcpu_get_stats(&xs);
	seq_printf(m, "xpcpu nr_cur_alloc %llu nr_chunks %llu reserved_used %llu\n",
		   xs.nr_cur_alloc, xs.nr_chunks, xs.reserved_used);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xpcpu_sample_stats);

static int __init xpcpu_sample_init(void)
{
	int ret;

	/* Static variables first: nothing may touch them before this. */
	ret = xpcpu_module_init();
	if (ret)
		return ret;

	xpcpu_sample_stats = xpcpu_alloc(struct xpcpu_sample_stats);
	if (!xpcpu_sample_stats) {
		ret = -ENOMEM;
		goto err_module_exit;
	}

	xpcpu_sample_dir = debugfs_create_dir("xpcpu_sample", NULL);
	debugfs_create_file("packet", 0200, xpcpu_sample_dir, NULL,
			    &xpcpu_sample_packet_fops);
	debugfs_create_file("stats", 0444, xpcpu_sample_dir, NULL,
			    &xpcpu_sample_stats_fops);
	pr_info("counting packets on %u possible CPUs: /sys/kernel/debug/xpcpu_sample/\n",
		num_possible_cpus());
	return 0;

err_module_exit:
	xpcpu_module_exit();
	return ret;
}

static void __exit xpcpu_sample_exit(void)
{
	/* No reader or writer is left once the files are gone. */
	debugfs_remove_recursive(xpcpu_sample_dir);
	xpcpu_free(xpcpu_sample_stats);
	xpcpu_module_exit();
}

module_init(xpcpu_sample_init);
module_exit(xpcpu_sample_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu sample: per-CPU packet and byte counters in debugfs");
