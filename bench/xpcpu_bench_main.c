// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_bench - xpcpu against the kernel's own per-CPU allocator
 * (alloc_percpu()), after lib/test_vmalloc.c.
 *
 * Every workload runs on each allocator in the same boot, in rounds.  In
 * a round the allocators run in one order and then in the reverse one
 * (A B C C B A), and the round's figure for each is the mean of its two
 * runs, so that a drift within the round (timings under QEMU's TCG swing
 * by up to 2x) falls on all of them alike; the order rotates from round
 * to round.  The allocators: xpcpu with its per-CPU caches ("xpcpu"),
 * xpcpu with them off ("nocache", for the tests where caches matter),
 * alloc_percpu() ("kernel") and the floor, kzalloc() of the same bytes
 * ("floor", for batch, steady and concurrent).  A first round warms up
 * and is not counted.  Each test prints one summary line per figure with
 * every allocator's median over the rounds and the ratio of the medians,
 * oriented so that a ratio above 1.0 means xpcpu did better
 * (kernel/xpcpu for times, xpcpu/kernel for rates), xpcpu's distance to
 * the floor (xpcpu/floor for times) and the spread of the rounds' own
 * ratios, then a "rounds" line with every round's figures, from which
 * scripts/bench.sh computes a bootstrap confidence interval:
 *
 *   summary test=steady size=64 unit=ns/pair cpus=1 xpcpu=812.0
 *     nocache=2200.1 kernel=1650.3 floor=301.2 ratio=2.03 ratio_min=1.81
 *     ratio_max=2.40 ratio_nocache=0.75 floor_dist=2.70 rounds=9
 *   rounds test=steady size=64 cpus=1 xpcpu=812004,... kernel=...
 *
 * (each on one line).
 *
 * "-" stands for a figure an allocator cannot give (the kernel's 32 KiB
 * limit); a round in which a figure is 0 is left out of the ratios.
 * Batch tests run warm (xpcpu keeps the chunks of the previous round for
 * empty_decay_ms) and cold (xpcpu_trim() first: no cached areas, no
 * empty or spare chunk, as the kernel's balance work leaves its own); the
 * cold rows also count the pages each allocator populated in the round.
 * The scale tests (xpcpu_bench_scale.c) hold 1k to 1M live areas, or a
 * fragmented live set over 10 to 500 chunks' worth, and time pairs and
 * batches against them.
 *
 * Workers are kthreads bound to a CPU each, all created first and released
 * together through a completion; the single-threaded workloads use one
 * such worker on the first online CPU.
 *
 * With churn_hold=0 (the default) init runs the tests run_test_mask
 * selects and returns -EAGAIN, so the module unloads itself.  Load it with
 * something that calls finit_module() once (scripts/guest/xpcpu_insmod.c):
 * busybox insmod retries a failed init with init_module() and would run
 * everything twice.  With churn_hold=1 (xpcpu) or 2 (the kernel) init runs
 * the churn workload on that allocator, keeps its live set and returns 0;
 * rmmod frees it.  Meanwhile a script reads how many pages the allocator
 * populated for it (scripts/guest/guest-bench.sh).  modinfo lists the parameters.
 *
 * This file is the harness: the parameters, the workers and their gate,
 * the rounds and init/exit; the workloads and the table of tests are in
 * xpcpu_bench_work.c, the summary lines in xpcpu_bench_report.c.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "xpcpu_bench.h"

/* xpcpu_bench_<name>, the module parameter <name>. */
#define __param(type, name, init, msg)				\
	type xpcpu_bench_##name = init;				\
	module_param_named(name, xpcpu_bench_##name, type, 0444);	\
	MODULE_PARM_DESC(name, msg)

__param(uint, run_test_mask, 0x1ff,
	"Tests to run (default 0x1ff, all):\n"
	"\t\t1: batch (N allocations then N frees, per size; warm)\n"
	"\t\t2: steady (alloc/free pairs against a live set, per size)\n"
	"\t\t4: concurrent (steady on 1, 2 and all online CPUs at once)\n"
	"\t\t8: access (increments and sums through the accessors)\n"
	"\t\t16: churn (random sizes at a live-byte target; time only)\n"
	"\t\t32: atomic (GFP_NOWAIT burst under a spinlock)\n"
	"\t\t64: batch-cold (batch after xpcpu_trim())\n"
	"\t\t128: scale-live (pairs and batches against 1k..scale_max_live live areas)\n"
	"\t\t256: scale-frag (batches against 10 and 500 fragmented chunks' worth)");

__param(uint, nr_rounds, 9,
	"Counted rounds per test, each running every allocator twice (A B C C B A), after one warm-up round; the median is reported (1-31, default 9)");

__param(uint, batch_n, 1000,
	"Allocations per batch (default 1000)");

__param(uint, batch_max_kb, 2048,
	"Most KiB per CPU one batch allocates: large sizes get fewer allocations (default 2048)");

__param(uint, steady_k, 512,
	"Live objects the steady workload frees into and allocates from (default 512)");

__param(uint, steady_ops, 8000,
	"Alloc/free pairs per steady run (default 8000)");

__param(uint, conc_size, 0,
	"Object size of the concurrent workload (default 0: 8 and 64)");

__param(uint, conc_ops, 10000,
	"Alloc/free pairs per CPU in the concurrent workload (default 10000)");

__param(uint, conc_cpus, 0,
	"CPUs the concurrent workload runs on, the first online ones (default 0: 1, 2 and all online, each)");

__param(uint, access_m, 1000000,
	"Increments per access run; the sums read all CPUs access_m / nr_cpu_ids times (default 1000000)");

__param(uint, churn_kb, 512,
	"KiB per CPU the churn workload keeps live (default 512)");

__param(uint, churn_ops, 8000,
	"Random allocations and frees once the churn target is reached (default 8000)");

__param(uint, churn_hold, 0,
	"0: run the tests, then unload; 1 (xpcpu) or 2 (kernel): run churn on that allocator and keep its live set until rmmod");

__param(uint, burst_k, 1024,
	"GFP_NOWAIT allocations in a row under a spinlock (default 1024)");

__param(uint, burst_size, 32,
	"Object size of the atomic burst (default 32)");

__param(uint, settle_ms, 50,
	"Sleep before each measurement so that both allocators' background work is done (default 50)");

__param(uint, seed, 1,
	"Seed of the random sequences; both allocators get the same ones (default 1)");

/* Bits of run_test_mask that aa_control keeps: batch and steady. */
#define XB_AA_TESTS	0x3

__param(bool, aa_control, false,
	"A/A control: xpcpu's columns run alloc_percpu() too, so that every ratio compares the kernel's allocator with itself and shows the harness's own noise; batch and steady only (default off)");

__param(uint, slices, 8,
	"Slices of a steady run; the run's figure is the median slice, so that a host preemption inside one slice does not move it (1-64, default 8)");

__param(uint, scale_max_live, 1000000,
	"Most live 8-byte areas the scale-live test holds, in steps of x10 from 1000 (default 1000000)");

__param(uint, scale_ops, 20000,
	"Alloc/free pairs per scale-live run (default 20000)");

const char * const xpcpu_bench_alloc_name[XB_NR] = {
	"xpcpu", "nocache", "kernel", "floor",
};

static int xb_thread(void *data)
{
	struct xb_worker *w = data;
	struct xb_gate *g = w->gate;

	w->err = w->setup ? w->setup(w) : 0;
	if (atomic_dec_and_test(&g->nr_setting_up))
		complete(&g->all_ready);
	wait_for_completion(&g->go);

	w->t_start = ktime_get_ns();
	if (!w->err)
		w->err = w->run(w);
	w->t_end = ktime_get_ns();
	if (w->teardown)
		w->teardown(w);
	if (atomic_dec_and_test(&g->nr_running))
		complete(&g->all_done);

	/* Stay until kthread_stop(), so that the task is still there. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * xpcpu_bench_run_workers() - run @nr workers, each bound to its ->cpu,
 * released together once all have done their setup.
 *
 * Return: the wall time in ns from the first worker's start to the last
 * one's end, or a negative errno (the first worker error included).
 */
s64 xpcpu_bench_run_workers(struct xb_worker *ws, int nr)
{
	struct xb_gate gate;
	u64 t0, t_end = 0;
	int i, err = 0;

	atomic_set(&gate.nr_setting_up, nr);
	atomic_set(&gate.nr_running, nr);
	init_completion(&gate.all_ready);
	init_completion(&gate.go);
	init_completion(&gate.all_done);

	for (i = 0; i < nr; i++) {
		ws[i].gate = &gate;
		ws[i].task = kthread_create(xb_thread, &ws[i], "xpcpu_bench/%u",
					    ws[i].cpu);
		if (IS_ERR(ws[i].task)) {
			err = PTR_ERR(ws[i].task);
			goto err_stop_created;
		}
		kthread_bind(ws[i].task, ws[i].cpu);
	}
	for (i = 0; i < nr; i++)
		wake_up_process(ws[i].task);

	wait_for_completion(&gate.all_ready);
	/* Let background work the setups queued finish first. */
	msleep(xpcpu_bench_settle_ms);
	t0 = ktime_get_ns();
	complete_all(&gate.go);
	/* In steps, so that a long run does not look like a hung task. */
	while (!wait_for_completion_timeout(&gate.all_done, HZ))
		;

	/* From the first worker's start: not the gate's wake-up latency. */
	for (i = 0; i < nr; i++) {
		kthread_stop(ws[i].task);
		t0 = i ? min(t0, ws[i].t_start) : ws[i].t_start;
		t_end = max(t_end, ws[i].t_end);
		if (ws[i].err && !err)
			err = ws[i].err;
	}
	return err ? err : (s64)(t_end - t0);

err_stop_created:
	/* Never woken: kthread_stop() ends them before xb_thread() runs. */
	while (i--)
		kthread_stop(ws[i].task);
	return err;
}

/* One worker on the first online CPU. */
s64 xpcpu_bench_run_one(struct xb_worker *w)
{
	w->cpu = cpumask_first(cpu_online_mask);
	return xpcpu_bench_run_workers(w, 1);
}

/* Caches on or off, or a cold start, before one of xpcpu's runs. */
static int xb_prepare(const struct xb_test *t, int which)
{
	int err;

	if (which == XB_KERNEL)
		return 0;
	err = xpcpu_set_caches(which == XB_XPCPU);
	if (!err && t->cold)
		xpcpu_trim();
	return err;
}

/* Run @which once and add its figures to the round's sums. */
static int xb_run_one(const struct xb_test *t, int which, unsigned int size,
		      unsigned int nr_cpus, unsigned int r, u64 *sum)
{
	u64 val[XB_MAX_METRICS] = {};
	unsigned int m;
	int err;

	/* The harness settles after the workers' setup, before the gate. */
	err = xb_prepare(t, which);
	if (!err)
		err = t->measure(which, size, r, nr_cpus, val);
	if (err) {
		pr_err("%s size=%u cpus=%u %s round %u: error %d\n",
		       t->name, size, nr_cpus, xpcpu_bench_alloc_name[which],
		       r, err);
		return err;
	}
	for (m = 0; m < XB_MAX_METRICS; m++)
		sum[m] += val[m];
	return 0;
}

static int xb_run_test(const struct xb_test *t, unsigned int size,
		       unsigned int nr_cpus, unsigned int rounds)
{
	unsigned int allocators = t->allocators;
	int order[XB_NR], nr = 0;
	unsigned int r, i, m, pass;
	int err = 0;

	if (size > XB_KERNEL_MAX_SIZE && !t->size_key)
		allocators &= ~BIT(XB_KERNEL);
	for (i = 0; i < XB_NR; i++)
		if (allocators & BIT(i))
			order[nr++] = i;
	memset(xpcpu_bench_vals, 0, sizeof(xpcpu_bench_vals));
	/* Round 0 warms up (one pass) and is not counted. */
	for (r = 0; r <= rounds && !err; r++) {
		u64 sum[XB_NR][XB_MAX_METRICS] = {};

		/* A B C, then C B A; the first rotates from round to round. */
		for (pass = 0; pass < (r ? 2 : 1) && !err; pass++) {
			for (i = 0; i < nr && !err; i++) {
				int which = order[(r + (pass ? nr - 1 - i : i)) % nr];

				err = xb_run_one(t, which, size, nr_cpus, r,
						 sum[which]);
			}
		}
		for (i = 0; r && !err && i < nr; i++)
			for (m = 0; m < XB_MAX_METRICS; m++)
				xpcpu_bench_vals[order[i]][m][r - 1] =
					div_u64(sum[order[i]][m], 2);
	}
	xpcpu_set_caches(true);
	if (t->finish)
		t->finish();
	if (err)
		return err;
	for (m = 0; m < XB_MAX_METRICS && t->metrics[m].name; m++)
		xpcpu_bench_report(t, m, size, nr_cpus, rounds, allocators);
	return 0;
}

static void xb_run_tests(void)
{
	unsigned int rounds = clamp(xpcpu_bench_nr_rounds, 1U,
				    (unsigned int)XB_MAX_ROUNDS);
	unsigned int i, s, c;
	u64 t0 = ktime_get_ns();

	xpcpu_bench_conc_init();
	/* The other tests reach xpcpu through more than xb_alloc()/xb_free(). */
	if (xpcpu_bench_aa_control)
		xpcpu_bench_run_test_mask &= XB_AA_TESTS;
	pr_info("start mask=0x%x rounds=%u+1 cpus=%u online, %u possible; pointers=%s%s\n",
		xpcpu_bench_run_test_mask, rounds, num_online_cpus(),
		num_possible_cpus(),
		xpcpu_genuine_pointers() ? "genuine" : "offset",
		xpcpu_bench_aa_control ? "; A/A control: alloc_percpu() on both sides" : "");
	for (i = 0; i < xpcpu_bench_nr_tests; i++) {
		const struct xb_test *t = &xpcpu_bench_tests[i];
		unsigned int nr_sizes = t->sizes ? t->nr_sizes : 1;

		if (!(xpcpu_bench_run_test_mask & BIT(i)))
			continue;
		if (t->size && *t->size)
			nr_sizes = 1;
		for (s = 0; s < nr_sizes; s++) {
			unsigned int size = t->size && *t->size ? *t->size :
					    t->sizes[s];

			if (t->measure == xpcpu_bench_scale_live &&
			    size > xpcpu_bench_scale_max_live)
				continue;
			/* The kpcpu backend serves at most 32 KiB. */
			if (!t->size_key && size != XB_SIZE_MIX &&
			    size > xpcpu_max_alloc_size())
				continue;

			for (c = 0; c < (t->per_cpus ?
					 xpcpu_bench_nr_conc_runs : 1); c++) {
				unsigned int cpus = t->per_cpus ?
						    xpcpu_bench_conc_runs[c] : 1;

				if (xb_run_test(t, size, cpus, rounds))
					pr_err("%s size=%u cpus=%u: failed\n",
					       t->name, size, cpus);
			}
		}
		if (t->per_cpus && !xpcpu_bench_conc_cpus &&
		    !xpcpu_bench_conc_size)
			xpcpu_bench_report_scaling();
	}
	pr_info("done in %llu ms\n", div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

static int __init xb_init(void)
{
	if (xpcpu_bench_churn_hold)
		return xpcpu_bench_hold_churn();
	xb_run_tests();
	return -EAGAIN;	/* done: the failed init unloads the module */
}

static void __exit xb_exit(void)
{
	xpcpu_bench_release_churn();
}

module_init(xb_init);
module_exit(xb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu_bench: xpcpu against alloc_percpu()");
