#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/bench-compare.py - do two benchmark runs agree?

Reads two bench-<kver>.csv files (scripts/bench-report.py) and prints, for
every row both have a ratio for, the two ratios and how far the second is
from the first (|b/a - 1|), then the largest deviation among the
single-CPU rows and among all rows.  Two runs of the same build should
agree within the run-to-run noise: `make bench` twice back to back is the
wall-clock check, `make bench ICOUNT=1` twice the instruction-count one.

Usage: bench-compare.py A.csv B.csv [--limit PERCENT]
       exit status 1 if a single-CPU row deviates by more than PERCENT
       (default: none, report only)
"""
import argparse
import csv
import sys


def rows(path):
    out = {}
    with open(path) as f:
        for d in csv.DictReader(f):
            try:
                q = float(d["ratio"])
            except (KeyError, ValueError):
                continue
            if q > 0:
                out[(d["test"], d["size"], d["cpus"])] = q
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--limit", type=float)
    args = ap.parse_args()
    a, b = rows(args.a), rows(args.b)
    common = [k for k in a if k in b]
    if not common:
        sys.exit("no row has a ratio in both files")
    worst1 = worst = (0.0, None)
    print(f"{'test':<18} {'size':>6} {'cpus':>4} {'run A':>7} {'run B':>7} {'B/A-1':>7}")
    for k in common:
        dev = b[k] / a[k] - 1
        print(f"{k[0]:<18} {k[1]:>6} {k[2]:>4} {a[k]:>7.2f} {b[k]:>7.2f} {dev:>+7.1%}")
        if abs(dev) > abs(worst[0]):
            worst = (dev, k)
        if k[2] == "1" and abs(dev) > abs(worst1[0]):
            worst1 = (dev, k)
    print(f"largest deviation, single-CPU rows: {abs(worst1[0]):.1%} "
          f"({' '.join(worst1[1]) if worst1[1] else '-'})")
    print(f"largest deviation, all rows: {abs(worst[0]):.1%} "
          f"({' '.join(worst[1]) if worst[1] else '-'})")
    print(f"rows compared: {len(common)}")
    if args.limit is not None and abs(worst1[0]) * 100 > args.limit:
        sys.exit(1)


if __name__ == "__main__":
    main()
