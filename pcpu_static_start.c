// SPDX-License-Identifier: GPL-2.0
/*
 * First object of xpcpu: a zero-length marker at the start of its part of
 * XPCPU_SECTION (.data..xpcpu in a module), so that [__xpcpu_start,
 * __xpcpu_end) brackets every DEFINE_XPCPU() template of xpcpu, in
 * xpcpu.ko or built into vmlinux alike.
 */
#include <xpcpu.h>

char __xpcpu_start[0] __section(XPCPU_SECTION);
