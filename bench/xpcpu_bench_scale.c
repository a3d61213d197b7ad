// SPDX-License-Identifier: GPL-2.0
/*
 * How the cost grows with the system: the scale tests of xpcpu_bench.ko,
 * and the pages each allocator has populated.
 *
 * scale-live holds 1k, 10k, 100k and 1M live 8-byte areas (at most
 * scale_max_live) on xpcpu and on the kernel's allocator at once, and
 * times alloc/free pairs among them and a batch of 1000 allocations on
 * top of them; its third figure is the pages the allocator populated for
 * the live set per MiB of it (every possible CPU's copy counted on both
 * sides), its fourth the time to zero the pairs' areas on every possible
 * CPU with no allocator call (what the memory system charges a pair for
 * reaching a random area of a large live set, which every allocator's
 * zeroing pays: pair minus zero is the allocator's own share).  The
 * floor holds kzalloc() objects of the same bytes.  scale-frag fills 10
 * and 500 of xpcpu's chunks' worth with 32-byte areas and frees every
 * other one, so that every chunk is fragmented into holes too small for
 * the 64-byte batch timed against them.  The live sets are built in the
 * warm-up round, kept through the counted rounds and freed by
 * xpcpu_bench_scale_finish(), untimed; a "scale-info" line per set says
 * how many chunks and pages it took.
 *
 * The kernel's populated pages come from "Percpu:" in /proc/meminfo (no
 * exported call gives them), less xpcpu's own where its chunks come from
 * the kernel's allocator (the kpcpu backend), xpcpu's from
 * xpcpu_get_stats().
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xpcpu_bench.h"

/* Bytes of the scale-live areas, and of scale-frag's areas and batch. */
#define XB_LIVE_SIZE	8
#define XB_FRAG_SIZE	32
#define XB_FRAG_REQ	64
#define XB_FRAG_BATCH	1000

/*
 * Bytes per CPU of one of xpcpu's dynamic chunks with the default
 * sizes: its largest area, 64 KiB (32 KiB with the kpcpu backend).
 */
static unsigned int xb_chunk_bytes(void)
{
	return xpcpu_max_alloc_size();
}

/* "Percpu:" of /proc/meminfo in pages, or a negative errno. */
static long xb_kernel_pages(void)
{
	long kb = -ENOENT;
	struct file *f;
	loff_t pos = 0;
	char *buf, *p;
	ssize_t n;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	f = filp_open("/proc/meminfo", O_RDONLY, 0);
	if (IS_ERR(f)) {
		kfree(buf);
		return PTR_ERR(f);
	}
	n = kernel_read(f, buf, PAGE_SIZE - 1, &pos);
	filp_close(f, NULL);
	if (n > 0) {
		buf[n] = '\0';
		p = strstr(buf, "\nPercpu:");
		if (!p || sscanf(p, "\nPercpu: %ld kB", &kb) != 1)
			kb = -ENOENT;
	}
	kfree(buf);
	return kb < 0 ? kb : kb >> (PAGE_SHIFT - 10);
}

/**
 * xpcpu_bench_pages() - pages an allocator has populated, every CPU's
 * @which: enum xb_allocator
 *
 * Return: xpcpu's nr_populated_pages, the kernel's "Percpu:" pages, 0 for
 * the floor (SLUB's pages are not counted), or a negative errno.
 */
long xpcpu_bench_pages(int which)
{
	struct xpcpu_stats st;
	long kernel;

	if (which == XB_FLOOR)
		return 0;
	xpcpu_get_stats(&st);
	if (which != XB_KERNEL)
		return st.nr_populated_pages;
	kernel = xb_kernel_pages();
	/*
	 * The kpcpu backend (the only one that serves less than
	 * XPCPU_MAX_ALLOC_SIZE) takes its chunks from the kernel's
	 * allocator, so "Percpu:" counts them too: they are not the
	 * kernel's own.
	 */
	if (kernel >= 0 && xpcpu_max_alloc_size() < XPCPU_MAX_ALLOC_SIZE)
		kernel -= st.nr_populated_pages;
	return kernel;
}

/*
 * struct xb_hold - a live set kept through the rounds of one step
 */
struct xb_hold {
	void **ptrs;			/* the areas; NULL where freed */
	unsigned int nr;		/* room in ptrs */
	unsigned int step;		/* live areas or chunks it was built for */
	u32 *seq;			/* scale-live: random indices below nr */
	u64 pages_per_mib;		/* x1000, pages populated per live MiB */
};

static struct xb_hold xb_holds[XB_NR];

static void xb_hold_free(struct xb_hold *h, int which)
{
	unsigned int i;

	for (i = 0; h->ptrs && i < h->nr; i++) {
		if (h->ptrs[i])
			xb_free(which, h->ptrs[i]);
		xb_resched(i);
	}
	kvfree(h->ptrs);
	kvfree(h->seq);
	memset(h, 0, sizeof(*h));
}

/* Free the live sets of the last step, on every allocator. */
void xpcpu_bench_scale_finish(void)
{
	int a;

	for (a = 0; a < XB_NR; a++)
		xb_hold_free(&xb_holds[a], a);
}

/*
 * Allocate @nr areas of @size into a new hold for @step, freeing every
 * other one if @fragment, and log what it took.
 */
