#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/make_seeds.py - write the hand-made seeds of corpus/ (files
# named seed-*; the others there are inputs libFuzzer found).  Each seed
# is a sequence of operations in the input format of xpcpu_bitmap_fuzz.c
# (see fz_run()); the helpers below encode them.
#
# Usage: tests/fuzz/make_seeds.py [DIR]      (default: corpus/ beside it)
import os
import struct
import sys


def u16(v):
    return struct.pack('<H', v)


def init(pages, fail=0):
    """Byte 0 (or the argument of a re-init): pages 1..16, failing allocation 0..3."""
    return bytes([(pages - 1) | fail << 4])


def edge(bits=0, anywhere=None):
    """Hidden bits at one edge: 0..63 directly, or any count (mode 2)."""
    if anywhere is not None:
        return bytes([0x80]) + u16(anywhere)
    assert 0 <= bits < 64
    return bytes([0x40 | bits]) if bits else bytes([0])


def block_edge(blocks, delta):
    """Hidden bits near a block edge: blocks * 1024 + delta, delta -4..3."""
    return bytes([0xc0 | blocks << 3 | (delta + 4)])


def size(bits):
    if bits <= 64:
        return u16(bits - 1)
    if bits <= 1024:
        return u16(0x4000 | (bits - 1))
    return u16(0x8000 | (bits - 1))


def align(bits):
    return bytes([bits.bit_length() - 1])


def alloc(bits, al=1):
    return bytes([0]) + size(bits) + align(al)


def alloc_run(al, k, nr):
    """nr areas of al * k bits (k <= 64 / al), aligned to al (<= 16)."""
    return bytes([4, al.bit_length() - 1, k - 1, nr - 1])


def free(i):
    return bytes([5]) + u16(i)


def free_run(i, nr):
    return bytes([8]) + u16(i) + bytes([nr - 1])


def bad_free(kind, r=0, r2=0):
    """kind 0 inside an area, 1 a free bit, 2 a hidden bit, 3 a freed start, 4 any."""
    return bytes([9, kind]) + u16(r) + (u16(r2) if kind == 0 else b'')


def bad_free_run(kind, r=0, d=0, nr=1):
    """kind 0 one too many, 1 a wrong size, 2 from inside an area."""
    return bytes([10, kind]) + u16(r) + bytes([d]) + \
        (bytes([nr - 1]) if kind else b'')


def reset(start, tail):
    return bytes([11, 0]) + start + tail


def reinit(pages, start, tail, fail=0):
    return bytes([11, 1]) + init(pages, fail) + start + tail


def find_fit(bits, al=1):
    return bytes([12]) + size(bits) + align(al)


def block_scan(start, length):
    return bytes([13]) + u16(start) + u16(length - 1)


def fill(bits, al, n):
    return bytes([14]) + size(bits) + align(al) + bytes([n - 1])


def sweep(k, phase=0, down=False):
    return bytes([15, (k - 1) | phase << 3 | (0x80 if down else 0)])


