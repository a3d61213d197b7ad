/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of xpcpu_bench.ko share: the module parameters (defined
 * in xpcpu_bench_main.c, the harness), both allocators behind one call,
 * a worker as the harness runs it and the workloads fill it in
 * (xpcpu_bench_work.c), the table of tests, and the figures the harness
 * collects and xpcpu_bench_report.c turns into summary lines.
 */
#ifndef _XPCPU_BENCH_H
#define _XPCPU_BENCH_H

#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#include <xpcpu.h>

/* The module parameters: see their descriptions in xpcpu_bench_main.c. */
extern unsigned int xpcpu_bench_run_test_mask;
extern unsigned int xpcpu_bench_nr_rounds;
extern unsigned int xpcpu_bench_batch_n;
extern unsigned int xpcpu_bench_batch_max_kb;
extern unsigned int xpcpu_bench_steady_k;
extern unsigned int xpcpu_bench_steady_ops;
extern unsigned int xpcpu_bench_conc_size;
extern unsigned int xpcpu_bench_conc_ops;
extern unsigned int xpcpu_bench_conc_cpus;
extern unsigned int xpcpu_bench_access_m;
extern unsigned int xpcpu_bench_churn_kb;
extern unsigned int xpcpu_bench_churn_ops;
extern unsigned int xpcpu_bench_churn_hold;
extern unsigned int xpcpu_bench_burst_k;
extern unsigned int xpcpu_bench_burst_size;
extern unsigned int xpcpu_bench_settle_ms;
extern unsigned int xpcpu_bench_seed;
extern unsigned int xpcpu_bench_slices;
extern unsigned int xpcpu_bench_scale_max_live;
extern unsigned int xpcpu_bench_scale_ops;
extern bool xpcpu_bench_aa_control;

#define XB_MAX_ROUNDS	31
#define XB_MAX_METRICS	4
#define XB_MAX_SLICES	64
/* Size column of a workload that mixes sizes. */
#define XB_SIZE_MIX	0

enum xb_allocator {
	XB_XPCPU,			/* xpcpu, per-CPU caches on */
	XB_NOCACHE,			/* xpcpu, per-CPU caches off */
	XB_KERNEL,			/* alloc_percpu() */
	XB_FLOOR,			/* kzalloc(size * possible CPUs) */
	XB_NR,
};

extern const char * const xpcpu_bench_alloc_name[XB_NR];

/* The kernel's allocator refuses more than this (PCPU_MIN_UNIT_SIZE). */
#define XB_KERNEL_MAX_SIZE	(32 << 10)

/*
 * The allocator that serves @which: alloc_percpu() for xpcpu's columns too
 * under aa_control, so that the ratio compares the kernel with itself.
 */
static inline int xb_serves(int which)
{
	return xpcpu_bench_aa_control && which < XB_KERNEL ? XB_KERNEL : which;
}

/*
 * Both allocators behind one call, and the floor: the same bytes zeroed
 * as one SLUB object (kzalloc() of one copy per possible CPU), the best
 * general allocator's fast path, what a per-CPU pair cannot beat.  The
 * pointers are kept as plain void * here; only xb_alloc() and xb_free()
 * know their address spaces.
 */
static inline void *xb_alloc(int which, size_t size, gfp_t gfp)
{
	size_t align = min_t(size_t, size, sizeof(u64));

	switch (xb_serves(which)) {
	case XB_KERNEL:
		return (void __force *)__alloc_percpu_gfp(size, align, gfp);
	case XB_FLOOR:
		return kzalloc(size * num_possible_cpus(), gfp);
	default:
		return (void __force *)__xpcpu_alloc_gfp(size, align, gfp);
	}
}

static inline void xb_free(int which, void *ptr)
{
	switch (xb_serves(which)) {
	case XB_KERNEL:
		free_percpu((void __percpu __force *)ptr);
		break;
	case XB_FLOOR:
		kfree(ptr);
		break;
	default:
		xpcpu_free((void __xpcpu __force *)ptr);
	}
}

/*
 * Zero every possible CPU's copy of the @size-byte area @ptr, as the
 * allocator does when it hands the area out, but with no allocator call:
 * what touching the area's copies costs the memory system alone.  One
 * memset() per copy through the public accessor, so more instructions
 * per copy than the allocators' own loops (3040 against xpcpu's whole
 * 1925-instruction pair with 64 possible CPUs, ICOUNT): a control for how
 * the cost grows with the live set, not a share to subtract there.
 */
