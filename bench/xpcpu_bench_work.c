// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads of xpcpu_bench.ko and their table: batch (warm and cold),
 * steady, concurrent, access, churn (also held until rmmod, churn_hold)
 * and the atomic burst.  Each measure function runs one allocator once,
 * through one or more workers of the harness (xpcpu_bench_main.c), and
 * leaves its figures, x1000, in val[].
 */
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "xpcpu_bench.h"

/* ns * 1000 / n: a per-operation figure in thousandths of a ns. */
u64 xpcpu_bench_per_op(u64 ns, u64 n)
{
	return n ? div64_u64(ns * 1000, n) : 0;
}

#define xb_per_op xpcpu_bench_per_op

/* The sequence of random indices below @k that a run uses. */
static u32 *xb_make_seq(unsigned int n, unsigned int k, u64 s)
{
	struct rnd_state rs;
	unsigned int i;
	u32 *seq;

	seq = kvmalloc_array(n, sizeof(*seq), GFP_KERNEL);
	if (!seq)
		return NULL;
	prandom_seed_state(&rs, s);
	for (i = 0; i < n; i++)
		seq[i] = prandom_u32_state(&rs) % k;
	return seq;
}

/* ---- 1: batch ------------------------------------------------------- */

static unsigned int xb_batch_n(unsigned int size)
{
	u64 cap = div_u64((u64)xpcpu_bench_batch_max_kb << 10, size);

	return clamp_t(u64, cap, 1, max(xpcpu_bench_batch_n, 1U));
}

/*
 * xpcpu_bench_batch_pairs() - @n allocations of @size, a settle, then
 * their frees, timed apart: val[0] ns/alloc and val[1] ns/free, x1000.
 * With val[2] != 0 on entry, val[2] becomes the pages the allocator
 * populated from before the allocations to after the settle (its balance
 * work included), 0 if it populated none or released more.
 */
int xpcpu_bench_batch_pairs(int which, unsigned int size, unsigned int n,
			    u64 *val)
{
	long pages = val[2] ? xpcpu_bench_pages(which) : 0;
	unsigned int i, j;
	u64 t0, t1, t2, t3;
	void **ptrs;

	ptrs = kvcalloc(n, sizeof(*ptrs), GFP_KERNEL);
	if (!ptrs)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		ptrs[i] = xb_alloc(which, size, GFP_KERNEL);
		if (unlikely(!ptrs[i]))
			break;
		xb_resched(i);
	}
	t1 = ktime_get_ns();
	/* Background work the allocations queued belongs to them, not here. */
	msleep(xpcpu_bench_settle_ms);
	if (val[2])
		val[2] = 1000 * max(xpcpu_bench_pages(which) - pages, 0L);
	t2 = ktime_get_ns();
	for (j = 0; j < i; j++) {
		xb_free(which, ptrs[j]);
		xb_resched(j);
	}
	t3 = ktime_get_ns();
	kvfree(ptrs);

	val[0] = xb_per_op(t1 - t0, i);
	val[1] = xb_per_op(t3 - t2, i);
	return i == n ? 0 : -ENOMEM;
}

static int xb_batch_run(struct xb_worker *w)
{
	return xpcpu_bench_batch_pairs(w->which, w->size, w->n, w->val);
}

/*
 * Warm and cold rows alike (the table's cold flag trims xpcpu first); both
 * count the pages each allocator populated, so that a reader sees whether
 * a warm round was warm.
 */
static int xb_batch(int which, unsigned int size, unsigned int round,
		    unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_batch_run,
		.which = which,
		.size = size,
		.n = xb_batch_n(size),
		.val[2] = 1,	/* count the pages */
	};
	s64 ret = xpcpu_bench_run_one(&w);

	memcpy(val, w.val, sizeof(w.val));
	return ret < 0 ? ret : 0;
}

/* ---- 2: steady, 3: concurrent --------------------------------------- */

