/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): kcalloc()/kfree() over
 * calloc()/free(), with a count of live allocations (a leak check) and
 * one injectable failure: when xpcpu_shim_fail_nth is n > 0, the n-th
 * allocation from then on returns NULL.  The fuzz target defines both.
 */
#ifndef _XPCPU_SHIM_LINUX_SLAB_H
#define _XPCPU_SHIM_LINUX_SLAB_H

#include <stdlib.h>

#include <linux/gfp.h>

extern int xpcpu_shim_fail_nth;		/* fail the n-th allocation; 0: none */
extern int xpcpu_shim_nr_live;		/* allocations not freed yet */

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (xpcpu_shim_fail_nth > 0 && --xpcpu_shim_fail_nth == 0)
		return NULL;
	p = calloc(n ? n : 1, size ? size : 1);
	if (p)
		xpcpu_shim_nr_live++;
	return p;
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kcalloc(1, size, gfp);
}

static inline void kfree(const void *p)
{
	if (!p)
		return;
	xpcpu_shim_nr_live--;
	free((void *)p);
}

#endif /* _XPCPU_SHIM_LINUX_SLAB_H */
