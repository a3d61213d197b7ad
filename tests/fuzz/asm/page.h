/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): x86-64's 4 KiB page.
 */
#ifndef _XPCPU_SHIM_ASM_PAGE_H
#define _XPCPU_SHIM_ASM_PAGE_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

#endif /* _XPCPU_SHIM_ASM_PAGE_H */
