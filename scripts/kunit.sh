#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kunit.sh - build xpcpu into a KUnit kernel and run its suites.
#
# Debian's kernels have no CONFIG_KUNIT, so this extracts Debian's
# linux-source-<ver> (6.1 or 6.12) into the cache, puts the project's
# Kbuild, Kconfig and sources into it as drivers/xpcpu/ (copied by content,
# see sync_sources in scripts/lib.sh: a file whose contents changed gets a
# new mtime and is rebuilt, whichever checkout or XPCPU_REV snapshot it
# comes from), and runs tools/testing/kunit/kunit.py for x86_64 under QEMU
# with 4 CPUs on 2 NUMA nodes (or one: KUNIT_NODES).  The verdict is the parsed KUnit results
# (scripts/kunit_counts.py), every suite named in tests/*_test.c having
# run, every .kunitconfig option having reached the .config, AND a scan of
# the whole kernel log for splats (scripts/splat-patterns): a splat fails
# the run even if every case passed.  With KUNIT_KCSAN=1 the kernel is
# built from tests/.kunitconfig.kcsan instead (KCSAN, the data-race
# detector, in place of KASAN; a build dir of its own) and runs the suites
# of KUNIT_KCSAN_FILTER only; each KCSAN report ("BUG: KCSAN: ...") that
# names xpcpu is a splat (others, races in the kernel itself, are listed
# in kcsan-kernel.txt).
#
# Usage: scripts/kunit.sh [FILTER_GLOB]     e.g. scripts/kunit.sh 'xpcpu.*'
# Env:   KUNIT_KVER=6.1|6.12: the kernel tree (default 6.1; 6.12 needs
#          linux-source-6.12: scripts/deps.sh kunit-6.12)
#        XPCPU_REV=<commit>: test that commit's sources, not the working tree
#        KUNIT_BUILD_DIR: kernel build dir (default:
#          cache/kunit-<ver>-<hash of .kunitconfig>)
#        KUNIT_NODES=2|1: NUMA nodes of the QEMU guest (default 2: xpcpu
#          takes its chunks from the kernel's per-CPU allocator, the kpcpu
#          backend; 1: one vmap() at the kernel's offsets, the percpu
#          backend; genuine pointers both); the same build serves both
#        KUNIT_TIMEOUT (s, default 900)  KUNIT_JOBS (default nproc)
#        KUNIT_COUNTS_FILE: if set, "PASSED FAILED SKIPPED" is written there.
#        KUNIT_POINTERS=offset|...: boot with xpcpu.pointers=<it> (e.g.
#          offset: the vmap backend and offset pointers, which neither
#          topology picks by itself); output in out/kunit-<ver>-<it>/
#        KUNIT_KCSAN=1: the KCSAN kernel (tests/.kunitconfig.kcsan; 6.1
#          only), running the suites of KUNIT_KCSAN_FILTER (a kunit.py
#          glob, default 'xpcpu_[ckps]*': xpcpu_cache, xpcpu_chunk,
#          xpcpu_kcsan, xpcpu_pointers, xpcpu_pool, xpcpu_sound,
#          xpcpu_sound_gfp, xpcpu_stress) unless FILTER_GLOB is given; only those suites must have run.  Suites of
#          tests/*_kcsan_test.c are built with KCSAN only (Kbuild) and
#          expected in this run only; KUNIT_KCSAN_ARGS: more kernel
#          command line for it, e.g. "kcsan.skip_watch=400" (one
#          watchpoint per 400 memory accesses instead of 4000: more races
#          found, slower)
# Output: out/kunit-<ver>[-1node][-kcsan]/ (kunit.py's output kunit.out,
#         results.json, test.log, splats.txt; with KCSAN test.xpcpu.log, the
#         log scanned, and kcsan-kernel.txt); the last line is
#         "=== kunit <ver>: N passed, M failed, K skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
ver=${KUNIT_KVER:-6.1}
case $ver in
6.1 | 6.12) ;;
*) die "KUNIT_KVER=$ver: only 6.1 and 6.12 (Debian's linux-source-*) are known" ;;
esac
timeout=${KUNIT_TIMEOUT:-900}
jobs=${KUNIT_JOBS:-$(nproc)}
nodes=${KUNIT_NODES:-2}
kcsan=${KUNIT_KCSAN:-0}
kunitconfig=$XPCPU_ROOT/tests/.kunitconfig
out=$XPCPU_OUT/kunit-$ver
tag=""
case $nodes in
2)
	# Two nodes 1 GiB apart: too wide for one vmap(), the kpcpu backend.
	qemu_args='-smp 4,sockets=2,cores=2 -m 2048'
	qemu_args+=' -object memory-backend-ram,id=m0,size=1024M'
	qemu_args+=' -object memory-backend-ram,id=m1,size=1024M'
	qemu_args+=' -numa node,nodeid=0,cpus=0-1,memdev=m0'
	qemu_args+=' -numa node,nodeid=1,cpus=2-3,memdev=m1'
	;;
