# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/lib.sh - helpers shared by the xpcpu host scripts.
#
# Usage: source it from a script that runs `set -euo pipefail`:
#	. "$(dirname "$0")/lib.sh"
#
# Provides: die, log, XPCPU_ROOT, XPCPU_CACHE, XPCPU_OUT, kver_resolve,
# xpcpu_src_root, project_files, ensure_linux_source, and the splat patterns.

XPCPU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XPCPU_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/xpcpu
XPCPU_OUT=${XPCPU_OUT:-$XPCPU_ROOT/out}

# die MESSAGE: print MESSAGE (which should say how to fix it) and exit 1.
die() {
	echo "error: $*" >&2
	exit 1
}

log() {
	echo "==> $*" >&2
}

# Kernel log lines that mean something went wrong, as one extended regex.
# The guest and KUnit scans use the same list (KUnit adds a few of its own).
XPCPU_SPLAT_RE='WARNING:|BUG:|KASAN|Oops|general protection|lockdep|possible recursive locking|circular locking|sleeping function called from invalid context|UBSAN'
XPCPU_KUNIT_SPLAT_RE="$XPCPU_SPLAT_RE"'|INFO: trying to register non-static key|possible circular|inconsistent lock state|BUG: sleeping|Kernel panic|turning off the locking correctness validator'

# Benign lines that the patterns above would match (boot banners).
XPCPU_SPLAT_IGNORE_RE='RCU lockdep checking is enabled'

# scan_splats FILE REGEX: print the lines of FILE that match REGEX, except
# benign ones and those between the kmsg markers
# "xpcpu-test: expect-splat-begin" and "xpcpu-test: expect-splat-end" (a
# test that provokes a splat on purpose brackets it with them).
scan_splats() {
	awk -v re="$2" -v ign="$XPCPU_SPLAT_IGNORE_RE" '
		/xpcpu-test: expect-splat-begin/ { exempt = 1; next }
		/xpcpu-test: expect-splat-end/ { exempt = 0; next }
		exempt { next }
		$0 ~ ign { next }
		$0 ~ re { print }
	' "$1"
}

# lock_or_wait NAME: serialise runs that share NAME (a build dir, the
# KUnit tree) between concurrent invocations; holds fd 9 until exit.
lock_or_wait() {
	mkdir -p "$XPCPU_CACHE/locks"
	exec 9>"$XPCPU_CACHE/locks/$1.lock"
	if ! flock -n 9; then
		log "waiting for another run holding $XPCPU_CACHE/locks/$1.lock"
		flock -w "${XPCPU_LOCK_WAIT:-3600}" 9 ||
			die "gave up waiting for $XPCPU_CACHE/locks/$1.lock; is another run stuck?"
	fi
}

# kver_resolve SPEC: print the full version of an installed guest kernel.
# SPEC is 6.1 (Debian's linux-image-amd64), 6.12 (the newest installed
# linux-image-6.12.*+deb12-amd64-unsigned with matching headers) or a full
# version such as 6.1.0-56-amd64.  Prints nothing if it is not installed.
kver_resolve() {
	local spec=$1 v=""

	case $spec in
	6.1)
		v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
			tr ',|' '\n\n' | sed -n 's/^ *linux-image-\(6\.1\.[^ ]*\).*/\1/p' |
			head -n1) || true
		;;
	6.12)
		v=$(dpkg-query -W -f='${Status} ${Package}\n' \
			'linux-image-6.12.*+deb12-amd64-unsigned' 2>/dev/null |
			awk '$3 == "installed" { print $4 }' |
			sed 's/^linux-image-//; s/-unsigned$//' | sort -V |
			while read -r k; do
				if [ -d "/lib/modules/$k/build" ]; then echo "$k"; fi
			done | tail -n1) || true
		;;
	*)
		v=$spec
		;;
	esac
	[ -n "$v" ] && [ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ] &&
		echo "$v"
	return 0
}

# kver_require SPEC: like kver_resolve, but die with the fix if missing.
kver_require() {
	local v
	v=$(kver_resolve "$1")
	[ -n "$v" ] || die "guest kernel '$1' (image + headers) is not installed; run: scripts/deps.sh $1"
	echo "$v"
}

# xpcpu_src_root: the tree whose sources are built.  Normally the working
# tree; with XPCPU_REV=<commit> (e.g. HEAD), a snapshot of that commit in
# the cache, so that a run does not pick up someone's half-edited files.
xpcpu_src_root() {
	local sha d
	if [ -z "${XPCPU_REV:-}" ]; then
		echo "$XPCPU_ROOT"
		return
	fi
	sha=$(git -C "$XPCPU_ROOT" rev-parse --verify -q "$XPCPU_REV^{commit}") ||
		die "XPCPU_REV=$XPCPU_REV is not a commit; use a git revision such as HEAD"
	d=$XPCPU_CACHE/snap/$sha
	if [ ! -f "$d/.xpcpu-snap" ]; then
		rm -rf "$d"
		mkdir -p "$d"
		git -C "$XPCPU_ROOT" archive "$sha" | tar -x -C "$d" ||
			die "git archive $sha failed; check the repository"
		touch "$d/.xpcpu-snap"
	fi
	echo "$d"
}

# project_files ROOT: the project's source files under ROOT (from
# xpcpu_src_root), NUL-separated and relative to ROOT: everything git
# tracks plus new files git does not ignore (work in progress), never
# build artifacts.
project_files() {
	local root=$1 f
	if [ "$root" = "$XPCPU_ROOT" ] &&
		git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$root" ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				if [ -f "$root/$f" ]; then printf '%s\0' "$f"; fi
			done
	elif [ -f "$root/.xpcpu-snap" ]; then
		(cd "$root" && find . -type f ! -name .xpcpu-snap -printf '%P\0')
	else
		(cd "$root" && find . -path ./.git -prune -o -path ./out -prune -o \
			-type f \( -name Kbuild -o -name Kconfig -o -name '*.[chS]' \
			-o -name '*.lds' -o -name '*.sh' -o -name Makefile \) -printf '%P\0')
	fi
}

# ensure_linux_source: extract Debian's linux-source-6.1 tarball into the
# cache (once per package version) and print the tree's path.
ensure_linux_source() {
	local tarball=/usr/src/linux-source-6.1.tar.xz pkgver dir
	[ -f "$tarball" ] || die "$tarball is missing; run: scripts/deps.sh (installs linux-source-6.1)"
	pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || pkgver=unknown
	dir=$XPCPU_CACHE/src/linux-source-6.1_$pkgver
	mkdir -p "$XPCPU_CACHE/locks"
	(
		flock -w 1800 8 || die "another extraction of $tarball seems stuck"
		if [ ! -f "$dir/.xpcpu-extracted" ]; then
			log "extracting $tarball ($pkgver) into $dir"
			rm -rf "$dir"
			mkdir -p "$dir"
			tar -xJf "$tarball" -C "$dir" --strip-components=1 ||
				die "extracting $tarball failed; check free space in $XPCPU_CACHE and retry"
			touch "$dir/.xpcpu-extracted"
		fi
	) 8>"$XPCPU_CACHE/locks/src.lock" || exit 1
	echo "$dir"
}