SEEDS = {
    'alloc-free-one-page': init(1) + edge() + edge() +
        alloc(1) + alloc(5) + alloc(64) + free(0) + free(0) + free(0),
    'fill-sweep-refill': init(2) + edge() + edge() +
        fill(3, 1, 64) + fill(9, 1, 64) + sweep(2) + sweep(3, 1) +
        fill(2, 1, 64) + fill(16, 16, 64) + sweep(2, 0, True),
    'scan-hint-holes': init(1) + edge() + edge() +
        fill(1, 1, 40) + free(3) + free(10) + free(20) + free(21) +
        alloc(1) + alloc(1) + alloc(2) + find_fit(3) + block_scan(0, 1024),
    'left-run-not-hint': init(1) + edge() + edge() +
        alloc(2) + alloc(3) + alloc(5) + alloc(10) + alloc(80) +
        free(0) + free(1) + alloc(1) + alloc(1),
    'cross-block': init(4) + edge() + edge() +
        alloc(1000) + alloc(100) + alloc(1500) + free(1) + alloc(300) +
        alloc(2048, 1024) + free(0) + alloc(1024, 1024) + find_fit(4096),
    'right-run-cross': init(2) + edge() + edge() +
        alloc(100) + alloc(100) + alloc(800) + alloc(20) + free(1) +
        free(3) + alloc(300),
    'edges-block': init(8) + block_edge(1, -3) + block_edge(2, 2) +
        alloc(1) + alloc(1024, 1024) + fill(700, 4, 20) + sweep(2) +
        alloc(3000, 1) + bad_free(2, 5) + bad_free(2, 8000),
    'edges-any': init(3) + edge(anywhere=777) + edge(anywhere=1500) +
        alloc(13) + alloc(64, 64) + fill(40, 8, 64) + sweep(3) +
        find_fit(64, 64) + find_fit(512, 256),
    'edges-all-hidden': init(1) + edge(anywhere=1024) + edge() +
        alloc(1) + find_fit(1) + bad_free(2, 3) + bad_free(4, 1030) +
        reset(edge(7), edge(9)) + alloc(1000) + alloc(8),
    'runs': init(2) + edge(3) + edge() +
        alloc_run(1, 3, 20) + alloc_run(4, 4, 16) + alloc_run(16, 4, 8) +
        free_run(0, 10) + free_run(25, 16) + alloc_run(2, 1, 64) +
        free(5) + free_run(5, 64) + alloc_run(8, 8, 32),
    'runs-big': init(4) + edge() + edge() +
        alloc_run(1, 0x80 | 20, 30) + alloc_run(16, 0x80 | 10, 12) +
        free_run(0, 64) + free_run(1, 64),
    'bad-frees': init(1) + edge(5) + edge(9) +
        alloc(10) + alloc(1) + alloc(70) + free(1) +
        bad_free(0, 0, 3) + bad_free(0, 1, 5) + bad_free(1, 100) +
        bad_free(1, 0) + bad_free(2, 2) + bad_free(2, 1020) +
        bad_free(3, 0) + bad_free(4, 1024) + bad_free(4, 1080),
    'bad-free-runs': init(1) + edge() + edge() +
        alloc_run(2, 2, 5) + alloc(70) + bad_free_run(0, 0) +
        bad_free_run(1, 0, 3, 2) + bad_free_run(1, 0, 0x81, 1) +
        bad_free_run(2, 0, 1, 2) + bad_free_run(0, 5) +
        bad_free_run(1, 5, 0x80, 1) + bad_free_run(2, 5, 40, 1),
    'double-free': init(1) + edge() + edge() +
        alloc(4) + alloc(4) + free(0) + bad_free(3, 0) + alloc(2) +
        bad_free(3, 0) + free(0) + free(0) + bad_free(3, 1),
    'reset-reinit': init(2) + edge() + edge() +
        fill(7, 1, 30) + reset(edge(1), edge(2)) + fill(5, 4, 20) +
        reinit(16, edge(anywhere=3000), edge(anywhere=4000)) +
        alloc(16384) + alloc(9000) + fill(1000, 1024, 10) +
        reinit(1, edge(), edge(), fail=1) + alloc(1024) +
        reinit(5, edge(), edge(), fail=2) + reinit(2, edge(), edge(), fail=3),
    'init-fail': init(3, fail=1) + edge() + edge() + alloc(3),
    'aligns': init(4) + edge(1) + edge(1) +
        alloc(1, 1) + alloc(1, 2) + alloc(1, 4) + alloc(1, 8) +
        alloc(1, 16) + alloc(1, 32) + alloc(1, 64) + alloc(1, 128) +
        alloc(1, 256) + alloc(1, 512) + alloc(1, 1024) + sweep(2) +
        alloc(3, 1024) + find_fit(1025, 1024),
    'big': init(16) + edge() + edge() +
        alloc(16384) + free(0) + alloc(16383) + alloc(1) + free(0) +
        alloc(8192, 1024) + alloc(5000) + alloc(3000) + sweep(1) +
        block_scan(100, 16000),
    'many-small-16': init(16) + edge(3) + edge(60) +
        fill(1, 1, 64) + fill(2, 2, 64) + fill(3, 1, 64) + fill(64, 64, 64) +
        sweep(3, 1) + sweep(2, 1, True) + fill(5, 1, 64) + fill(200, 4, 64) +
        block_scan(0, 16384) + block_scan(1000, 50),
    'full-then-holes': init(1) + edge() + edge() +
        fill(16, 1, 64) + sweep(4, 1) + sweep(4, 3) + find_fit(16) +
        find_fit(17) + alloc(16) + alloc(8) + alloc(8) + alloc(16),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, 'seed-' + name), 'wb') as f:
            f.write(data)
    print(f'{len(SEEDS)} seeds written to {out}')


if __name__ == '__main__':
    main()
