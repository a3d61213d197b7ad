// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu": the API on the live allocator -- zeroed memory,
 * per-CPU copies, the accessors, atomic allocation and free, 64 KiB
 * areas, node locality, bad input, bad frees, the statistics and the
 * tracepoints (chunk creation, the balance work and the chunk index:
 * xpcpu_pool; injected failures: xpcpu_fault).  Runs built into a kernel
 * under tools/testing/kunit (see scripts/kunit.sh and tests/.kunitconfig);
 * by the time KUnit runs, every initcall, xpcpu's included, has
 * completed.  Every case leaves nr_cur_alloc where it found it (checked
 * in exit, xpcpu_test_api.c) and check_slots() green.
 */
#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>

#include <xpcpu_trace.h>

#include "xpcpu_test_api.h"

/* ---- the debugfs interface ------------------------------------------ */

/* xpcpu's init created /sys/kernel/debug/xpcpu/. */
static void xpcpu_test_debugfs_dir_exists(struct kunit *test)
{
	struct dentry *dir = debugfs_lookup("xpcpu", NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_EXPECT_TRUE(test, d_is_dir(dir));
	dput(dir);
}

/* ---- memory ----------------------------------------------------------- */

static void xpcpu_test_alloc_zeroed_every_cpu(struct kunit *test)
{
	static const size_t sizes[] = { 1, 4, 60, 1000, 4096, 20000, 65536 };
	void __xpcpu *p[ARRAY_SIZE(sizes)];
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* Beyond the kpcpu backend's 32 KiB: refused. */
		if (sizes[i] > xpcpu_max_alloc_size()) {
			p[i] = t_alloc(test, sizes[i], 4, GFP_KERNEL);
			KUNIT_EXPECT_NULL(test, p[i]);
			continue;
		}
		p[i] = t_alloc(test, sizes[i], 4, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE_MSG(test, all_zero(p[i], sizes[i]),
				      "size %zu", sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (p[i])
			t_free(test, p[i]);
}

/* Freed memory dirtied on every CPU comes back zeroed. */
static void xpcpu_test_alloc_zeroed_after_reuse(struct kunit *test)
{
	void __xpcpu *dirty, *p;
	const size_t size = 256;
	unsigned int cpu;
	int n;

	dirty = t_alloc(test, size, 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	for_each_possible_cpu(cpu)
		memset(xpcpu_ptr((char __xpcpu *)dirty, cpu), 0xa5, size);
	t_free(test, dirty);

	/* First fit: the dirtied room comes back before long. */
	for (n = 0; n < 512; n++) {
		p = t_alloc(test, size, 4, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_TRUE(test, all_zero(p, size));
		if (p == dirty)
			break;
	}
	KUNIT_EXPECT_PTR_EQ(test, p, dirty);
	kunit_info(test, "dirtied area reused after %d allocations", n + 1);
}

static void xpcpu_test_copies_distinct_per_cpu(struct kunit *test)
{
	unsigned long __xpcpu *p = t_alloc(test, sizeof(long), sizeof(long),
					   GFP_KERNEL);
	unsigned int cpu, other;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for_each_possible_cpu(cpu)
		*xpcpu_ptr(p, cpu) = cpu + 0x100;
	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, *xpcpu_ptr(p, cpu), cpu + 0x100UL);
		for_each_possible_cpu(other) {
			if (other == cpu)
				continue;
			KUNIT_EXPECT_PTR_NE(test, xpcpu_ptr(p, cpu),
					    xpcpu_ptr(p, other));
			/* Copies sit a whole number of units apart. */
			KUNIT_EXPECT_EQ(test, ((unsigned long)xpcpu_ptr(p, cpu) -
					      (unsigned long)xpcpu_ptr(p, other)) %
					xpcpu_ai->unit_size, 0UL);
		}
	}
	t_free(test, p);
}

static void xpcpu_test_get_put_ptr_preempt(struct kunit *test)
{
	int __xpcpu *p = t_alloc(test, sizeof(int), sizeof(int), GFP_KERNEL);
	int pc = preempt_count();
	unsigned int cpu;
	int *mine;

	KUNIT_ASSERT_NOT_NULL(test, p);
	mine = xpcpu_get_ptr(p);
	KUNIT_EXPECT_EQ(test, preempt_count(), pc + 1);
	cpu = smp_processor_id();
	KUNIT_EXPECT_PTR_EQ(test, mine, xpcpu_ptr(p, cpu));
	(*mine)++;
	xpcpu_put_ptr(p);
	KUNIT_EXPECT_EQ(test, preempt_count(), pc);
	KUNIT_EXPECT_EQ(test, *xpcpu_ptr(p, cpu), 1);
	t_free(test, p);
}

/* ---- atomic context --------------------------------------------------- */

static unsigned long nr_switches(void)
{
	return current->nvcsw + current->nivcsw;
}

static void xpcpu_test_alloc_atomic_irqs_off(struct kunit *test)
{
	void __xpcpu *p[16];
	struct xpcpu_stats st0, st1;
	unsigned long flags, sw;
	bool irqs_off;
	int i;

	xpcpu_get_stats(&st0);
	local_irq_save(flags);
	sw = nr_switches();
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = __xpcpu_alloc_gfp(32 + 8 * i, 8,
					 i & 1 ? GFP_NOWAIT : GFP_ATOMIC);
	irqs_off = irqs_disabled();
	sw = nr_switches() - sw;
	local_irq_restore(flags);
	xpcpu_get_stats(&st1);

	KUNIT_EXPECT_TRUE(test, irqs_off);
	KUNIT_EXPECT_EQ(test, sw, 0UL);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		KUNIT_EXPECT_NOT_NULL(test, p[i]);
		if (!p[i])
			continue;
		KUNIT_EXPECT_TRUE(test, all_zero(p[i], 32 + 8 * i));
		xpcpu_free(p[i]);
	}
	KUNIT_EXPECT_EQ(test, st1.nr_atomic_alloc - st0.nr_atomic_alloc,
			(u64)ARRAY_SIZE(p));
}

static DEFINE_SPINLOCK(xpcpu_test_lock);

static void xpcpu_test_alloc_atomic_under_spinlock(struct kunit *test)
{
	void __xpcpu *p[8];
	unsigned long sw;
	bool can_sleep;
	int i;

	spin_lock(&xpcpu_test_lock);
	sw = nr_switches();
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = __xpcpu_alloc_gfp(1 << (i + 2), 1 << (i + 2),
					 i & 1 ? GFP_ATOMIC : GFP_NOWAIT);
	can_sleep = preemptible();
	sw = nr_switches() - sw;
	/* Free under the lock too: xpcpu_free() never sleeps. */
	for (i = 0; i < ARRAY_SIZE(p); i += 2)
		xpcpu_free(p[i]);
	spin_unlock(&xpcpu_test_lock);

	KUNIT_EXPECT_FALSE(test, can_sleep);
	KUNIT_EXPECT_EQ(test, sw, 0UL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_NOT_NULL(test, p[i]);
	for (i = 1; i < ARRAY_SIZE(p); i += 2)
		xpcpu_free(p[i]);
}

static void xpcpu_test_free_irqs_off(struct kunit *test)
{
	void __xpcpu *p[16];
	struct xpcpu_stats st0, st1;
	unsigned long flags;
	int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = t_alloc(test, 100, 4, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	xpcpu_get_stats(&st0);
	local_irq_save(flags);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		xpcpu_free(p[i]);
	local_irq_restore(flags);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_forget(test, p[i]);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_dealloc - st0.nr_dealloc,
			(u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, st0.nr_cur_alloc - st1.nr_cur_alloc,
			(u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free, st0.nr_bad_free);
}

/* ---- big areas and node locality ------------------------------------ */

static void xpcpu_test_alloc_64k_every_cpu(struct kunit *test)
{
	static const size_t aligns[] = { 4, PAGE_SIZE };
	unsigned int cpu;
	int i;

	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		u8 __xpcpu *p = t_alloc(test, xpcpu_max_alloc_size(), aligns[i],
					GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		for_each_possible_cpu(cpu) {
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)
					  xpcpu_ptr(p, cpu), aligns[i]));
			memset(xpcpu_ptr(p, cpu), 0x30 + cpu,
			       xpcpu_max_alloc_size());
		}
		for_each_possible_cpu(cpu)
			KUNIT_EXPECT_NULL(test, memchr_inv(xpcpu_ptr(p, cpu),
							   0x30 + cpu,
							   xpcpu_max_alloc_size()));
		t_free(test, p);
	}
	KUNIT_EXPECT_NULL(test, t_alloc(test, xpcpu_max_alloc_size() + 1, 4,
					GFP_KERNEL));
}

/* Every page of every CPU's copy is on that CPU's node. */
static int wrong_node_pages(void __xpcpu *p, size_t size)
{
	unsigned int cpu;
	size_t off;
	int bad = 0;

	for_each_possible_cpu(cpu) {
		char *c = xpcpu_ptr((char __xpcpu *)p, cpu);

		for (off = 0; off < size; off += PAGE_SIZE) {
			struct page *page = vmalloc_to_page(c + off);

			if (!page || page_to_nid(page) != cpu_to_node(cpu))
				bad++;
		}
	}
	return bad;
}

static void xpcpu_test_alloc_node_local(struct kunit *test)
{
	void __xpcpu *big[3];
	void __xpcpu *small;
	int i;

	small = t_alloc(test, 64, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_EXPECT_EQ(test, wrong_node_pages(small, 64), 0);
	/* Each 64 KiB area fills a chunk of its own. */
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		big[i] = t_alloc(test, xpcpu_max_alloc_size(), PAGE_SIZE,
				 GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, big[i]);
		KUNIT_EXPECT_EQ_MSG(test, wrong_node_pages(big[i],
							   xpcpu_max_alloc_size()),
				    0, "chunk of area %d", i);
	}
	/* The static area of the first chunk too. */
	KUNIT_EXPECT_EQ(test, wrong_node_pages(__xpcpu_var(xpcpu_cpu_stats),
					       sizeof(struct xpcpu_cpu_stats)),
			0);
	for (i = 0; i < ARRAY_SIZE(big); i++)
		t_free(test, big[i]);
	t_free(test, small);
}

/* ---- bad input -------------------------------------------------------- */

struct bad_request {
	size_t size;			/* bytes */
	size_t align;			/* bytes */
};

static const struct bad_request bad_requests[] = {
	{ 0, 4 },
	{ XPCPU_MAX_ALLOC_SIZE + 1, 4 },
	{ 2 * XPCPU_MAX_ALLOC_SIZE, 4 },
	{ SIZE_MAX, 4 },
	{ 16, 3 },
	{ 16, 0 },
	{ 16, 12 },
	{ 16, 2 * PAGE_SIZE },
};

static void bad_request_desc(const struct bad_request *r, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %zu align %zu", r->size,
		 r->align);
}

KUNIT_ARRAY_PARAM(bad_request, bad_requests, bad_request_desc);

static void xpcpu_test_alloc_bad_input_null(struct kunit *test)
{
	const struct bad_request *r = test->param_value;
	struct xpcpu_stats st0, st1;
	void __xpcpu *p, *q;

	xpcpu_get_stats(&st0);
	p = t_alloc(test, r->size, r->align, GFP_KERNEL);
	q = t_alloc(test, r->size, r->align, GFP_NOWAIT);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_PTR_EQ(test, p, NULL);
	KUNIT_EXPECT_PTR_EQ(test, q, NULL);
	KUNIT_EXPECT_EQ(test, st1.nr_alloc, st0.nr_alloc);
	KUNIT_EXPECT_EQ(test, st1.nr_chunks, st0.nr_chunks);
	KUNIT_EXPECT_EQ(test, st1.nr_atomic_fail, st0.nr_atomic_fail);
	if (p)
		t_free(test, p);
	if (q)
		t_free(test, q);
}

/* Every power-of-two alignment up to PAGE_SIZE is honoured. */
static void xpcpu_test_alloc_alignment_honoured(struct kunit *test)
{
	void __xpcpu *p[ilog2(PAGE_SIZE) + 1];
	unsigned int cpu;
	int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		size_t align = 1UL << i;

		p[i] = t_alloc(test, 20, align, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		for_each_possible_cpu(cpu)
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)
					      xpcpu_ptr(p[i], cpu),
					      max_t(size_t, align, 4)),
					      "align %zu cpu %u", align, cpu);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);
}

