// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_pointers": the pointer modes.  With genuine per-CPU
 * pointers (one NUMA node: the percpu backend; two nodes far apart: the
 * kpcpu backend) ptr + __per_cpu_offset[cpu] is cpu's copy, and the
 * kernel's per_cpu_ptr() and this_cpu_*() reach the same bytes as
 * xpcpu_ptr(); the percpu backend's holes between units are never
 * written.  In offset mode (pointers=offset: the vmap backend) the
 * xpcpu_this_cpu_*() operations take their fallback.  Either way: every
 * CPU's copy is its own, increments from all CPUs with migrations in
 * between are never lost, and chunks come and go.  scripts/kunit.sh runs
 * the suites once with two NUMA nodes and once with one.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "xpcpu_test_util.h"

static DEFINE_XPCPU(unsigned long, xpcpu_test_static_counter) = 7;

/*
 * The mode matches the layout: genuine (built in, pointers=auto) with the
 * percpu backend iff the span fits the default cap, else the kpcpu
 * backend with its 32 KiB units; offset pointers only where asked for
 * (scripts/kunit.sh's KUNIT_POINTERS=offset run): the vmap backend.
 */
static void xpcpu_test_pointers_mode_matches_layout(struct kunit *test)
{
	unsigned long span = xpcpu_percpu_span(xpcpu_ai);
	bool fits = span && span <= (64UL << 20);
	/* Built in: the parameter comes from the kernel command line. */
	bool offset = strstr(saved_command_line, "xpcpu.pointers=offset");

	kunit_info(test, "%s pointers, %s backend; per-CPU offsets span %lu KiB",
		   xpcpu_genuine_pointers() ? "genuine" : "offset",
		   xpcpu_backend->name, span >> 10);
	KUNIT_EXPECT_EQ(test, xpcpu_backend->genuine, xpcpu_genuine_pointers());
	KUNIT_EXPECT_EQ(test, xpcpu_genuine_pointers(), !offset);
	if (!xpcpu_genuine_pointers()) {
		KUNIT_EXPECT_STREQ(test, xpcpu_backend->name, "vmap");
		KUNIT_EXPECT_EQ(test, xpcpu_max_alloc_size(),
				(size_t)XPCPU_MAX_ALLOC_SIZE);
		return;
	}
	KUNIT_EXPECT_STREQ(test, xpcpu_backend->name,
			   fits ? "percpu" : "kpcpu");
	if (fits) {
		KUNIT_EXPECT_EQ(test, xpcpu_layout_span(), span);
	} else {
		KUNIT_EXPECT_EQ(test, xpcpu_ai->unit_size,
				(size_t)XPCPU_KPCPU_UNIT_SIZE);
		KUNIT_EXPECT_EQ(test, xpcpu_layout_hole_bytes(), 0UL);
	}
}

/* Too wide a span, or overlapping units, is never genuine. */
static void xpcpu_test_pointers_span_rejects_overlap(struct kunit *test)
{
	struct xpcpu_alloc_info big = *xpcpu_ai;

	/* Units larger than the distance between CPUs would overlap. */
	big.unit_size = 1UL << 40;
	KUNIT_EXPECT_EQ(test, xpcpu_percpu_span(&big), 0UL);
}

struct on_cpu {
	u64 __xpcpu *p;			/* the area */
	int cpu;			/* where it ran */
	u64 read;			/* xpcpu_this_cpu_read() */
	u64 old;			/* xpcpu_this_cpu_cmpxchg() */
	bool same_as_percpu;		/* this_cpu_ptr() == xpcpu_this_ptr() */
};

static void ops_on_cpu(void *info)
{
	struct on_cpu *oc = info;
	int cpu = smp_processor_id();

	oc->cpu = cpu;
	xpcpu_this_cpu_write(oc->p, 1000);
	xpcpu_this_cpu_add(oc->p, cpu);
	xpcpu_this_cpu_inc(oc->p);
	xpcpu_this_cpu_sub(oc->p, 2);
	xpcpu_this_cpu_dec(oc->p);
	oc->read = xpcpu_this_cpu_read(oc->p);
	oc->old = xpcpu_this_cpu_cmpxchg(oc->p, oc->read, oc->read + 10);
	oc->same_as_percpu = !xpcpu_genuine_pointers() ||
			     this_cpu_ptr(xpcpu_as_percpu(oc->p)) ==
			     xpcpu_this_ptr(oc->p);
}

