# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/lib.sh - helpers shared by the xpcpu host scripts.
#
# Usage: source it from a script that runs `set -euo pipefail`:
#	. "$(dirname "$0")/lib.sh"
#
# Provides: die, log, XPCPU_ROOT, XPCPU_CACHE, XPCPU_OUT, kver_resolve,
# xpcpu_src_root, src_key, project_files, sync_sources, ensure_linux_source,
# and scan_splats (over scripts/splat-patterns).

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

# The splat list and its scanner, shared with the guest (scripts/initramfs.sh
# ships both to /tests/): scripts/splat-patterns says what fails a log.
XPCPU_SPLAT_PATTERNS=$XPCPU_ROOT/scripts/splat-patterns
XPCPU_SPLAT_SCAN=$XPCPU_ROOT/scripts/splat-scan.awk

# scan_splats FILE: print FILE's splat lines (outside expected-splat
# regions) and the regions that broke their promise; nothing if clean.
scan_splats() {
	[ -f "$XPCPU_SPLAT_PATTERNS" ] && [ -f "$XPCPU_SPLAT_SCAN" ] ||
		die "$XPCPU_SPLAT_PATTERNS or $XPCPU_SPLAT_SCAN is missing; restore them from git"
	awk -v patterns="$XPCPU_SPLAT_PATTERNS" -f "$XPCPU_SPLAT_SCAN" "$1" || true
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
# SPEC is one of
#   6.1      Debian's linux-image-amd64 (e.g. 6.1.0-57-amd64)
#   6.1-rt   Debian's linux-image-rt-amd64, PREEMPT_RT (6.1.0-57-rt-amd64)
#   6.12     the newest installed linux-image-6.12.*+deb12-amd64-unsigned
#            with matching headers (6.12.117+deb12-amd64)
#   6.12-rt  the same for linux-image-6.12.*+deb12-rt-amd64-unsigned
# or a full version such as 6.1.0-56-amd64.  Prints nothing if it is not
# installed (image in /boot and headers in /lib/modules/<v>/build).
kver_resolve() {
	local spec=$1 v="" flavour=amd64

	case $spec in
	*-rt) flavour=rt-amd64 ;;
	esac
	case $spec in
	6.1 | 6.1-rt)
		v=$(dpkg-query -W -f='${Depends}' "linux-image-$flavour" 2>/dev/null |
			tr ',|' '\n\n' | sed -n 's/^ *linux-image-\(6\.1\.[^ ]*\).*/\1/p' |
			head -n1) || true
		;;
	6.12 | 6.12-rt)
		v=$(dpkg-query -W -f='${Status} ${Package}\n' \
			"linux-image-6.12.*+deb12-$flavour-unsigned" 2>/dev/null |
			awk '$3 == "installed" { print $4 }' |
			grep -E "^linux-image-6\.12\.[0-9]+\+deb12-$flavour-unsigned\$" |
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

# src_key ROOT: a short key naming ROOT (a checkout or an XPCPU_REV
# snapshot) in cache paths, so that two checkouts never share build
# products: the first 12 hex digits of the SHA-256 of its absolute path.
src_key() {
	printf '%s' "$1" | sha256sum | cut -c1-12
}

# sync_sources ROOT DEST [ERE]: make DEST hold ROOT's project files (those
# whose path matches ERE, if given) by content: a file whose contents
# differ from DEST's copy is rewritten and gets a new mtime, so make
# rebuilds what depends on it; an identical file is left alone, with its
# old mtime, so nothing is rebuilt needlessly.  (Keeping ROOT's mtimes, as
# rsync -a does, would let older sources pass for newer objects.)  Files
# of the last sync that ROOT no longer has are removed (the list is kept
# in DEST/.xpcpu-files); build products in DEST are not touched.
sync_sources() {
	local root=$1 dest=$2 ere=${3:-} list
	mkdir -p "$dest"
	list=$(mktemp)
	project_files "$root" | { if [ -n "$ere" ]; then grep -zE "$ere"; else cat; fi; } |
		LC_ALL=C sort -z >"$list" || true
	[ -s "$list" ] || { rm -f "$list"; die "no project files found under $root; check the checkout"; }
	if [ -f "$dest/.xpcpu-files" ]; then
		LC_ALL=C comm -z -23 "$dest/.xpcpu-files" "$list" | (cd "$dest" && xargs -0r rm -f --)
	fi
	rsync --checksum -lpD --from0 --files-from="$list" --delete-missing-args \
		"$root/" "$dest/" || {
		rm -f "$list"
		die "copying sources to $dest failed; check free space, or rm -rf $dest and retry"
	}
	mv "$list" "$dest/.xpcpu-files"
}

# ensure_linux_source [VERSION]: extract Debian's linux-source-VERSION
# (6.1 by default, or 6.12) tarball into the cache, once per package
# version, and print the tree's path.
ensure_linux_source() {
	local ver=${1:-6.1} tarball pkgver dir
	tarball=/usr/src/linux-source-$ver.tar.xz
	[ -f "$tarball" ] || die "$tarball is missing; run: scripts/deps.sh kunit-$ver (installs linux-source-$ver)"
	pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$ver" 2>/dev/null) || pkgver=unknown
	dir=$XPCPU_CACHE/src/linux-source-${ver}_$pkgver
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