static void xb_steady_teardown(struct xb_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->k; i++) {
		if (w->ptrs && w->ptrs[i])
			xb_free(w->which, w->ptrs[i]);
		xb_resched(i);
	}
	kvfree(w->ptrs);
	kvfree(w->seq);
	w->ptrs = NULL;
	w->seq = NULL;
}

/* Fill the live set; the random index sequence was made by the caller. */
static int xb_steady_setup(struct xb_worker *w)
{
	unsigned int i;

	w->ptrs = kvcalloc(w->k, sizeof(*w->ptrs), GFP_KERNEL);
	if (!w->ptrs || !w->seq)
		return -ENOMEM;
	for (i = 0; i < w->k; i++) {
		w->ptrs[i] = xb_alloc(w->which, w->size, GFP_KERNEL);
		if (!w->ptrs[i])
			return -ENOMEM;
		xb_resched(i);
	}
	return 0;
}

/*
 * xpcpu_bench_steady_pairs() - @n alloc/free pairs of @size against the
 * live set @ptrs of @k areas, at the random indices @seq: val[0] is the
 * median of xpcpu_bench_slices slices' ns/pair, x1000, so that a host
 * preemption inside one slice does not move it.  With @zero_only, the
 * areas at @seq are only zeroed on every possible CPU (xb_zero()), not
 * freed and allocated: val[0] is then ns per area zeroed.
 */
int xpcpu_bench_steady_pairs(int which, void **ptrs, unsigned int k,
			     unsigned int size, const u32 *seq,
			     unsigned int n, bool zero_only, u64 *val)
{
	unsigned int nr_slices = clamp(xpcpu_bench_slices, 1U, XB_MAX_SLICES);
	u64 slice[XB_MAX_SLICES];
	unsigned int s, i = 0;

	nr_slices = min(nr_slices, max(n, 1U));
	for (s = 0; s < nr_slices; s++) {
		unsigned int end = (u64)n * (s + 1) / nr_slices, i0 = i;
		u64 t0 = ktime_get_ns();

		/* Zeroing does the whole slice; the pair loop then has none. */
		for (; zero_only && i < end; i++) {
			xb_zero(which, ptrs[seq[i] % k], size);
			xb_resched(i);
		}
		for (; i < end; i++) {
			void **slot = &ptrs[seq[i] % k];

			xb_free(which, *slot);
			*slot = xb_alloc(which, size, GFP_KERNEL);
			if (unlikely(!*slot))
				return -ENOMEM;
			xb_resched(i);
		}
		slice[s] = xb_per_op(ktime_get_ns() - t0, i - i0);
	}
	val[0] = xpcpu_bench_median(slice, nr_slices);
	return 0;
}

static int xb_steady_run(struct xb_worker *w)
{
	return xpcpu_bench_steady_pairs(w->which, w->ptrs, w->k, w->size,
					w->seq, w->n, false, w->val);
}

static void xb_steady_init(struct xb_worker *w, int which, unsigned int size,
			   unsigned int ops, u64 s)
{
	w->setup = xb_steady_setup;
	w->run = xb_steady_run;
	w->teardown = xb_steady_teardown;
	w->which = which;
	w->size = size;
	w->k = max(xpcpu_bench_steady_k, 1U);
	w->n = ops;
	w->seq = xb_make_seq(ops, w->k, s);
}