1)
	# One node: compact per-CPU offsets, the percpu backend.
	qemu_args='-smp 4 -m 2048'
	out+=-1node
	;;
*) die "KUNIT_NODES=$nodes: 1 or 2" ;;
esac
pointers=${KUNIT_POINTERS:-}
case $pointers in
'') ;;
auto | offset | genuine | span | kpcpu)
	out+=-$pointers
	tag+=" pointers=$pointers"
	;;
*) die "KUNIT_POINTERS=$pointers: auto, offset, genuine, span or kpcpu" ;;
esac
case $kcsan in
0) ;;
1)
	[ "$ver" = 6.1 ] || die "KUNIT_KCSAN=1 with KUNIT_KVER=$ver: the KCSAN run is set up for 6.1 only"
	kunitconfig=$XPCPU_ROOT/tests/.kunitconfig.kcsan
	filter=${filter:-${KUNIT_KCSAN_FILTER:-xpcpu_[ckps]*}}
	out+=-kcsan
	tag+=" kcsan"
	;;
*) die "KUNIT_KCSAN=$kcsan: 0 or 1" ;;
esac

[ -f "$kunitconfig" ] || die "$kunitconfig is missing; restore it from git"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found; run: scripts/deps.sh"
command -v python3 >/dev/null || die "python3 not found; run: scripts/deps.sh"

