/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): the SMP barriers of
 * the lockless free check, as C11 fences (the fuzzer is single-threaded;
 * they only keep the code the same as the kernel's).
 */
#ifndef _XPCPU_SHIM_ASM_BARRIER_H
#define _XPCPU_SHIM_ASM_BARRIER_H

#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* _XPCPU_SHIM_ASM_BARRIER_H */