/* ---- bad frees -------------------------------------------------------- */

/* Free @bad: counted as a bad free, nothing else changes, checker green. */
static void expect_bad_free(struct kunit *test, void __xpcpu *bad)
{
	struct xpcpu_stats st0, st1;

	xpcpu_get_stats(&st0);
	xpcpu_free(bad);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_bad_free, st0.nr_bad_free + 1);
	st1.nr_bad_free = st0.nr_bad_free;
	KUNIT_EXPECT_EQ_MSG(test, memcmp(&st0, &st1, sizeof(st0)), 0,
			    "xpcpu_free(%p) changed the stats", bad);
	KUNIT_EXPECT_EQ(test, check_slots(test), 0);
}

static void xpcpu_test_free_foreign_kmalloc_ignored(struct kunit *test)
{
	void *buf = kunit_kmalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	expect_bad_free(test, (void __force __xpcpu *)buf);
	expect_bad_free(test, xpcpu_addr_to_ptr(buf));
}

static void xpcpu_test_free_interior_ignored(struct kunit *test)
{
	char __xpcpu *p = t_alloc(test, 64, 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	expect_bad_free(test, p + 4);
	expect_bad_free(test, p + 60);
	expect_bad_free(test, p + 1);		/* not even 4-byte aligned */
	t_free(test, p);
}

static void xpcpu_test_free_other_unit_ignored(struct kunit *test)
{
	char __xpcpu *p = t_alloc(test, 64, 8, GFP_KERNEL);
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for_each_possible_cpu(cpu) {
		char *copy = xpcpu_ptr(p, cpu);

		/* A plain per-CPU address, and one encoded as __xpcpu. */
		expect_bad_free(test, (void __force __xpcpu *)copy);
		if (xpcpu_ai->cpu_unit[cpu])
			expect_bad_free(test, xpcpu_addr_to_ptr(copy));
	}
	t_free(test, p);
}

static void xpcpu_test_free_double_ignored(struct kunit *test)
{
	void __xpcpu *p = t_alloc(test, 48, 16, GFP_KERNEL);
	void __xpcpu *keep = t_alloc(test, 48, 16, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	t_free(test, p);
	expect_bad_free(test, p);
	/* The neighbour is untouched and still frees once. */
	t_free(test, keep);
	expect_bad_free(test, keep);
}

/* Static variables live in the first chunk but are no dynamic area. */
static void xpcpu_test_free_static_var_ignored(struct kunit *test)
{
	struct xpcpu_cpu_stats __xpcpu *st = __xpcpu_var(xpcpu_cpu_stats);
	void __xpcpu *rsv_last = xpcpu_addr_to_ptr((char *)
			xpcpu_pool.first->base_addr +
			xpcpu_pool.first->map.start_offset - 4);

	expect_bad_free(test, st);
	expect_bad_free(test, rsv_last);	/* last reserved word */
}

static void xpcpu_test_free_null_ignored(struct kunit *test)
{
	struct xpcpu_stats st0, st1;

	xpcpu_get_stats(&st0);
	xpcpu_free(NULL);
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, memcmp(&st0, &st1, sizeof(st0)), 0);
}

/* ---- statistics ------------------------------------------------------- */

static unsigned long cpu_stats_allocs(void)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += xpcpu_var_ptr(xpcpu_cpu_stats, cpu)->nr_alloc;
	return sum;
}

