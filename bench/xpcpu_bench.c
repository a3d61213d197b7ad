// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_bench - xpcpu against the kernel's own per-CPU allocator
 * (alloc_percpu()), after lib/test_vmalloc.c.
 *
 * Every workload runs on each allocator in the same boot, in rounds, and
 * the allocator that goes first rotates from round to round so that drift
 * (timings under QEMU's TCG swing by up to 2x) falls on all of them.  The
 * allocators: xpcpu with its per-CPU caches ("xpcpu"), xpcpu with them
 * off ("nocache", for the tests where caches matter) and alloc_percpu()
 * ("kernel").  A first round warms up and is not counted.  Each test
 * prints one summary line per figure with every allocator's median over
 * the rounds and the ratio of the medians, oriented so that a ratio above
 * 1.0 means xpcpu did better (kernel/xpcpu for times, xpcpu/kernel for
 * rates), and the spread of the rounds' own ratios:
 *
 *   summary test=steady size=64 unit=ns/pair cpus=1 xpcpu=812.0 nocache=2200.1 kernel=1650.3 ratio=2.03 ratio_min=1.81 ratio_max=2.40 ratio_nocache=0.75 rounds=11
 *
 * "-" stands for a figure an allocator cannot give (the kernel's 32 KiB
 * limit); a round in which a figure is 0 is left out of the ratios.
 * Batch tests run warm (xpcpu keeps the chunks of the previous round for
 * empty_decay_ms) and cold (xpcpu_trim() first: no cached areas, no
 * empty or spare chunk, as the kernel's balance work leaves its own).
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
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>

#include <xpcpu.h>

#define __param(type, name, init, msg)		\
	static type name = init;		\
	module_param(name, type, 0444);		\
	MODULE_PARM_DESC(name, msg)

__param(uint, run_test_mask, 0x7f,
	"Tests to run (default 0x7f, all):\n"
	"\t\t1: batch (N allocations then N frees, per size; warm)\n"
	"\t\t2: steady (alloc/free pairs against a live set, per size)\n"
	"\t\t4: concurrent (steady on 1, 2 and all online CPUs at once)\n"
	"\t\t8: access (increments and sums through the accessors)\n"
	"\t\t16: churn (random sizes at a live-byte target; time only)\n"
	"\t\t32: atomic (GFP_NOWAIT burst under a spinlock)\n"
	"\t\t64: batch-cold (batch after xpcpu_trim())");

__param(uint, nr_rounds, 11,
	"Counted rounds per test, each on every allocator, after one warm-up round; the median is reported (1-31, default 11)");

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

__param(uint, conc_ops, 20000,
	"Alloc/free pairs per CPU in the concurrent workload (default 20000)");

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

__param(uint, settle_ms, 100,
	"Sleep before each measurement so that both allocators' background work is done (default 100)");

__param(uint, seed, 1,
	"Seed of the random sequences; both allocators get the same ones (default 1)");

#define XB_MAX_ROUNDS	31
#define XB_MAX_METRICS	3
/* Size column of a workload that mixes sizes. */
#define XB_SIZE_MIX	0

enum xb_allocator {
	XB_XPCPU,			/* xpcpu, per-CPU caches on */
	XB_NOCACHE,			/* xpcpu, per-CPU caches off */
	XB_KERNEL,			/* alloc_percpu() */
	XB_NR,
};

static const char * const xb_alloc_name[XB_NR] = {
	"xpcpu", "nocache", "kernel",
};

/* The kernel's allocator refuses more than this (PCPU_MIN_UNIT_SIZE). */
#define XB_KERNEL_MAX_SIZE	(32 << 10)

/*
 * Both allocators behind one call.  The pointers are kept as plain
 * void * here; only xb_alloc() and xb_free() know their address spaces.
 */
static inline void *xb_alloc(int which, size_t size, gfp_t gfp)
{
	size_t align = min_t(size_t, size, sizeof(u64));

	if (which != XB_KERNEL)
		return (void __force *)__xpcpu_alloc_gfp(size, align, gfp);
	return (void __force *)__alloc_percpu_gfp(size, align, gfp);
}

static inline void xb_free(int which, void *ptr)
{
	if (which != XB_KERNEL)
		xpcpu_free((void __xpcpu __force *)ptr);
	else
		free_percpu((void __percpu __force *)ptr);
}

/*
 * Let others run every 256 steps of a long loop (cheap when none waits).
 * Not at step 0, so that work a previous phase left queued on this CPU
 * is not charged to the first operation of the next.
 */
static inline void xb_resched(unsigned int i)
{
	if ((i & 255) == 255)
		cond_resched();
}

/*
 * struct xb_worker - one kthread's share of a workload
 *
 * A workload fills in run (and the arguments it reads); setup and
 * teardown, when set, run before the start gate and after the work, out
 * of the timing.
 */
struct xb_gate;
struct xb_worker {
	struct task_struct *task;	/* the kthread */
	struct xb_gate *gate;		/* shared start/finish gate */
	int (*setup)(struct xb_worker *w);	/* untimed, before the gate */
	int (*run)(struct xb_worker *w);	/* the measured work */
	void (*teardown)(struct xb_worker *w);	/* untimed, after it */
	int which;			/* enum xb_allocator */
	unsigned int cpu;		/* bound to this CPU */
	unsigned int size;		/* object size */
	unsigned int n;			/* objects or operations */
	unsigned int k;			/* live set size */
	void **ptrs;			/* live set */
	u32 *seq;			/* precomputed random indices */
	u64 t_start;			/* ns, when run began */
	u64 t_end;			/* ns, when run ended */
	u64 val[XB_MAX_METRICS];	/* the workload's figures, x1000 */
	int err;			/* first error */
};

struct xb_gate {
	atomic_t nr_setting_up;		/* workers not yet at the gate */
	struct completion all_ready;	/* the last one got there */
	struct completion go;		/* the gate opens */
	atomic_t nr_running;		/* workers not yet done */
	struct completion all_done;	/* the last one finished */
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
 * xb_run_workers() - run @nr workers, each bound to its ->cpu, released
 * together once all have done their setup.
 *
 * Return: the wall time in ns from the first worker's start to the last
 * one's end, or a negative errno (the first worker error included).
 */
static s64 xb_run_workers(struct xb_worker *ws, int nr)
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
	msleep(settle_ms);
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
static s64 xb_run_one(struct xb_worker *w)
{
	w->cpu = cpumask_first(cpu_online_mask);
	return xb_run_workers(w, 1);
}

/* ns * 1000 / n: a per-operation figure in thousandths of a ns. */
static u64 xb_per_op(u64 ns, u64 n)
{
	return n ? div64_u64(ns * 1000, n) : 0;
}

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
	u64 cap = div_u64((u64)batch_max_kb << 10, size);

	return clamp_t(u64, cap, 1, max(batch_n, 1U));
}

static int xb_batch_run(struct xb_worker *w)
{
	unsigned int i, j;
	u64 t0, t1, t2, t3;

	t0 = ktime_get_ns();
	for (i = 0; i < w->n; i++) {
		w->ptrs[i] = xb_alloc(w->which, w->size, GFP_KERNEL);
		if (unlikely(!w->ptrs[i]))
			break;
		xb_resched(i);
	}
	t1 = ktime_get_ns();
	/* Background work the allocations queued belongs to them, not here. */
	msleep(settle_ms);
	t2 = ktime_get_ns();
	for (j = 0; j < i; j++) {
		xb_free(w->which, w->ptrs[j]);
		xb_resched(j);
	}
	t3 = ktime_get_ns();

	w->val[0] = xb_per_op(t1 - t0, i);
	w->val[1] = xb_per_op(t3 - t2, i);
	return i == w->n ? 0 : -ENOMEM;
}

static int xb_batch(int which, unsigned int size, unsigned int round,
		    unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_batch_run,
		.which = which,
		.size = size,
		.n = xb_batch_n(size),
	};
	s64 ret;

	w.ptrs = kvcalloc(w.n, sizeof(*w.ptrs), GFP_KERNEL);
	if (!w.ptrs)
		return -ENOMEM;
	ret = xb_run_one(&w);
	kvfree(w.ptrs);
	val[0] = w.val[0];
	val[1] = w.val[1];
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

static int xb_steady_run(struct xb_worker *w)
{
	unsigned int i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < w->n; i++) {
		void **slot = &w->ptrs[w->seq[i]];

		xb_free(w->which, *slot);
		*slot = xb_alloc(w->which, w->size, GFP_KERNEL);
		if (unlikely(!*slot))
			return -ENOMEM;
		xb_resched(i);
	}
	w->val[0] = xb_per_op(ktime_get_ns() - t0, w->n);
	return 0;
}

static void xb_steady_init(struct xb_worker *w, int which, unsigned int size,
			   unsigned int ops, u64 s)
{
	w->setup = xb_steady_setup;
	w->run = xb_steady_run;
	w->teardown = xb_steady_teardown;
	w->which = which;
	w->size = size;
	w->k = max(steady_k, 1U);
	w->n = ops;
	w->seq = xb_make_seq(ops, w->k, s);
}

static int xb_steady(int which, unsigned int size, unsigned int round,
		     unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {};
	s64 ret;

	xb_steady_init(&w, which, size, steady_ops, seed + round);
	ret = xb_run_one(&w);
	kvfree(w.seq);		/* left only if the worker never ran */
	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* CPU counts the concurrent workload runs on: 1, 2 and all, or conc_cpus. */
static unsigned int xb_conc_cpus[3];
static unsigned int xb_nr_conc_cpus;

static void xb_conc_init(void)
{
	unsigned int all = num_online_cpus(), n;

	xb_nr_conc_cpus = 0;
	if (conc_cpus) {
		xb_conc_cpus[xb_nr_conc_cpus++] = min(conc_cpus, all);
		return;
	}
	for (n = 1; n <= all; n = n == 2 ? all : n + 1) {
		xb_conc_cpus[xb_nr_conc_cpus++] = n;
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
		xb_steady_init(&ws[nr], which, size, conc_ops,
			       seed + round * 64 + cpu);
		ws[nr++].cpu = cpu;
	}
	ns = xb_run_workers(ws, nr);
	/* thousand operations per second, x1000 */
	if (ns > 0)
		val[0] = div64_u64((u64)nr * conc_ops * 1000000000ULL, ns);
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
		.n = max(access_m, 1U),
	};
	void *obj;
	s64 ret;

	obj = xb_alloc(which, sizeof(u64), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	w.ptrs = &obj;
	ret = xb_run_one(&w);
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
	u64 target = (u64)churn_kb << 10;
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
	for (i = 0; !err && i < churn_ops; i++) {
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

	err = xb_churn_build(&c, w->which, seed + w->n);
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
	s64 ret = xb_run_one(&w);

	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* churn_hold: the live set kept between init and exit. */
static struct xb_churn xb_held;

static int xb_churn_hold(void)
{
	int which = churn_hold == 1 ? XB_XPCPU : XB_KERNEL;
	int err;

	if (churn_hold > 2)
		return -EINVAL;
	err = xb_churn_build(&xb_held, which, seed);
	if (err) {
		pr_err("churn-hold %s: %d\n", xb_alloc_name[which], err);
		return err;
	}
	pr_info("churn-hold alloc=%s live_bytes=%llu objects=%u cpus=%u ns_per_op=%llu\n",
		xb_alloc_name[which], xb_held.live, xb_held.nr, num_possible_cpus(),
		div_u64(xb_per_op(xb_held.ns, xb_held.ops), 1000));
	return 0;
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
		.n = max(burst_k, 1U),
	};
	s64 ret;

	w.ptrs = kvcalloc(w.n, sizeof(*w.ptrs), GFP_KERNEL);
	if (!w.ptrs)
		return -ENOMEM;
	ret = xb_run_one(&w);
	kvfree(w.ptrs);
	val[0] = w.val[0];
	return ret < 0 ? ret : 0;
}

/* ---- the table of tests --------------------------------------------- */

struct xb_metric {
	const char *name;		/* test= in the summary */
	const char *unit;		/* unit= */
	bool higher_better;		/* a rate, not a cost */
};

#define XB_ALL		(BIT(XB_XPCPU) | BIT(XB_NOCACHE) | BIT(XB_KERNEL))
#define XB_TWO		(BIT(XB_XPCPU) | BIT(XB_KERNEL))

struct xb_test {
	const char *name;		/* as in run_test_mask's description */
	int (*measure)(int which, unsigned int size, unsigned int round,
		       unsigned int nr_cpus, u64 *val); /* x1000 in val[] */
	const unsigned int *sizes;	/* sizes to run, or NULL: *size */
	unsigned int nr_sizes;
	unsigned int *size;		/* the size parameter, if !sizes */
	unsigned int allocators;	/* BIT(enum xb_allocator) */
	bool cold;			/* xpcpu_trim() before xpcpu's runs */
	bool per_cpus;			/* once per xb_conc_cpus[] entry */
	struct xb_metric metrics[XB_MAX_METRICS];
};

static const unsigned int xb_batch_sizes[] = {
	4, 8, 16, 32, 64, 256, 1024, 4096, 32768, 65536,
};

static const unsigned int xb_steady_sizes[] = { 8, 64, 256, 1024, 4096 };

static const unsigned int xb_conc_sizes[] = { 8, 64 };

static const unsigned int xb_access_size[] = { sizeof(u64) };

static const unsigned int xb_mix_size[] = { XB_SIZE_MIX };

static const struct xb_test xb_tests[] = {
	{ "batch", xb_batch, xb_batch_sizes, ARRAY_SIZE(xb_batch_sizes), NULL,
	  XB_TWO, false, false,
	  { { "batch-alloc", "ns/alloc" }, { "batch-free", "ns/free" } } },
	{ "steady", xb_steady, xb_steady_sizes, ARRAY_SIZE(xb_steady_sizes),
	  NULL, XB_ALL, false, false, { { "steady", "ns/pair" } } },
	{ "concurrent", xb_concurrent, xb_conc_sizes,
	  ARRAY_SIZE(xb_conc_sizes), &conc_size, XB_ALL, false, true,
	  { { "concurrent", "kops/s", true } } },
	{ "access", xb_access, xb_access_size, 1, NULL, XB_TWO, false, false,
	  { { "access-inc", "ns/inc" }, { "access-get-put", "ns/inc" },
	    { "access-sum", "ns/sum" } } },
	{ "churn", xb_churn, xb_mix_size, 1, NULL, XB_ALL, false, false,
	  { { "churn-time", "ns/op" } } },
	{ "atomic", xb_burst, NULL, 1, &burst_size, XB_TWO, false, false,
	  { { "atomic-burst", "%ok", true } } },
	{ "batch-cold", xb_batch, xb_batch_sizes, ARRAY_SIZE(xb_batch_sizes),
	  NULL, XB_TWO, true, false,
	  { { "batch-alloc-cold", "ns/alloc" },
	    { "batch-free-cold", "ns/free" } } },
};

/* Figures of the current test: [allocator][metric][round], x1000. */
static u64 xb_vals[XB_NR][XB_MAX_METRICS][XB_MAX_ROUNDS];

/* Medians of the last concurrent runs, by size and CPUs: the scaling. */
static u64 xb_conc_med[XB_NR][ARRAY_SIZE(xb_conc_sizes)][3];

static int xb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The median of the non-zero figures among @n, 0 if there is none. */
static u64 xb_median(const u64 *v, unsigned int n)
{
	u64 s[XB_MAX_ROUNDS];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i])
			s[k++] = v[i];
	if (!k)
		return 0;
	sort(s, k, sizeof(*s), xb_cmp_u64, NULL);
	return k & 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

/* A x1000 figure with one decimal, or "-" for none. */
static const char *xb_fmt(char *buf, size_t len, u64 milli)
{
	u64 tenths = div_u64(milli + 50, 100);

	if (!milli)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%llu.%llu", div_u64(tenths, 10),
			 tenths % 10);
	return buf;
}

/* @x against @k, better-is-higher, x1000; 0 if either is missing. */
static u64 xb_ratio(u64 x, u64 k, bool higher_better)
{
	u64 num = higher_better ? x : k, den = higher_better ? k : x;

	return num && den ? div64_u64(num * 1000 + den / 2, den) : 0;
}

/* A x1000 ratio with two decimals, or "-". */
static const char *xb_fmt_ratio(char *buf, size_t len, u64 milli)
{
	u64 hundredths = div_u64(milli + 5, 10);

	if (!milli)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%llu.%02u", div_u64(hundredths, 100),
			 (unsigned int)(hundredths % 100));
	return buf;
}

