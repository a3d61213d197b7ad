#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/build.sh - build xpcpu's modules for one guest kernel.
#
# Copies the project's source files (git-tracked, plus new files git does
# not ignore; never build artifacts) into a per-kernel build directory,
# ${XDG_CACHE_HOME:-~/.cache}/xpcpu/build/<kver>/, and runs
#	make -C /lib/modules/<kver>/build M=<that dir> modules
# there (incremental: rsync keeps mtimes, so unchanged files are not
# rebuilt).  The top-level Kbuild builds xpcpu.ko and the subdirectories
# bench/ and tests/client/.  Extra make arguments are passed on.
#
# Usage: scripts/build.sh KVER [MAKE_ARGS...]   KVER: 6.1, 6.12 or a full version
# Prints the .ko files built, one per line, on stdout; the make log goes
# to out/build-<kver>.log, its warnings and errors to stderr.
# Env: XPCPU_REV=<commit> builds that commit's sources instead of the
# working tree (see xpcpu_src_root in scripts/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 KVER [MAKE_ARGS...]  (KVER: 6.1, 6.12 or a full version)"
kver=$(kver_require "$1")
shift
kdir=/lib/modules/$kver/build
root=$(xpcpu_src_root)
# A snapshot gets its own build dir: its files carry the commit's mtimes,
# older than objects built from the working tree, so make would not rebuild.
bdir=$XPCPU_CACHE/build/$kver
[ "$root" = "$XPCPU_ROOT" ] || bdir+=-$(basename "$root" | cut -c1-12)
lock_or_wait "build-$(basename "$bdir")"
mkdir -p "$bdir" "$XPCPU_OUT"

project_files "$root" | rsync -a --from0 --files-from=- --delete-missing-args \
	"$root/" "$bdir/" ||
	die "copying sources to $bdir failed; check free space, or rm -rf $bdir and retry"

blog=$XPCPU_OUT/build-$kver.log
log "building modules for $kver in $bdir"
if ! make -C "$kdir" M="$bdir" "$@" modules >"$blog" 2>&1; then
	grep -E 'error|warning|\*\*\*' "$blog" | head -n 40 >&2 || true
	die "module build for $kver failed (full log: $blog); fix the compile errors above"
fi
grep -E 'warning:' "$blog" >&2 || true
# modules.order names what this build made (6.1 lists .ko, 6.12 .o), so
# a module whose source was removed is not picked up from an old build.
# Paths are absolute or relative to the build dir, depending on version.
sed -e 's|^\./||' -e 's|\.o$|.ko|' "$bdir/modules.order" | sort -u |
	while read -r m; do
		case $m in /*) ;; *) m=$bdir/$m ;; esac
		if [ -f "$m" ]; then echo "$m"; fi
	done
