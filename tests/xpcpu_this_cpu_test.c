// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xpcpu_this_cpu": the this_cpu family of include/xpcpu.h.
 * Every operation on every width (u8 to s64), in five forms: the three
 * public ones (xpcpu_this_cpu_*, __xpcpu_this_cpu_*, xpcpu_raw_cpu_*),
 * which take the kernel's own operations with genuine pointers (one NUMA
 * node) and the offset-mode helpers with offset pointers (two nodes), and
 * the offset-mode helpers called directly (__xpcpu_off_this_cpu_*,
 * __xpcpu_off_raw_cpu_*), so that each run checks both implementations.
 * Each check runs on one CPU (migration disabled, preemption on) and must
 * leave every other CPU's copy alone.  The checks of the kernel's
 * lib/percpu_test.c are ported with their values and expectations, and a
 * __xpcpu_this_cpu_*() call from preemptible code must warn under
 * CONFIG_DEBUG_PREEMPT.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "xpcpu_test_util.h"

/* One object of each width; every check works on one of them. */
struct widths {
	u8 v_u8;			/* 1 byte, unsigned */
	s8 v_s8;			/* 1 byte, signed */
	u16 v_u16;			/* 2 bytes */
	s16 v_s16;
	u32 v_u32;			/* 4 bytes */
	s32 v_s32;
	u64 v_u64;			/* 8 bytes */
	s64 v_s64;
};

/* The byte every CPU's copy starts as; other CPUs' copies must keep it. */
#define SENTINEL	0xa5

struct check {
	const char *form;		/* the operations' prefix */
	const char *type;		/* the width */
	void (*fn)(struct kunit *test, struct widths __xpcpu *w);
};

/* Run @n checks, each on a fresh object, and check the other CPUs' copies. */
static void run_checks(struct kunit *test, const struct check *c, size_t n)
{
	struct widths __xpcpu *w = xpcpu_alloc(struct widths);
	unsigned int cpu, other;
	size_t i;

	KUNIT_ASSERT_TRUE(test, w);
	kunit_info(test, "%s pointers", xpcpu_genuine_pointers() ?
		   "genuine" : "offset");
	for (i = 0; i < n; i++) {
		for_each_possible_cpu(cpu)
			memset(xpcpu_ptr(w, cpu), SENTINEL, sizeof(*w));
		migrate_disable();
		cpu = smp_processor_id();
		c[i].fn(test, w);
		migrate_enable();
		for_each_possible_cpu(other) {
			if (other == cpu)
				continue;
			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(xpcpu_ptr(w, other),
							       SENTINEL,
							       sizeof(*w)),
					      "%s on %s changed cpu %u's copy",
					      c[i].form, c[i].type, other);
		}
	}
	xpcpu_free(w);
}

/*
 * The extremes of @T, as type_min() / type_max() but without casts that
 * truncate a constant (sparse warns about those, on unsigned types).
 */
#define TMIN(T)	((T)(-(long long)is_signed_type(T) << (8 * sizeof(T) - 1)))
#define TMAX(T)	((T)~TMIN(T))

/*
 * Negative values given to sub(), read at run time: -(u8)(-8) as a
 * constant makes gcc warn (-Woverflow), as with the kernel's own macros.
 */
static int minus_1 = -1, minus_8 = -8;

/*
 * Expectations on an operation's result go through a local, so that KUnit
 * stringifies the call as written, not its expansion (sparse limits that).
 */
