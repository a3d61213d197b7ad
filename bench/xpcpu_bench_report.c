// SPDX-License-Identifier: GPL-2.0
/*
 * The report of xpcpu_bench.ko: from the figures the harness collected
 * over the rounds (xpcpu_bench_vals), every allocator's median, the ratio
 * of the medians oriented so that above 1.0 means xpcpu did better, and
 * the spread of the rounds' own ratios, xpcpu's distance to the floor, as
 * one grep-able "summary" line per figure, every round's figures as a
 * "rounds" line (scripts/bench.sh and scripts/guest/guest-bench.sh parse
 * both; the host computes the confidence intervals), and the "scaling"
 * lines of the concurrent workload.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sort.h>

#include "xpcpu_bench.h"

/* Figures of the current test: [allocator][metric][round], x1000. */
u64 xpcpu_bench_vals[XB_NR][XB_MAX_METRICS][XB_MAX_ROUNDS];

/* Medians of the last concurrent runs, by size and CPUs: the scaling. */
static u64 xb_conc_med[XB_NR][ARRAY_SIZE(xpcpu_bench_conc_sizes)][3];

static int xb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * xpcpu_bench_median() - the median of @n figures, sorted in place
 * @v: the figures
 * @n: how many; 0 gives 0
 *
 * Return: the middle one, or the mean of the two in the middle.
 */
u64 xpcpu_bench_median(u64 *v, unsigned int n)
{
	if (!n)
		return 0;
	sort(v, n, sizeof(*v), xb_cmp_u64, NULL);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median of the figures among @n, zeros left out unless @count. */
static u64 xb_median(const u64 *v, unsigned int n, bool count)
{
	u64 s[XB_MAX_ROUNDS];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i] || count)
			s[k++] = v[i];
	return xpcpu_bench_median(s, k);
}

/* A x1000 figure with one decimal, or "-" for none (0 unless @count). */
static const char *xb_fmt(char *buf, size_t len, u64 milli, bool count)
{
	u64 tenths = div_u64(milli + 50, 100);

	if (!milli && !count)
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

/* "a,b,c": the rounds' figures of one allocator, x1000, or "-". */
static void xb_fmt_rounds(char *buf, size_t len, const u64 *v,
			  unsigned int rounds, bool on)
{
	size_t at = 0;
	unsigned int i;

	if (!on) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; i < rounds && at < len; i++)
		at += scnprintf(buf + at, len - at, "%s%llu", i ? "," : "",
				v[i]);
}

/* Every round's figures of metric @m, for the confidence interval. */
static void xb_report_rounds(const struct xb_test *t, int m, const char *sz,
			     unsigned int nr_cpus, unsigned int rounds,
			     unsigned int allocators)
{
	static char f[XB_NR][XB_MAX_ROUNDS * 14];
	unsigned int a;

	for (a = 0; a < XB_NR; a++)
		xb_fmt_rounds(f[a], sizeof(f[a]), xpcpu_bench_vals[a][m],
			      rounds, allocators & BIT(a));
	pr_info("rounds test=%s size=%s cpus=%u xpcpu=%s nocache=%s kernel=%s floor=%s\n",
		t->metrics[m].name, sz, nr_cpus, f[XB_XPCPU], f[XB_NOCACHE],
		f[XB_KERNEL], f[XB_FLOOR]);
}

/* One summary line: metric @m of test @t at @size on @nr_cpus CPUs. */
void xpcpu_bench_report(const struct xb_test *t, int m, unsigned int size,
			unsigned int nr_cpus, unsigned int rounds,
			unsigned int allocators)
{
	const struct xb_metric *mt = &t->metrics[m];
	char sz[32], f[XB_NR][24], r[5][16];
	u64 med[XB_NR] = {}, lo = 0, hi = 0;
	unsigned int i, a;
	bool hb;

	/* The floor's pages are SLUB's, which nobody counts. */
	if (mt->count)
		allocators &= ~BIT(XB_FLOOR);
	for (a = 0; a < XB_NR; a++) {
		if (allocators & BIT(a))
			med[a] = xb_median(xpcpu_bench_vals[a][m], rounds,
					   mt->count);
		xb_fmt(f[a], sizeof(f[a]), med[a],
		       mt->count && (allocators & BIT(a)));
	}
	/* The spread of the rounds' own ratios, rounds with both figures. */
	for (i = 0; i < rounds; i++) {
		u64 q = xb_ratio(xpcpu_bench_vals[XB_XPCPU][m][i],
				 xpcpu_bench_vals[XB_KERNEL][m][i], mt->higher_better);

		if (!q)
			continue;
		lo = lo ? min(lo, q) : q;
		hi = max(hi, q);
	}
	hb = mt->higher_better;
	xb_fmt_ratio(r[0], sizeof(r[0]),
		     xb_ratio(med[XB_XPCPU], med[XB_KERNEL], hb));
	xb_fmt_ratio(r[1], sizeof(r[1]), lo);
	xb_fmt_ratio(r[2], sizeof(r[2]), hi);
	xb_fmt_ratio(r[3], sizeof(r[3]),
		     xb_ratio(med[XB_NOCACHE], med[XB_KERNEL], hb));
	/* How far xpcpu is from the floor: > 1 means slower than SLUB. */
	xb_fmt_ratio(r[4], sizeof(r[4]),
		     xb_ratio(med[XB_FLOOR], med[XB_XPCPU], hb));
	if (t->size_key)
		snprintf(sz, sizeof(sz), "8 %s=%u", t->size_key, size);
	else if (size == XB_SIZE_MIX)
		snprintf(sz, sizeof(sz), "mix");
	else
		snprintf(sz, sizeof(sz), "%u", size);

	pr_info("summary test=%s size=%s unit=%s cpus=%u xpcpu=%s nocache=%s kernel=%s floor=%s ratio=%s ratio_min=%s ratio_max=%s ratio_nocache=%s floor_dist=%s rounds=%u\n",
		mt->name, sz, mt->unit, nr_cpus, f[XB_XPCPU], f[XB_NOCACHE],
		f[XB_KERNEL], f[XB_FLOOR], r[0], r[1], r[2], r[3], r[4],
		rounds);
	xb_report_rounds(t, m, sz, nr_cpus, rounds, allocators);
	if (!t->per_cpus)
		return;
	for (i = 0; i < ARRAY_SIZE(xpcpu_bench_conc_sizes); i++)
		for (a = 0; a < XB_NR && xpcpu_bench_conc_sizes[i] == size; a++)
			xb_conc_med[a][i][min(nr_cpus, 3U) - 1] = med[a];
}

/* xpcpu's own throughput on 2 CPUs over 1, next to the others'. */
void xpcpu_bench_report_scaling(void)
{
	char f[XB_NR][16];
	unsigned int i, a;

	for (i = 0; i < ARRAY_SIZE(xpcpu_bench_conc_sizes); i++) {
		for (a = 0; a < XB_NR; a++)
			xb_fmt_ratio(f[a], sizeof(f[a]),
				     xb_ratio(xb_conc_med[a][i][1],
					      xb_conc_med[a][i][0], true));
		pr_info("scaling test=concurrent size=%u cpus=2/1 xpcpu=%s nocache=%s kernel=%s floor=%s\n",
			xpcpu_bench_conc_sizes[i], f[XB_XPCPU], f[XB_NOCACHE],
			f[XB_KERNEL], f[XB_FLOOR]);
	}
}

