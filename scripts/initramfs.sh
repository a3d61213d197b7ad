#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/initramfs.sh - pack the xpcpu test VM's initramfs.
#
# A busybox-static userland (/bin/busybox, applets installed by /init),
# /init (scripts/guest/init), the given .ko files in /modules/, the
# guest scripts (tests/guest/*.sh with the guest library lib.sh,
# scripts/guest/*.sh) and the splat list and scanner (scripts/splat-patterns,
# scripts/splat-scan.awk) in /tests/, and the guest helper programs
# (scripts/guest/*.c, built static) in /bin/.
#
# Usage: scripts/initramfs.sh OUT.cpio.gz [MODULE.ko...]
# Env:   XPCPU_INITRAMFS_EXTRA=DIR  also copy DIR's contents into the root
#        (vm.sh: the staged install of scripts/pkg.sh check, lib/modules/...)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 OUT.cpio.gz [MODULE.ko...]"
out=$1
shift
busybox=/bin/busybox
[ -x $busybox ] || die "$busybox is missing; run: scripts/deps.sh (installs busybox-static)"
! ldd $busybox >/dev/null 2>&1 ||
	die "$busybox is dynamically linked; install busybox-static (apt-get install busybox-static)"
command -v cpio >/dev/null || die "cpio not found; run: scripts/deps.sh"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,modules,tests}
cp $busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$XPCPU_ROOT/scripts/guest/init" "$stage/init"
for ko in "$@"; do
	cp "$ko" "$stage/modules/"
done
for f in "$XPCPU_ROOT"/tests/guest/*.sh "$XPCPU_ROOT"/scripts/guest/*.sh; do
	if [ -f "$f" ]; then install -m 0755 "$f" "$stage/tests/"; fi
done
for f in "$XPCPU_SPLAT_PATTERNS" "$XPCPU_SPLAT_SCAN"; do
	[ -f "$f" ] || die "$f is missing; restore it from git"
	install -m 0644 "$f" "$stage/tests/"
done
# Guest helper programs (scripts/guest/*.c, e.g. xpcpu_insmod), static.
for c in "$XPCPU_ROOT"/scripts/guest/*.c; do
	[ -f "$c" ] || continue
	gcc -static -O2 -o "$stage/bin/$(basename "$c" .c)" "$c" ||
		die "building $c failed; run: scripts/deps.sh (gcc, libc6-dev)"
done

if [ -n "${XPCPU_INITRAMFS_EXTRA:-}" ]; then
	[ -d "$XPCPU_INITRAMFS_EXTRA" ] ||
		die "XPCPU_INITRAMFS_EXTRA=$XPCPU_INITRAMFS_EXTRA is not a directory; unset it or run scripts/pkg.sh check KVER"
	cp -a "$XPCPU_INITRAMFS_EXTRA/." "$stage/"
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$out.tmp" ||
	die "packing $out failed; check free space"
mv "$out.tmp" "$out"
