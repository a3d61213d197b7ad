// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_stress": one kthread per online CPU runs a seeded
 * loop of allocate / check zeroed / write a pattern into every possible
 * CPU's copy / verify / free for a bounded time, while the case's own
 * thread takes a CPU offline and back online.  Workers only count errors
 * (and pr_err() the first few); the case turns the counts into EXPECTs
 * after stopping them, then checks every live chunk and that nr_cur_alloc
 * is back at its baseline.  The workers are not bound to CPUs: a bound
 * kthread would keep a dying CPU from emptying.  With migration on, every
 * STRESS_MIGRATE_EVERY iterations a worker moves itself to each online
 * CPU in turn (set_cpus_allowed_ptr()) and, on each, checks that
 * xpcpu_get_ptr() of its live areas gives that CPU's copy, holding that
 * CPU's pattern, until xpcpu_put_ptr().
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xpcpu_test_util.h"

#define STRESS_MAX_LIVE		64	/* live areas per worker */
#define STRESS_MAX_REPORTS	5	/* errors printed per worker */
#define STRESS_MIGRATE_EVERY	16	/* iterations between migration rounds */

struct stress_area {
	u8 __xpcpu *p;			/* the area */
	size_t size;			/* bytes */
	u8 tag;				/* pattern seed */
};

struct stress_worker {
	struct task_struct *task;	/* the kthread */
	int id;				/* index */
	unsigned long deadline;		/* jiffies */
	bool use_irqs_off;		/* also allocate/free with IRQs off */
	bool migrate;			/* move between CPUs around get/put */
	struct rnd_state rnd;		/* seeded stream */
	struct stress_area area[STRESS_MAX_LIVE]; /* live areas */
	int nr_live;			/* entries in area[] */
	unsigned long iters;		/* loop iterations */
	unsigned long allocs;		/* allocations served */
	unsigned long frees;		/* areas freed */
	unsigned long bytes_checked;	/* bytes verified */
	unsigned long migrations;	/* get/put pairs right after a move */
	atomic_t errors;		/* problems found */
};

static u8 pattern(u8 tag, unsigned int cpu, size_t i)
{
	return tag ^ (cpu * 0x3b) ^ (i * 7) ^ (i >> 8);
}

#define stress_err(w, fmt, ...)						\
do {									\
	if (atomic_inc_return(&(w)->errors) <= STRESS_MAX_REPORTS)	\
		pr_err("xpcpu_stress worker %d: " fmt "\n", (w)->id,	\
		       ##__VA_ARGS__);					\
} while (0)

static void stress_fill(struct stress_worker *w, struct stress_area *a)
{
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		u8 *c = xpcpu_ptr(a->p, cpu);

		if (memchr_inv(c, 0, a->size))
			stress_err(w, "new area %p of %zu bytes not zeroed on cpu %u",
				   a->p, a->size, cpu);
		for (i = 0; i < a->size; i++)
			c[i] = pattern(a->tag, cpu, i);
	}
}

static void stress_verify(struct stress_worker *w, struct stress_area *a)
{
	unsigned int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		u8 *c = xpcpu_ptr(a->p, cpu);

		for (i = 0; i < a->size; i++) {
			if (c[i] != pattern(a->tag, cpu, i)) {
				stress_err(w, "area %p byte %zu of cpu %u is %#x, want %#x",
					   a->p, i, cpu, c[i],
					   pattern(a->tag, cpu, i));
				break;
			}
		}
		w->bytes_checked += a->size;
	}
}

static size_t stress_size(struct stress_worker *w)
{
	u32 r = xpcpu_test_rand(&w->rnd, 1000);

	if (r < 700)
		return 1 + xpcpu_test_rand(&w->rnd, 128);
	if (r < 980)
		return 1 + xpcpu_test_rand(&w->rnd, 2048);
	if (r < 998)
		return 1 + xpcpu_test_rand(&w->rnd, 16384);
	return xpcpu_max_alloc_size();
}

