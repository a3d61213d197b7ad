// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_kcsan": the canary of the KUnit run under KCSAN
 * (scripts/kunit.sh with KUNIT_KCSAN=1, tests/.kunitconfig.kcsan).  Two
 * kthreads increment one plain int for a second, a data race KCSAN must
 * report; the case brackets it with an expect-splat region
 * (scripts/splat-patterns), so a KCSAN run that stopped seeing races (no
 * instrumentation of drivers/xpcpu/, the detector disabled) fails instead
 * of passing quietly.  Built only into kernels with CONFIG_KCSAN (Kbuild),
 * and expected to run only there (scripts/kunit.sh).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#define KCSAN_CANARY_MS		1000	/* how long the two threads race */

/*
 * Written by both threads with plain ++: the race KCSAN must see.  (No
 * "kcsan_" in these names: KCSAN leaves frames whose names contain it out
 * of its reports, which would then name only kthread().)
 */
static int xpcpu_race_canary;

static int xpcpu_race_canary_fn(void *arg)
{
	while (!kthread_should_stop()) {
		xpcpu_race_canary++;
		cond_resched();
	}
	return 0;
}

/* KCSAN reports the unmarked increments of two threads. */
static void xpcpu_test_kcsan_reports_plain_race(struct kunit *test)
{
	struct task_struct *t[2];
	int i, n;

	pr_info("xpcpu-test: expect-splat-begin 1\n");
	for (n = 0; n < ARRAY_SIZE(t); n++) {
		t[n] = kthread_run(xpcpu_race_canary_fn, NULL, "xpcpu_canary/%d", n);
		if (IS_ERR(t[n]))
			break;
	}
	if (n == ARRAY_SIZE(t))
		msleep(KCSAN_CANARY_MS);
	for (i = 0; i < n; i++)
		kthread_stop(t[i]);
	pr_info("xpcpu-test: expect-splat-end\n");
	KUNIT_ASSERT_EQ_MSG(test, n, (int)ARRAY_SIZE(t), "kthread_run() failed");
}

static struct kunit_case xpcpu_kcsan_test_cases[] = {
	KUNIT_CASE(xpcpu_test_kcsan_reports_plain_race),
	{}
};

static struct kunit_suite xpcpu_kcsan_test_suite = {
	.name = "xpcpu_kcsan",
	.test_cases = xpcpu_kcsan_test_cases,
};

kunit_test_suite(xpcpu_kcsan_test_suite);