static int xb_steady(int which, unsigned int size, unsigned int round,
		     unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {};
	s64 ret;

	xb_steady_init(&w, which, size, xpcpu_bench_steady_ops,
		       xpcpu_bench_seed + round);
	ret = xpcpu_bench_run_one(&w);
	kvfree(w.seq);		/* left only if the worker never ran */
	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* CPU counts the concurrent workload runs on: 1, 2 and all, or conc_cpus. */
unsigned int xpcpu_bench_conc_runs[3];
unsigned int xpcpu_bench_nr_conc_runs;

/* Which CPU counts the concurrent workload runs on, from conc_cpus. */
void xpcpu_bench_conc_init(void)
{
	unsigned int all = num_online_cpus(), n;

	xpcpu_bench_nr_conc_runs = 0;
	if (xpcpu_bench_conc_cpus) {
		xpcpu_bench_conc_runs[xpcpu_bench_nr_conc_runs++] =
			min(xpcpu_bench_conc_cpus, all);
		return;
	}
	for (n = 1; n <= all; n = n == 2 ? all : n + 1) {
		xpcpu_bench_conc_runs[xpcpu_bench_nr_conc_runs++] = n;
		if (n == all)
			break;
	}
}

static int xb_concurrent(int which, unsigned int size, unsigned int round,
			 unsigned int nr_cpus, u64 *val)
{
	unsigned int cpu;
	struct xb_worker *ws;
	int nr = 0;
	s64 ns;

	ws = kcalloc(nr_cpus, sizeof(*ws), GFP_KERNEL);
	if (!ws)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (nr == nr_cpus)
			break;
		xb_steady_init(&ws[nr], which, size, xpcpu_bench_conc_ops,
			       xpcpu_bench_seed + round * 64 + cpu);
		ws[nr++].cpu = cpu;
	}
	ns = xpcpu_bench_run_workers(ws, nr);
	/* thousand operations per second, x1000 */
	if (ns > 0)
		val[0] = div64_u64((u64)nr * xpcpu_bench_conc_ops * 1000000000ULL, ns);
	while (nr--)
		kvfree(ws[nr].seq);	/* left only if a worker never ran */
	kfree(ws);
	if (ns <= 0)
		return ns < 0 ? ns : -EINVAL;
	return 0;
}

/* ---- 4: access ------------------------------------------------------ */

/* The operation that per-CPU counters use: xpcpu_this_cpu_inc(). */
static noinline void xb_inc_xpcpu(u64 __xpcpu *x, unsigned int m)
{
	unsigned int i;

	for (i = 0; i < m; i++)
		xpcpu_this_cpu_inc(x);
}

static noinline void xb_inc_kernel(u64 __percpu *k, unsigned int m)
{
	unsigned int i;

	for (i = 0; i < m; i++)
		this_cpu_inc(*k);
}

/* The accessors the API mirrors: get/++/put on both sides. */
static noinline void xb_get_put_xpcpu(u64 __xpcpu *x, unsigned int m)
{
	unsigned int i;

	for (i = 0; i < m; i++) {
		u64 *p = xpcpu_get_ptr(x);

		(*p)++;
		xpcpu_put_ptr(x);
	}
}

static noinline void xb_get_put_kernel(u64 __percpu *k, unsigned int m)
{
	unsigned int i;

	for (i = 0; i < m; i++) {
		u64 *p = get_cpu_ptr(k);

		(*p)++;
		put_cpu_ptr(k);
	}
}

static noinline u64 xb_sum_xpcpu(u64 __xpcpu *x, unsigned int reps)
{
	unsigned int r, cpu;
	u64 sum = 0;

	for (r = 0; r < reps; r++)
		for_each_possible_cpu(cpu)
			sum += READ_ONCE(*xpcpu_ptr(x, cpu));
	return sum;
}

static noinline u64 xb_sum_kernel(u64 __percpu *k, unsigned int reps)
{
	unsigned int r, cpu;
	u64 sum = 0;

	for (r = 0; r < reps; r++)
		for_each_possible_cpu(cpu)
			sum += READ_ONCE(*per_cpu_ptr(k, cpu));
	return sum;
}