static void stress_alloc(struct stress_worker *w)
{
	struct stress_area *a = &w->area[w->nr_live];
	size_t align = 1UL << xpcpu_test_rand(&w->rnd, 8);
	bool atomic = w->use_irqs_off && !xpcpu_test_rand(&w->rnd, 4);
	unsigned long flags = 0;
	unsigned int cpu;
	u8 *mine;

	a->size = stress_size(w);
	a->tag = xpcpu_test_rand(&w->rnd, 256);
	if (atomic) {
		local_irq_save(flags);
		a->p = __xpcpu_alloc_gfp(a->size, align, GFP_ATOMIC);
		local_irq_restore(flags);
		if (!a->p)
			return;		/* atomic requests may fail */
	} else {
		a->p = __xpcpu_alloc_gfp(a->size, align, GFP_KERNEL);
		if (!a->p) {
			stress_err(w, "GFP_KERNEL allocation of %zu failed",
				   a->size);
			return;
		}
	}
	for_each_possible_cpu(cpu)
		if (!IS_ALIGNED((unsigned long)xpcpu_ptr(a->p, cpu),
				max_t(size_t, align, 4)))
			stress_err(w, "area %p not aligned to %zu", a->p,
				   align);
	stress_fill(w, a);
	/* This CPU's copy through the accessors is the same memory. */
	mine = xpcpu_get_ptr(a->p);
	if (mine != xpcpu_ptr(a->p, smp_processor_id()) ||
	    mine[0] != pattern(a->tag, smp_processor_id(), 0))
		stress_err(w, "xpcpu_get_ptr(%p) is not this CPU's copy",
			   a->p);
	xpcpu_put_ptr(a->p);
	w->nr_live++;
	w->allocs++;
}

static void stress_free(struct stress_worker *w, int idx)
{
	struct stress_area *a = &w->area[idx];
	unsigned long flags;

	stress_verify(w, a);
	if (w->use_irqs_off && (idx & 1)) {
		local_irq_save(flags);
		xpcpu_free(a->p);
		local_irq_restore(flags);
	} else {
		xpcpu_free(a->p);
	}
	*a = w->area[--w->nr_live];
	w->frees++;
}

/*
 * Move to @cpu, then check a get/put pair of every live area there: the
 * pointer is @cpu's copy, with @cpu's pattern, and the task stays on @cpu
 * until the put.
 */
static void stress_get_put_on(struct stress_worker *w, int cpu)
{
	int i, now;
	u8 *mine;

	if (set_cpus_allowed_ptr(current, cpumask_of(cpu)))
		return;				/* went offline meanwhile */
	for (i = 0; i < w->nr_live; i++) {
		struct stress_area *a = &w->area[i];

		mine = xpcpu_get_ptr(a->p);
		now = smp_processor_id();
		if (now != cpu)
			stress_err(w, "on cpu %d after set_cpus_allowed_ptr(cpu %d)",
				   now, cpu);
		if (mine != xpcpu_ptr(a->p, now) ||
		    mine[0] != pattern(a->tag, now, 0))
			stress_err(w, "after a move to cpu %d, xpcpu_get_ptr(%p) is %p, not that CPU's copy %p",
				   now, a->p, mine, xpcpu_ptr(a->p, now));
		if (smp_processor_id() != now)
			stress_err(w, "moved from cpu %d before xpcpu_put_ptr()",
				   now);
		xpcpu_put_ptr(a->p);
		w->migrations++;
	}
}

