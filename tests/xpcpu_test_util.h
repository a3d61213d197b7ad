/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the xpcpu KUnit suites: the invariant checkers
 * check_chunk() and check_slots(), which recompute a chunk's hints and
 * counters from its bitmaps by brute force, a stats snapshot, and the
 * seed of the random tests (kernel parameter xpcpu.test_seed=N replays a
 * run; 0 or unset picks a random seed, logged by every suite_init).
 */
#ifndef _XPCPU_TEST_UTIL_H
#define _XPCPU_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/prandom.h>

#include <xpcpu_internal.h>

void xpcpu_test_brute_md(const unsigned long *map, int start, int nr_bits,
			 struct xpcpu_block_md *md);
int xpcpu_test_check_chunk(struct kunit *test,
			   const struct xpcpu_chunk *chunk);
int xpcpu_test_check_slots(struct kunit *test);
u64 xpcpu_test_seed(void);
void xpcpu_test_log_seed(struct kunit_suite *suite);

/**
 * check_chunk() - recompute every hint and counter of @chunk by brute force
 * @test: where mismatches are reported (kunit_err(), safe under a spinlock)
 * @chunk: the chunk; the caller keeps it from changing
 *
 * Return: the number of mismatches, 0 when the chunk is consistent.
 */
static inline int check_chunk(struct kunit *test,
			      const struct xpcpu_chunk *chunk)
{
	return xpcpu_test_check_chunk(test, chunk);
}

/**
 * check_slots() - check_chunk() every live chunk, and the slot lists
 * @test: where mismatches are reported
 *
 * Takes xpcpu_pool.lock.
 *
 * Return: the number of mismatches.
 */
static inline int check_slots(struct kunit *test)
{
	return xpcpu_test_check_slots(test);
}

/* A private PRNG stream derived from the run's seed. */
static inline void xpcpu_test_rnd_init(struct rnd_state *rnd, u64 salt)
{
	prandom_seed_state(rnd, xpcpu_test_seed() ^ (salt * 0x9e3779b97f4a7c15ULL));
}

/* A random number in [0, n). */
static inline u32 xpcpu_test_rand(struct rnd_state *rnd, u32 n)
{
	return n ? prandom_u32_state(rnd) % n : 0;
}

#endif /* _XPCPU_TEST_UTIL_H */