static void xb_report(const struct xb_test *t, int m, unsigned int size,
		      unsigned int nr_cpus, unsigned int rounds,
		      unsigned int allocators)
{
	const struct xb_metric *mt = &t->metrics[m];
	char sz[16], f[XB_NR][24], r[4][16];
	u64 med[XB_NR] = {}, lo = 0, hi = 0;
	unsigned int i, a;

	for (a = 0; a < XB_NR; a++) {
		if (allocators & BIT(a))
			med[a] = xb_median(xb_vals[a][m], rounds);
		xb_fmt(f[a], sizeof(f[a]), med[a]);
	}
	/* The spread of the rounds' own ratios, rounds with both figures. */
	for (i = 0; i < rounds; i++) {
		u64 q = xb_ratio(xb_vals[XB_XPCPU][m][i],
				 xb_vals[XB_KERNEL][m][i], mt->higher_better);

		if (!q)
			continue;
		lo = lo ? min(lo, q) : q;
		hi = max(hi, q);
	}
	xb_fmt_ratio(r[0], sizeof(r[0]), xb_ratio(med[XB_XPCPU],
			med[XB_KERNEL], mt->higher_better));
	xb_fmt_ratio(r[1], sizeof(r[1]), lo);
	xb_fmt_ratio(r[2], sizeof(r[2]), hi);
	xb_fmt_ratio(r[3], sizeof(r[3]), xb_ratio(med[XB_NOCACHE],
			med[XB_KERNEL], mt->higher_better));
	if (size == XB_SIZE_MIX)
		snprintf(sz, sizeof(sz), "mix");
	else
		snprintf(sz, sizeof(sz), "%u", size);

	pr_info("summary test=%s size=%s unit=%s cpus=%u xpcpu=%s nocache=%s kernel=%s ratio=%s ratio_min=%s ratio_max=%s ratio_nocache=%s rounds=%u\n",
		mt->name, sz, mt->unit, nr_cpus, f[XB_XPCPU], f[XB_NOCACHE],
		f[XB_KERNEL], r[0], r[1], r[2], r[3], rounds);
	if (t->measure != xb_concurrent)
		return;
	for (i = 0; i < ARRAY_SIZE(xb_conc_sizes); i++)
		for (a = 0; a < XB_NR && xb_conc_sizes[i] == size; a++)
			xb_conc_med[a][i][min(nr_cpus, 3U) - 1] = med[a];
}

