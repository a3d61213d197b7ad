#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/dkms-post-build.sh - dkms.conf's POST_BUILD: keep the build's
# Module.symvers beside the built module, in DKMS's directory for this
# kernel, where client modules name it in KBUILD_EXTRA_SYMBOLS:
#	/var/lib/dkms/xpcpu/<version>/<kernel>/<arch>/Module.symvers
# (zfs-dkms does the same).  DKMS runs it in the build directory.
#
# Usage: scripts/dkms-post-build.sh DEST_DIR
set -euo pipefail

die() {
	echo "error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 DEST_DIR (dkms.conf's POST_BUILD passes it)"
[ -f Module.symvers ] ||
	die "no Module.symvers in $(pwd): the build did not finish; see make.log in $1/log"
[ -d "$1" ] || die "$1 does not exist; DKMS creates it before POST_BUILD (is this DKMS 3?)"
cp -f Module.symvers "$1/Module.symvers"
echo "xpcpu: Module.symvers for client modules: $1/Module.symvers"