static void xpcpu_test_stats_count_alloc_free(struct kunit *test)
{
	struct xpcpu_stats st0, st1, st2;
	unsigned long cpu_allocs = cpu_stats_allocs();
	void __xpcpu *p[5];
	int i;

	xpcpu_get_stats(&st0);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = t_alloc(test, 8 << i, 8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	xpcpu_get_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.nr_alloc - st0.nr_alloc, (u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, st1.nr_cur_alloc - st0.nr_cur_alloc,
			(u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_GE(test, st1.nr_max_alloc, st1.nr_cur_alloc);
	KUNIT_EXPECT_LE(test, st1.min_alloc_size, 8ULL);
	KUNIT_EXPECT_GE(test, st1.max_alloc_size, 128ULL);
	KUNIT_EXPECT_EQ(test, cpu_stats_allocs() - cpu_allocs,
			(unsigned long)ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		t_free(test, p[i]);
	xpcpu_get_stats(&st2);
	KUNIT_EXPECT_EQ(test, st2.nr_dealloc - st1.nr_dealloc,
			(u64)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, st2.nr_cur_alloc, st0.nr_cur_alloc);
}

/* ---- tracepoints ------------------------------------------------------ */

struct trace_counts {
	atomic_t alloc;			/* xpcpu_alloc hits */
	atomic_t free;			/* xpcpu_free hits */
	atomic_t alloc_fail;		/* xpcpu_alloc_fail hits */
	atomic_t create;		/* xpcpu_create_chunk hits */
	atomic_t destroy;		/* xpcpu_destroy_chunk hits */
	void __xpcpu *last_alloc;	/* ptr of the last alloc event */
	void __xpcpu *last_free;	/* ptr of the last free event */
	size_t last_size;		/* size of the last alloc event */
	size_t last_fail_size;		/* size of the last failure */
};

static void probe_alloc(void *data, unsigned long call_site, bool reserved,
			bool is_atomic, size_t size, size_t align,
			void *base_addr, int off, void __xpcpu *ptr,
			size_t bytes_alloc, gfp_t gfp)
{
	struct trace_counts *tc = data;

	WRITE_ONCE(tc->last_alloc, ptr);
	WRITE_ONCE(tc->last_size, size);
	atomic_inc(&tc->alloc);
}

static void probe_free(void *data, void *base_addr, int off,
		       void __xpcpu *ptr)
{
	struct trace_counts *tc = data;

	WRITE_ONCE(tc->last_free, ptr);
	atomic_inc(&tc->free);
}

static void probe_alloc_fail(void *data, bool reserved, bool is_atomic,
			     size_t size, size_t align)
{
	struct trace_counts *tc = data;

	WRITE_ONCE(tc->last_fail_size, size);
	atomic_inc(&tc->alloc_fail);
}

static void probe_create(void *data, void *base_addr)
{
	atomic_inc(&((struct trace_counts *)data)->create);
}

static void probe_destroy(void *data, void *base_addr)
{
	atomic_inc(&((struct trace_counts *)data)->destroy);
}

static void xpcpu_test_trace_events_fire(struct kunit *test)
{
	struct trace_counts *tc = kunit_kzalloc(test, sizeof(*tc), GFP_KERNEL);
	void __xpcpu *p, *big;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, tc);
	set_spare(test, 0);
	ret = register_trace_xpcpu_alloc(probe_alloc, tc);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_xpcpu_free(probe_free, tc);
	KUNIT_EXPECT_EQ(test, ret, 0);
	ret = register_trace_xpcpu_alloc_fail(probe_alloc_fail, tc);
	KUNIT_EXPECT_EQ(test, ret, 0);
	ret = register_trace_xpcpu_create_chunk(probe_create, tc);
	KUNIT_EXPECT_EQ(test, ret, 0);
	ret = register_trace_xpcpu_destroy_chunk(probe_destroy, tc);
	KUNIT_EXPECT_EQ(test, ret, 0);

	p = t_alloc(test, 40, 8, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->alloc), 1);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(tc->last_alloc), p);
	KUNIT_EXPECT_EQ(test, READ_ONCE(tc->last_size), (size_t)40);
	t_free(test, p);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->free), 1);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(tc->last_free), p);

	/* A bad request fails; a bad free is no free event. */
	KUNIT_EXPECT_PTR_EQ(test, t_alloc(test, 0, 4, GFP_KERNEL), NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->alloc_fail), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(tc->last_fail_size), (size_t)0);
	xpcpu_free(p);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->free), 1);

	/* A new chunk, then its release by the balance work. */
	big = t_alloc(test, xpcpu_max_alloc_size(), 4, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->create), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->alloc), 2);
	if (big)
		t_free(test, big);
	xpcpu_pool_balance(true);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->destroy), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tc->free), 2);

	unregister_trace_xpcpu_destroy_chunk(probe_destroy, tc);
	unregister_trace_xpcpu_create_chunk(probe_create, tc);
	unregister_trace_xpcpu_alloc_fail(probe_alloc_fail, tc);
	unregister_trace_xpcpu_free(probe_free, tc);
	unregister_trace_xpcpu_alloc(probe_alloc, tc);
	tracepoint_synchronize_unregister();
}

