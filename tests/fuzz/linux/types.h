/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): the kernel's basic
 * types, bool and the errno values, from the C library.
 */
#ifndef _XPCPU_SHIM_LINUX_TYPES_H
#define _XPCPU_SHIM_LINUX_TYPES_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef unsigned int gfp_t;

#endif /* _XPCPU_SHIM_LINUX_TYPES_H */
