// SPDX-License-Identifier: GPL-2.0
/*
 * Last object of xpcpu: the marker that ends the XPCPU_SECTION
 * begun by pcpu_static_start.c.
 */
#include <xpcpu.h>

char __xpcpu_end[0] __section(XPCPU_SECTION);
