#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kunit.sh - build xpcpu into a KUnit kernel and run its suites.
#
# Debian's kernels have no CONFIG_KUNIT, so this extracts Debian's
# linux-source-6.1 into the cache, links the project into it as
# drivers/xpcpu/ (a directory of symlinks, as WireGuard's compat tree
# does), and runs tools/testing/kunit/kunit.py for x86_64 under QEMU with
# 4 CPUs on 2 NUMA nodes.  The verdict is the parsed KUnit results AND a
# scan of the whole kernel log for splats (lockdep, KASAN, WARNING, ...):
# a splat fails the run even if every case passed.
#
# Usage: scripts/kunit.sh [FILTER_GLOB]     e.g. scripts/kunit.sh 'xpcpu.*'
# Env:   XPCPU_REV=<commit>: test that commit's sources, not the working tree
#        KUNIT_BUILD_DIR: kernel build dir (default: cache/kunit-<hash of .kunitconfig>)
#        KUNIT_TIMEOUT (s, default 900)  KUNIT_JOBS (default nproc)
#        KUNIT_COUNTS_FILE: if set, "PASSED FAILED" is written there.
# Output: out/kunit/ (kunit.py's output, results.json, splats.txt);
#         the last line is "=== kunit: N passed, M failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
timeout=${KUNIT_TIMEOUT:-900}
jobs=${KUNIT_JOBS:-$(nproc)}
kunitconfig=$XPCPU_ROOT/tests/.kunitconfig
out=$XPCPU_OUT/kunit
qemu_args='-smp 4,sockets=2,cores=2 -m 2048'
qemu_args+=' -object memory-backend-ram,id=m0,size=1024M'
qemu_args+=' -object memory-backend-ram,id=m1,size=1024M'
qemu_args+=' -numa node,nodeid=0,cpus=0-1,memdev=m0'
qemu_args+=' -numa node,nodeid=1,cpus=2-3,memdev=m1'

[ -f "$kunitconfig" ] || die "$kunitconfig is missing; restore it from git"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found; run: scripts/deps.sh"
command -v python3 >/dev/null || die "python3 not found; run: scripts/deps.sh"

passed=0
failed=0
finish() {
	[ -z "${KUNIT_COUNTS_FILE:-}" ] || echo "$passed $failed" >"$KUNIT_COUNTS_FILE"
	echo "=== kunit: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

lock_or_wait kunit
t0=$(date +%s)
src=$(ensure_linux_source)
t_src=$(($(date +%s) - t0))

# Link the project into the tree: drivers/xpcpu/ holds one symlink per
# source file, rebuilt each run so that added or removed files show up.
link_project() {
	local dst=$src/drivers/xpcpu root f
	root=$(xpcpu_src_root)
	rm -rf "$dst"
	mkdir -p "$dst"
	while IFS= read -r -d '' f; do
		case $f in
		Kbuild | */Kbuild | Kconfig | */Kconfig | *.c | *.h | *.S | *.lds) ;;
		*) continue ;;
		esac
		mkdir -p "$dst/$(dirname "$f")"
		ln -s "$root/$f" "$dst/$f"
	done < <(project_files "$root")
	[ -e "$dst/Kbuild" ] && [ -e "$dst/Kconfig" ] ||
		die "Kbuild or Kconfig missing from $root; restore them from git"
	grep -qxF 'obj-$(CONFIG_XPCPU) += xpcpu/' "$src/drivers/Makefile" ||
		echo 'obj-$(CONFIG_XPCPU) += xpcpu/' >>"$src/drivers/Makefile"
	grep -qxF 'source "drivers/xpcpu/Kconfig"' "$src/drivers/Kconfig" ||
		echo 'source "drivers/xpcpu/Kconfig"' >>"$src/drivers/Kconfig"
}
link_project

hash=$(sha256sum "$kunitconfig" | cut -c1-12)
build_dir=${KUNIT_BUILD_DIR:-$XPCPU_CACHE/kunit-$hash}
mkdir -p "$build_dir" "$out"
# Objects built from another source tree (working tree vs XPCPU_REV
# snapshot) may look newer than these sources: rebuild xpcpu's then.
if [ "$(cat "$build_dir/.xpcpu-root" 2>/dev/null)" != "$(xpcpu_src_root)" ]; then
	rm -rf "$build_dir/drivers/xpcpu"
	xpcpu_src_root >"$build_dir/.xpcpu-root"
fi
rm -f "$out/results.json" "$out/splats.txt" "$build_dir/test.log"

log "kunit.py run in $src, build dir $build_dir (log: $out/kunit.out)"
args=(run --arch=x86_64 "--kunitconfig=$kunitconfig" "--build_dir=$build_dir"
	"--jobs=$jobs" "--timeout=$timeout" "--qemu_args=$qemu_args"
	"--json=$out/results.json")
[ -z "$filter" ] || args+=("$filter")
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

# Count the cases by status: PASSED FAILED CRASHED(+1 if no suite xpcpu).
count_py=$(cat <<'EOF'
import json, sys
# Root group -> suites -> cases; a parameterised case is a group of its
# parameters and counts once: FAIL if any parameter failed.
counts = {"PASS": 0, "FAIL": 0, "ERROR": 0, "SKIP": 0}
def leaves(g):
    out = [c["status"] for c in g.get("test_cases") or []]
    for sub in g.get("sub_groups") or []:
        out += leaves(sub)
    return out
root = json.load(open(sys.argv[1]))
suites = root.get("sub_groups") or []
for suite in suites:
    for case in suite.get("test_cases") or []:
        counts[case["status"] if case["status"] in counts else "FAIL"] += 1
    for case in suite.get("sub_groups") or []:
        st = leaves(case)
        if any(x in ("FAIL", "ERROR") for x in st):
            counts["FAIL"] += 1
        elif st and all(x == "SKIP" for x in st):
            counts["SKIP"] += 1
        else:
            counts["PASS"] += 1
missing = 0 if any(s.get("name") == "xpcpu" for s in suites) else 1
print(counts["PASS"], counts["FAIL"], counts["ERROR"] + missing)
EOF
)
read -r p f n < <(python3 -c "$count_py" "$out/results.json")
passed=$((passed + p))
failed=$((failed + f + n))
[ "$n" -eq 0 ] || echo "kunit: $n case(s) crashed or did not run (or suite 'xpcpu' missing); see $out/test.log"
[ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || [ "$n" -ne 0 ] || {
	echo "kunit: kunit.py exited $rc; see $out/kunit.out"
	failed=$((failed + 1))
}

scan_splats "$out/test.log" >"$out/splats.txt"
if [ -s "$out/splats.txt" ]; then
	echo "kunit: kernel log has splats (each fails the run):"
	head -n 20 "$out/splats.txt"
	failed=$((failed + 1))
fi

elapsed=$(grep -oE 'Elapsed time: .*' "$out/kunit.out" | tail -n1 || true)
echo "kunit timings: source ${t_src}s, kunit.py ${t_kunit}s${elapsed:+ ($elapsed)}"
finish
