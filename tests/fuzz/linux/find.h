/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): the find_*_bit()
 * family and for_each_clear_bitrange_from(), with the algorithms of the
 * kernel's lib/find_bit.c (FIND_NEXT_BIT, _find_last_bit) and the
 * iterator of include/linux/find.h, without the small_const_nbits()
 * fast paths.
 */
#ifndef _XPCPU_SHIM_LINUX_FIND_H
#define _XPCPU_SHIM_LINUX_FIND_H

#include <linux/bitops.h>

#define BITMAP_FIRST_WORD_MASK(start) (~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

/* FIND_NEXT_BIT of lib/find_bit.c; @invert searches for zero bits. */
static inline unsigned long xpcpu_shim_find_next(const unsigned long *addr,
						 unsigned long size,
						 unsigned long start,
						 unsigned long invert)
{
	unsigned long idx, tmp;

	if (start >= size)
		return size;
	idx = start / BITS_PER_LONG;
	tmp = (addr[idx] ^ invert) & BITMAP_FIRST_WORD_MASK(start);
	while (!tmp) {
		if ((idx + 1) * BITS_PER_LONG >= size)
			return size;
		idx++;
		tmp = addr[idx] ^ invert;
	}
	tmp = idx * BITS_PER_LONG + __ffs(tmp);
	return tmp < size ? tmp : size;
}

/* The first set bit in [@offset, @size), or @size. */
static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long offset)
{
	return xpcpu_shim_find_next(addr, size, offset, 0);
}

/* The first clear bit in [@offset, @size), or @size. */
static inline unsigned long find_next_zero_bit(const unsigned long *addr,
					       unsigned long size,
					       unsigned long offset)
{
	return xpcpu_shim_find_next(addr, size, offset, ~0UL);
}

static inline unsigned long find_first_bit(const unsigned long *addr,
					   unsigned long size)
{
	return find_next_bit(addr, size, 0);
}

static inline unsigned long find_first_zero_bit(const unsigned long *addr,
						unsigned long size)
{
	return find_next_zero_bit(addr, size, 0);
}

/* The last set bit in [0, @size), or @size: _find_last_bit(). */
static inline unsigned long find_last_bit(const unsigned long *addr,
					  unsigned long size)
{
	if (size) {
		unsigned long val = BITMAP_LAST_WORD_MASK(size);
		unsigned long idx = (size - 1) / BITS_PER_LONG;

		do {
			val &= addr[idx];
			if (val)
				return idx * BITS_PER_LONG + __fls(val);
			val = ~0UL;
		} while (idx--);
	}
	return size;
}

/*
 * for_each_clear_bitrange_from - iterate over the clear bit ranges [b, e)
 * from @b on; as in include/linux/find.h.
 */
#define for_each_clear_bitrange_from(b, e, addr, size)		\
	for (;							\
	     (b) = find_next_zero_bit((addr), (size), (b)),	\
	     (e) = find_next_bit((addr), (size), (b) + 1),	\
	     (b) < (size);					\
	     (b) = (e) + 1)

#endif /* _XPCPU_SHIM_LINUX_FIND_H */
