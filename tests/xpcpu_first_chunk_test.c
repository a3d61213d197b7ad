// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_first_chunk": the alloc info (one unit per possible
 * CPU, grouped by node), each CPU's unit offset, the static area (this
 * file's own DEFINE_XPCPU() variables, which the build puts between the
 * section markers, are copied into every unit) and the reserved area that
 * client modules register with __xpcpu_module_init() -- driven here with
 * kmalloc()ed templates, mod == NULL.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "xpcpu_test_util.h"

struct xpcpu_test_pair {
	u32 a;				/* a word */
	u16 b;				/* a half word */
	char c[6];			/* bytes */
};

static DEFINE_XPCPU(int, xpcpu_test_int) = 42;
static DEFINE_XPCPU(u64, xpcpu_test_u64) = 0x0123456789abcdefULL;
static DEFINE_XPCPU(char[16], xpcpu_test_str) = "xpcpu static";
static DEFINE_XPCPU(struct xpcpu_test_pair, xpcpu_test_pair) = {
	.a = 7, .b = 9, .c = "abcde",
};

static DEFINE_XPCPU(u64, xpcpu_test_aligned) __aligned(64) = 0xfeedfaceULL;

#define XPCPU_TEST_INT_INIT	42

/* test->priv: reserved-area registrations to undo when a case ends. */
#define MAX_REG 8
struct fc_priv {
	char *start[MAX_REG];		/* registered template starts */
	int nr;				/* used entries */
};

/* Register a template; remember it so that exit releases it. */
static int reg(struct kunit *test, char *start, char *end,
	       unsigned long *delta)
{
	struct fc_priv *priv = test->priv;
	int ret = __xpcpu_module_init(NULL, start, end, delta);

	if (!ret && start != end && priv->nr < MAX_REG)
		priv->start[priv->nr++] = start;
	return ret;
}

static void unreg(struct kunit *test, char *start)
{
	struct fc_priv *priv = test->priv;
	int i;

	__xpcpu_module_exit(NULL, start);
	for (i = 0; i < priv->nr; i++)
		if (priv->start[i] == start)
			priv->start[i] = NULL;
}

static u64 reserved_used(void)
{
	struct xpcpu_stats st;

	xpcpu_get_stats(&st);
	return st.reserved_used;
}

/* @cpu's copy of the template byte at @start, once registered. */
static char *reg_copy(char *start, unsigned long delta, unsigned int cpu)
{
	return xpcpu_ptr((char __xpcpu *)((unsigned long)start + delta), cpu);
}

/* Offset of @p inside @cpu's unit of the first chunk. */
static long unit_offset(const void *p, unsigned int cpu)
{
	return (const char *)p -
	       (const char *)xpcpu_chunk_addr(xpcpu_pool.first, cpu, 0);
}

/* ---- alloc info ------------------------------------------------------ */

static void xpcpu_test_alloc_info_unit_per_possible_cpu(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, ai);
	KUNIT_EXPECT_EQ(test, ai->nr_units, (int)num_possible_cpus());
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		int unit = ai->cpu_unit[cpu];

		if (!cpu_possible(cpu)) {
			KUNIT_EXPECT_EQ(test, unit, -1);
			continue;
		}
		KUNIT_EXPECT_GE(test, unit, 0);
		KUNIT_EXPECT_LT(test, unit, ai->nr_units);
		if (unit >= 0 && unit < ai->nr_units)
			KUNIT_EXPECT_EQ(test, ai->unit_cpu[unit], (int)cpu);
	}
}

static void xpcpu_test_alloc_info_units_unique(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	unsigned long *seen = kunit_kzalloc(test, BITS_TO_LONGS(ai->nr_units) *
					    sizeof(long), GFP_KERNEL);
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for_each_possible_cpu(cpu) {
		int unit = ai->cpu_unit[cpu];

		KUNIT_ASSERT_TRUE(test, unit >= 0 && unit < ai->nr_units);
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(unit, seen),
				       "unit %d given to two CPUs", unit);
	}
	KUNIT_EXPECT_EQ(test, (int)bitmap_weight(seen, ai->nr_units),
			ai->nr_units);
}