/* The xpcpu_this_cpu_*() operations reach each CPU's own copy. */
static void xpcpu_test_pointers_this_cpu_ops_every_cpu(struct kunit *test)
{
	struct on_cpu oc = {};
	unsigned int cpu;

	oc.p = xpcpu_alloc(u64);
	KUNIT_ASSERT_NOT_NULL(test, oc.p);
	for_each_possible_cpu(cpu) {
		if (xpcpu_genuine_pointers())
			KUNIT_EXPECT_PTR_EQ(test,
					    per_cpu_ptr(xpcpu_as_percpu(oc.p), cpu),
					    xpcpu_ptr(oc.p, cpu));
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, ops_on_cpu,
							       &oc, 1), 0);
		KUNIT_EXPECT_EQ(test, oc.cpu, (int)cpu);
		KUNIT_EXPECT_EQ(test, oc.read, 1000ULL + cpu - 2);
		KUNIT_EXPECT_EQ(test, oc.old, oc.read);
		KUNIT_EXPECT_TRUE(test, oc.same_as_percpu);
		KUNIT_EXPECT_EQ(test, *xpcpu_ptr(oc.p, cpu), oc.read + 10);
	}
	/* Each CPU changed its own copy only. */
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, *xpcpu_ptr(oc.p, cpu), 1008ULL + cpu);
	cpus_read_unlock();
	xpcpu_free(oc.p);
}

struct inc_worker {
	struct task_struct *task;	/* the kthread */
	unsigned long __xpcpu *p;	/* the counter */
	unsigned long nr;		/* increments to make */
	unsigned long moves;		/* CPU changes it saw */
	struct completion done;		/* finished */
};

/* Increments, hopping to the next online CPU every 64 of them. */
static int inc_worker_fn(void *data)
{
	struct inc_worker *w = data;
	int cpu = raw_smp_processor_id(), last = cpu;
	unsigned long i;

	for (i = 0; i < w->nr; i++) {
		xpcpu_this_cpu_inc(w->p);
		if ((i & 63) == 63) {
			cpu = cpumask_next(cpu, cpu_online_mask);
			if (cpu >= nr_cpu_ids)
				cpu = cpumask_first(cpu_online_mask);
			set_cpus_allowed_ptr(current, cpumask_of(cpu));
		}
		if (raw_smp_processor_id() != last) {
			last = raw_smp_processor_id();
			w->moves++;
		}
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	complete(&w->done);
	return 0;
}

/* Increments from every CPU, migrating between them, are never lost. */
static void xpcpu_test_pointers_concurrent_inc_migrating(struct kunit *test)
{
	const int nr_workers = 2 * num_online_cpus();
	const unsigned long per_worker = 20000;
	unsigned long __xpcpu *p = xpcpu_alloc(unsigned long);
	struct inc_worker *w;
	unsigned long sum = 0, moves = 0;
	unsigned int cpu;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	w = kunit_kcalloc(test, nr_workers, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < nr_workers; i++) {
		w[i].p = p;
		w[i].nr = per_worker;
		init_completion(&w[i].done);
		w[i].task = kthread_run(inc_worker_fn, &w[i], "xpcpu_inc/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(w[i].task));
	}
	for (i = 0; i < nr_workers; i++) {
		wait_for_completion(&w[i].done);
		moves += w[i].moves;
	}
	for_each_possible_cpu(cpu)
		sum += *xpcpu_ptr(p, cpu);
	kunit_info(test, "%d workers, %lu increments, %lu migrations",
		   nr_workers, sum, moves);
	KUNIT_EXPECT_EQ(test, sum, nr_workers * per_worker);
	KUNIT_EXPECT_GT(test, moves, 0UL);
	xpcpu_free(p);
}

/* Writes to every CPU's copy never reach another's, nor a hole. */
static void xpcpu_test_pointers_copies_and_holes_apart(struct kunit *test)
{
	const size_t size = 256;
	struct xpcpu_chunk *chunk;
	unsigned int cpu, other;
	struct page *hole;
	u8 __xpcpu *p;

	p = __xpcpu_alloc(size, 64);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for_each_possible_cpu(cpu)
		memset(xpcpu_ptr(p, cpu), 0x40 + cpu, size);
	for_each_possible_cpu(cpu) {
		for_each_possible_cpu(other) {
			u8 *copy = xpcpu_ptr(p, other);

			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(copy, 0x40 + other,
							       size),
					      "cpu %u's copy after cpu %u's write",
					      other, cpu);
		}
	}
	rcu_read_lock();
	chunk = xpcpu_pool_lookup(xpcpu_ptr_to_addr(p));
	hole = chunk ? xpcpu_chunk_hole_page(chunk) : NULL;
	if (hole) {
		void *v = kmap_local_page(hole);

		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(v, 0, PAGE_SIZE),
				      "the hole page was written");
		kunmap_local(v);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, !!hole,
			!strcmp(xpcpu_backend->name, "percpu"));
	xpcpu_free(p);
}

