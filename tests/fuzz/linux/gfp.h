/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): allocation flags are
 * carried but ignored.  The kernel's gfp.h brings PAGE_SIZE in through
 * mmzone.h; this one includes asm/page.h for the same effect.
 */
#ifndef _XPCPU_SHIM_LINUX_GFP_H
#define _XPCPU_SHIM_LINUX_GFP_H

#include <asm/page.h>
#include <linux/types.h>

#define GFP_KERNEL	0x0cc0u
#define GFP_ATOMIC	0x0a20u

#endif /* _XPCPU_SHIM_LINUX_GFP_H */