passed=0
failed=0
skipped=0
finish() {
	[ -z "${KUNIT_COUNTS_FILE:-}" ] || echo "$passed $failed $skipped" >"$KUNIT_COUNTS_FILE"
	echo "=== kunit $ver$tag ($nodes node(s)): $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

# One lock for every KUnit tree: two kernel builds at once gain nothing on
# a small machine, and older scripts share the 6.1 tree under this name.
lock_or_wait kunit
mkdir -p "$out"
rm -f "$out"/{results.json,splats.txt,test.log,test.xpcpu.log,kcsan-kernel.txt,kunit.out}
t0=$(date +%s)
src=$(ensure_linux_source "$ver")
t_src=$(($(date +%s) - t0))
root=$(xpcpu_src_root)

# The suites that must run: every 'name = "xpcpu..."' of a kunit_suite in
# tests/*_test.c, narrowed by the suite part of FILTER_GLOB if given (the
# KCSAN run's default filter included): a suite the filter leaves out is
# not missing.  Suites of tests/*_kcsan_test.c exist in the KCSAN kernel only.
mapfile -t suites < <(for f in "$root"/tests/*_test.c; do
	[ "$kcsan" = 1 ] || [ "${f%_kcsan_test.c}" = "$f" ] || continue
	cat "$f"
done 2>/dev/null |
	sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\(xpcpu[A-Za-z0-9_]*\)".*/\1/p' |
	sort -u)
[ ${#suites[@]} -gt 0 ] || die "no KUnit suite (.name = \"xpcpu...\") found in $root/tests/*_test.c; restore them from git"
if [ -n "$filter" ]; then
	want=()
	for s in "${suites[@]}"; do
		# shellcheck disable=SC2053 # the filter is a glob
		[[ $s == ${filter%%.*} ]] && want+=("$s")
	done
	suites=("${want[@]}")
	[ ${#suites[@]} -gt 0 ] || die "filter '$filter' selects no suite of $root/tests/*_test.c; check the glob (kunit.py's: SUITE_GLOB[.TEST_GLOB])"
fi

# Put the project into the tree as drivers/xpcpu/: the build files and
# sources, copied by content.  (Runs of older scripts left symlinks there.)
link_project() {
	local dst=$src/drivers/xpcpu
	if [ -n "$(find "$dst" -type l -print -quit 2>/dev/null)" ]; then rm -rf "$dst"; fi
	sync_sources "$root" "$dst" '(^|/)(Kbuild|Kconfig)$|\.([chS]|lds)$'
	[ -f "$dst/Kbuild" ] && [ -f "$dst/Kconfig" ] ||
		die "Kbuild or Kconfig missing from $root; restore them from git"
	grep -qxF 'obj-$(CONFIG_XPCPU) += xpcpu/' "$src/drivers/Makefile" ||
		echo 'obj-$(CONFIG_XPCPU) += xpcpu/' >>"$src/drivers/Makefile"
	grep -qxF 'source "drivers/xpcpu/Kconfig"' "$src/drivers/Kconfig" ||
		echo 'source "drivers/xpcpu/Kconfig"' >>"$src/drivers/Kconfig"
}
link_project

hash=$(sha256sum "$kunitconfig" | cut -c1-12)
build_dir=${KUNIT_BUILD_DIR:-$XPCPU_CACHE/kunit-$ver-$hash}
mkdir -p "$build_dir"
rm -f "$build_dir/test.log"

log "kunit.py run on linux-source-$ver, build dir $build_dir (log: $out/kunit.out)"
args=(run --arch=x86_64 "--kunitconfig=$kunitconfig" "--build_dir=$build_dir"
	"--jobs=$jobs" "--timeout=$timeout" "--qemu_args=$qemu_args"
	"--json=$out/results.json")
[ -z "$filter" ] || args+=("$filter")
[ -z "$pointers" ] || args+=("--kernel_args=xpcpu.pointers=$pointers")
if [ "$kcsan" = 1 ]; then
	read -r -a kargs <<<"${KUNIT_KCSAN_ARGS:-}"
	for a in ${kargs[@]+"${kargs[@]}"}; do args+=("--kernel_args=$a"); done
fi
t1=$(date +%s)
rc=0
(cd "$src" && python3 tools/testing/kunit/kunit.py "${args[@]}") \
	</dev/null >"$out/kunit.out" 2>&1 || rc=$?
t_kunit=$(($(date +%s) - t1))

# Show what kunit.py said, without the progress noise.
grep -vE '^\[[0-9:]+\] *$|^stty: ' "$out/kunit.out" | tail -n 40 || true

if [ -f "$build_dir/test.log" ]; then cp "$build_dir/test.log" "$out/test.log"; fi

# Every option asked for must be in the .config: kunit.py drops options
# whose dependencies are unmet.
if [ -f "$build_dir/.config" ]; then
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$kunitconfig" | while IFS= read -r opt; do
		grep -qxF "$opt" "$build_dir/.config" || echo "$opt"
	done)
	if [ -n "$missing" ]; then
		echo "kunit: options not in $build_dir/.config (unmet dependencies?):" $missing
		failed=$((failed + 1))
	fi
fi

if [ ! -s "$out/results.json" ] || [ ! -f "$out/test.log" ]; then
	echo "kunit: no results (kunit.py exit $rc); see $out/kunit.out"
	grep -E 'error|Error|ERROR' "$out/kunit.out" | head -n 20 || true
	failed=$((failed + 1))
	finish
fi

{ read -r p f s n && read -r absent; } < <(python3 "$XPCPU_ROOT/scripts/kunit_counts.py" \
	"$out/results.json" "${suites[@]}") ||
	die "scripts/kunit_counts.py could not read $out/results.json; see $out/kunit.out"
passed=$((passed + p))
failed=$((failed + f + n))
skipped=$((skipped + s))
[ "$n" -eq 0 ] || echo "kunit: $n case(s) or suite(s) crashed or did not finish; see $out/test.log"
if [ -n "$absent" ]; then
	echo "kunit: suite(s) from tests/*_test.c that did not run: $absent; see $out/test.log"
	failed=$((failed + $(wc -w <<<"$absent")))
fi
[ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || [ "$n" -ne 0 ] || [ -n "$absent" ] || {
	echo "kunit: kunit.py exited $rc; see $out/kunit.out"
	failed=$((failed + 1))
}

# Under KCSAN, a report none of whose lines names xpcpu is a race inside
# the kernel itself (seen: native_stop_other_cpus() reading
# cpu_online_mask at the final reboot): it goes to kcsan-kernel.txt and is
# not scanned; a report that names xpcpu in either stack (or the canary)
# stays in and fails the run.
scan_log=$out/test.log
if [ "$kcsan" = 1 ]; then
	scan_log=$out/test.xpcpu.log
	awk -v other="$out/kcsan-kernel.txt" '
		function flush() { if (n) { if (ours) printf "%s", buf; else printf "%s", buf >other } n = 0; buf = ""; ours = 0 }
		n && /==========/ { flush() }
		/BUG: KCSAN: / { flush(); n = 1 }
		n { buf = buf $0 "\n"; if ($0 ~ /xpcpu/) ours = 1; next }
		{ print }
		END { flush() }' "$out/test.log" >"$scan_log"
	if [ -s "$out/kcsan-kernel.txt" ]; then
		echo "kunit: KCSAN reports outside xpcpu (not counted; $out/kcsan-kernel.txt):"
		grep -E 'BUG: KCSAN: ' "$out/kcsan-kernel.txt" | head -n 5
	fi
fi
scan_splats "$scan_log" >"$out/splats.txt"
if [ -s "$out/splats.txt" ]; then
	echo "kunit: kernel log has splats (each fails the run):"
	head -n 20 "$out/splats.txt"
	failed=$((failed + 1))
fi

elapsed=$(grep -oE 'Elapsed time: .*' "$out/kunit.out" | tail -n1 || true)
echo "kunit $ver$tag: suites expected: ${suites[*]}"
echo "kunit $ver$tag timings: source ${t_src}s, kunit.py ${t_kunit}s${elapsed:+ ($elapsed)}"
finish
