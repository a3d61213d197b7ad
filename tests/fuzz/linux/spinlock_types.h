/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): a fake lock, single
 * threaded.  It only records whether the test holds it, so that the
 * lockdep_assert_held() shim (linux/lockdep.h) can check the code's
 * "Context: map->lock held" promises.
 */
#ifndef _XPCPU_SHIM_LINUX_SPINLOCK_TYPES_H
#define _XPCPU_SHIM_LINUX_SPINLOCK_TYPES_H

typedef struct {
	int held;			/* 1 while the test holds it */
} raw_spinlock_t;

typedef raw_spinlock_t spinlock_t;

#endif /* _XPCPU_SHIM_LINUX_SPINLOCK_TYPES_H */
