// SPDX-License-Identifier: GPL-2.0
/*
 * A client of xpcpu built from this one file (obj-m := xpcpu_client_single.o),
 * its Kbuild line being "include .../include/xpcpu.mk".  Init checks that
 * the accessors fault until xpcpu_module_init() (the module's delta is
 * XPCPU_DELTA_POISON), that every possible CPU's copies start with the
 * templates' values, keep their alignment and are distinct, and counts
 * its loads with xpcpu_this_cpu_inc(); exit checks the poison is back.
 * scripts/pkg-check.sh builds this file without the Kbuild line too,
 * which must fail with the message xpcpu.h gives.
 */
#include <linux/cache.h>
#include <linux/module.h>
#include <linux/string.h>

#include <xpcpu.h>

static DEFINE_XPCPU(u32, xpcpu_single_answer) = 42;
static DEFINE_XPCPU(char[16], xpcpu_single_tag) = "xpcpu-single";
static DEFINE_XPCPU(u64, xpcpu_single_aligned) __aligned(SMP_CACHE_BYTES) =
	0x5a5a5a5a5a5a5a5aULL;
static DEFINE_XPCPU(unsigned long, xpcpu_single_loads);

static int xpcpu_single_check(void)
{
	unsigned int cpu, nr = 0;

	for_each_possible_cpu(cpu) {
		u32 *answer = xpcpu_var_ptr(xpcpu_single_answer, cpu);
		u64 *aligned = xpcpu_var_ptr(xpcpu_single_aligned, cpu);

		if (*answer != 42 || *aligned != 0x5a5a5a5a5a5a5a5aULL ||
		    strcmp(*xpcpu_var_ptr(xpcpu_single_tag, cpu),
			   "xpcpu-single") ||
		    *xpcpu_var_ptr(xpcpu_single_loads, cpu)) {
			pr_err("cpu%u: wrong initial values (answer %u)\n",
			       cpu, *answer);
			return -EINVAL;
		}
		if (!IS_ALIGNED((unsigned long)aligned, SMP_CACHE_BYTES)) {
			pr_err("cpu%u: copy at %p lost its alignment\n", cpu,
			       aligned);
			return -EINVAL;
		}
		*answer = cpu;
		nr++;
	}
	for_each_possible_cpu(cpu) {
		if (*xpcpu_var_ptr(xpcpu_single_answer, cpu) != cpu) {
			pr_err("cpu%u: copies are not distinct\n", cpu);
			return -EINVAL;
		}
	}
	pr_info("single object: initial values ok on %u CPUs\n", nr);
	return 0;
}

static int __init xpcpu_single_init(void)
{
	int ret;

	if (READ_ONCE(__xpcpu_delta) != XPCPU_DELTA_POISON) {
		pr_err("__xpcpu_delta is %#lx before xpcpu_module_init(), not the poison\n",
		       READ_ONCE(__xpcpu_delta));
		return -EINVAL;
	}
	ret = xpcpu_module_init();
	if (ret)
		return ret;
	ret = xpcpu_single_check();
	if (ret) {
		xpcpu_module_exit();
		return ret;
	}
	xpcpu_this_cpu_inc(xpcpu_var(xpcpu_single_loads));
	return 0;
}

static void __exit xpcpu_single_exit(void)
{
	xpcpu_module_exit();
	if (READ_ONCE(__xpcpu_delta) == XPCPU_DELTA_POISON)
		pr_info("single object: accessors poisoned again\n");
}

module_init(xpcpu_single_init);
module_exit(xpcpu_single_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu client built from a single object");