/* A round of moves: to every online CPU in turn, a get/put pair on each. */
static void stress_migrate(struct stress_worker *w)
{
	int cpu;

	for_each_online_cpu(cpu)
		stress_get_put_on(w, cpu);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static int stress_worker_fn(void *data)
{
	struct stress_worker *w = data;

	while (!kthread_should_stop() && time_before(jiffies, w->deadline)) {
		u32 r = xpcpu_test_rand(&w->rnd, 100);

		if (w->migrate && !(w->iters % STRESS_MIGRATE_EVERY))
			stress_migrate(w);
		if (w->nr_live < STRESS_MAX_LIVE && (r < 55 || !w->nr_live))
			stress_alloc(w);
		else
			stress_free(w, xpcpu_test_rand(&w->rnd, w->nr_live));
		w->iters++;
		cond_resched();
	}
	while (w->nr_live)
		stress_free(w, w->nr_live - 1);

	/* Wait for kthread_stop(), which the case calls for every worker. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The CPU to take offline: the last online one, never CPU 0. */
static int hotplug_cpu(void)
{
	int cpu = cpumask_last(cpu_online_mask);

	return cpu > 0 && cpu < nr_cpu_ids ? cpu : -1;
}

/* Turn the caches off and on while the workers run. */
static int toggle_caches(struct kunit *test, unsigned long deadline)
{
	bool was_on = xpcpu_cache_enabled();
	int toggles = 0;

	while (time_before(jiffies, deadline)) {
		KUNIT_EXPECT_EQ(test, xpcpu_cache_set_enabled(toggles & 1), 0);
		toggles++;
		msleep(20);
	}
	xpcpu_cache_set_enabled(was_on);
	return toggles;
}

static void run_stress(struct kunit *test, unsigned int ms, bool irqs_off,
		       bool hotplug, bool toggle, bool migrate)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	int nr = num_online_cpus(), i, cpu = -1, cycles = 0;
	struct stress_worker *w;
	struct xpcpu_stats st0, st1;
	u64 seed = xpcpu_test_seed();

	if (hotplug) {
		cpu = hotplug_cpu();
		if (cpu < 0)
			kunit_skip(test, "needs a second online CPU");
	}
	w = kunit_kcalloc(test, nr, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st0);
	KUNIT_ASSERT_EQ(test, check_slots(test), 0);

	for (i = 0; i < nr; i++) {
		w[i].id = i;
		w[i].deadline = deadline;
		w[i].use_irqs_off = irqs_off;
		w[i].migrate = migrate;
		atomic_set(&w[i].errors, 0);
		xpcpu_test_rnd_init(&w[i].rnd,
				    (irqs_off << 8 | hotplug << 9 | migrate << 10) + i);
		w[i].task = kthread_create(stress_worker_fn, &w[i],
					   "xpcpu_stress/%d", i);
		if (IS_ERR(w[i].task))
			break;
	}
	if (i < nr) {
		/* Not started yet: kthread_stop() makes them exit at once. */
		while (i--)
			kthread_stop(w[i].task);
		KUNIT_ASSERT_TRUE_MSG(test, false, "kthread_create failed");
	}
	for (i = 0; i < nr; i++)
		wake_up_process(w[i].task);

	while (hotplug && time_before(jiffies, deadline)) {
		int ret = remove_cpu(cpu);

		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "remove_cpu(%d)", cpu);
		msleep(50);
		if (!ret) {
			ret = add_cpu(cpu);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "add_cpu(%d)", cpu);
		}
		if (ret)
			break;
		cycles++;
		msleep(50);
	}

	if (toggle) {
		cycles = toggle_caches(test, deadline);
		kunit_info(test, "caches toggled %d times", cycles);
		KUNIT_EXPECT_GT(test, cycles, 2);
	}

	/* kthread_stop() ends a worker's loop at once: wait for the end. */
	while (time_before(jiffies, deadline))
		msleep(20);

	for (i = 0; i < nr; i++) {
		kthread_stop(w[i].task);
		kunit_info(test, "worker %d: %lu iterations, %lu allocs, %lu frees, %lu bytes verified, %lu get/put pairs after a move",
			   i, w[i].iters, w[i].allocs, w[i].frees,
			   w[i].bytes_checked, w[i].migrations);
		if (migrate)
			KUNIT_EXPECT_GT(test, w[i].migrations, 0UL);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&w[i].errors), 0,
				    "worker %d (seed %llu)", i, seed);
		KUNIT_EXPECT_GT(test, w[i].allocs, 0UL);
		KUNIT_EXPECT_EQ(test, w[i].nr_live, 0);
	}
	if (hotplug) {
		kunit_info(test, "cpu %d offline/online %d times", cpu, cycles);
		KUNIT_EXPECT_GT(test, cycles, 0);
		KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
	}

	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_cur_alloc, st0.nr_cur_alloc);
	KUNIT_EXPECT_EQ(test, st1.nr_cached, 0ULL);
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free, st0.nr_bad_free);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_stress_alloc_free_concurrent(struct kunit *test)
{
	run_stress(test, 2000, false, false, false, false);
}

static void xpcpu_test_stress_atomic_irqs_off_concurrent(struct kunit *test)
{
	run_stress(test, 1500, true, false, false, false);
}

/* Workers move between CPUs around get/put pairs under the same load. */
static void xpcpu_test_stress_migrate_get_put(struct kunit *test)
{
	run_stress(test, 2000, true, false, false, true);
}

/* Caches turned off (drained) and on under a multi-CPU load. */
static void xpcpu_test_stress_cache_toggle(struct kunit *test)
{
	run_stress(test, 2000, true, false, true, false);
}

static void xpcpu_test_stress_cpu_hotplug(struct kunit *test)
{
	run_stress(test, 4000, true, true, false, false);
}

static int xpcpu_stress_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_stress_test_cases[] = {
	KUNIT_CASE(xpcpu_test_stress_alloc_free_concurrent),
	KUNIT_CASE(xpcpu_test_stress_atomic_irqs_off_concurrent),
	KUNIT_CASE(xpcpu_test_stress_migrate_get_put),
	KUNIT_CASE(xpcpu_test_stress_cache_toggle),
	KUNIT_CASE(xpcpu_test_stress_cpu_hotplug),
	{}
};

static struct kunit_suite xpcpu_stress_test_suite = {
	.name = "xpcpu_stress",
	.suite_init = xpcpu_stress_test_suite_init,
	.test_cases = xpcpu_stress_test_cases,
};

kunit_test_suite(xpcpu_stress_test_suite);
