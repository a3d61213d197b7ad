// SPDX-License-Identifier: GPL-2.0
/*
 * An example client of xpcpu: static per-CPU variables with initial
 * values, served from xpcpu's reserved area.  Init checks that every
 * possible CPU's copy starts with the template's value and that the
 * copies are distinct, then keeps a per-CPU load count.  With leak=N it
 * also allocates N objects and never frees them, as a buggy client would:
 * xpcpu reports them when it is unloaded.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include <xpcpu.h>

struct xpcpu_client_state {
	char tag[16];
	u64 magic;
};

static DEFINE_XPCPU(int, xpcpu_client_answer) = 42;
static DEFINE_XPCPU(struct xpcpu_client_state, xpcpu_client_state) = {
	.tag = "xpcpu-client",
	.magic = 0x5850435055ULL,
};
static DEFINE_XPCPU(unsigned long, xpcpu_client_hits);

static unsigned int leak;
module_param(leak, uint, 0444);
MODULE_PARM_DESC(leak, "Objects to allocate and never free, to exercise xpcpu's unload report (default 0)");

static int xpcpu_client_check(void)
{
	unsigned int cpu, nr = 0;

	for_each_possible_cpu(cpu) {
		struct xpcpu_client_state *st =
			xpcpu_var_ptr(xpcpu_client_state, cpu);
		int *answer = xpcpu_var_ptr(xpcpu_client_answer, cpu);

		if (*answer != 42 || st->magic != 0x5850435055ULL ||
		    strcmp(st->tag, "xpcpu-client") ||
		    *xpcpu_var_ptr(xpcpu_client_hits, cpu)) {
			pr_err("cpu%u: wrong initial values (answer %d)\n",
			       cpu, *answer);
			return -EINVAL;
		}
		/* Each copy is its own: mark it and see no other change. */
		*answer = cpu;
		nr++;
	}
	for_each_possible_cpu(cpu) {
		if (*xpcpu_var_ptr(xpcpu_client_answer, cpu) != cpu) {
			pr_err("cpu%u: copies are not distinct\n", cpu);
			return -EINVAL;
		}
	}
	pr_info("initial values ok on %u CPUs\n", nr);
	return 0;
}

static int __init xpcpu_client_init(void)
{
	unsigned int i;
	int ret;

	ret = xpcpu_module_init();
	if (ret)
		return ret;
	ret = xpcpu_client_check();
	if (ret) {
		xpcpu_module_exit();
		return ret;
	}
	get_xpcpu_var(xpcpu_client_hits)++;
	put_xpcpu_var(xpcpu_client_hits);
	for (i = 0; i < leak; i++) {
		if (!xpcpu_alloc(u64)) {
			pr_err("leak: allocation %u failed\n", i);
			break;
		}
	}
	if (leak)
		pr_info("leaked %u objects on purpose\n", i);
	return 0;
}

static void __exit xpcpu_client_exit(void)
{
	xpcpu_module_exit();
}

module_init(xpcpu_client_init);
module_exit(xpcpu_client_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu example client with static per-CPU variables");
