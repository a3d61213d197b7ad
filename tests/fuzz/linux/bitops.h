/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): 64-bit longs, the
 * word/mask helpers, the non-atomic bit operations (single threaded, so
 * the atomic ones are the same) and __ffs()/__fls(), which abort on 0
 * where the kernel's are undefined.
 */
#ifndef _XPCPU_SHIM_LINUX_BITOPS_H
#define _XPCPU_SHIM_LINUX_BITOPS_H

#include <stdio.h>
#include <stdlib.h>

#include <linux/types.h>

#define BITS_PER_BYTE		8
#define BITS_PER_LONG		64
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_BYTE * sizeof(long))

_Static_assert(sizeof(long) * BITS_PER_BYTE == BITS_PER_LONG,
	       "the shims assume 64-bit longs");

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

#define set_bit		__set_bit
#define clear_bit	__clear_bit

static inline unsigned long xpcpu_shim_nonzero(unsigned long word,
					       const char *fn)
{
	if (!word) {
		fprintf(stderr, "%s(0) is undefined\n", fn);
		abort();
	}
	return word;
}

/* Index of the lowest set bit of @word, which must not be 0. */
static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(xpcpu_shim_nonzero(word, "__ffs"));
}

/* Index of the highest set bit of @word, which must not be 0. */
static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 -
	       __builtin_clzl(xpcpu_shim_nonzero(word, "__fls"));
}

#endif /* _XPCPU_SHIM_LINUX_BITOPS_H */
