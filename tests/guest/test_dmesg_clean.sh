# SPDX-License-Identifier: GPL-2.0
# Guest test: the whole kernel log, boot included, is free of splats
# (WARNING:, BUG:, KASAN, Oops, lockdep, UBSAN, ...), except between the
# kmsg lines "xpcpu-test: expect-splat-begin" and "...-end".  The runner
# always runs it, last.
. /tests/lib.sh

splats=$(dmesg | scan_splats)
if [ -n "$splats" ]; then
	echo "$splats" | head -n 20
	fail "$(echo "$splats" | wc -l) splat line(s) in the kernel log"
fi
note "$(dmesg | wc -l) kernel log lines, no splat"
pass
