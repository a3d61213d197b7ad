/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for pcpu_bitmap.c (tests/fuzz/): min(), max() and the
 * typed variants, evaluating each argument once.  No type check: the
 * kernel build does that.
 */
#ifndef _XPCPU_SHIM_LINUX_MINMAX_H
#define _XPCPU_SHIM_LINUX_MINMAX_H

#define min(x, y) ({ __typeof__(x) _x = (x); __typeof__(y) _y = (y);	\
		     _x < _y ? _x : _y; })
#define max(x, y) ({ __typeof__(x) _x = (x); __typeof__(y) _y = (y);	\
		     _x > _y ? _x : _y; })
#define min_t(type, x, y) ({ type _x = (x); type _y = (y);		\
			     _x < _y ? _x : _y; })
#define max_t(type, x, y) ({ type _x = (x); type _y = (y);		\
			     _x > _y ? _x : _y; })

#endif /* _XPCPU_SHIM_LINUX_MINMAX_H */
