/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The entry point of the fuzz target (xpcpu_bitmap_fuzz.c), called by
 * libFuzzer or by the replay driver (replay.c) for machines without it.
 */
#ifndef _XPCPU_BITMAP_FUZZ_H
#define _XPCPU_BITMAP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* _XPCPU_BITMAP_FUZZ_H */