static int xb_access_run(struct xb_worker *w)
{
	unsigned int m = w->n, reps = max(m / nr_cpu_ids, 1U);
	u64 t0, t1, t2, t3, sum;

	if (w->which != XB_KERNEL) {
		u64 __xpcpu *x = (u64 __xpcpu __force *)w->ptrs[0];

		t0 = ktime_get_ns();
		xb_inc_xpcpu(x, m);
		t1 = ktime_get_ns();
		xb_get_put_xpcpu(x, m);
		t2 = ktime_get_ns();
		sum = xb_sum_xpcpu(x, reps);
		t3 = ktime_get_ns();
	} else {
		u64 __percpu *k = (u64 __percpu __force *)w->ptrs[0];

		t0 = ktime_get_ns();
		xb_inc_kernel(k, m);
		t1 = ktime_get_ns();
		xb_get_put_kernel(k, m);
		t2 = ktime_get_ns();
		sum = xb_sum_kernel(k, reps);
		t3 = ktime_get_ns();
	}
	/* Every increment landed on this CPU's copy, the only non-zero one. */
	if (sum != (u64)reps * 2 * m)
		return -EIO;
	w->val[0] = xb_per_op(t1 - t0, m);
	w->val[1] = xb_per_op(t2 - t1, m);
	w->val[2] = xb_per_op(t3 - t2, reps);
	return 0;
}

static int xb_access(int which, unsigned int size, unsigned int round,
		     unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_access_run,
		.which = which,
		.n = max(xpcpu_bench_access_m, 1U),
	};
	void *obj;
	s64 ret;

	obj = xb_alloc(which, sizeof(u64), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	w.ptrs = &obj;
	ret = xpcpu_bench_run_one(&w);
	xb_free(which, obj);
	memcpy(val, w.val, sizeof(w.val));
	return ret < 0 ? ret : 0;
}

/* ---- 5: churn ------------------------------------------------------- */

/*
 * struct xb_churn - a live set of random sizes (4 to 1024 bytes, powers
 * of two, equally likely) held at a target number of live bytes per CPU
 */
struct xb_churn {
	int which;			/* enum xb_allocator */
	void **ptrs;			/* live objects */
	u16 *sizes;			/* their sizes */
	unsigned int nr;		/* how many */
	unsigned int cap;		/* room in ptrs and sizes */
	u64 live;			/* their bytes per CPU */
	u64 ns;				/* time of the random phase */
	unsigned int ops;		/* operations in it */
};

