#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/test.sh - everything `make test` runs.
#
# Installs what is missing (scripts/deps.sh), checks the lockless code
# against its litmus tests (scripts/litmus-check.py), checks the benchmark's
# statistics on known inputs (scripts/bench-report.py --self-test), runs a bounded fuzz run of
# the bitmap allocator in userspace (tests/fuzz/fuzz.sh, one result),
# checks the packaging on the host for 6.1 and 6.12 (scripts/pkg.sh check:
# dkms build, make install, client builds, modinfo; it stages what the
# guests' test_install loads), runs the guest tests in QEMU on each guest
# kernel (scripts/vm.sh test): Debian's 6.1 and 6.12, their PREEMPT_RT
# builds 6.1-rt and 6.12-rt, and 6.1 once more with preempt=full on the
# command line and on one NUMA node; then the KUnit suites on
# linux-source-6.1 and -6.12 (scripts/kunit.sh), and on 6.1 once more in
# a kernel built with KCSAN, the data-race detector, running the suites
# that exercise concurrency (cache, chunk, pointers, pool, sound, stress,
# and the canary xpcpu_kcsan; a KCSAN report naming xpcpu is a splat, so
# it fails that part).  Keeps going after a
# failure so that one run shows everything; prints a summary line per part
# and ends with one line "N passed, M failed, K skipped" (the fuzz run,
# packaging checks, guest results on every kernel plus KUnit cases; a
# hang, a build failure, a kernel-log splat, a missing suite counts as a
# failure; an optional kernel or tree that is not installed counts as one
# skip) and exits non-zero if M > 0.
#
# Usage: scripts/test.sh
# Env:   TEST_KVERS   guest kernels (default "6.1 6.12 6.1-rt 6.12-rt";
#                     6.12-rt is optional: skipped if it did not install)
#        TEST_PREEMPT_FULL  kernels to run again with preempt=full (default
#                     "6.1"; needs PREEMPT_DYNAMIC; "" for none)
#        TEST_ONE_NODE  kernels to run again on one NUMA node, where xpcpu
#                     takes the percpu backend, not kpcpu (default "6.1")
#        TEST_PKG_KVERS  kernels of the packaging checks (default "6.1 6.12")
#        KUNIT_KVERS  KUnit trees (default "6.1 6.12"; 6.12 optional; 6.1
#                     runs on two NUMA nodes and again on one)
#        KUNIT_KCSAN=0  no KUnit run under KCSAN (default 1: on 6.1, two
#                     nodes, tests/.kunitconfig.kcsan, its own kernel build;
#                     KUNIT_KCSAN_FILTER picks the suites, see kunit.sh)
#        GUEST_TESTS  which guest tests (globs, default all; see vm.sh)
#        SKIP_KUNIT=1 guest tests only
#        FUZZ_SECONDS the fuzz run's length (default 60); SKIP_FUZZ=1: none
#        XPCPU_REV    test that commit instead of the working tree
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a kvers <<<"${TEST_KVERS-6.1 6.12 6.1-rt 6.12-rt}"
read -r -a preempt_full <<<"${TEST_PREEMPT_FULL-6.1}"
read -r -a one_node <<<"${TEST_ONE_NODE-6.1}"
read -r -a kunit_kvers <<<"${KUNIT_KVERS-6.1 6.12}"
read -r -a pkg_kvers <<<"${TEST_PKG_KVERS-6.1 6.12}"
[ "${SKIP_KUNIT:-0}" != 1 ] || kunit_kvers=()
t0=$(date +%s)

specs=("${kvers[@]}" "${preempt_full[@]}" "${one_node[@]}" "${pkg_kvers[@]}")
for v in "${kunit_kvers[@]}"; do specs+=("kunit-$v"); done
"$XPCPU_ROOT/scripts/deps.sh" "${specs[@]}"

