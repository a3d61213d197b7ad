#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/test.sh - everything `make test` runs.
#
# Installs what is missing (scripts/deps.sh), runs the guest tests in QEMU
# on each guest kernel (scripts/vm.sh test), then the KUnit suites
# (scripts/kunit.sh).  Keeps going after a failure so that one run shows
# everything; ends with one line "N passed, M failed" (guest results on
# every kernel plus KUnit cases; a hang, a build failure or a kernel-log
# splat counts as a failure) and exits non-zero if M > 0.
#
# Usage: scripts/test.sh
# Env:   TEST_KVERS   guest kernels (default "6.1 6.12")
#        GUEST_TESTS  which guest tests (globs, default all; see vm.sh)
#        SKIP_KUNIT=1 guest tests only
#        XPCPU_REV    test that commit instead of the working tree
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a kvers <<<"${TEST_KVERS:-6.1 6.12}"
t0=$(date +%s)
"$XPCPU_ROOT/scripts/deps.sh" "${kvers[@]}"

total_p=0
total_f=0
summary=()
add() { # add PART COUNTS_FILE SECONDS
	local p=0 f=1
	[ ! -s "$2" ] || read -r p f <"$2"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	summary+=("$(printf '%-40s %4d passed, %d failed  (%ss)' "$1" "$p" "$f" "$3")")
}

for k in "${kvers[@]}"; do
	kver=$(kver_require "$k")
	counts=$XPCPU_OUT/test-$kver/counts
	rm -f "$counts"
	t=$(date +%s)
	"$XPCPU_ROOT/scripts/vm.sh" test "$k" || true
	add "guest tests on $kver" "$counts" $(($(date +%s) - t))
done

if [ "${SKIP_KUNIT:-0}" != 1 ]; then
	counts=$XPCPU_OUT/kunit/counts
	mkdir -p "$XPCPU_OUT/kunit"
	rm -f "$counts"
	t=$(date +%s)
	KUNIT_COUNTS_FILE=$counts "$XPCPU_ROOT/scripts/kunit.sh" || true
	add "kunit (linux-source-6.1)" "$counts" $(($(date +%s) - t))
fi

echo
echo "=== make test summary ($(($(date +%s) - t0))s)"
printf '    %s\n' "${summary[@]}"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