static inline void xb_zero(int which, void *ptr, size_t size)
{
	unsigned int cpu;

	if (which == XB_FLOOR) {
		memset(ptr, 0, size * num_possible_cpus());
		return;
	}
	for_each_possible_cpu(cpu) {
		if (which == XB_KERNEL)
			memset(per_cpu_ptr((void __percpu __force *)ptr, cpu),
			       0, size);
		else
			memset(xpcpu_ptr((void __xpcpu __force *)ptr, cpu), 0,
			       size);
	}
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

struct xb_metric {
	const char *name;		/* test= in the summary */
	const char *unit;		/* unit= */
	bool higher_better;		/* a rate, not a cost */
	bool count;			/* a count: 0 is a figure, not "none" */
};

struct xb_test {
	const char *name;		/* as in run_test_mask's description */
	int (*measure)(int which, unsigned int size, unsigned int round,
		       unsigned int nr_cpus, u64 *val); /* x1000 in val[] */
	const unsigned int *sizes;	/* sizes to run, or NULL: *size */
	unsigned int nr_sizes;
	unsigned int *size;		/* the size parameter, if !sizes */
	unsigned int allocators;	/* BIT(enum xb_allocator) */
	bool cold;			/* xpcpu_trim() before xpcpu's runs */
	bool per_cpus;			/* once per xpcpu_bench_conc_runs[] entry */
	struct xb_metric metrics[XB_MAX_METRICS];
	/* sizes are live areas held (xpcpu_bench_scale.c), not bytes */
	const char *size_key;
	/* untimed, after the rounds of one size: drop what the test held */
	void (*finish)(void);
};

/* The tests, in run_test_mask's bit order (xpcpu_bench_work.c). */
extern const struct xb_test xpcpu_bench_tests[];
extern const unsigned int xpcpu_bench_nr_tests;

/* The sizes of the concurrent workload, whose scaling is reported. */
#define XB_NR_CONC_SIZES	2
extern const unsigned int xpcpu_bench_conc_sizes[XB_NR_CONC_SIZES];

/* CPU counts the concurrent workload runs on (xpcpu_bench_conc_init()). */
extern unsigned int xpcpu_bench_conc_runs[3];
extern unsigned int xpcpu_bench_nr_conc_runs;

/* Figures of the current test: [allocator][metric][round], x1000. */
extern u64 xpcpu_bench_vals[XB_NR][XB_MAX_METRICS][XB_MAX_ROUNDS];

/* xpcpu_bench_main.c: the harness. */
s64 xpcpu_bench_run_workers(struct xb_worker *ws, int nr);
s64 xpcpu_bench_run_one(struct xb_worker *w);

/* xpcpu_bench_work.c: the workloads. */
void xpcpu_bench_conc_init(void);
int xpcpu_bench_hold_churn(void);
void xpcpu_bench_release_churn(void);
u64 xpcpu_bench_per_op(u64 ns, u64 n);
u64 xpcpu_bench_median(u64 *v, unsigned int n);
int xpcpu_bench_steady_pairs(int which, void **ptrs, unsigned int k,
			     unsigned int size, const u32 *seq,
			     unsigned int n, bool zero_only, u64 *val);
int xpcpu_bench_batch_pairs(int which, unsigned int size, unsigned int n,
			    u64 *val);

/* xpcpu_bench_scale.c: cost as the system grows, and pages populated. */
long xpcpu_bench_pages(int which);
int xpcpu_bench_scale_live(int which, unsigned int live, unsigned int round,
			   unsigned int nr_cpus, u64 *val);
int xpcpu_bench_scale_frag(int which, unsigned int chunks, unsigned int round,
			   unsigned int nr_cpus, u64 *val);
void xpcpu_bench_scale_finish(void);

/* xpcpu_bench_report.c: the summary lines. */
void xpcpu_bench_report(const struct xb_test *t, int m, unsigned int size,
			unsigned int nr_cpus, unsigned int rounds,
			unsigned int allocators);
void xpcpu_bench_report_scaling(void);

#endif /* _XPCPU_BENCH_H */