total_p=0
total_f=0
total_s=0
summary=()
fuzz_line=""
add() { # add PART COUNTS_FILE SECONDS: COUNTS_FILE holds "PASSED FAILED [SKIPPED]"
	local p=0 f=1 s=0
	[ ! -s "$2" ] || read -r p f s <"$2"
	s=${s:-0}
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
	summary+=("$(printf '%-50s %4d passed, %d failed, %d skipped  (%ss)' "$1" "$p" "$f" "$s" "$3")")
}
skip() { # skip PART WHY: an optional part that cannot run here
	total_s=$((total_s + 1))
	summary+=("$(printf '%-50s skipped: %s' "$1" "$2")")
}

# guest SPEC [VARIANT APPEND EXPECT]: the guest tests on SPEC, optionally
# with APPEND on the kernel command line and a report line EXPECT that
# proves it took effect.
guest() {
	local spec=$1 variant=${2:-} append=${3:-} expect=${4:-} kver counts t part
	kver=$(kver_resolve "$spec")
	case $spec in
	*-rt) expect=${expect:-'realtime: 1$'} ;;
	esac
	part="guest tests on $spec${variant:+ $variant}"
	if [ -z "$kver" ]; then
		skip "$part" "kernel $spec not installed (scripts/deps.sh $spec)"
		return
	fi
	part+=" ($kver)"
	counts=$XPCPU_OUT/test-$kver${variant:+-$variant}/counts
	rm -f "$counts"
	t=$(date +%s)
	XPCPU_VARIANT=$variant XPCPU_APPEND="${XPCPU_APPEND:+$XPCPU_APPEND }$append" \
		VM_EXPECT_REPORT=$expect "$XPCPU_ROOT/scripts/vm.sh" test "$spec" || true
	add "$part" "$counts" $(($(date +%s) - t))
}

# fuzz: a bounded run of the bitmap allocator's fuzzer (tests/fuzz), one
# result; its "fuzz: N executions in S s, ..." line goes into the summary.
fuzz() {
	local secs=${FUZZ_SECONDS:-60} dir=$XPCPU_OUT/fuzz t rc=0
	mkdir -p "$dir"
	t=$(date +%s)
	"$(xpcpu_src_root)/tests/fuzz/fuzz.sh" "$secs" >"$dir/fuzz.out" 2>&1 || rc=$?
	cat "$dir/fuzz.out"
	fuzz_line=$(grep -E '^fuzz: ([0-9]+|\?) executions' "$dir/fuzz.out" | tail -n 1) || true
	fuzz_line=${fuzz_line:-fuzz: no executions line (see $dir/fuzz.out)}
	if [ "$rc" -eq 0 ]; then echo "1 0" >"$dir/counts"; else echo "0 1" >"$dir/counts"; fi
	add "fuzz (bitmap allocator, ${secs} s)" "$dir/counts" $(($(date +%s) - t))
}

# litmus: the lockless code against its litmus tests (tests/litmus/,
# scripts/litmus-check.py), one result per test.
litmus() {
	local dir=$XPCPU_OUT/litmus t p f
	mkdir -p "$dir"
	t=$(date +%s)
	python3 "$XPCPU_ROOT/scripts/litmus-check.py" "$(xpcpu_src_root)" | tee "$dir/litmus.out" || true
	p=$(grep -c '^PASS ' "$dir/litmus.out") || true
	f=$(grep -c '^FAIL ' "$dir/litmus.out") || true
	grep -q '^litmus: ' "$dir/litmus.out" || f=$((f + 1))
	echo "$p $f" >"$dir/counts"
	add "litmus (lockless protocols <-> code)" "$dir/counts" $(($(date +%s) - t))
}

