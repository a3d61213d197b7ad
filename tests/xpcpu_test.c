// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu": the module as a whole, seen from outside (its
 * debugfs interface).  Runs built into a kernel under tools/testing/kunit
 * (see scripts/kunit.sh and tests/.kunitconfig); by the time KUnit runs,
 * every initcall, xpcpu's included, has completed.
 */
#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/debugfs.h>

/* xpcpu's init created /sys/kernel/debug/xpcpu/. */
static void xpcpu_test_debugfs_dir_exists(struct kunit *test)
{
	struct dentry *dir = debugfs_lookup("xpcpu", NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_EXPECT_TRUE(test, d_is_dir(dir));
	dput(dir);
}

static struct kunit_case xpcpu_test_cases[] = {
	KUNIT_CASE(xpcpu_test_debugfs_dir_exists),
	{}
};

static struct kunit_suite xpcpu_test_suite = {
	.name = "xpcpu",
	.test_cases = xpcpu_test_cases,
};

kunit_test_suite(xpcpu_test_suite);
