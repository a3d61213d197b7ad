/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): the bitmap operations
 * it uses, with the algorithms of the kernel's lib/bitmap.c
 * (__bitmap_set, __bitmap_clear, bitmap_find_next_zero_area_off) and
 * bitmap_zalloc()/bitmap_free() over the kcalloc() shim.
 */
#ifndef _XPCPU_SHIM_LINUX_BITMAP_H
#define _XPCPU_SHIM_LINUX_BITMAP_H

#include <string.h>

#include <linux/bitops.h>
#include <linux/find.h>
#include <linux/slab.h>

#define __ALIGN_MASK(x, mask)	(((x) + (mask)) & ~(mask))

static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	return kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), gfp);
}

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int len)
{
	unsigned long *p = map + BIT_WORD(start);
	const unsigned int size = start + len;
	int left = len;
	int bits_to_set = BITS_PER_LONG - (start % BITS_PER_LONG);
	unsigned long mask_to_set = BITMAP_FIRST_WORD_MASK(start);

	while (left - bits_to_set >= 0) {
		*p |= mask_to_set;
		left -= bits_to_set;
		bits_to_set = BITS_PER_LONG;
		mask_to_set = ~0UL;
		p++;
	}
	if (left) {
		mask_to_set &= BITMAP_LAST_WORD_MASK(size);
		*p |= mask_to_set;
	}
}

static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int len)
{
	unsigned long *p = map + BIT_WORD(start);
	const unsigned int size = start + len;
	int left = len;
	int bits_to_clear = BITS_PER_LONG - (start % BITS_PER_LONG);
	unsigned long mask_to_clear = BITMAP_FIRST_WORD_MASK(start);

	while (left - bits_to_clear >= 0) {
		*p &= ~mask_to_clear;
		left -= bits_to_clear;
		bits_to_clear = BITS_PER_LONG;
		mask_to_clear = ~0UL;
		p++;
	}
	if (left) {
		mask_to_clear &= BITMAP_LAST_WORD_MASK(size);
		*p &= ~mask_to_clear;
	}
}

/*
 * The first @nr clear bits in [@start, @size) whose start is a multiple
 * of @align_mask + 1; a result past @size - @nr means none.
 */
static inline unsigned long bitmap_find_next_zero_area(unsigned long *map,
						       unsigned long size,
						       unsigned long start,
						       unsigned int nr,
						       unsigned long align_mask)
{
	unsigned long index, end, i;

again:
	index = find_next_zero_bit(map, size, start);
	index = __ALIGN_MASK(index, align_mask);
	end = index + nr;
	if (end > size)
		return end;
	i = find_next_bit(map, end, index);
	if (i < end) {
		start = i + 1;
		goto again;
	}
	return index;
}

#endif /* _XPCPU_SHIM_LINUX_BITMAP_H */