/* New chunks (the backend's populate and depopulate) in either mode. */
static void xpcpu_test_pointers_chunks_come_and_go(struct kunit *test)
{
	unsigned long __xpcpu *p[3];
	struct xpcpu_stats st0, st;
	unsigned int spare;
	unsigned int cpu;
	int i;

	spare = xchg(&xpcpu_pool.spare_chunks, 0);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st0);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = __xpcpu_alloc(xpcpu_max_alloc_size(), 8);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		xpcpu_this_cpu_add(p[i], i + 1);
	}
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_created - st0.nr_created,
			(u64)ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += *xpcpu_ptr(p[i], cpu);
		KUNIT_EXPECT_EQ(test, sum, (unsigned long)i + 1);
		xpcpu_free(p[i]);
	}
	xpcpu_pool_balance(true);
	xpcpu_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st.nr_destroyed - st0.nr_destroyed,
			(u64)ARRAY_SIZE(p));
	WRITE_ONCE(xpcpu_pool.spare_chunks, spare);
	xpcpu_pool_balance(false);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

/* xpcpu's own static variables follow the mode too. */
static void xpcpu_test_pointers_static_var_this_cpu(struct kunit *test)
{
	unsigned long __xpcpu *v = xpcpu_var(xpcpu_test_static_counter);
	unsigned long before, after;
	int cpu;

	preempt_disable();
	cpu = smp_processor_id();
	before = *xpcpu_ptr(v, cpu);
	xpcpu_this_cpu_add(v, 5);
	after = *xpcpu_ptr(v, cpu);
	if (xpcpu_genuine_pointers())
		KUNIT_EXPECT_PTR_EQ(test, per_cpu_ptr(xpcpu_as_percpu(v), cpu),
				    xpcpu_ptr(v, cpu));
	preempt_enable();
	KUNIT_EXPECT_EQ(test, after, before + 5);
	KUNIT_EXPECT_GE(test, before, 7UL);
}

static void offline_ops(void *info)
{
	ops_on_cpu(info);
}

/* A CPU taken offline and back runs the operations on its copy. */
static void xpcpu_test_pointers_cpu_offline_online(struct kunit *test)
{
	int cpu = cpumask_last(cpu_online_mask);
	struct on_cpu oc = {};

	if (cpu <= 0)
		kunit_skip(test, "needs an online CPU other than 0");
	oc.p = xpcpu_alloc(u64);
	KUNIT_ASSERT_NOT_NULL(test, oc.p);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, offline_ops, &oc,
						       1), 0);
	KUNIT_EXPECT_EQ(test, oc.cpu, cpu);
	KUNIT_EXPECT_EQ(test, *xpcpu_ptr(oc.p, cpu), 1008ULL + cpu);
	KUNIT_EXPECT_TRUE(test, oc.same_as_percpu);
	xpcpu_free(oc.p);
}

static int xpcpu_pointers_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_pointers_test_cases[] = {
	KUNIT_CASE(xpcpu_test_pointers_mode_matches_layout),
	KUNIT_CASE(xpcpu_test_pointers_span_rejects_overlap),
	KUNIT_CASE(xpcpu_test_pointers_this_cpu_ops_every_cpu),
	KUNIT_CASE(xpcpu_test_pointers_concurrent_inc_migrating),
	KUNIT_CASE(xpcpu_test_pointers_copies_and_holes_apart),
	KUNIT_CASE(xpcpu_test_pointers_chunks_come_and_go),
	KUNIT_CASE(xpcpu_test_pointers_static_var_this_cpu),
	KUNIT_CASE(xpcpu_test_pointers_cpu_offline_online),
	{}
};

static struct kunit_suite xpcpu_pointers_test_suite = {
	.name = "xpcpu_pointers",
	.suite_init = xpcpu_pointers_test_suite_init,
	.test_cases = xpcpu_pointers_test_cases,
};

kunit_test_suite(xpcpu_pointers_test_suite);