static void xpcpu_test_alloc_info_groups_match_nodes(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	nodemask_t nodes = NODE_MASK_NONE;
	unsigned int cpu;
	int g, u;

	for_each_possible_cpu(cpu)
		node_set(cpu_to_node(cpu), nodes);
	KUNIT_EXPECT_EQ(test, ai->nr_groups, (int)nodes_weight(nodes));
	for (g = 0; g < ai->nr_groups; g++) {
		const struct xpcpu_group_info *gi = &ai->groups[g];

		KUNIT_EXPECT_GT(test, gi->nr_units, 0);
		for (u = gi->first_unit; u < gi->first_unit + gi->nr_units; u++)
			KUNIT_EXPECT_EQ_MSG(test, cpu_to_node(ai->unit_cpu[u]),
					    gi->node, "group %d unit %d", g, u);
	}
}

static void xpcpu_test_alloc_info_groups_contiguous(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	int g, next = 0;

	for (g = 0; g < ai->nr_groups; g++) {
		KUNIT_EXPECT_EQ(test, ai->groups[g].first_unit, next);
		next = ai->groups[g].first_unit + ai->groups[g].nr_units;
	}
	KUNIT_EXPECT_EQ(test, next, ai->nr_units);
	/* Two groups never claim one node. */
	for (g = 1; g < ai->nr_groups; g++)
		KUNIT_EXPECT_NE(test, ai->groups[g].node,
				ai->groups[g - 1].node);
}

static void xpcpu_test_alloc_info_sizes_add_up(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;

	KUNIT_EXPECT_EQ(test, ai->static_size + ai->reserved_size + ai->dyn_size,
			ai->unit_size);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(ai->unit_size));
	KUNIT_EXPECT_EQ(test, ai->unit_size, (size_t)ai->unit_pages * PAGE_SIZE);
	KUNIT_EXPECT_GE(test, ai->unit_size, xpcpu_max_alloc_size());
	KUNIT_EXPECT_GE(test, ai->static_size,
			(size_t)(__xpcpu_end - __xpcpu_start));
	KUNIT_EXPECT_GT(test, ai->dyn_size, (size_t)0);
}

static void xpcpu_test_unit_off_matches_unit(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		/* Genuine pointers: the kernel's own per-CPU offsets. */
		unsigned long want = xpcpu_genuine_pointers() ?
			per_cpu_offset(cpu) :
			XPCPU_PTR_BIAS +
			(unsigned long)ai->cpu_unit[cpu] * ai->unit_size;

		KUNIT_EXPECT_EQ_MSG(test, per_cpu(xpcpu_unit_off, cpu), want,
				    "cpu %u", cpu);
		KUNIT_EXPECT_EQ_MSG(test, per_cpu(xpcpu_unit_off, cpu),
				    xpcpu_ptr_bias + ai->unit_off[ai->cpu_unit[cpu]],
				    "cpu %u", cpu);
	}
}

/* The first and the reserved chunk share memory and split it right. */
static void xpcpu_test_first_chunk_layout(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	struct xpcpu_chunk *first = xpcpu_pool.first;
	struct xpcpu_chunk *rsv = xpcpu_pool.reserved;
	unsigned long flags;
	int errs;

	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_ASSERT_NOT_NULL(test, rsv);
	KUNIT_EXPECT_TRUE(test, first->is_first);
	KUNIT_EXPECT_TRUE(test, rsv->is_reserved);
	KUNIT_EXPECT_PTR_EQ(test, first->base_addr, rsv->base_addr);
	KUNIT_EXPECT_EQ(test, first->map.start_offset,
			(int)(ai->static_size + ai->reserved_size));
	KUNIT_EXPECT_EQ(test, first->map.end_offset, (int)ai->unit_size);
	KUNIT_EXPECT_EQ(test, rsv->map.start_offset, (int)ai->static_size);
	KUNIT_EXPECT_EQ(test, rsv->map.end_offset,
			(int)(ai->static_size + ai->reserved_size));
	KUNIT_EXPECT_EQ(test, first->nr_pages, ai->unit_pages);
	raw_spin_lock_irqsave(&xpcpu_pool.lock, flags);
	errs = check_chunk(test, first) + check_chunk(test, rsv);
	raw_spin_unlock_irqrestore(&xpcpu_pool.lock, flags);
	KUNIT_EXPECT_EQ(test, errs, 0);
}

/* ---- static variables ------------------------------------------------ */