/* ---- suite ---------------------------------------------------------- */

static int xpcpu_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_test_cases[] = {
	KUNIT_CASE(xpcpu_test_debugfs_dir_exists),
	KUNIT_CASE(xpcpu_test_alloc_zeroed_every_cpu),
	KUNIT_CASE(xpcpu_test_alloc_zeroed_after_reuse),
	KUNIT_CASE(xpcpu_test_copies_distinct_per_cpu),
	KUNIT_CASE(xpcpu_test_get_put_ptr_preempt),
	KUNIT_CASE(xpcpu_test_alloc_atomic_irqs_off),
	KUNIT_CASE(xpcpu_test_alloc_atomic_under_spinlock),
	KUNIT_CASE(xpcpu_test_free_irqs_off),
	KUNIT_CASE(xpcpu_test_alloc_64k_every_cpu),
	KUNIT_CASE(xpcpu_test_alloc_node_local),
	KUNIT_CASE_PARAM(xpcpu_test_alloc_bad_input_null,
			 bad_request_gen_params),
	KUNIT_CASE(xpcpu_test_alloc_alignment_honoured),
	KUNIT_CASE(xpcpu_test_free_foreign_kmalloc_ignored),
	KUNIT_CASE(xpcpu_test_free_interior_ignored),
	KUNIT_CASE(xpcpu_test_free_other_unit_ignored),
	KUNIT_CASE(xpcpu_test_free_double_ignored),
	KUNIT_CASE(xpcpu_test_free_static_var_ignored),
	KUNIT_CASE(xpcpu_test_free_null_ignored),
	KUNIT_CASE(xpcpu_test_stats_count_alloc_free),
	KUNIT_CASE(xpcpu_test_trace_events_fire),
	{}
};

static struct kunit_suite xpcpu_test_suite = {
	.name = "xpcpu",
	.suite_init = xpcpu_test_suite_init,
	.init = xpcpu_test_api_init,
	.exit = xpcpu_test_api_exit,
	.test_cases = xpcpu_test_cases,
};

kunit_test_suite(xpcpu_test_suite);
