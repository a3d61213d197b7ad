// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_backend": the kpcpu backend, whose chunks are areas
 * of the kernel's own per-CPU allocator (__alloc_percpu_gfp() of 32 KiB).
 * It is the one built-in xpcpu picks where the kernel's per-CPU offsets
 * span too far for one vmap() (two NUMA nodes 1 GiB apart: the two-node
 * KUnit run); elsewhere the cases that need it skip.  Checked: pointers
 * are genuine (the kernel's this_cpu_*() and per_cpu_ptr() reach the
 * copies xpcpu_ptr() names, on every possible CPU), requests above the
 * 32 KiB chunk are refused, reused areas are zero on every possible CPU,
 * the index finds a chunk by any byte of its unit 0 and nothing by a
 * kernel per-CPU area of its own, and many chunks are created, counted
 * and destroyed.  Same init/exit as the suite "xpcpu".
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "xpcpu_test_api.h"

#define NR_GROW 12

static bool kpcpu_active(void)
{
	return !strcmp(xpcpu_backend->name, "kpcpu");
}

static void need_kpcpu(struct kunit *test)
{
	if (!kpcpu_active())
		kunit_skip(test, "%s backend; kpcpu needs a wide span",
			   xpcpu_backend->name);
}

/* Pages a kpcpu chunk holds, every unit's counted. */
static unsigned long chunk_pages(void)
{
	return (unsigned long)xpcpu_ai->nr_units * xpcpu_ai->unit_pages;
}

/* The layout: 32 KiB units at the kernel's offsets, largest 32 KiB. */
static void xpcpu_test_backend_kpcpu_layout(struct kunit *test)
{
	unsigned int cpu;

	need_kpcpu(test);
	KUNIT_EXPECT_TRUE(test, xpcpu_genuine_pointers());
	KUNIT_EXPECT_EQ(test, xpcpu_ai->unit_size,
			(size_t)XPCPU_KPCPU_UNIT_SIZE);
	KUNIT_EXPECT_EQ(test, xpcpu_max_alloc_size(),
			(size_t)XPCPU_KPCPU_UNIT_SIZE);
	KUNIT_EXPECT_EQ(test, xpcpu_layout_hole_bytes(), 0UL);
	KUNIT_EXPECT_EQ(test, xpcpu_ai->static_size + xpcpu_ai->reserved_size +
			xpcpu_ai->dyn_size, xpcpu_ai->unit_size);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu(xpcpu_unit_off, cpu),
				per_cpu_offset(cpu));
}

struct kops {
	u32 __xpcpu *p;			/* the area */
	int cpu;			/* where it ran */
};

/* The kernel's own operations and xpcpu's, on this CPU's copy. */
static void kops_on_cpu(void *info)
{
	struct kops *k = info;
	u32 __percpu *kp = xpcpu_as_percpu(k->p);

	k->cpu = smp_processor_id();
	this_cpu_write(*kp, 100 * k->cpu);
	this_cpu_inc(*kp);
	this_cpu_add(*kp, 10);
	xpcpu_this_cpu_inc(k->p);
	__this_cpu_add(kp[1], 3);
}

/* this_cpu_*() hit the copies per_cpu_ptr() and xpcpu_ptr() name. */
static void xpcpu_test_backend_this_cpu_hits_per_cpu_ptr(struct kunit *test)
{
	struct kops k = {};
	unsigned int cpu;

	need_kpcpu(test);
	k.p = t_alloc(test, 2 * sizeof(u32), 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k.p);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_PTR_EQ(test, per_cpu_ptr(xpcpu_as_percpu(k.p), cpu),
				    xpcpu_ptr(k.p, cpu));
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, kops_on_cpu,
							       &k, 1), 0);
		KUNIT_EXPECT_EQ(test, k.cpu, (int)cpu);
	}
	for_each_online_cpu(cpu) {
		u32 *v = xpcpu_ptr(k.p, cpu);

		KUNIT_EXPECT_EQ(test, v[0], 100 * cpu + 12);
		KUNIT_EXPECT_EQ(test, v[1], 3U);
	}
	cpus_read_unlock();
	t_free(test, k.p);
}

/* Above the 32 KiB chunk: refused, NULL, counted nowhere. */
static void xpcpu_test_backend_size_limit_refused(struct kunit *test)
{
	static const size_t sizes[] = { 1, PAGE_SIZE, 4 * PAGE_SIZE,
					 XPCPU_MAX_ALLOC_SIZE - XPCPU_KPCPU_UNIT_SIZE };
	size_t max = xpcpu_max_alloc_size();
	struct xpcpu_stats st0, st1;
	void __xpcpu *p;
	int i;

	need_kpcpu(test);
	xpcpu_get_stats(&st0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = __xpcpu_alloc_gfp(max + sizes[i], 4, GFP_KERNEL);
		KUNIT_EXPECT_PTR_EQ_MSG(test, p, NULL, "size %zu", max + sizes[i]);
		if (p)
			xpcpu_free(p);
	}
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_alloc, st0.nr_alloc);
	KUNIT_EXPECT_EQ(test, st1.nr_created, st0.nr_created);
	p = t_alloc(test, max, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, all_zero(p, max));
	t_free(test, p);
}