static void xpcpu_test_static_var_initial_every_cpu(struct kunit *test)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct xpcpu_test_pair *pair = xpcpu_var_ptr(xpcpu_test_pair, cpu);

		KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_int, cpu),
				XPCPU_TEST_INT_INIT);
		KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_u64, cpu),
				0x0123456789abcdefULL);
		KUNIT_EXPECT_STREQ(test, (char *)xpcpu_var_ptr(xpcpu_test_str, cpu),
				   "xpcpu static");
		KUNIT_EXPECT_EQ(test, pair->a, 7U);
		KUNIT_EXPECT_EQ(test, pair->b, 9);
		KUNIT_EXPECT_STREQ(test, pair->c, "abcde");
		KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_aligned, cpu),
				0xfeedfaceULL);
	}
}

static void xpcpu_test_static_var_in_static_area(struct kunit *test)
{
	size_t static_size = xpcpu_ai->static_size;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		long i = unit_offset(xpcpu_var_ptr(xpcpu_test_int, cpu), cpu);
		long p = unit_offset(xpcpu_var_ptr(xpcpu_test_pair, cpu), cpu);

		KUNIT_EXPECT_GE(test, i, 0L);
		KUNIT_EXPECT_LE(test, i + (long)sizeof(int), (long)static_size);
		KUNIT_EXPECT_GE(test, p, 0L);
		KUNIT_EXPECT_LE(test, p + (long)sizeof(struct xpcpu_test_pair),
				(long)static_size);
		/* The same offset in every unit. */
		KUNIT_EXPECT_EQ(test, i, unit_offset(xpcpu_var_ptr(xpcpu_test_int, 0), 0));
	}
}

static void xpcpu_test_static_var_alignment_kept(struct kunit *test)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)
				  xpcpu_var_ptr(xpcpu_test_aligned, cpu), 64));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)
				  xpcpu_var_ptr(xpcpu_test_u64, cpu),
				  __alignof__(u64)));
	}
}

static void xpcpu_test_static_var_copies_independent(struct kunit *test)
{
	unsigned int cpu, other;

	for_each_possible_cpu(cpu)
		*xpcpu_var_ptr(xpcpu_test_int, cpu) = 1000 + cpu;
	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_int, cpu),
				1000 + (int)cpu);
		for_each_possible_cpu(other)
			if (other != cpu)
				KUNIT_EXPECT_PTR_NE(test,
						    xpcpu_var_ptr(xpcpu_test_int, cpu),
						    xpcpu_var_ptr(xpcpu_test_int, other));
	}
	/* One CPU's write is seen in its copy only. */
	*xpcpu_var_ptr(xpcpu_test_u64, 0) = 5;
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_u64, cpu),
				cpu ? 0x0123456789abcdefULL : 5ULL);

	for_each_possible_cpu(cpu) {
		*xpcpu_var_ptr(xpcpu_test_int, cpu) = XPCPU_TEST_INT_INIT;
		*xpcpu_var_ptr(xpcpu_test_u64, cpu) = 0x0123456789abcdefULL;
	}
}

static void xpcpu_test_static_var_get_put_preempt(struct kunit *test)
{
	int pc = preempt_count();
	unsigned int cpu, this;
	int *p, val;

	val = get_xpcpu_var(xpcpu_test_int)++;
	this = smp_processor_id();
	p = xpcpu_var_ptr(xpcpu_test_int, this);
	KUNIT_EXPECT_EQ(test, preempt_count(), pc + 1);
	put_xpcpu_var(xpcpu_test_int);
	KUNIT_EXPECT_EQ(test, preempt_count(), pc);

	KUNIT_EXPECT_EQ(test, val, XPCPU_TEST_INT_INIT);
	KUNIT_EXPECT_EQ(test, *p, XPCPU_TEST_INT_INIT + 1);
	for_each_possible_cpu(cpu)
		if (cpu != this)
			KUNIT_EXPECT_EQ(test, *xpcpu_var_ptr(xpcpu_test_int, cpu),
					XPCPU_TEST_INT_INIT);
	*p = XPCPU_TEST_INT_INIT;
}

/* ---- the reserved area ----------------------------------------------- */

/* A template at an address whose lowest set bit is @align. */
static char *make_template(struct kunit *test, size_t size, size_t align, u8 seed)
{
	char *buf = kunit_kmalloc(test, size + 3 * align, GFP_KERNEL);
	char *start;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	start = PTR_ALIGN(buf, 2 * align) + align;
	for (i = 0; i < size; i++)
		start[i] = seed + i * 7;
	return start;
}

