#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/kunit_counts.py - count the cases of a kunit.py JSON result.

Reads the file kunit.py writes with --json (KernelCI layout: a root group,
one sub-group per suite, one test case per case; a parameterised case is a
group of its parameters) and prints two lines for scripts/kunit.sh:

    PASSED FAILED SKIPPED CRASHED
    SUITE...            (expected suites that did not run; may be empty)

A parameterised case counts once: FAILED if any parameter failed or
crashed, SKIPPED if every parameter skipped, else PASSED.  CRASHED counts
cases kunit.py marks ERROR (the kernel died or the case never finished)
and suites that reported no case at all.  A suite that crashed before its
cases ran shows up as one failed entry of the root group.

Usage: scripts/kunit_counts.py RESULTS.json [EXPECTED_SUITE...]
"""

import json
import sys


def leaves(group):
    """Statuses of every test case under group, sub-groups included."""
    out = [c.get("status", "FAIL") for c in group.get("test_cases") or []]
    for sub in group.get("sub_groups") or []:
        out += leaves(sub)
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: kunit_counts.py RESULTS.json [EXPECTED_SUITE...]")
    with open(argv[1], encoding="utf-8") as f:
        root = json.load(f)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "ERROR": 0}
    seen = set()

    def add(status):
        counts[status if status in counts else "FAIL"] += 1

    # A suite with no case inside is a test case of the root group.
    for entry in root.get("test_cases") or []:
        seen.add(entry.get("name"))
        add(entry.get("status", "FAIL"))
    for suite in root.get("sub_groups") or []:
        seen.add(suite.get("name"))
        cases = suite.get("test_cases") or []
        params = suite.get("sub_groups") or []
        if not cases and not params:
            counts["ERROR"] += 1
        for case in cases:
            add(case.get("status", "FAIL"))
        for case in params:
            st = leaves(case)
            if not st or any(x in ("FAIL", "ERROR") for x in st):
                counts["FAIL"] += 1
            elif all(x == "SKIP" for x in st):
                counts["SKIP"] += 1
            else:
                counts["PASS"] += 1
    missing = [s for s in argv[2:] if s not in seen]
    print(counts["PASS"], counts["FAIL"], counts["SKIP"], counts["ERROR"])
    print(" ".join(missing))


if __name__ == "__main__":
    main(sys.argv)
