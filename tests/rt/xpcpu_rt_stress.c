// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_rt_stress - allocate and free from the contexts xpcpu promises to
 * work in, on every online CPU at once, for PREEMPT_RT and other kernels.
 *
 * On load, for @seconds: a kthread bound to each online CPU allocates
 * with GFP_ATOMIC, in turn under a raw_spinlock_t (raw_spin_lock_irqsave)
 * and with interrupts disabled (local_irq_disable), checks that the new
 * area reads zero and is aligned on every possible CPU, writes a pattern
 * of its own into every possible CPU's copy and hands the pointer to its
 * CPU's hrtimer through a ring under that raw lock.  The hrtimer runs in
 * hard interrupt context (HRTIMER_MODE_REL_PINNED_HARD, also on RT),
 * checks every pattern it is handed and frees the area with xpcpu_free();
 * it also allocates with GFP_ATOMIC itself and frees those areas on a
 * later run.  Now and then a thread allocates a burst of larger areas in a
 * row under its raw spinlock, so that the chunks run out of room and the
 * failure path (which asks the balance work for a chunk) runs in these
 * contexts too.  Atomic allocations may fail when no chunk has room
 * (counted, allowed); a changed pattern, a new area that is not zero or not
 * aligned, a timer that did not run in hard interrupt context, an
 * allocation that is never freed or a change of xpcpu's live count is a
 * failure.
 *
 * One online CPU (the last) runs no stress but a watchdog: a hard-IRQ
 * hrtimer that panics, with every CPU's backtrace if the guest sets
 * kernel.panic_print=64, when a stress CPU has been inside one timer
 * callback or one raw-locked or IRQs-off section for @watchdog_s seconds.
 * A livelock with interrupts off on every CPU would otherwise hang the
 * machine silently until the host gives up; this way it fails at once
 * and says where.
 *
 * The counts go to the kernel log, one line per CPU and a summary line
 * "xpcpu_rt_stress: PASS: ..." or "xpcpu_rt_stress: FAIL: ...".  Like
 * lib/test_vmalloc.c, init returns -EAGAIN after a clean run, so the
 * module does not stay loaded, and -EIO after a failed one; load it with
 * one finit_module() (the guest's xpcpu_insmod), as busybox insmod would
 * run a failed init twice.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <xpcpu.h>

/* A parameter: a static of that name, read-only in sysfs, with its text. */
#define __param(type, name, init, msg)		\
	static type name = init;		\
	module_param(name, type, 0444);		\
	MODULE_PARM_DESC(name, msg)

__param(uint, seconds, 3,
	"How long the kthreads allocate (default 3)");

__param(uint, period_us, 200,
	"Period of each CPU's hard-IRQ hrtimer in microseconds (default 200)");

__param(uint, watchdog_s, 10,
	"Panic when a CPU is stuck this long in a hard-IRQ or IRQs-off section; 0: no watchdog, every CPU runs the stress (default 10)");

__param(uint, burst, 48,
	"Areas of 2 KiB a thread allocates in a row under its raw spinlock now and then, to run the chunks out of room (default 48)");

__param(uint, max_size, 512,
	"Largest allocation in bytes (default 512; up to 256 is served by the per-CPU caches)");

#define RT_RING		128	/* areas in flight to one CPU's timer */
#define RT_BURST_EVERY	128	/* thread iterations between bursts */
#define RT_BURST_SIZE	2048	/* bytes of each area of a burst */
#define RT_TIMER_KEEP	4	/* areas the timer keeps to a later run */
#define RT_TIMER_BATCH	16	/* areas a timer run frees at most */
#define RT_MAX_REPORTS	5	/* problems logged per CPU */

/*
 * struct rt_area - an area and the pattern in it
 */
struct rt_area {
	u8 __xpcpu *p;			/* the area */
	u32 size;			/* bytes */
	u32 tag;			/* pattern seed */
};

/*
 * struct rt_cpu - the kthread, the hrtimer and the ring of one CPU
 */
struct rt_cpu {
	raw_spinlock_t lock;		/* ring; thread and hard IRQ */
	struct rt_area ring[RT_RING];	/* handed to the timer, lock */
	unsigned int head;		/* next to fill, lock */
	unsigned int tail;		/* next to free, lock */
	struct rt_area keep[RT_TIMER_KEEP]; /* the timer's own, timer only */
	unsigned int nr_keep;		/* entries in keep, timer only */
	struct hrtimer timer;		/* hard IRQ, pinned to cpu */
	bool stop;			/* the timer does not rearm */
	struct task_struct *task;	/* the kthread */
	unsigned int cpu;		/* where both run */
	unsigned long deadline;		/* jiffies: the kthread stops */
	u64 timer_since;		/* ns: the callback runs since; 0: not */
	u64 thread_since;		/* ns: IRQs off in the thread since */
	struct rnd_state rnd;		/* sizes; no lock, no entropy pool */
	u32 next_tag;			/* pattern seeds */
	/* counters, each written by one context of this CPU only */
	unsigned long alloc_raw;	/* served under the raw spinlock */
	unsigned long alloc_irqoff;	/* served with interrupts disabled */
	unsigned long alloc_fail;	/* thread's atomic failures */
	unsigned long freed_thread;	/* freed by the thread: ring full */
	unsigned long freed_irq;	/* ring areas freed by the timer */
	unsigned long timer_alloc;	/* allocated by the timer */
	unsigned long timer_alloc_fail;	/* timer's atomic failures */
	unsigned long timer_freed;	/* the timer's own, freed by it */
	unsigned long timer_runs;	/* timer callbacks */
	unsigned long timer_not_hardirq; /* callbacks not in hard IRQ */
	unsigned long freed_late;	/* freed after the run, at the end */
	atomic_t errors;		/* corruption and context problems */
};

static struct rt_cpu *rt_cpus;		/* by CPU id, nr_cpu_ids entries */
static struct hrtimer rt_watchdog;	/* on rt_watch_cpu, hard IRQ */
static int rt_watch_cpu = -1;		/* runs only the watchdog, or -1 */
static bool rt_watch_stop;		/* the watchdog does not rearm */

#define RT_WATCH_PERIOD_MS	100

/* Mark the start (@on) and end of a section with interrupts off. */
static void rt_mark(u64 *since, bool on)
{
	WRITE_ONCE(*since, on ? ktime_get_mono_fast_ns() ?: 1 : 0);
}

#define rt_err(rc, fmt, ...)						\
do {									\
	if (atomic_inc_return(&(rc)->errors) <= RT_MAX_REPORTS)	\
		pr_err("cpu %u: " fmt "\n", (rc)->cpu, ##__VA_ARGS__);	\
} while (0)

static u8 rt_pattern(u32 tag, unsigned int cpu, size_t i)
{
	return tag * 0x9d + cpu * 0x3b + i * 7 + (i >> 8) + 1;
}

/* A new area: aligned and zero on every possible CPU; then fill it. */
static void rt_take(struct rt_cpu *rc, struct rt_area *a, size_t align)
{
	unsigned int cpu;
	const u8 *bad;
	u8 *c;
	size_t i;

	a->tag = rc->next_tag++;
	for_each_possible_cpu(cpu) {
		c = xpcpu_ptr(a->p, cpu);
		if (!IS_ALIGNED((unsigned long)c, max_t(size_t, align, 4)))
			rt_err(rc, "new area %p (cpu %u's copy) not aligned to %zu",
			       a->p, cpu, align);
		bad = memchr_inv(c, 0, a->size);
		if (bad)
			rt_err(rc, "new area %p of %u bytes: byte %td of cpu %u is %#x, not zero",
			       a->p, a->size, bad - c, cpu, *bad);
		for (i = 0; i < a->size; i++)
			c[i] = rt_pattern(a->tag, cpu, i);
	}
}

/* Check an area's pattern on every possible CPU and free it. */
static void rt_check_free(struct rt_cpu *rc, struct rt_area *a)
{
	unsigned int cpu;
	const u8 *c;
	size_t i;

	for_each_possible_cpu(cpu) {
		c = xpcpu_ptr(a->p, cpu);
		for (i = 0; i < a->size; i++) {
			if (c[i] != rt_pattern(a->tag, cpu, i)) {
				rt_err(rc, "area %p of %u bytes: byte %zu of cpu %u is %#x, want %#x",
				       a->p, a->size, i, cpu, c[i],
				       rt_pattern(a->tag, cpu, i));
				break;
			}
		}
	}
	xpcpu_free(a->p);
	a->p = NULL;
}

/* A request: mostly sizes the per-CPU caches serve, some larger. */
static void rt_request(struct rt_cpu *rc, struct rt_area *a, size_t *align)
{
	u32 r = prandom_u32_state(&rc->rnd);

	a->size = 1 + (r & 7 ? r % min(max_size, 256U) :
		       r % max(max_size, 1U));
	*align = 1UL << ((r >> 16) % 9);	/* 1 to 256 */
	a->p = NULL;
}

/* Context: rc->lock held, interrupts off.  Return: false if it was full. */
static bool rt_ring_push(struct rt_cpu *rc, const struct rt_area *a)
{
	lockdep_assert_held(&rc->lock);
	if (rc->head - rc->tail == RT_RING)
		return false;
	rc->ring[rc->head++ % RT_RING] = *a;
	return true;
}

/* One GFP_ATOMIC allocation under the raw spinlock, handed to the timer. */
static void rt_alloc_raw_locked(struct rt_cpu *rc)
{
	struct rt_area a;
	unsigned long flags;
	size_t align;

	rt_request(rc, &a, &align);
	raw_spin_lock_irqsave(&rc->lock, flags);
	rt_mark(&rc->thread_since, true);
	a.p = __xpcpu_alloc_gfp(a.size, align, GFP_ATOMIC);
	if (a.p) {
		rc->alloc_raw++;
		rt_take(rc, &a, align);
		if (!rt_ring_push(rc, &a)) {
			rt_check_free(rc, &a);	/* free under a raw lock too */
			rc->freed_thread++;
		}
	} else {
		rc->alloc_fail++;
	}
	rt_mark(&rc->thread_since, false);
	raw_spin_unlock_irqrestore(&rc->lock, flags);
}

/* @burst large GFP_ATOMIC allocations in one hold of the raw spinlock. */
static void rt_alloc_burst(struct rt_cpu *rc)
{
	unsigned long flags;
	struct rt_area a;
	unsigned int i;

	raw_spin_lock_irqsave(&rc->lock, flags);
	rt_mark(&rc->thread_since, true);
	for (i = 0; i < burst; i++) {
		a.size = RT_BURST_SIZE;
		a.p = __xpcpu_alloc_gfp(a.size, 64, GFP_ATOMIC);
		if (!a.p) {
			rc->alloc_fail++;
			continue;
		}
		rc->alloc_raw++;
		rt_take(rc, &a, 64);
		if (!rt_ring_push(rc, &a)) {
			rt_check_free(rc, &a);
			rc->freed_thread++;
		}
	}
	rt_mark(&rc->thread_since, false);
	raw_spin_unlock_irqrestore(&rc->lock, flags);
}

/* One GFP_ATOMIC allocation with interrupts disabled, then handed over. */
static void rt_alloc_irqs_off(struct rt_cpu *rc)
{
	struct rt_area a;
	size_t align;

	rt_request(rc, &a, &align);
	local_irq_disable();
	rt_mark(&rc->thread_since, true);
	a.p = __xpcpu_alloc_gfp(a.size, align, GFP_ATOMIC);
	if (a.p) {
		rc->alloc_irqoff++;
		rt_take(rc, &a, align);
		raw_spin_lock(&rc->lock);
		if (!rt_ring_push(rc, &a)) {
			rt_check_free(rc, &a);	/* free with interrupts off */
			rc->freed_thread++;
		}
		raw_spin_unlock(&rc->lock);
	} else {
		rc->alloc_fail++;
	}
	rt_mark(&rc->thread_since, false);
	local_irq_enable();
}

/* Hard interrupt context: free what the thread handed over, allocate. */
static enum hrtimer_restart rt_timer_fn(struct hrtimer *t)
{
	struct rt_cpu *rc = container_of(t, struct rt_cpu, timer);
	struct rt_area batch[RT_TIMER_BATCH], a;
	unsigned int n = 0, i;
	size_t align;

	rt_mark(&rc->timer_since, true);
	rc->timer_runs++;
	if (!in_hardirq() || smp_processor_id() != rc->cpu)
		rc->timer_not_hardirq++;

	raw_spin_lock(&rc->lock);
	while (n < RT_TIMER_BATCH && rc->tail != rc->head)
		batch[n++] = rc->ring[rc->tail++ % RT_RING];
	raw_spin_unlock(&rc->lock);
	for (i = 0; i < n; i++) {
		rt_check_free(rc, &batch[i]);
		rc->freed_irq++;
	}

	/* The timer's own: allocated here, freed here on a later run. */
	if (rc->nr_keep == RT_TIMER_KEEP) {
		rt_check_free(rc, &rc->keep[0]);
		memmove(rc->keep, rc->keep + 1,
			(RT_TIMER_KEEP - 1) * sizeof(*rc->keep));
		rc->nr_keep--;
		rc->timer_freed++;
	}
	rt_request(rc, &a, &align);
	a.p = __xpcpu_alloc_gfp(a.size, align, GFP_ATOMIC);
	if (a.p) {
		rc->timer_alloc++;
		rt_take(rc, &a, align);
		rc->keep[rc->nr_keep++] = a;
	} else {
		rc->timer_alloc_fail++;
	}

	rt_mark(&rc->timer_since, false);
	if (READ_ONCE(rc->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(period_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* A stress CPU stuck in one section, for how many ns, or 0. */
static u64 rt_stuck_ns(const struct rt_cpu *rc, u64 now, const char **where)
{
	u64 t = READ_ONCE(rc->timer_since), h = READ_ONCE(rc->thread_since);
	s64 limit = (s64)watchdog_s * NSEC_PER_SEC;

	/* Signed: another CPU's clock read may be a little ahead of ours. */
	if (t && (s64)(now - t) > limit) {
		*where = "its hard-IRQ hrtimer callback (allocating and freeing)";
		return now - t;
	}
	if (h && (s64)(now - h) > limit) {
		*where = "its kthread's raw-locked or IRQs-off section (allocating or freeing)";
		return now - h;
	}
	return 0;
}

/* The watchdog: a stress CPU that stopped making progress is a livelock. */
static enum hrtimer_restart rt_watchdog_fn(struct hrtimer *t)
{
	u64 now = ktime_get_mono_fast_ns(), ns;
	const char *where = NULL;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (cpu == rt_watch_cpu || !rt_cpus[cpu].task)
			continue;
		ns = rt_stuck_ns(&rt_cpus[cpu], now, &where);
		if (ns)
			panic("xpcpu_rt_stress: cpu %u stuck for %llu ms in %s: livelock\n",
			      cpu, div_u64(ns, NSEC_PER_MSEC), where);
	}
	if (READ_ONCE(rt_watch_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(RT_WATCH_PERIOD_MS));
	return HRTIMER_RESTART;
}

static void rt_watchdog_start(void *info)
{
	hrtimer_start(&rt_watchdog, ms_to_ktime(RT_WATCH_PERIOD_MS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static int rt_thread_fn(void *data)
{
	struct rt_cpu *rc = data;
	unsigned long iter = 0;

	hrtimer_start(&rc->timer, ns_to_ktime(period_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	while (!kthread_should_stop() && time_before(jiffies, rc->deadline)) {
		if (burst && !(iter % RT_BURST_EVERY))
			rt_alloc_burst(rc);
		if (iter++ & 1)
			rt_alloc_irqs_off(rc);
		else
			rt_alloc_raw_locked(rc);
		/* Let the timer catch up now and then. */
		if (!(iter % 32))
			usleep_range(period_us, 2 * period_us);
		cond_resched();
	}
	/* Wait for kthread_stop(), which init calls for every thread. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* After the run, in process context: free what is still in flight. */
static void rt_drain(struct rt_cpu *rc)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&rc->lock, flags);
	while (rc->tail != rc->head) {
		rt_check_free(rc, &rc->ring[rc->tail++ % RT_RING]);
		rc->freed_late++;
	}
	raw_spin_unlock_irqrestore(&rc->lock, flags);
	while (rc->nr_keep) {
		rt_check_free(rc, &rc->keep[--rc->nr_keep]);
		rc->timer_freed++;
	}
}

/* Every allocation freed exactly once, the timer in hard IRQ, no error. */
static bool rt_cpu_ok(struct rt_cpu *rc)
{
	unsigned long allocs = rc->alloc_raw + rc->alloc_irqoff;
	unsigned long frees = rc->freed_thread + rc->freed_irq + rc->freed_late;

	if (allocs != frees)
		rt_err(rc, "%lu allocated by the thread but %lu freed", allocs,
		       frees);
	if (rc->timer_alloc != rc->timer_freed)
		rt_err(rc, "%lu allocated by the timer but %lu freed",
		       rc->timer_alloc, rc->timer_freed);
	if (rc->timer_not_hardirq)
		rt_err(rc, "%lu of %lu timer runs not in hard IRQ context on this CPU",
		       rc->timer_not_hardirq, rc->timer_runs);
	if (!rc->freed_irq || !rc->timer_alloc)
		rt_err(rc, "the timer freed %lu and allocated %lu: nothing done in hard IRQ",
		       rc->freed_irq, rc->timer_alloc);
	pr_info("cpu %u: %lu allocated under a raw spinlock, %lu with irqs off, %lu failed (allowed); %lu freed in hard irq, %lu by the thread, %lu after the run; the hrtimer ran %lu times, allocated %lu (%lu failed), freed %lu; %d error(s)\n",
		rc->cpu, rc->alloc_raw, rc->alloc_irqoff, rc->alloc_fail,
		rc->freed_irq, rc->freed_thread, rc->freed_late,
		rc->timer_runs, rc->timer_alloc, rc->timer_alloc_fail,
		rc->timer_freed, atomic_read(&rc->errors));
	return !atomic_read(&rc->errors);
}

static int rt_run(void)
{
	unsigned long deadline = jiffies + seconds * HZ;
	unsigned long allocs = 0, irq_frees = 0, fails = 0;
	struct xpcpu_stats st0, st1;
	unsigned int cpu, nr = 0;
	bool ok = true;

	xpcpu_get_stats(&st0);
	if (watchdog_s && num_online_cpus() > 1) {
		rt_watch_cpu = cpumask_last(cpu_online_mask);
		hrtimer_init(&rt_watchdog, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		rt_watchdog.function = rt_watchdog_fn;
		smp_call_function_single(rt_watch_cpu, rt_watchdog_start, NULL,
					 1);
	}
	for_each_online_cpu(cpu) {
		struct rt_cpu *rc = &rt_cpus[cpu];

		if (cpu == rt_watch_cpu)
			continue;
		raw_spin_lock_init(&rc->lock);
		rc->cpu = cpu;
		rc->deadline = deadline;
		prandom_seed_state(&rc->rnd, 0x78706370ULL + cpu);
		atomic_set(&rc->errors, 0);
		hrtimer_init(&rc->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		rc->timer.function = rt_timer_fn;
		rc->task = kthread_create_on_cpu(rt_thread_fn, rc, cpu,
						 "xpcpu_rt/%u");
		if (IS_ERR(rc->task)) {
			pr_err("cpu %u: kthread_create_on_cpu() failed: %ld\n",
			       cpu, PTR_ERR(rc->task));
			rc->task = NULL;
			ok = false;
			break;
		}
	}
	for_each_online_cpu(cpu)
		if (rt_cpus[cpu].task)
			wake_up_process(rt_cpus[cpu].task);
	/* The threads stop allocating at the deadline by themselves. */
	while (time_before(jiffies, deadline + 1))
		msleep(20);

	for_each_online_cpu(cpu) {
		struct rt_cpu *rc = &rt_cpus[cpu];

		if (!rc->task)
			continue;
		kthread_stop(rc->task);
		WRITE_ONCE(rc->stop, true);
		hrtimer_cancel(&rc->timer);
		rt_drain(rc);
		ok &= rt_cpu_ok(rc);
		allocs += rc->alloc_raw + rc->alloc_irqoff + rc->timer_alloc;
		irq_frees += rc->freed_irq + rc->timer_freed;
		fails += rc->alloc_fail + rc->timer_alloc_fail;
		nr++;
	}

	if (rt_watch_cpu >= 0) {
		WRITE_ONCE(rt_watch_stop, true);
		hrtimer_cancel(&rt_watchdog);
	}
	xpcpu_get_stats(&st1);
	if (st1.nr_cur_alloc != st0.nr_cur_alloc ||
	    st1.nr_bad_free != st0.nr_bad_free) {
		pr_err("live allocations %llu -> %llu, rejected frees %llu -> %llu: every area was freed once\n",
		       st0.nr_cur_alloc, st1.nr_cur_alloc, st0.nr_bad_free,
		       st1.nr_bad_free);
		ok = false;
	}
	pr_info("%s: %u CPUs for %u s (PREEMPT_RT %d): %lu allocated with GFP_ATOMIC, %lu freed in hard irq, %lu atomic failures (allowed), caches %s, watchdog on cpu %d\n",
		ok ? "PASS" : "FAIL", nr, seconds, IS_ENABLED(CONFIG_PREEMPT_RT),
		allocs, irq_frees, fails, xpcpu_caches_on() ? "on" : "off",
		rt_watch_cpu);
	return ok ? 0 : -EIO;
}

static int __init rt_stress_init(void)
{
	int ret;

	if (!seconds || !period_us || !max_size ||
	    max_size > XPCPU_MAX_ALLOC_SIZE)
		return -EINVAL;
	rt_cpus = kcalloc(nr_cpu_ids, sizeof(*rt_cpus), GFP_KERNEL);
	if (!rt_cpus)
		return -ENOMEM;
	ret = rt_run();
	kfree(rt_cpus);
	/* Done: do not stay loaded (lib/test_vmalloc.c does the same). */
	return ret ? ret : -EAGAIN;
}

module_init(rt_stress_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpcpu stress from hard IRQ, raw spinlocks and IRQs-off sections (PREEMPT_RT)");
