// SPDX-License-Identifier: GPL-2.0
/*
 * How still the host itself is, for `make bench`'s provenance line.  Runs
 * on the host, not in the guest, and knows nothing of QEMU or xpcpu.
 *
 * A window is a fixed amount of work timed with CLOCK_MONOTONIC: a compute
 * window is a xorshift loop in registers (the core alone), a memory window
 * the same number of loads from random places in an 8 MiB buffer (the
 * host's caches, TLB and memory, which a cloud host shares with its
 * neighbours).  TCG is memory-heavy on the host (its soft TLB, the guest's
 * RAM, its code cache), so a guest's wall-clock figures can be no stiller
 * than the host's memory windows.
 *
 *   host-noise windows N   N compute and N memory windows back to back;
 *                          prints the median of each in us and its robust
 *                          CV (interquartile range / 1.349 / median, in %)
 *   host-noise sample S    one compute and one memory window every S
 *                          seconds until killed, a line "ms compute_us
 *                          memory_us" each (ms: CLOCK_MONOTONIC)
 *
 * Build: gcc -O2 -o host-noise host-noise.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef unsigned long long u64;

#define BUF_BYTES	(8UL << 20)
#define WINDOW_OPS	50000
#define MAX_WINDOWS	100000

static u64 *buf;
static u64 rnd = 88172645463325252ULL;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static u64 next(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return rnd;
}

/* One window's time in us: @memory loads from buf, else only the xorshift. */
static double window(int memory)
{
	u64 t0 = now_ns(), s = 0;
	int i;

	for (i = 0; i < WINDOW_OPS; i++) {
		u64 x = next();

		s += memory ? buf[x % (BUF_BYTES / sizeof(*buf))] : x * 3;
	}
	__asm__ __volatile__("" : : "r"(s));	/* keeps the loads */
	return (now_ns() - t0) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v; prints its median and robust CV under @name. */
static void summary(const char *name, double *v, int n)
{
	double med, iqr;

	qsort(v, n, sizeof(*v), cmp_double);
	med = v[n / 2];
	iqr = v[n * 3 / 4] - v[n / 4];
	printf(" %s_med_us=%.1f %s_cv=%.1f", name, med, name,
	       med > 0 ? 100 * iqr / 1.349 / med : 0);
}

int main(int argc, char **argv)
{
	long arg = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	double *cpu, *mem;
	int i;

	if (arg <= 0 || (strcmp(argv[1], "windows") && strcmp(argv[1], "sample"))) {
		fprintf(stderr, "usage: %s windows N | sample SECONDS\n", argv[0]);
		return 2;
	}
	buf = malloc(BUF_BYTES);
	if (!buf)
		return 1;
	memset(buf, 1, BUF_BYTES);
	window(1);			/* warm-up: faults the buffer in */

	if (!strcmp(argv[1], "sample")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		for (;;) {
			double c = window(0), m = window(1);

			printf("%llu %.1f %.1f\n",
			       now_ns() / 1000000, c, m);
			sleep(arg);
		}
	}
	if (arg > MAX_WINDOWS)
		arg = MAX_WINDOWS;
	cpu = calloc(arg, sizeof(*cpu));
	mem = calloc(arg, sizeof(*mem));
	if (!cpu || !mem)
		return 1;
	for (i = 0; i < arg; i++) {
		cpu[i] = window(0);
		mem[i] = window(1);
	}
	printf("windows=%ld", arg);
	summary("compute", cpu, arg);
	summary("memory", mem, arg);
	printf("\n");
	return 0;
}
