/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): READ_ONCE() and
 * WRITE_ONCE() as volatile accesses, as tools/include/linux/compiler.h
 * has them for scalars, the branch hints, and the attributes of
 * compiler_attributes.h that the fuzz target uses.
 */
#ifndef _XPCPU_SHIM_LINUX_COMPILER_H
#define _XPCPU_SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __noreturn		__attribute__((__noreturn__))

#endif /* _XPCPU_SHIM_LINUX_COMPILER_H */