static void xpcpu_test_reserved_register_copies_template(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	char *start = make_template(test, 100, 256, 3);
	u64 used = reserved_used();
	unsigned long delta = 0;
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, reg(test, start, start + 100, &delta), 0);
	KUNIT_EXPECT_EQ(test, reserved_used(), used + 100);
	for_each_possible_cpu(cpu) {
		char *copy = reg_copy(start, delta, cpu);
		long off = unit_offset(copy, cpu);

		KUNIT_EXPECT_EQ(test, memcmp(copy, start, 100), 0);
		KUNIT_EXPECT_GE(test, off, (long)ai->static_size);
		KUNIT_EXPECT_LE(test, off + 100,
				(long)(ai->static_size + ai->reserved_size));
	}
	/* Copies are per CPU. */
	*reg_copy(start, delta, 0) = 0x5a;
	for_each_possible_cpu(cpu)
		if (cpu)
			KUNIT_EXPECT_EQ(test, *reg_copy(start, delta, cpu),
					start[0]);
	unreg(test, start);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);
}

static void xpcpu_test_reserved_register_keeps_alignment(struct kunit *test)
{
	static const size_t aligns[] = { 4, 8, 64, 256, 1024 };
	unsigned long delta[ARRAY_SIZE(aligns)];
	char *start[ARRAY_SIZE(aligns)];
	unsigned int cpu;
	int i;

	/* Odd sizes, so the next one has to skip to its alignment. */
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		start[i] = make_template(test, 20 + i, aligns[i], i);
		KUNIT_ASSERT_EQ(test, reg(test, start[i], start[i] + 20 + i,
					  &delta[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		for_each_possible_cpu(cpu) {
			char *copy = reg_copy(start[i], delta[i], cpu);

			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)copy,
							       aligns[i]),
					      "align %zu: copy at %p",
					      aligns[i], copy);
			KUNIT_EXPECT_EQ(test, memcmp(copy, start[i], 20 + i), 0);
		}
	}
	for (i = 0; i < ARRAY_SIZE(aligns); i++)
		unreg(test, start[i]);
}

static void xpcpu_test_reserved_register_exhausted(struct kunit *test)
{
	const struct xpcpu_alloc_info *ai = xpcpu_ai;
	struct xpcpu_block_md before;
	unsigned long delta = 0, delta2 = 0xdead;
	char *big, *fill, *small;
	u64 used = reserved_used();
	int room;

	/* Larger than the whole reserved area. */
	big = make_template(test, ai->reserved_size + 4, 4, 1);
	KUNIT_EXPECT_EQ(test, reg(test, big, big + ai->reserved_size + 4,
				  &delta), -ENOMEM);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);

	/* Fill the longest free run exactly; then 4 more bytes fail. */
	room = xpcpu_bit_to_off(xpcpu_pool.reserved->map.chunk_md.contig_hint);
	KUNIT_ASSERT_GT(test, room, 0);
	fill = make_template(test, room, 4, 2);
	KUNIT_ASSERT_EQ(test, reg(test, fill, fill + room, &delta), 0);
	KUNIT_EXPECT_EQ(test, reserved_used(), used + room);

	before = xpcpu_pool.reserved->map.chunk_md;
	small = make_template(test, 4, 4, 3);
	KUNIT_EXPECT_EQ(test, reg(test, small, small + 4, &delta2), -ENOMEM);
	KUNIT_EXPECT_EQ(test, delta2, 0xdeadUL);
	KUNIT_EXPECT_EQ(test, reserved_used(), used + room);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &xpcpu_pool.reserved->map.chunk_md,
				     sizeof(before)), 0);
	unreg(test, fill);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);
}

static void xpcpu_test_reserved_register_duplicate_busy(struct kunit *test)
{
	char *start = make_template(test, 32, 32, 4);
	unsigned long delta = 0, delta2 = 0;
	u64 used = reserved_used();

	KUNIT_ASSERT_EQ(test, reg(test, start, start + 32, &delta), 0);
	KUNIT_EXPECT_EQ(test, reg(test, start, start + 32, &delta2), -EBUSY);
	KUNIT_EXPECT_EQ(test, delta2, 0UL);
	KUNIT_EXPECT_EQ(test, reserved_used(), used + 32);
	unreg(test, start);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);
	/* Releasing again is ignored. */
	unreg(test, start);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);
}

