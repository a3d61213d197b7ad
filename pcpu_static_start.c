// SPDX-License-Identifier: GPL-2.0
/*
 * First object of xpcpu: a zero-length marker at the start of its part of
 * XPCPU_SECTION (.data..xpcpu in a module), so that [__xpcpu_start,
 * __xpcpu_end) brackets every DEFINE_XPCPU() template of xpcpu, in
 * xpcpu.ko or built into vmlinux alike.
 */
#include <linux/cache.h>

#include <xpcpu.h>

/*
 * Templates are copied to unit offset (template - __xpcpu_start), and
 * units are page aligned: the marker must be at least as aligned as the
 * templates.  In a module the section's alignment gives that; built into
 * vmlinux the section is part of .data, so align the marker itself.
 */
char __xpcpu_start[0] __section(XPCPU_SECTION) __aligned(SMP_CACHE_BYTES);

/*
 * xpcpu's own __xpcpu_delta (a client's comes from include/xpcpu.lds):
 * set when the first chunk is created, poisoned until then.
 */
unsigned long __xpcpu_delta __read_mostly = XPCPU_DELTA_POISON;