/* xpcpu's own throughput on 2 CPUs over 1, next to the others'. */
static void xb_report_scaling(void)
{
	char f[XB_NR][16];
	unsigned int i, a;

	for (i = 0; i < ARRAY_SIZE(xb_conc_sizes); i++) {
		for (a = 0; a < XB_NR; a++)
			xb_fmt_ratio(f[a], sizeof(f[a]),
				     xb_ratio(xb_conc_med[a][i][1],
					      xb_conc_med[a][i][0], true));
		pr_info("scaling test=concurrent size=%u cpus=2/1 xpcpu=%s nocache=%s kernel=%s\n",
			xb_conc_sizes[i], f[XB_XPCPU], f[XB_NOCACHE],
			f[XB_KERNEL]);
	}
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

static int xb_run_test(const struct xb_test *t, unsigned int size,
		       unsigned int nr_cpus, unsigned int rounds)
{
	unsigned int allocators = t->allocators;
	u64 val[XB_MAX_METRICS];
	unsigned int r, i, m;
	int err;

	if (size > XB_KERNEL_MAX_SIZE)
		allocators &= ~BIT(XB_KERNEL);
	memset(xb_vals, 0, sizeof(xb_vals));
	/* Round 0 warms up and is not counted. */
	for (r = 0; r <= rounds; r++) {
		for (i = 0; i < XB_NR; i++) {
			/* The allocator that goes first rotates. */
			int which = (i + r) % XB_NR;

			if (!(allocators & BIT(which)))
				continue;
			err = xb_prepare(t, which);
			msleep(settle_ms);
			memset(val, 0, sizeof(val));
			if (!err)
				err = t->measure(which, size, r, nr_cpus, val);
			if (err) {
				pr_err("%s size=%u cpus=%u %s round %u: error %d\n",
				       t->name, size, nr_cpus,
				       xb_alloc_name[which], r, err);
				xpcpu_set_caches(true);
				return err;
			}
			for (m = 0; r && m < XB_MAX_METRICS; m++)
				xb_vals[which][m][r - 1] = val[m];
		}
	}
	xpcpu_set_caches(true);
	for (m = 0; m < XB_MAX_METRICS && t->metrics[m].name; m++)
		xb_report(t, m, size, nr_cpus, rounds, allocators);
	return 0;
}

static void xb_run_tests(void)
{
	unsigned int rounds = clamp(nr_rounds, 1U, (unsigned int)XB_MAX_ROUNDS);
	unsigned int i, s, c;
	u64 t0 = ktime_get_ns();

	xb_conc_init();
	pr_info("start mask=0x%x rounds=%u+1 cpus=%u online, %u possible; pointers=%s\n",
		run_test_mask, rounds, num_online_cpus(), num_possible_cpus(),
		xpcpu_genuine_pointers() ? "genuine" : "offset");
	for (i = 0; i < ARRAY_SIZE(xb_tests); i++) {
		const struct xb_test *t = &xb_tests[i];
		unsigned int nr_sizes = t->sizes ? t->nr_sizes : 1;

		if (!(run_test_mask & BIT(i)))
			continue;
		if (t->size && *t->size)
			nr_sizes = 1;
		for (s = 0; s < nr_sizes; s++) {
			unsigned int size = t->size && *t->size ? *t->size :
					    t->sizes[s];

			for (c = 0; c < (t->per_cpus ? xb_nr_conc_cpus : 1);
			     c++) {
				unsigned int cpus = t->per_cpus ?
						    xb_conc_cpus[c] : 1;

				if (xb_run_test(t, size, cpus, rounds))
					pr_err("%s size=%u cpus=%u: failed\n",
					       t->name, size, cpus);
			}
		}
		if (t->measure == xb_concurrent && !conc_cpus && !conc_size)
			xb_report_scaling();
	}
	pr_info("done in %llu ms\n", div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

static int __init xb_init(void)
{
	if (churn_hold)
		return xb_churn_hold();
	xb_run_tests();
	return -EAGAIN;	/* done: the failed init unloads the module */
}

static void __exit xb_exit(void)
{
	if (xb_held.ptrs)
		xb_churn_release(&xb_held);
}

module_init(xb_init);
module_exit(xb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu_bench: xpcpu against alloc_percpu()");
