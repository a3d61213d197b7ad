# SPDX-License-Identifier: GPL-2.0
# Guest test: the whole kernel log, boot included, is free of splats (the
# list in scripts/splat-patterns: WARNING:, BUG:, KASAN, Oops, lockdep,
# UBSAN, ...), except in expected-splat regions that hold what they
# announce ("xpcpu-test: expect-splat-begin N" ... "...-end").  The runner
# always runs it, last.
. /tests/lib.sh

splats=$(dmesg | scan_splats)
if [ -n "$splats" ]; then
	echo "$splats" | head -n 20
	fail "$(echo "$splats" | wc -l) splat line(s) in the kernel log"
fi
note "$(dmesg | wc -l) kernel log lines, no splat"
pass