#define EQ(a, b)							\
do {									\
	typeof(a) __eq_a = (a);						\
									\
	KUNIT_EXPECT_EQ_MSG(test, __eq_a, b, "%s: %s", what, #a);	\
} while (0)

#define OK(cond)							\
do {									\
	bool __ok = (cond);						\
									\
	KUNIT_EXPECT_TRUE_MSG(test, __ok, "%s", #cond);			\
} while (0)

/* read and write: the extremes, and -1. */
#define BODY_rw(F, T, p)						\
do {									\
	F##write(p, (T)0x5a);						\
	EQ(F##read(p), (T)0x5a);					\
	F##write(p, TMAX(T));						\
	EQ(F##read(p), TMAX(T));					\
	F##write(p, TMIN(T));						\
	EQ(F##read(p), TMIN(T));					\
	F##write(p, (T)-1);						\
	EQ(F##read(p), (T)-1);						\
} while (0)

/* add and sub: negative values, below zero, and around the top. */
#define BODY_addsub(F, T, p)						\
do {									\
	F##write(p, (T)10);						\
	F##add(p, -3);							\
	EQ(F##read(p), (T)7);						\
	F##add(p, 5);							\
	EQ(F##read(p), (T)12);						\
	F##sub(p, 20);							\
	EQ(F##read(p), (T)-8);						\
	F##sub(p, READ_ONCE(minus_8));					\
	EQ(F##read(p), (T)0);						\
	F##write(p, TMAX(T));						\
	F##add(p, 1);							\
	EQ(F##read(p), TMIN(T));					\
	F##sub(p, 1);							\
	EQ(F##read(p), TMAX(T));					\
} while (0)

/* inc and dec: through zero and around the top. */
#define BODY_incdec(F, T, p)						\
do {									\
	F##write(p, (T)-1);						\
	F##inc(p);							\
	EQ(F##read(p), (T)0);						\
	F##dec(p);							\
	EQ(F##read(p), (T)-1);						\
	F##dec(p);							\
	EQ(F##read(p), (T)-2);						\
	F##write(p, TMAX(T));						\
	F##inc(p);							\
	EQ(F##read(p), TMIN(T));					\
	F##dec(p);							\
	EQ(F##read(p), TMAX(T));					\
} while (0)

/* and, then or: masks, the sign bit included. */
#define BODY_andor(F, T, p)						\
do {									\
	F##write(p, (T)0xf0);						\
	F##and(p, (T)0x3c);						\
	EQ(F##read(p), (T)0x30);					\
	F##or(p, (T)0x0f);						\
	EQ(F##read(p), (T)0x3f);					\
	F##write(p, (T)-1);						\
	F##and(p, TMAX(T));						\
	EQ(F##read(p), TMAX(T));					\
	F##or(p, TMIN(T));						\
	EQ(F##read(p), (T)(TMAX(T) | TMIN(T)));				\
} while (0)

/* add_return: the new value, below zero and around the top. */
#define BODY_add_return(F, T, p)					\
do {									\
	F##write(p, (T)40);						\
	EQ(F##add_return(p, 2), (T)42);					\
	EQ(F##read(p), (T)42);						\
	EQ(F##add_return(p, -50), (T)-8);				\
	EQ(F##read(p), (T)-8);						\
	F##write(p, TMAX(T));						\
	EQ(F##add_return(p, 1), TMIN(T));				\
	EQ(F##read(p), TMIN(T));					\
} while (0)

/* sub_return, inc_return, dec_return: the new value, through zero. */
#define BODY_sub_return(F, T, p)					\
do {									\
	F##write(p, (T)3);						\
	EQ(F##sub_return(p, 1), (T)2);					\
	EQ(F##sub_return(p, 5), (T)-3);					\
	EQ(F##inc_return(p), (T)-2);					\
	EQ(F##dec_return(p), (T)-3);					\
	EQ(F##read(p), (T)-3);						\
	F##write(p, (T)-1);						\
	EQ(F##inc_return(p), (T)0);					\
	F##write(p, TMIN(T));						\
	EQ(F##dec_return(p), TMAX(T));					\
	EQ(F##inc_return(p), TMIN(T));					\
	EQ(F##sub_return(p, READ_ONCE(minus_1)), (T)(TMIN(T) + 1));	\
} while (0)

/* xchg: the old value back, the new one stored. */
#define BODY_xchg(F, T, p)						\
do {									\
	F##write(p, (T)5);						\
	EQ(F##xchg(p, (T)-7), (T)5);					\
	EQ(F##read(p), (T)-7);						\
	EQ(F##xchg(p, TMAX(T)), (T)-7);					\
	EQ(F##read(p), TMAX(T));					\
} while (0)

/* cmpxchg: a wrong @oval changes nothing, the right one stores. */
#define BODY_cmpxchg(F, T, p)						\
do {									\
	F##write(p, (T)11);						\
	EQ(F##cmpxchg(p, (T)12, (T)13), (T)11);				\
	EQ(F##read(p), (T)11);						\
	EQ(F##cmpxchg(p, (T)11, (T)-13), (T)11);			\
	EQ(F##read(p), (T)-13);						\
	EQ(F##cmpxchg(p, (T)13, (T)14), (T)-13);			\
	EQ(F##read(p), (T)-13);						\
	EQ(F##cmpxchg(p, (T)-13, TMIN(T)), (T)-13);			\
	EQ(F##read(p), TMIN(T));					\
} while (0)

/* try_cmpxchg: false and *ovalp updated on failure, true on success. */
#define BODY_try_cmpxchg(F, T, p)					\
do {									\
	T old = 22;							\
									\
	F##write(p, (T)21);						\
	EQ(F##try_cmpxchg(p, &old, (T)23), false);			\
	EQ(old, (T)21);							\
	EQ(F##read(p), (T)21);						\
	EQ(F##try_cmpxchg(p, &old, (T)-23), true);			\
	EQ(old, (T)21);							\
	EQ(F##read(p), (T)-23);						\
	old = TMAX(T);							\
	EQ(F##try_cmpxchg(p, &old, (T)0), false);			\
	EQ(old, (T)-23);						\
	EQ(F##read(p), (T)-23);						\
} while (0)

/* cmpxchg64 and try_cmpxchg64: values that need all 64 bits. */
#define BODY_cmpxchg64(F, T, p)						\
do {									\
	T big = (T)0x100000001ULL, old = 1;				\
									\
	F##write(p, big);						\
	EQ(F##cmpxchg64(p, (T)1, (T)2), big);				\
	EQ(F##read(p), big);						\
	EQ(F##cmpxchg64(p, big, (T)-0x100000002LL), big);		\
	EQ(F##read(p), (T)-0x100000002LL);				\
	EQ(F##try_cmpxchg64(p, &old, big), false);			\
	EQ(old, (T)-0x100000002LL);					\
	EQ(F##try_cmpxchg64(p, &old, big), true);			\
	EQ(F##read(p), big);						\
} while (0)

/* One noinline function per form and width keeps the stack frames small. */
#define DEFINE_CHECK(op, F, T)						\
static noinline void check_##op##_##F##T(struct kunit *test,		\
					 struct widths __xpcpu *w)	\
{									\
	const char *what = #F "*() on " #T;				\
	T __xpcpu *p = &w->v_##T;					\
									\
	BODY_##op(F, T, p);						\
}

#define CHECK_ENTRY(op, F, T)	{ #F, #T, check_##op##_##F##T },

#define FOR_EACH_WIDTH(M, op, F)					\
	M(op, F, u8) M(op, F, s8) M(op, F, u16) M(op, F, s16)		\
	M(op, F, u32) M(op, F, s32) M(op, F, u64) M(op, F, s64)

#define FOR_EACH_WIDTH64(M, op, F)	M(op, F, u64) M(op, F, s64)

/* The public forms, then the offset-mode helpers called directly. */
#define FOR_EACH_FORM(W, M, op)						\
	W(M, op, xpcpu_this_cpu_)					\
	W(M, op, __xpcpu_this_cpu_)					\
	W(M, op, xpcpu_raw_cpu_)					\
	W(M, op, __xpcpu_off_this_cpu_)					\
	W(M, op, __xpcpu_off_raw_cpu_)

#define DEFINE_CHECKS(W, op)						\
	FOR_EACH_FORM(W, DEFINE_CHECK, op)				\
	static const struct check op##_checks[] = {			\
		FOR_EACH_FORM(W, CHECK_ENTRY, op)			\
	}

DEFINE_CHECKS(FOR_EACH_WIDTH, rw);
DEFINE_CHECKS(FOR_EACH_WIDTH, addsub);
DEFINE_CHECKS(FOR_EACH_WIDTH, incdec);
DEFINE_CHECKS(FOR_EACH_WIDTH, andor);
DEFINE_CHECKS(FOR_EACH_WIDTH, add_return);
DEFINE_CHECKS(FOR_EACH_WIDTH, sub_return);
DEFINE_CHECKS(FOR_EACH_WIDTH, xchg);
DEFINE_CHECKS(FOR_EACH_WIDTH, cmpxchg);
DEFINE_CHECKS(FOR_EACH_WIDTH, try_cmpxchg);
DEFINE_CHECKS(FOR_EACH_WIDTH64, cmpxchg64);

#define RUN(op)		run_checks(test, op##_checks, ARRAY_SIZE(op##_checks))

static void xpcpu_test_read_write_every_width(struct kunit *test)
{
	RUN(rw);
}

static void xpcpu_test_add_sub_negative_and_wrap(struct kunit *test)
{
	RUN(addsub);
}

static void xpcpu_test_inc_dec_wrap(struct kunit *test)
{
	RUN(incdec);
}

static void xpcpu_test_and_or_every_width(struct kunit *test)
{
	RUN(andor);
}

static void xpcpu_test_add_return_returns_new(struct kunit *test)
{
	RUN(add_return);
}

static void xpcpu_test_sub_inc_dec_return_return_new(struct kunit *test)
{
	RUN(sub_return);
}

static void xpcpu_test_xchg_returns_old(struct kunit *test)
{
	RUN(xchg);
}

static void xpcpu_test_cmpxchg_fails_then_succeeds(struct kunit *test)
{
	RUN(cmpxchg);
}

static void xpcpu_test_try_cmpxchg_updates_old_on_failure(struct kunit *test)
{
	RUN(try_cmpxchg);
}

static void xpcpu_test_cmpxchg64_full_width(struct kunit *test)
{
	RUN(cmpxchg64);
}

/* Pointer values through xchg and cmpxchg, as callers of the kernel's do. */
static void xpcpu_test_xchg_pointer_values(struct kunit *test)
{
	void * __xpcpu *p = xpcpu_alloc(void *);
	void *v;
	int a, b;

	KUNIT_ASSERT_TRUE(test, p);
	migrate_disable();
	v = xpcpu_this_cpu_xchg(p, &a);
	KUNIT_EXPECT_NULL(test, v);
	v = xpcpu_this_cpu_cmpxchg(p, &b, NULL);
	KUNIT_EXPECT_PTR_EQ(test, v, (void *)&a);
	v = xpcpu_this_cpu_cmpxchg(p, &a, &b);
	KUNIT_EXPECT_PTR_EQ(test, v, (void *)&a);
	v = __xpcpu_off_this_cpu_xchg(p, NULL);
	KUNIT_EXPECT_PTR_EQ(test, v, (void *)&b);
	v = xpcpu_this_cpu_read(p);
	KUNIT_EXPECT_NULL(test, v);
	migrate_enable();
	xpcpu_free(p);
}

/* Each form's counter, for the run from every CPU's interrupt context. */
#define NR_FORMS	5

struct on_cpu {
	u64 __xpcpu *p;			/* NR_FORMS counters */
	bool ok[NR_CPUS][NR_FORMS];	/* every return value as expected */
};

/* From an IPI: a value of this CPU's own, then each returning operation. */
#define IRQ_OPS(F, i)							\
do {									\
	u64 __xpcpu *c = oc->p + (i);					\
	u64 base = 100 * cpu, old = 7;					\
	bool ok = true;							\
									\
	F##write(c, base);						\
	ok &= F##add_return(c, 5) == base + 5;				\
	ok &= F##xchg(c, 7) == base + 5;				\
	ok &= F##try_cmpxchg(c, &old, base + 1000);			\
	ok &= F##cmpxchg(c, 1, 2) == base + 1000;			\
	F##inc(c);							\
	ok &= F##read(c) == base + 1001;				\
	oc->ok[cpu][i] = ok;						\
} while (0)

static void irq_ops_fn(void *info)
{
	struct on_cpu *oc = info;
	unsigned int cpu = smp_processor_id();

	IRQ_OPS(xpcpu_this_cpu_, 0);
	IRQ_OPS(__xpcpu_this_cpu_, 1);
	IRQ_OPS(xpcpu_raw_cpu_, 2);
	IRQ_OPS(__xpcpu_off_this_cpu_, 3);
	IRQ_OPS(__xpcpu_off_raw_cpu_, 4);
}

/* Every form, in hard interrupt context, on every CPU's own copy. */
static void xpcpu_test_ops_irq_context_every_cpu(struct kunit *test)
{
	struct on_cpu *oc = kunit_kzalloc(test, sizeof(*oc), GFP_KERNEL);
	unsigned int cpu;
	int i;

	KUNIT_ASSERT_TRUE(test, oc);
	oc->p = __xpcpu_alloc(NR_FORMS * sizeof(u64), sizeof(u64));
	KUNIT_ASSERT_TRUE(test, oc->p);
	cpus_read_lock();
	for_each_online_cpu(cpu)
		KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, irq_ops_fn,
							       oc, 1), 0);
	for_each_online_cpu(cpu) {
		for (i = 0; i < NR_FORMS; i++) {
			KUNIT_EXPECT_TRUE_MSG(test, oc->ok[cpu][i],
					      "cpu %u form %d", cpu, i);
			KUNIT_EXPECT_EQ_MSG(test, xpcpu_ptr(oc->p, cpu)[i],
					    100ULL * cpu + 1001,
					    "cpu %u form %d", cpu, i);
		}
	}
	cpus_read_unlock();
	xpcpu_free(oc->p);
}

#ifdef xpcpu_this_cpu_cmpxchg128
/* 16 bytes: both halves compared, both stored. */
static void xpcpu_test_cmpxchg128_both_halves(struct kunit *test)
{
	u128 __xpcpu *p = xpcpu_alloc(u128);
	u128 lo = 7, hi = (u128)7 << 64, both = lo | hi, old = lo;
	u128 *copy;

	KUNIT_ASSERT_TRUE(test, p);
	migrate_disable();
	copy = xpcpu_ptr(p, smp_processor_id());
	*copy = both;
	OK(xpcpu_this_cpu_cmpxchg128(p, lo, 1) == both);
	OK(xpcpu_this_cpu_cmpxchg128(p, hi, 1) == both);
	KUNIT_EXPECT_TRUE(test, *copy == both);
	OK(xpcpu_this_cpu_cmpxchg128(p, both, hi) == both);
	KUNIT_EXPECT_TRUE(test, *copy == hi);
	OK(!xpcpu_this_cpu_try_cmpxchg128(p, &old, both));
	KUNIT_EXPECT_TRUE(test, old == hi);
	OK(xpcpu_this_cpu_try_cmpxchg128(p, &old, lo));
	KUNIT_EXPECT_TRUE(test, *copy == lo);
	OK(xpcpu_raw_cpu_cmpxchg128(p, lo, both) == lo);
	OK(__xpcpu_this_cpu_cmpxchg128(p, hi, lo) == both);
	old = both;
	OK(xpcpu_raw_cpu_try_cmpxchg128(p, &old, hi));
	old = lo;
	OK(!__xpcpu_this_cpu_try_cmpxchg128(p, &old, lo));
	KUNIT_EXPECT_TRUE(test, old == hi);
	KUNIT_EXPECT_TRUE(test, *copy == hi);
	migrate_enable();
	xpcpu_free(p);
}
#endif

#ifdef xpcpu_this_cpu_cmpxchg_double
struct long_pair {
	unsigned long a;		/* first, aligned to 16 */
	unsigned long b;		/* right after it */
} __aligned(2 * sizeof(long));

/* Two longs: both compared, both stored, neither on a mismatch. */
static void xpcpu_test_cmpxchg_double_both_halves(struct kunit *test)
{
	struct long_pair __xpcpu *p = xpcpu_alloc(struct long_pair);
	struct long_pair *copy;

	KUNIT_ASSERT_TRUE(test, p);
	migrate_disable();
	copy = xpcpu_ptr(p, smp_processor_id());
	copy->a = 1;
	copy->b = 2;
	OK(!xpcpu_this_cpu_cmpxchg_double(&p->a, &p->b, 1, 3, 5, 6));
	OK(!xpcpu_this_cpu_cmpxchg_double(&p->a, &p->b, 3, 2, 5, 6));
	KUNIT_EXPECT_EQ(test, copy->a, 1UL);
	KUNIT_EXPECT_EQ(test, copy->b, 2UL);
	OK(xpcpu_this_cpu_cmpxchg_double(&p->a, &p->b, 1, 2, 5, 6));
	KUNIT_EXPECT_EQ(test, copy->a, 5UL);
	KUNIT_EXPECT_EQ(test, copy->b, 6UL);
	OK(xpcpu_raw_cpu_cmpxchg_double(&p->a, &p->b, 5, 6, -1UL, 0));
	OK(!__xpcpu_this_cpu_cmpxchg_double(&p->a, &p->b, 5, 6, 7, 8));
	KUNIT_EXPECT_EQ(test, copy->a, -1UL);
	KUNIT_EXPECT_EQ(test, copy->b, 0UL);
	migrate_enable();
	xpcpu_free(p);
}
#endif

/*
 * lib/percpu_test.c on xpcpu memory: its values and its expectations (that
 * the plain C computation and this CPU's copy both equal the expected
 * value), recorded with preemption off as there and checked after.
 */
struct port_counters {
	long long_counter;		/* percpu_test's long_counter */
	unsigned long ulong_counter;	/* and ulong_counter */
};

struct port_result {
	int line;			/* of the CHECK() */
	long native;			/* plain C */
	long pcp;			/* this CPU's copy */
	long long expected;		/* what percpu_test expects */
};

#define PORT_MAX	32

#define CHECK(F, nat, var, exp)						\
do {									\
	if (!WARN_ON_ONCE(n >= PORT_MAX))				\
		r[n++] = (struct port_result){				\
			.line = __LINE__,				\
			.native = (nat),				\
			.pcp = F##read(&c->var),			\
			.expected = (exp),				\
		};							\
} while (0)

/*
 * __this: the __this_cpu_* form, this: the this_cpu_* one; the public API
 * or the offset-mode helpers.  Returns the number of results in @r.
 */
#define DEFINE_PORT(name, __this, this)					\
static noinline int name(struct port_counters __xpcpu *c,		\
			 struct port_result *r)				\
{									\
	/* percpu_test's: keeps gcc from turning +-ui_one into inc/dec. */ \
	volatile unsigned int ui_one = 1;				\
	long l = 0;							\
	unsigned long ul = 0;						\
	int n = 0;							\
									\
	preempt_disable();						\
									\
	l += -1;							\
	__this##add(&c->long_counter, -1);				\
	CHECK(__this, l, long_counter, -1);				\
									\
	l += 1;								\
	__this##add(&c->long_counter, 1);				\
	CHECK(__this, l, long_counter, 0);				\
									\
	ul = 0;								\
	__this##write(&c->ulong_counter, 0);				\
									\
	ul += 1UL;							\
	__this##add(&c->ulong_counter, 1UL);				\
	CHECK(__this, ul, ulong_counter, 1);				\
									\
	ul += -1UL;							\
	__this##add(&c->ulong_counter, -1UL);				\
	CHECK(__this, ul, ulong_counter, 0);				\
									\
	ul += -(unsigned long)1;					\
	__this##add(&c->ulong_counter, -(unsigned long)1);		\
	CHECK(__this, ul, ulong_counter, -1);				\
									\
	ul = 0;								\
	__this##write(&c->ulong_counter, 0);				\
									\
	ul -= 1;							\
	__this##dec(&c->ulong_counter);					\
	CHECK(__this, ul, ulong_counter, -1);				\
	CHECK(__this, ul, ulong_counter, ULONG_MAX);			\
									\
	l += -ui_one;							\
	__this##add(&c->long_counter, -ui_one);				\
	CHECK(__this, l, long_counter, 0xffffffff);			\
									\
	l += ui_one;							\
	__this##add(&c->long_counter, ui_one);				\
	CHECK(__this, l, long_counter, (long)0x100000000LL);		\
									\
	l = 0;								\
	__this##write(&c->long_counter, 0);				\
									\
	l -= ui_one;							\
	__this##sub(&c->long_counter, ui_one);				\
	CHECK(__this, l, long_counter, -1);				\
									\
	l = 0;								\
	__this##write(&c->long_counter, 0);				\
									\
	l += ui_one;							\
	__this##add(&c->long_counter, ui_one);				\
	CHECK(__this, l, long_counter, 1);				\
									\
	l += -ui_one;							\
	__this##add(&c->long_counter, -ui_one);				\
	CHECK(__this, l, long_counter, (long)0x100000000LL);		\
									\
	l = 0;								\
	__this##write(&c->long_counter, 0);				\
									\
	l -= ui_one;							\
	this##sub(&c->long_counter, ui_one);				\
	CHECK(__this, l, long_counter, -1);				\
	CHECK(__this, l, long_counter, ULONG_MAX);			\
									\
	ul = 0;								\
	__this##write(&c->ulong_counter, 0);				\
									\
	ul += ui_one;							\
	__this##add(&c->ulong_counter, ui_one);				\
	CHECK(__this, ul, ulong_counter, 1);				\
									\
	ul = 0;								\
	__this##write(&c->ulong_counter, 0);				\
									\
	ul -= ui_one;							\
	__this##sub(&c->ulong_counter, ui_one);				\
	CHECK(__this, ul, ulong_counter, -1);				\
	CHECK(__this, ul, ulong_counter, ULONG_MAX);			\
									\
	ul = 3;								\
	__this##write(&c->ulong_counter, 3);				\
									\
	ul = this##sub_return(&c->ulong_counter, ui_one);		\
	CHECK(__this, ul, ulong_counter, 2);				\
									\
	ul = __this##sub_return(&c->ulong_counter, ui_one);		\
	CHECK(__this, ul, ulong_counter, 1);				\
									\
	preempt_enable();						\
	return n;							\
}

DEFINE_PORT(port_public, __xpcpu_this_cpu_, xpcpu_this_cpu_)
DEFINE_PORT(port_offset, __xpcpu_off_raw_cpu_, __xpcpu_off_this_cpu_)

static void check_port(struct kunit *test, const char *what,
		       int (*port)(struct port_counters __xpcpu *c,
				   struct port_result *r))
{
	struct port_counters __xpcpu *c = xpcpu_alloc(struct port_counters);
	struct port_result *r;
	int i, n;

	KUNIT_ASSERT_TRUE(test, c);
	r = kunit_kcalloc(test, PORT_MAX, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	n = port(c, r);
	KUNIT_EXPECT_EQ(test, n, 19);
	for (i = 0; i < n; i++) {
		/* percpu_test compares with != after the usual conversions. */
		KUNIT_EXPECT_TRUE_MSG(test, r[i].native == r[i].expected,
				      "%s line %d: raw %ld (0x%lx) != expected %lld (0x%llx)",
				      what, r[i].line, r[i].native, r[i].native,
				      r[i].expected, r[i].expected);
		KUNIT_EXPECT_TRUE_MSG(test, r[i].pcp == r[i].expected,
				      "%s line %d: pcp %ld (0x%lx) != expected %lld (0x%llx)",
				      what, r[i].line, r[i].pcp, r[i].pcp,
				      r[i].expected, r[i].expected);
	}
	xpcpu_free(c);
}

static void xpcpu_test_percpu_test_kernel_values(struct kunit *test)
{
	check_port(test, "public", port_public);
	check_port(test, "offset", port_offset);
}

/* __xpcpu_this_cpu_*() from preemptible code warns, as __this_cpu_*(). */
static void xpcpu_test_unlocked_op_preemptible_warns(struct kunit *test)
{
	u32 __xpcpu *p;
	bool tainted = test_taint(TAINT_WARN);
	unsigned int cpu;
	u32 sum = 0;

	if (!IS_ENABLED(CONFIG_DEBUG_PREEMPT))
		kunit_skip(test, "needs CONFIG_DEBUG_PREEMPT");
	p = xpcpu_alloc(u32);
	KUNIT_ASSERT_TRUE(test, p);
	KUNIT_ASSERT_TRUE(test, preemptible());
	pr_info("xpcpu-test: expect-splat-begin 1\n");
	__xpcpu_this_cpu_inc(p);
	pr_info("xpcpu-test: expect-splat-end\n");
	if (!tainted)
		KUNIT_EXPECT_TRUE(test, test_taint(TAINT_WARN));
	/* The increment itself still happened, on some CPU. */
	for_each_possible_cpu(cpu)
		sum += *xpcpu_ptr(p, cpu);
	KUNIT_EXPECT_EQ(test, sum, 1U);
	xpcpu_free(p);
}

/* With migration disabled (not preemption) nothing warns. */
static void xpcpu_test_unlocked_op_migrate_disabled_quiet(struct kunit *test)
{
	u32 __xpcpu *p = xpcpu_alloc(u32);

	KUNIT_ASSERT_TRUE(test, p);
	migrate_disable();
	__xpcpu_this_cpu_add(p, 2);
	KUNIT_EXPECT_EQ(test, *xpcpu_this_ptr(p), 2U);
	migrate_enable();
	xpcpu_free(p);
}

static int xpcpu_this_cpu_test_suite_init(struct kunit_suite *suite)
{
	xpcpu_test_log_seed(suite);
	return 0;
}

static struct kunit_case xpcpu_this_cpu_test_cases[] = {
	KUNIT_CASE(xpcpu_test_read_write_every_width),
	KUNIT_CASE(xpcpu_test_add_sub_negative_and_wrap),
	KUNIT_CASE(xpcpu_test_inc_dec_wrap),
	KUNIT_CASE(xpcpu_test_and_or_every_width),
	KUNIT_CASE(xpcpu_test_add_return_returns_new),
	KUNIT_CASE(xpcpu_test_sub_inc_dec_return_return_new),
	KUNIT_CASE(xpcpu_test_xchg_returns_old),
	KUNIT_CASE(xpcpu_test_cmpxchg_fails_then_succeeds),
	KUNIT_CASE(xpcpu_test_try_cmpxchg_updates_old_on_failure),
	KUNIT_CASE(xpcpu_test_cmpxchg64_full_width),
	KUNIT_CASE(xpcpu_test_xchg_pointer_values),
	KUNIT_CASE(xpcpu_test_ops_irq_context_every_cpu),
#ifdef xpcpu_this_cpu_cmpxchg128
	KUNIT_CASE(xpcpu_test_cmpxchg128_both_halves),
#endif
#ifdef xpcpu_this_cpu_cmpxchg_double
	KUNIT_CASE(xpcpu_test_cmpxchg_double_both_halves),
#endif
	KUNIT_CASE(xpcpu_test_percpu_test_kernel_values),
	KUNIT_CASE(xpcpu_test_unlocked_op_preemptible_warns),
	KUNIT_CASE(xpcpu_test_unlocked_op_migrate_disabled_quiet),
	{}
};

static struct kunit_suite xpcpu_this_cpu_test_suite = {
	.name = "xpcpu_this_cpu",
	.suite_init = xpcpu_this_cpu_test_suite_init,
	.test_cases = xpcpu_this_cpu_test_cases,
};

kunit_test_suite(xpcpu_this_cpu_test_suite);