static int xb_churn_alloc_one(struct xb_churn *c, struct rnd_state *rs)
{
	unsigned int size = 4U << (prandom_u32_state(rs) % 9);
	void *p;

	if (c->nr == c->cap)
		return -ENOSPC;
	p = xb_alloc(c->which, size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	c->ptrs[c->nr] = p;
	c->sizes[c->nr++] = size;
	c->live += size;
	return 0;
}

static void xb_churn_free_one(struct xb_churn *c, unsigned int i)
{
	xb_free(c->which, c->ptrs[i]);
	c->live -= c->sizes[i];
	c->ptrs[i] = c->ptrs[--c->nr];
	c->sizes[i] = c->sizes[c->nr];
}

static void xb_churn_release(struct xb_churn *c)
{
	while (c->nr) {
		xb_churn_free_one(c, c->nr - 1);
		xb_resched(c->nr);
	}
	kvfree(c->ptrs);
	kvfree(c->sizes);
	c->ptrs = NULL;
	c->sizes = NULL;
}

/*
 * Fill to the target, then churn_ops random steps: below the target
 * allocate, at or above it free a random object.  Only the random phase
 * is timed.  On success the live set is kept; xb_churn_release() frees it.
 */
static int xb_churn_build(struct xb_churn *c, int which, u64 s)
{
	u64 target = (u64)xpcpu_bench_churn_kb << 10;
	struct rnd_state rs;
	unsigned int i;
	u64 t0;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->which = which;
	c->cap = div_u64(target, 4) + 1;
	c->ptrs = kvmalloc_array(c->cap, sizeof(*c->ptrs), GFP_KERNEL);
	c->sizes = kvmalloc_array(c->cap, sizeof(*c->sizes), GFP_KERNEL);
	if (!c->ptrs || !c->sizes) {
		err = -ENOMEM;
		goto err_release;
	}
	prandom_seed_state(&rs, s);
	while (!err && c->live < target) {
		err = xb_churn_alloc_one(c, &rs);
		xb_resched(c->nr);
	}
	t0 = ktime_get_ns();
	for (i = 0; !err && i < xpcpu_bench_churn_ops; i++) {
		if (c->live < target)
			err = xb_churn_alloc_one(c, &rs);
		else
			xb_churn_free_one(c, prandom_u32_state(&rs) % c->nr);
		xb_resched(i);
	}
	c->ns = ktime_get_ns() - t0;
	c->ops = i;
	if (err)
		goto err_release;
	return 0;

err_release:
	xb_churn_release(c);
	return err;
}

static int xb_churn_run(struct xb_worker *w)
{
	struct xb_churn c;
	int err;

	err = xb_churn_build(&c, w->which, xpcpu_bench_seed + w->n);
	if (err)
		return err;
	w->val[0] = xb_per_op(c.ns, c.ops);
	xb_churn_release(&c);
	return 0;
}

static int xb_churn(int which, unsigned int size, unsigned int round,
		    unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_churn_run,
		.which = which,
		.n = round,
	};
	s64 ret = xpcpu_bench_run_one(&w);

	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* churn_hold: the live set kept between init and exit. */
static struct xb_churn xb_held;

/* churn_hold: run churn on that allocator and keep its live set. */
int xpcpu_bench_hold_churn(void)
{
	int which = xpcpu_bench_churn_hold == 1 ? XB_XPCPU : XB_KERNEL;
	int err;

	if (xpcpu_bench_churn_hold > 2)
		return -EINVAL;
	err = xb_churn_build(&xb_held, which, xpcpu_bench_seed);
	if (err) {
		pr_err("churn-hold %s: %d\n", xpcpu_bench_alloc_name[which], err);
		return err;
	}
	pr_info("churn-hold alloc=%s live_bytes=%llu objects=%u cpus=%u ns_per_op=%llu\n",
		xpcpu_bench_alloc_name[which], xb_held.live, xb_held.nr,
		num_possible_cpus(),
		div_u64(xb_per_op(xb_held.ns, xb_held.ops), 1000));
	return 0;
}

/* Free what xpcpu_bench_hold_churn() kept, if anything. */
void xpcpu_bench_release_churn(void)
{
	if (xb_held.ptrs)
		xb_churn_release(&xb_held);
}

/* ---- 6: atomic burst ------------------------------------------------ */

static DEFINE_SPINLOCK(xb_burst_lock);

static int xb_burst_run(struct xb_worker *w)
{
	unsigned int i, ok = 0;

	spin_lock(&xb_burst_lock);
	for (i = 0; i < w->n; i++) {
		w->ptrs[i] = xb_alloc(w->which, w->size,
				      GFP_NOWAIT | __GFP_NOWARN);
		if (w->ptrs[i])
			ok++;
	}
	spin_unlock(&xb_burst_lock);
	for (i = 0; i < w->n; i++)
		if (w->ptrs[i])
			xb_free(w->which, w->ptrs[i]);
	/* per cent, x1000 */
	w->val[0] = div_u64((u64)ok * 100000, w->n);
	return 0;
}

static int xb_burst(int which, unsigned int size, unsigned int round,
		    unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_burst_run,
		.which = which,
		.size = size,
		.n = max(xpcpu_bench_burst_k, 1U),
	};
	s64 ret;

	w.ptrs = kvcalloc(w.n, sizeof(*w.ptrs), GFP_KERNEL);
	if (!w.ptrs)
		return -ENOMEM;
	ret = xpcpu_bench_run_one(&w);
	kvfree(w.ptrs);
	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* ---- the table of tests --------------------------------------------- */

#define XB_ALL		(BIT(XB_XPCPU) | BIT(XB_NOCACHE) | BIT(XB_KERNEL))
#define XB_TWO		(BIT(XB_XPCPU) | BIT(XB_KERNEL))
#define XB_FLOORED(a)	((a) | BIT(XB_FLOOR))

static const unsigned int xb_batch_sizes[] = {
	4, 8, 16, 32, 64, 256, 1024, 4096, 32768, 65536,
};

static const unsigned int xb_steady_sizes[] = { 8, 64, 256, 1024, 4096 };

const unsigned int xpcpu_bench_conc_sizes[XB_NR_CONC_SIZES] = { 8, 64 };

static const unsigned int xb_access_size[] = { sizeof(u64) };

static const unsigned int xb_mix_size[] = { XB_SIZE_MIX };

/* scale-live: live 8-byte areas held (capped by scale_max_live). */
static const unsigned int xb_live_steps[] = { 1000, 10000, 100000, 1000000 };

/* scale-frag: xpcpu chunks' worth of a fragmented live set. */
static const unsigned int xb_frag_chunks[] = { 10, 500 };

const struct xb_test xpcpu_bench_tests[] = {
	{ "batch", xb_batch, xb_batch_sizes, ARRAY_SIZE(xb_batch_sizes), NULL,
	  XB_FLOORED(XB_TWO), false, false,
	  { { "batch-alloc", "ns/alloc" }, { "batch-free", "ns/free" },
	    { "batch-pages", "pages", false, true } } },
	{ "steady", xb_steady, xb_steady_sizes, ARRAY_SIZE(xb_steady_sizes),
	  NULL, XB_FLOORED(XB_ALL), false, false, { { "steady", "ns/pair" } } },
	{ "concurrent", xb_concurrent, xpcpu_bench_conc_sizes,
	  ARRAY_SIZE(xpcpu_bench_conc_sizes), &xpcpu_bench_conc_size,
	  XB_FLOORED(XB_ALL),
	  false, true,
	  { { "concurrent", "kops/s", true } } },
	{ "access", xb_access, xb_access_size, 1, NULL, XB_TWO, false, false,
	  { { "access-inc", "ns/inc" }, { "access-get-put", "ns/inc" },
	    { "access-sum", "ns/sum" } } },
	{ "churn", xb_churn, xb_mix_size, 1, NULL, XB_ALL, false, false,
	  { { "churn-time", "ns/op" } } },
	{ "atomic", xb_burst, NULL, 1, &xpcpu_bench_burst_size, XB_TWO, false,
	  false,
	  { { "atomic-burst", "%ok", true } } },
	{ "batch-cold", xb_batch, xb_batch_sizes,
	  ARRAY_SIZE(xb_batch_sizes), NULL, XB_TWO, true, false,
	  { { "batch-alloc-cold", "ns/alloc" },
	    { "batch-free-cold", "ns/free" },
	    { "batch-pages-cold", "pages", false, true } } },
	{ "scale-live", xpcpu_bench_scale_live, xb_live_steps,
	  ARRAY_SIZE(xb_live_steps), NULL, XB_FLOORED(XB_ALL), false, false,
	  { { "scale-pair", "ns/pair" }, { "scale-alloc", "ns/alloc" },
	    { "scale-pages", "pages/MiB" }, { "scale-zero", "ns/area" } },
	  "live", xpcpu_bench_scale_finish },
	{ "scale-frag", xpcpu_bench_scale_frag, xb_frag_chunks,
	  ARRAY_SIZE(xb_frag_chunks), NULL, XB_TWO, false, false,
	  { { "frag-alloc", "ns/alloc" }, { "frag-free", "ns/free" } },
	  "chunks", xpcpu_bench_scale_finish },
};

const unsigned int xpcpu_bench_nr_tests = ARRAY_SIZE(xpcpu_bench_tests);
