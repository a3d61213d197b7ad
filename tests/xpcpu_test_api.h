/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the suites on the live allocator's API (xpcpu_test.c, suite
 * "xpcpu", and xpcpu_pool_test.c, suite "xpcpu_pool") share: test->priv
 * with the allocations a case has not freed yet and the pool knobs it
 * changed, the init and exit that undo all of it whatever happened (and
 * check that nr_cur_alloc is back and check_slots() green), and the
 * short helpers the cases call.
 */
#ifndef _XPCPU_TEST_API_H
#define _XPCPU_TEST_API_H

#include <kunit/test.h>
#include <linux/gfp.h>

#include "xpcpu_test_util.h"

/* test->priv: what a case must undo, whatever happened. */
#define XPCPU_TEST_MAX_LIVE 1024
struct xpcpu_test_api_priv {
	u64 nr_cur_alloc;		/* baseline */
	unsigned int old_spare;		/* spare_chunks before the case */
	bool spare_changed;		/* restore it in exit */
	unsigned int old_decay;		/* empty_decay_ms before the case */
	bool decay_changed;		/* restore it in exit */
	int nr_live;			/* entries in live[] */
	void __xpcpu *live[XPCPU_TEST_MAX_LIVE]; /* allocations not freed yet */
};

void __xpcpu *xpcpu_test_alloc(struct kunit *test, size_t size, size_t align,
			       gfp_t gfp);
void xpcpu_test_forget(struct kunit *test, void __xpcpu *p);
void xpcpu_test_set_spare(struct kunit *test, unsigned int spare);
void xpcpu_test_set_decay(struct kunit *test, unsigned int decay_ms);
bool xpcpu_test_all_zero(void __xpcpu *p, size_t size);
int xpcpu_test_api_init(struct kunit *test);
void xpcpu_test_api_exit(struct kunit *test);

/* Allocate, and free in exit if the case does not. */
static inline void __xpcpu *t_alloc(struct kunit *test, size_t size,
				    size_t align, gfp_t gfp)
{
	return xpcpu_test_alloc(test, size, align, gfp);
}

/* The case freed @p itself. */
static inline void t_forget(struct kunit *test, void __xpcpu *p)
{
	xpcpu_test_forget(test, p);
}

static inline void t_free(struct kunit *test, void __xpcpu *p)
{
	t_forget(test, p);
	xpcpu_free(p);
}

/* Change spare_chunks for this case and let the balance work apply it. */
static inline void set_spare(struct kunit *test, unsigned int spare)
{
	xpcpu_test_set_spare(test, spare);
}

/* Every possible CPU's copy of @p reads zero. */
static inline bool all_zero(void __xpcpu *p, size_t size)
{
	return xpcpu_test_all_zero(p, size);
}

#endif /* _XPCPU_TEST_API_H */
