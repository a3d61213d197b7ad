# SPDX-License-Identifier: GPL-2.0
#
# scripts/splat-scan.awk - print the splat lines of a kernel log.
#
# The one scanner behind every splat check (host: mawk/gawk; guest:
# busybox awk, shipped as /tests/splat-scan.awk).  Reads the patterns from
# the file given as -v patterns=FILE (scripts/splat-patterns: the format
# and the expected-splat markers are described there) and prints, for the
# log on stdin or in FILE:
#   - every line that matches a pattern, outside expected-splat regions;
#   - "splat-scan: ..." for a region holding fewer matching lines than it
#     announced, a region left open, or patterns that cannot be read.
# Prints nothing for a clean log: callers fail on any output.
#
# Usage: awk -v patterns=scripts/splat-patterns -f scripts/splat-scan.awk [LOG]

BEGIN {
	np = 0
	ni = 0
	while ((rc = (getline l < patterns)) > 0) {
		if (l ~ /^[ \t]*#/ || l ~ /^[ \t]*$/)
			continue
		if (substr(l, 1, 1) == "!")
			ign = ign (ni++ ? "|" : "") substr(l, 2)
		else
			re = re (np++ ? "|" : "") l
	}
	close(patterns)
	if (np == 0) {
		print "splat-scan: no patterns read from '" patterns "' (getline " rc "); every log fails"
		exit 1
	}
	open = 0
}

# unterminated: report the open region as a failure and close it.
function unterminated(where) {
	print "splat-scan: expect-splat region opened at log line " begin_nr " has no expect-splat-end (" where ")"
	open = 0
}

{ sub(/\r$/, "") }

/xpcpu-test: expect-splat-begin/ {
	if (open)
		unterminated("a second begin at line " NR)
	n = $0
	sub(/.*xpcpu-test: expect-splat-begin[ \t]*/, "", n)
	want = n + 0
	if (want < 1)
		want = 1
	open = 1
	got = 0
	begin_nr = NR
	next
}

/xpcpu-test: expect-splat-end/ {
	if (!open)
		print "splat-scan: expect-splat-end without a begin at log line " NR
	else if (got < want)
		print "splat-scan: expect-splat region at log lines " begin_nr "-" NR ": expected at least " want " splat line(s), found " got
	open = 0
	next
}

# The guest runner's per-test lines: a region never spans two tests.
open && /xpcpu-harness: (begin|end) / {
	unterminated("next test at line " NR)
}

ni && $0 ~ ign { next }

$0 ~ re {
	if (open)
		got++
	else
		print
}

END {
	if (open)
		unterminated("end of the log")
}
