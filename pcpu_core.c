// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu core (skeleton; the allocator lands with issue 3).
 */
#include <linux/debugfs.h>
#include <linux/module.h>

#include <xpcpu.h>

DEFINE_PER_CPU_READ_MOSTLY(unsigned long, xpcpu_unit_off);
EXPORT_PER_CPU_SYMBOL_GPL(xpcpu_unit_off);

static struct dentry *xpcpu_dir;

static int __init xpcpu_init(void)
{
	xpcpu_dir = debugfs_create_dir("xpcpu", NULL);
	pr_info("loaded\n");
	return 0;
}

static void __exit xpcpu_exit(void)
{
	debugfs_remove_recursive(xpcpu_dir);
	pr_info("unloaded\n");
}

module_init(xpcpu_init);
module_exit(xpcpu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu: per-CPU chunk allocator");
