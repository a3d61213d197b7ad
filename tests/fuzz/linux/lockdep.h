/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): lockdep_assert_held()
 * as a real check on the fake lock of linux/spinlock_types.h; a miss
 * aborts, so that libFuzzer keeps the input.
 */
#ifndef _XPCPU_SHIM_LINUX_LOCKDEP_H
#define _XPCPU_SHIM_LINUX_LOCKDEP_H

#include <stdio.h>
#include <stdlib.h>

#include <linux/spinlock_types.h>

#define lockdep_assert_held(l)						\
do {									\
	if (!(l) || !(l)->held) {					\
		fprintf(stderr, "%s:%d: lockdep_assert_held(%s) failed\n", \
			__FILE__, __LINE__, #l);			\
		abort();						\
	}								\
} while (0)

#endif /* _XPCPU_SHIM_LINUX_LOCKDEP_H */