static int xb_hold_build(struct xb_hold *h, int which, const char *test,
			 unsigned int step, unsigned int nr, unsigned int size,
			 bool fragment)
{
	long before = xpcpu_bench_pages(which), after;
	struct xpcpu_stats st;
	u64 live_bytes;
	unsigned int i;

	h->ptrs = kvcalloc(nr, sizeof(*h->ptrs), GFP_KERNEL);
	if (!h->ptrs)
		return -ENOMEM;
	h->nr = nr;
	h->step = step;
	for (i = 0; i < nr; i++) {
		h->ptrs[i] = xb_alloc(which, size, GFP_KERNEL);
		if (!h->ptrs[i])
			return -ENOMEM;
		xb_resched(i);
	}
	for (i = 1; fragment && i < nr; i += 2) {
		xb_free(which, h->ptrs[i]);
		h->ptrs[i] = NULL;
		xb_resched(i);
	}
	/* Let the allocators' background work populate or release first. */
	msleep(xpcpu_bench_settle_ms);
	after = xpcpu_bench_pages(which);
	live_bytes = (u64)(fragment ? (nr + 1) / 2 : nr) * size *
		     num_possible_cpus();
	if (before >= 0 && after > before)
		h->pages_per_mib = div64_u64((u64)(after - before) * 1000 << 20,
					     live_bytes);
	xpcpu_get_stats(&st);
	pr_info("scale-info test=%s step=%u alloc=%s areas=%u size=%u live_bytes=%llu pages=%ld xpcpu_chunks=%llu possible=%u\n",
		test, step, xpcpu_bench_alloc_name[which],
		fragment ? (nr + 1) / 2 : nr, size, live_bytes,
		before >= 0 && after >= 0 ? after - before : -1L,
		which == XB_KERNEL ? 0 : st.nr_chunks, num_possible_cpus());
	return 0;
}

/* The hold of @which for @step, built on first use. */
static struct xb_hold *xb_hold_get(int which, const char *test,
				   unsigned int step, unsigned int nr,
				   unsigned int size, bool fragment, int *err)
{
	struct xb_hold *h = &xb_holds[which];

	*err = 0;
	if (h->ptrs && h->step == step)
		return h;
	xb_hold_free(h, which);
	*err = xb_hold_build(h, which, test, step, nr, size, fragment);
	if (*err) {
		xb_hold_free(h, which);
		return NULL;
	}
	return h;
}

static int xb_scale_live_run(struct xb_worker *w)
{
	struct xb_hold *h = &xb_holds[w->which];
	u64 val[XB_MAX_METRICS] = {};
	int err;

	err = xpcpu_bench_steady_pairs(w->which, h->ptrs, h->nr, XB_LIVE_SIZE,
				       h->seq, w->n, false, w->val);
	if (!err)
		err = xpcpu_bench_steady_pairs(w->which, h->ptrs, h->nr,
					       XB_LIVE_SIZE, h->seq, w->n, true,
					       &w->val[3]);
	if (!err)
		err = xpcpu_bench_batch_pairs(w->which, XB_LIVE_SIZE,
					      XB_FRAG_BATCH, val);
	w->val[1] = val[0];
	w->val[2] = h->pages_per_mib;
	return err;
}

/**
 * xpcpu_bench_scale_live() - pairs and a batch against @live live areas
 * @which: enum xb_allocator
 * @live: live 8-byte areas held
 * @round: the round (0: warm-up, when the live set is built)
 * @nr_cpus: unused (one CPU)
 * @val: ns/pair, ns/alloc, pages per live MiB and ns per live area
 *	 zeroed on every possible CPU without the allocator, x1000
 *
 * Return: 0 or a negative errno.
 */
int xpcpu_bench_scale_live(int which, unsigned int live, unsigned int round,
			   unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_scale_live_run,
		.which = which,
		.n = max(xpcpu_bench_scale_ops, 1U),
	};
	struct xb_hold *h;
	struct rnd_state rs;
	unsigned int i;
	s64 ret;
	int err;

	h = xb_hold_get(which, "scale-live", live, live, XB_LIVE_SIZE, false,
			&err);
	if (!h)
		return err;
	if (!h->seq) {
		h->seq = kvmalloc_array(w.n, sizeof(*h->seq), GFP_KERNEL);
		if (!h->seq)
			return -ENOMEM;
		prandom_seed_state(&rs, xpcpu_bench_seed + live);
		for (i = 0; i < w.n; i++)
			h->seq[i] = prandom_u32_state(&rs) % live;
	}
	ret = xpcpu_bench_run_one(&w);
	memcpy(val, w.val, sizeof(w.val));
	return ret < 0 ? ret : 0;
}

static int xb_scale_frag_run(struct xb_worker *w)
{
	return xpcpu_bench_batch_pairs(w->which, XB_FRAG_REQ, XB_FRAG_BATCH,
				       w->val);
}

/**
 * xpcpu_bench_scale_frag() - a batch against @chunks fragmented chunks
 * @which: enum xb_allocator
 * @chunks: xpcpu chunks' worth of 32-byte areas, every other one freed
 * @round: the round (0: warm-up, when the live set is built)
 * @nr_cpus: unused (one CPU)
 * @val: ns/alloc and ns/free of 1000 64-byte areas, x1000
 *
 * Return: 0 or a negative errno.
 */
int xpcpu_bench_scale_frag(int which, unsigned int chunks, unsigned int round,
			   unsigned int nr_cpus, u64 *val)
{
	struct xb_worker w = {
		.run = xb_scale_frag_run,
		.which = which,
	};
	s64 ret;
	int err;

	if (!xb_hold_get(which, "scale-frag", chunks,
			 chunks * (xb_chunk_bytes() / XB_FRAG_SIZE),
			 XB_FRAG_SIZE, true, &err))
		return err;
	ret = xpcpu_bench_run_one(&w);
	memcpy(val, w.val, sizeof(w.val));
	return ret < 0 ? ret : 0;
}
