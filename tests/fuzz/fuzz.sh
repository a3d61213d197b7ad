#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/fuzz.sh - a bounded fuzz run of the bitmap allocator of one
# chunk (pcpu_bitmap.c, built unchanged in userspace; see the Makefile).
#
# Builds tests/fuzz, then runs the libFuzzer target (ASan + UBSan) for
# SECONDS over the committed seed corpus (tests/fuzz/corpus, only read)
# and the corpus it grows (tests/fuzz/out/corpus, not in git), one job.
# Without libFuzzer it says so and falls back to the replay build: the
# seed corpus, then random inputs for the same time.  Installs nothing.
#
# Prints one line, and exits 0:
#   fuzz: N executions in S s, 0 failures (corpus C files)
# On a failure: the check that failed, where the input was saved, how to
# replay it, and exit status 1.
#
# Usage: tests/fuzz/fuzz.sh [SECONDS]    (default: $FUZZ_SECONDS, else 60)
#   FUZZ_NO_LIBFUZZER=1   use the replay fallback even with libFuzzer
#   FUZZ_ARGS="..."       more libFuzzer options (e.g. -seed=1)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/out
secs=${1:-${FUZZ_SECONDS:-60}}

die() {
	echo "fuzz: error: $*" >&2
	exit 1
}

if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -eq 0 ]; then
	die "SECONDS must be a positive integer, not '$secs'; usage: $0 [SECONDS]"
fi
command -v make >/dev/null || die "make not found; run: apt-get install make"
command -v clang >/dev/null || command -v clang-14 >/dev/null ||
	command -v gcc >/dev/null || command -v cc >/dev/null ||
	die "no C compiler; run: apt-get install clang libclang-rt-14-dev (or at least gcc)"

mkdir -p "$out/corpus"
nr_seeds=$(find "$here/corpus" -maxdepth 1 -type f | wc -l)
[ "$nr_seeds" -gt 0 ] || die "the seed corpus $here/corpus is empty; restore it: git checkout tests/fuzz/corpus"

if ! make -s -C "$here" build >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	die "the build failed (above); if shim headers are missing a definition pcpu_bitmap.c now needs, add it in tests/fuzz/linux/"
fi

use_libfuzzer=$(make -s -C "$here" have-libfuzzer)
[ -z "${FUZZ_NO_LIBFUZZER:-}" ] || use_libfuzzer=no

# failed LOG HOW_TO_REPLAY: report a failure and exit 1.
failed() {
	echo "fuzz: FAILED; what the target and the sanitizers said ($1):" >&2
	grep -E 'xpcpu fuzz: FAILED|lockdep_assert_held|is undefined|ERROR: |runtime error|SUMMARY: |Test unit written|^    #[0-9] ' "$1" |
		head -30 >&2 || tail -30 "$1" >&2
	echo "fuzz: replay: $2" >&2
	echo "fuzz: (XPCPU_FUZZ_TRACE=1 in the environment prints every operation)" >&2
	exit 1
}

start=$SECONDS
if [ "$use_libfuzzer" = yes ]; then
	log=$out/fuzz.log
	rc=0
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	"$out/xpcpu_bitmap_fuzzer" -max_total_time="$secs" -print_final_stats=1 \
		-max_len=1024 -timeout=30 -rss_limit_mb=2048 \
		-artifact_prefix="$out/" ${FUZZ_ARGS:-} \
		"$out/corpus" "$here/corpus" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
		artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "fuzz: ${execs:-?} executions in $((SECONDS - start)) s, 1 failure (corpus $nr_seeds files)" >&2
		failed "$log" "$out/xpcpu_bitmap_replay ${artifact:-<the input>}"
	fi
else
	echo "fuzz: note: no libFuzzer here (apt-get install clang libclang-rt-14-dev); falling back to the replay build: the seed corpus, then random inputs for $secs s" >&2
	log=$out/replay.log
	rc=0
	ASAN_OPTIONS=abort_on_error=1:${ASAN_OPTIONS:-} \
		"$out/xpcpu_bitmap_replay" -r "$secs" -o "$out/crash-replay" \
		"$here/corpus" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^replay: \([0-9]*\) executions.*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
		echo "fuzz: ? executions in $((SECONDS - start)) s, 1 failure (corpus $nr_seeds files)" >&2
		failed "$log" "$out/xpcpu_bitmap_replay $out/crash-replay (seed: $(sed -n 's/.*seed \([0-9]*\) .*/\1/p' "$log" | head -n 1))"
	fi
fi
echo "fuzz: $execs executions in $((SECONDS - start)) s, 0 failures (corpus $nr_seeds files)"