/* An area freed dirty comes back zero on every possible CPU. */
static void xpcpu_test_backend_reuse_zero_every_cpu(struct kunit *test)
{
	static const size_t sizes[] = { 16, 200, 1024, 8192 };
	unsigned int cpu;
	void __xpcpu *p, *q;
	int i, same = 0;

	need_kpcpu(test);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = t_alloc(test, sizes[i], 8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		for_each_possible_cpu(cpu)
			memset(xpcpu_ptr(p, cpu), 0xa5, sizes[i]);
		t_free(test, p);
		q = t_alloc(test, sizes[i], 8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q);
		same += p == q;
		KUNIT_EXPECT_TRUE_MSG(test, all_zero(q, sizes[i]),
				      "size %zu, %s area", sizes[i],
				      p == q ? "the same" : "another");
		t_free(test, q);
	}
	kunit_info(test, "%d of %zu reallocations got the freed area back",
		   same, ARRAY_SIZE(sizes));
	KUNIT_EXPECT_GT(test, same, 0);
}

/* The index finds each area's chunk by its first and last byte. */
static void xpcpu_test_backend_lookup_in_chunks(struct kunit *test)
{
	void __xpcpu *p[4];
	u64 __percpu *kp;
	struct xpcpu_chunk *c;
	int i, sz = PAGE_SIZE;

	need_kpcpu(test);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = t_alloc(test, sz, PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	kp = alloc_percpu(u64);
	KUNIT_ASSERT_NOT_NULL(test, kp);
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		char *a = xpcpu_ptr_to_addr(p[i]);

		c = xpcpu_pool_lookup(a);
		KUNIT_EXPECT_NOT_NULL(test, c);
		if (!c)
			continue;
		KUNIT_EXPECT_PTR_EQ(test, xpcpu_pool_lookup(a + sz - 1), c);
		KUNIT_EXPECT_TRUE(test, a >= (char *)c->base_addr &&
				  a + sz <= (char *)c->base_addr +
					    xpcpu_ai->unit_size);
		/* The chunk is a kernel per-CPU area: per_cpu_ptr() of it. */
		KUNIT_EXPECT_PTR_EQ(test, c->base_addr,
				    xpcpu_chunk_addr(c, xpcpu_ai->unit_cpu[0], 0));
	}
	KUNIT_EXPECT_NULL(test,
			  xpcpu_pool_lookup(per_cpu_ptr(kp, xpcpu_ai->unit_cpu[0])));
	rcu_read_unlock();
	free_percpu(kp);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);
}

/*
 * NR_GROW full-size areas take NR_GROW new chunks, each with its pages
 * counted, each copy its own; freed, the balance work gives them all
 * back to the kernel.  The same again reuses nothing stale.
 */
static void xpcpu_test_backend_grow_many_and_destroy(struct kunit *test)
{
	size_t max = xpcpu_max_alloc_size();
	void __xpcpu *p[NR_GROW];
	struct xpcpu_stats st0, st1;
	unsigned int cpu;
	int i, j, round;

	need_kpcpu(test);
	set_spare(test, 0);
	xpcpu_cache_drain_now();
	xpcpu_pool_balance(true);
	for (round = 0; round < 2; round++) {
		xpcpu_get_stats(&st0);
		for (i = 0; i < NR_GROW; i++) {
			p[i] = t_alloc(test, max, PAGE_SIZE, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p[i]);
			KUNIT_EXPECT_TRUE(test, all_zero(p[i], max));
			for_each_possible_cpu(cpu)
				memset(xpcpu_ptr(p[i], cpu), i + 1, max);
		}
		xpcpu_get_stats(&st1);
		KUNIT_EXPECT_EQ(test, st1.nr_created - st0.nr_created,
				(u64)NR_GROW);
		KUNIT_EXPECT_EQ(test, st1.nr_populated_pages -
				st0.nr_populated_pages,
				(u64)NR_GROW * chunk_pages());
		for (i = 0; i < NR_GROW; i++) {
			for_each_possible_cpu(cpu) {
				u8 *v = xpcpu_ptr(p[i], cpu);

				KUNIT_EXPECT_NULL_MSG(test,
						      memchr_inv(v, i + 1, max),
						      "area %d cpu %u", i, cpu);
			}
			for (j = 0; j < i; j++)
				KUNIT_EXPECT_PTR_NE(test, p[i], p[j]);
		}
		for (i = 0; i < NR_GROW; i++)
			t_free(test, p[i]);
		xpcpu_pool_balance(true);
		xpcpu_get_stats(&st1);
		KUNIT_EXPECT_EQ(test, st1.nr_destroyed - st0.nr_destroyed,
				(u64)NR_GROW);
		KUNIT_EXPECT_EQ(test, st1.nr_chunks, st0.nr_chunks);
		KUNIT_EXPECT_EQ(test, st1.nr_populated_pages,
				st0.nr_populated_pages);
	}
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static int xpcpu_backend_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_backend_test_cases[] = {
	KUNIT_CASE(xpcpu_test_backend_kpcpu_layout),
	KUNIT_CASE(xpcpu_test_backend_this_cpu_hits_per_cpu_ptr),
	KUNIT_CASE(xpcpu_test_backend_size_limit_refused),
	KUNIT_CASE(xpcpu_test_backend_reuse_zero_every_cpu),
	KUNIT_CASE(xpcpu_test_backend_lookup_in_chunks),
	KUNIT_CASE(xpcpu_test_backend_grow_many_and_destroy),
	{}
};

static struct kunit_suite xpcpu_backend_test_suite = {
	.name = "xpcpu_backend",
	.suite_init = xpcpu_backend_test_suite_init,
	.init = xpcpu_test_api_init,
	.exit = xpcpu_test_api_exit,
	.test_cases = xpcpu_backend_test_cases,
};

kunit_test_suite(xpcpu_backend_test_suite);