static void xpcpu_test_reserved_release_and_reuse(struct kunit *test)
{
	char *a = make_template(test, 64, 64, 5), *b = make_template(test, 64, 64, 6);
	unsigned long da = 0, db = 0;
	unsigned int cpu;
	long off_a;

	KUNIT_ASSERT_EQ(test, reg(test, a, a + 64, &da), 0);
	off_a = unit_offset(reg_copy(a, da, 0), 0);
	for_each_possible_cpu(cpu)
		memset(reg_copy(a, da, cpu), 0xee, 64);
	unreg(test, a);

	/* The same room again, holding b's values on every CPU. */
	KUNIT_ASSERT_EQ(test, reg(test, b, b + 64, &db), 0);
	KUNIT_EXPECT_EQ(test, unit_offset(reg_copy(b, db, 0), 0), off_a);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, memcmp(reg_copy(b, db, cpu), b, 64), 0);
	unreg(test, b);
	/* And a again, after b left. */
	KUNIT_ASSERT_EQ(test, reg(test, a, a + 64, &da), 0);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, memcmp(reg_copy(a, da, cpu), a, 64), 0);
	unreg(test, a);
}

static void xpcpu_test_reserved_register_empty_noop(struct kunit *test)
{
	char *start = make_template(test, 4, 4, 7);
	unsigned long delta = 0x1234;
	u64 used = reserved_used();

	KUNIT_EXPECT_EQ(test, reg(test, start, start, &delta), 0);
	KUNIT_EXPECT_EQ(test, delta, 0x1234UL);
	KUNIT_EXPECT_EQ(test, reserved_used(), used);
}

/* ---- suite ---------------------------------------------------------- */

static int xpcpu_first_chunk_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct fc_priv), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void xpcpu_first_chunk_test_exit(struct kunit *test)
{
	struct fc_priv *priv = test->priv;
	unsigned long flags;
	int i, errs;

	for (i = 0; i < priv->nr; i++)
		if (priv->start[i])
			__xpcpu_module_exit(NULL, priv->start[i]);
	raw_spin_lock_irqsave(&xpcpu_pool.lock, flags);
	errs = check_chunk(test, xpcpu_pool.reserved);
	raw_spin_unlock_irqrestore(&xpcpu_pool.lock, flags);
	KUNIT_EXPECT_EQ(test, errs, 0);
}

static struct kunit_case xpcpu_first_chunk_test_cases[] = {
	KUNIT_CASE(xpcpu_test_alloc_info_unit_per_possible_cpu),
	KUNIT_CASE(xpcpu_test_alloc_info_units_unique),
	KUNIT_CASE(xpcpu_test_alloc_info_groups_match_nodes),
	KUNIT_CASE(xpcpu_test_alloc_info_groups_contiguous),
	KUNIT_CASE(xpcpu_test_alloc_info_sizes_add_up),
	KUNIT_CASE(xpcpu_test_unit_off_matches_unit),
	KUNIT_CASE(xpcpu_test_first_chunk_layout),
	KUNIT_CASE(xpcpu_test_static_var_initial_every_cpu),
	KUNIT_CASE(xpcpu_test_static_var_in_static_area),
	KUNIT_CASE(xpcpu_test_static_var_alignment_kept),
	KUNIT_CASE(xpcpu_test_static_var_copies_independent),
	KUNIT_CASE(xpcpu_test_static_var_get_put_preempt),
	KUNIT_CASE(xpcpu_test_reserved_register_copies_template),
	KUNIT_CASE(xpcpu_test_reserved_register_keeps_alignment),
	KUNIT_CASE(xpcpu_test_reserved_register_exhausted),
	KUNIT_CASE(xpcpu_test_reserved_register_duplicate_busy),
	KUNIT_CASE(xpcpu_test_reserved_release_and_reuse),
	KUNIT_CASE(xpcpu_test_reserved_register_empty_noop),
	{}
};

static struct kunit_suite xpcpu_first_chunk_test_suite = {
	.name = "xpcpu_first_chunk",
	.init = xpcpu_first_chunk_test_init,
	.exit = xpcpu_first_chunk_test_exit,
	.test_cases = xpcpu_first_chunk_test_cases,
};

kunit_test_suite(xpcpu_first_chunk_test_suite);
