#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/check.sh - static checks: checkpatch and sparse (advice only).
#
# Runs the kernel's checkpatch.pl (from Debian's linux-source-6.1, extracted
# into the cache if needed) with --no-tree --strict on every .c/.h of the
# project, then builds the modules for a guest kernel in a separate build
# dir with sparse on every file (C=2) and W=1.  Prints what they say and
# exits 0 even when they complain: the output is advice, zero warnings is
# the norm.
#
# Usage: scripts/check.sh [style|sparse|all] [KVER]   (default: all 6.1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-all}
spec=${2:-6.1}
case $what in
style | sparse | all) ;;
*) die "usage: $0 [style|sparse|all] [KVER]" ;;
esac
root=$(xpcpu_src_root)

if [ "$what" != sparse ]; then
	src=$(ensure_linux_source)
	mapfile -d '' files < <(project_files "$root" | grep -zE '\.[ch]$')
	[ ${#files[@]} -gt 0 ] || die "no .c/.h files under $root"
	echo "=== checkpatch --no-tree --strict (${#files[@]} files)"
	(cd "$root" && perl "$src/scripts/checkpatch.pl" --no-tree --strict \
		--show-types --terse -f "${files[@]}") || true
fi

if [ "$what" != style ]; then
	command -v sparse >/dev/null || die "sparse not found; run: scripts/deps.sh"
	kver=$(kver_require "$spec")
	# Per checkout, copied by content (see scripts/build.sh).
	bdir=$XPCPU_CACHE/build/check-$kver-$(src_key "$root")
	lock_or_wait "build-$(basename "$bdir")"
	sync_sources "$root" "$bdir"
	echo "=== sparse (C=2) and W=1 against $kver"
	slog=$XPCPU_OUT/check-sparse-$kver.log
	mkdir -p "$XPCPU_OUT"
	make -C "/lib/modules/$kver/build" M="$bdir" C=2 W=1 CHECK=sparse modules >"$slog" 2>&1 ||
		echo "(the W=1 build failed; see $slog)"
	grep -vE '^make|^  (CC|LD|MODPOST|BTF|CHECK)|Skipping BTF' "$slog" | sed "s|$bdir/||g" || true
	echo "sparse checked $(grep -c '^  CHECK' "$slog" || true) files (log: $slog)"
fi
echo "=== check done (advice only)"