# bench_report: the benchmark's statistics (scripts/bench-report.py: the
# bootstrap interval, the ratios' orientation, the tables) on known inputs.
bench_report() {
	local dir=$XPCPU_OUT/bench-report t p f
	mkdir -p "$dir"
	t=$(date +%s)
	python3 "$XPCPU_ROOT/scripts/bench-report.py" --self-test | tee "$dir/self-test.out" || true
	p=$(grep -c '^PASS ' "$dir/self-test.out") || true
	f=$(grep -c '^FAIL ' "$dir/self-test.out") || true
	grep -q '^bench-report self-test: ' "$dir/self-test.out" || f=$((f + 1))
	echo "$p $f" >"$dir/counts"
	add "bench report (statistics on known inputs)" "$dir/counts" $(($(date +%s) - t))
}

litmus
bench_report
[ "${SKIP_FUZZ:-0}" = 1 ] || fuzz


# pkg SPEC: the packaging checks on the host (scripts/pkg.sh check).
pkg() {
	local spec=$1 kver t part
	kver=$(kver_resolve "$spec")
	part="packaging on $spec"
	if [ -z "$kver" ]; then
		skip "$part" "kernel $spec not installed (scripts/deps.sh $spec)"
		return
	fi
	part+=" ($kver)"
	t=$(date +%s)
	"$XPCPU_ROOT/scripts/pkg.sh" check "$spec" || true
	add "$part" "$XPCPU_OUT/pkg-$kver/counts" $(($(date +%s) - t))
}

for k in "${pkg_kvers[@]}"; do
	pkg "$k"
done
for k in "${kvers[@]}"; do
	guest "$k"
done
for k in "${preempt_full[@]}"; do
	guest "$k" preempt-full preempt=full '^preempt: full,'
done
# One NUMA node: xpcpu takes genuine per-CPU pointers there.
for k in "${one_node[@]}"; do
	VM_NODES=1 guest "$k" 1node "" '^pointers: genuine'
done

# kunit VER NODES [kcsan]: the suites on linux-source-VER, NODES NUMA
# nodes; with "kcsan", the KCSAN kernel and its suites (kunit.sh's
# KUNIT_KCSAN=1).
kunit() {
	local v=$1 nodes=$2 kcsan=0 name=kunit counts t dir pointers=
	[ "${3:-}" != kcsan ] || { kcsan=1; name="kunit kcsan"; }
	[ "${3:-}" != offset ] || { pointers=offset; name="kunit pointers=offset"; }
	if [ ! -f "/usr/src/linux-source-$v.tar.xz" ]; then
		skip "$name (linux-source-$v)" "linux-source-$v not installed (scripts/deps.sh kunit-$v)"
		return
	fi
	dir=$XPCPU_OUT/kunit-$v
	# (Not dir=...$([ ... ] && ...): a false test there ends the script under set -e.)
	[ "$nodes" != 1 ] || dir+=-1node
	[ "$kcsan" != 1 ] || dir+=-kcsan
	[ -z "$pointers" ] || dir+=-$pointers
	counts=$dir/counts
	mkdir -p "$dir"
	rm -f "$counts"
	t=$(date +%s)
	KUNIT_KVER=$v KUNIT_NODES=$nodes KUNIT_KCSAN=$kcsan KUNIT_POINTERS=$pointers \
		KUNIT_COUNTS_FILE=$counts \
		"$XPCPU_ROOT/scripts/kunit.sh" || true
	add "$name (linux-source-$v, $nodes node(s))" "$counts" $(($(date +%s) - t))
}

for v in "${kunit_kvers[@]}"; do
	kunit "$v" 2
	# One node: the percpu backend (the same build, one more boot).
	[ "$v" != 6.1 ] || kunit "$v" 1
	# pointers=offset: the vmap backend, which no topology picks itself.
	[ "$v" != 6.1 ] || kunit "$v" 2 offset
	# KCSAN: a kernel of its own (tests/.kunitconfig.kcsan), 6.1 only.
	[ "$v" != 6.1 ] || [ "${KUNIT_KCSAN:-1}" = 0 ] || kunit "$v" 2 kcsan
done

echo
echo "=== make test summary ($(($(date +%s) - t0))s)"
printf '    %s\n' "${summary[@]}"
[ -z "$fuzz_line" ] || echo "    $fuzz_line"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
