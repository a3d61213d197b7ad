/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): WARN_ON_ONCE() counts
 * and prints; the target decides whether a warning was expected.
 */
#ifndef _XPCPU_SHIM_LINUX_BUG_H
#define _XPCPU_SHIM_LINUX_BUG_H

#include <stdio.h>

extern int xpcpu_shim_nr_warnings;	/* WARN_ON_ONCE() that fired */

#define WARN_ON_ONCE(cond)						\
({									\
	int __warned = !!(cond);					\
									\
	if (__warned) {							\
		xpcpu_shim_nr_warnings++;				\
		fprintf(stderr, "%s:%d: WARN_ON_ONCE(%s)\n", __FILE__,	\
			__LINE__, #cond);				\
	}								\
	__warned;							\
})

#endif /* _XPCPU_SHIM_LINUX_BUG_H */
