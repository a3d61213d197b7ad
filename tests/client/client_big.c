// SPDX-License-Identifier: GPL-2.0
/*
 * A client whose static per-CPU variables (16 KiB) do not fit xpcpu's
 * default 8 KiB reserved area: xpcpu_module_init() must fail with
 * -ENOMEM and the load must fail cleanly.
 */
#include <linux/module.h>

#include <xpcpu.h>

struct xpcpu_client_big {
	char bytes[16 << 10];
};

static DEFINE_XPCPU(struct xpcpu_client_big, xpcpu_client_big);

static int __init xpcpu_client_big_init(void)
{
	int ret = xpcpu_module_init();

	if (ret)
		return ret;
	xpcpu_var_ptr(xpcpu_client_big, 0)->bytes[0] = 1;
	return 0;
}

static void __exit xpcpu_client_big_exit(void)
{
	xpcpu_module_exit();
}

module_init(xpcpu_client_big_init);
module_exit(xpcpu_client_big_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu client too large for the reserved area");
