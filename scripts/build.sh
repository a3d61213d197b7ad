#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/build.sh - build xpcpu's modules for one guest kernel.
#
# Copies the project's source files (git-tracked, plus new files git does
# not ignore; never build artifacts) into a build directory per kernel and
# per checkout, ${XDG_CACHE_HOME:-~/.cache}/xpcpu/build/<kver>-<key>/ (key:
# a hash of the checkout's or XPCPU_REV snapshot's path, so two checkouts
# never share objects), and runs
#	make -C /lib/modules/<kver>/build M=<that dir> modules
# there.  Incremental by content (sync_sources in scripts/lib.sh): a file
# whose contents changed is copied with a new mtime and rebuilt, an
# unchanged one is not, whatever the checkout's mtimes say.  The top-level
# Kbuild builds xpcpu.ko and the subdirectories bench/, samples/ and
# tests/{client,ctl,rt}/.
# Extra make arguments are passed on.
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
bdir=$XPCPU_CACHE/build/$kver-$(src_key "$root")
lock_or_wait "build-$(basename "$bdir")"
mkdir -p "$bdir" "$XPCPU_OUT"
sync_sources "$root" "$bdir"

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
