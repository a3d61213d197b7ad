// SPDX-License-Identifier: GPL-2.0
/*
 * Last object of xpcpu: the marker that ends the .data..xpcpu section
 * begun by pcpu_static_start.c.
 */
#include <xpcpu.h>

char __xpcpu_end[0] __section(".data..xpcpu");
