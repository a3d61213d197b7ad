#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/pkg.sh - install xpcpu on a machine, and check the packaging.
#
#   install KDIR      build xpcpu.ko alone (XPCPU_ONLY=1) against the headers
#                     in KDIR, modules_install it into
#                     /lib/modules/<kver>/updates/ (under $INSTALL_MOD_PATH
#                     if set) and run depmod, so that `modprobe xpcpu` and
#                     the dependencies of client modules find it
#                     (`make install`)
#   dkms-tree DEST    copy the sources DKMS builds into DEST
#   dkms-install KDIR put the sources in /usr/src/xpcpu-<version>/, then
#                     dkms add, build and install for KDIR's kernel; later
#                     kernels get it from DKMS's own hooks (`make dkms-install`)
#   dkms-remove       dkms remove for every kernel, and the sources
#                     (`make dkms-remove`)
#   check KVER        what `make test` checks on the host for one guest
#                     kernel (6.1, 6.12 or a full version), in a scratch
#                     DKMS tree that leaves /var/lib/dkms and /usr/src alone:
#                     the versions agree (dkms.conf, xpcpu.h, modinfo);
#                     `dkms build` succeeds against the kernel's headers and
#                     keeps Module.symvers; modinfo shows every parameter's
#                     default and the MODULE_* fields; `make install` into a
#                     staging root; the sample client builds against the
#                     DKMS tree with the two documented Kbuild lines and
#                     depmod records its dependency on xpcpu; a client
#                     without the xpcpu.mk line fails to build with the
#                     message xpcpu.h gives.  The staging root
#                     (out/pkg-<kver>/root: lib/modules/<kver>/ and
#                     pkg/xpcpu-dkms.ko) goes into the guest's initramfs,
#                     where tests/guest/test_install.sh loads from it.
#                     Writes out/pkg-<kver>/counts ("PASSED FAILED").
#
# Usage: scripts/pkg.sh install KDIR | dkms-tree DEST | dkms-install KDIR |
#        dkms-remove | check KVER
# Env:   INSTALL_MOD_PATH (install), XPCPU_REV (check: that commit)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# pkg_version ROOT: PACKAGE_VERSION of ROOT/dkms.conf.
pkg_version() {
	local v
	v=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$1/dkms.conf")
	[ -n "$v" ] || die "$1/dkms.conf has no PACKAGE_VERSION=\"x.y.z\" line; restore it from git"
	echo "$v"
}

# dkms_tree ROOT DEST: the files DKMS needs to build xpcpu.ko (and the
# sample and README, for clients), from ROOT into DEST.
dkms_tree() {
	local root=$1 dest=$2 f
	local files=(Kbuild Kconfig README.md dkms.conf scripts/dkms-post-build.sh
		samples/Kbuild samples/xpcpu_sample.c)
	mkdir -p "$dest"
	(cd "$root" && cp --parents -p "${files[@]}" pcpu_*.c include/* "$dest/") ||
		die "copying the DKMS sources from $root to $dest failed; check that the checkout is complete"
	for f in "$dest"/scripts/*.sh; do chmod 755 "$f"; done
}

# kdir_release KDIR: the release of the kernel whose headers are in KDIR,
# as uname -r and /lib/modules name it (UTS_RELEASE; Debian 6.1's headers
# give the upstream version in kernel.release, so not `make kernelrelease`).
kdir_release() {
	local v
	v=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null)
	[ -n "$v" ] || die "no UTS_RELEASE in $1/include/generated/utsrelease.h; is $1 a kernel build or headers tree (KDIR=/lib/modules/<kver>/build)?"
	echo "$v"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "$1 needs root; run it with sudo"
}

need_dkms() {
	command -v dkms >/dev/null || die "dkms not found; run: apt-get install dkms (or scripts/deps.sh)"
}

cmd_install() {
	local kdir=${1:-} kver nosign
	if [ -z "$kdir" ] || [ ! -d "$kdir" ]; then
		die "kernel headers '$kdir' not found; pass KDIR=/lib/modules/<kver>/build"
	fi
	kver=$(kdir_release "$kdir")
	[ -n "${INSTALL_MOD_PATH:-}" ] || need_root "make install"
	log "building xpcpu.ko for $kver"
	make -C "$kdir" M="$XPCPU_ROOT" XPCPU_ONLY=1 KERNELRELEASE="$kver" modules ||
		die "building xpcpu.ko for $kver failed; see the errors above"
	log "installing into ${INSTALL_MOD_PATH:-}/lib/modules/$kver/updates"
	# Distribution headers (Debian's) do not ship the kernel's signing key:
	# do not let modules_install try it (CONFIG_MODULE_SIG_ALL) without one.
	nosign=()
	[ -f "$kdir/certs/signing_key.pem" ] || nosign=(CONFIG_MODULE_SIG_ALL=)
	make -C "$kdir" M="$XPCPU_ROOT" XPCPU_ONLY=1 KERNELRELEASE="$kver" INSTALL_MOD_DIR=updates \
		${INSTALL_MOD_PATH:+INSTALL_MOD_PATH="$INSTALL_MOD_PATH"} "${nosign[@]}" modules_install ||
		die "modules_install failed; see the errors above"
	# Kbuild skips depmod without System.map, which headers lack.
	depmod ${INSTALL_MOD_PATH:+-b "$INSTALL_MOD_PATH"} "$kver" ||
		die "depmod $kver failed; is kmod installed?"
	log "done: modprobe xpcpu loads ${INSTALL_MOD_PATH:-}/lib/modules/$kver/updates/xpcpu.ko"
}

cmd_dkms_install() {
	local kdir=$1 kver ver src
	need_root "make dkms-install"
	need_dkms
	[ -d "$kdir" ] || die "kernel headers '$kdir' not found; pass KDIR=/lib/modules/<kver>/build"
	kver=$(kdir_release "$kdir")
	ver=$(pkg_version "$XPCPU_ROOT")
	src=/usr/src/xpcpu-$ver
	[ -d "/lib/modules/$kver/build" ] ||
		die "DKMS builds against /lib/modules/$kver/build, which is missing; install linux-headers-$kver"
	if dkms status -m xpcpu -v "$ver" 2>/dev/null | grep -q .; then
		log "xpcpu/$ver is registered with DKMS already; replacing it"
		dkms remove -m xpcpu -v "$ver" --all ||
			die "dkms remove xpcpu/$ver failed; see its message"
	fi
	rm -rf "$src"
	dkms_tree "$XPCPU_ROOT" "$src"
	dkms add -m xpcpu -v "$ver" || die "dkms add xpcpu/$ver failed; see its message"
	dkms install -m xpcpu -v "$ver" -k "$kver" ||
		die "dkms install xpcpu/$ver for $kver failed; see /var/lib/dkms/xpcpu/$ver/build/make.log"
	log "done: xpcpu $ver for $kver; headers and xpcpu.mk in $src/include," \
		"Module.symvers in /var/lib/dkms/xpcpu/$ver/$kver/$(uname -m)/"
}

cmd_dkms_remove() {
	local ver
	need_root "make dkms-remove"
	need_dkms
	ver=$(pkg_version "$XPCPU_ROOT")
	if dkms status -m xpcpu -v "$ver" 2>/dev/null | grep -q .; then
		dkms remove -m xpcpu -v "$ver" --all ||
			die "dkms remove xpcpu/$ver failed; see its message"
	else
		log "xpcpu/$ver is not registered with DKMS"
	fi
	rm -rf "/usr/src/xpcpu-$ver"
}

# --- check -----------------------------------------------------------------

npass=0
nfail=0
# ok NAME / bad NAME WHY: one result of the check.
ok() {
	echo "  PASS  $1"
	npass=$((npass + 1))
}
bad() {
	echo "  FAIL  $1: $2"
	nfail=$((nfail + 1))
}

# modinfo_check KO VER: MODULE_* fields, the version, and a description
# with a default for every parameter.
modinfo_check() {
	local ko=$1 ver=$2 f v why="" parms
	for f in license author description; do
		v=$(modinfo -F "$f" "$ko")
		[ -n "$v" ] || why+="no MODULE_${f^^}; "
	done
	v=$(modinfo -F version "$ko")
	[ "$v" = "$ver" ] || why+="version '$v', dkms.conf says '$ver'; "
	parms=$(modinfo -F parm "$ko")
	[ -n "$parms" ] || why+="no parameter descriptions; "
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		case $p in
		*default*) ;;
		*) why+="parameter without a default in its description: '$p'; " ;;
		esac
	done <<<"$parms"
	# Every parameter (parmtype) has a description (parm).
	for v in $(modinfo -F parmtype "$ko" | cut -d: -f1); do
		grep -q "^$v:" <<<"$parms" || why+="parameter '$v' has no MODULE_PARM_DESC; "
	done
	if [ -z "$why" ]; then ok "modinfo: version $ver, MODULE_* fields, $(wc -l <<<"$parms") parameters with defaults"; else bad modinfo "${why%; }"; fi
}

cmd_check() {
	local spec=$1 kver root ver hver dir w stage dkms_args ko sym arch t0
	kver=$(kver_require "$spec")
	need_dkms
	root=$(xpcpu_src_root)
	ver=$(pkg_version "$root")
	arch=$(uname -m)
	dir=$XPCPU_OUT/pkg-$kver
	w=$dir/work
	stage=$dir/root
	lock_or_wait "pkg-$kver"
	rm -rf "$dir"
	mkdir -p "$w/dkms" "$stage"
	echo "0 1" >"$dir/counts"
	t0=$(date +%s)
	echo "=== packaging checks for $kver (logs: $w)"

	# The version is one number: include/xpcpu.h, dkms.conf (and modinfo, below).
	hver=$(sed -n 's/^#define XPCPU_VERSION[[:space:]]*"\([^"]*\)"$/\1/p' "$root/include/xpcpu.h")
	if [ "$hver" = "$ver" ]; then ok "version: XPCPU_VERSION = dkms.conf PACKAGE_VERSION = $ver"; else
		bad version "include/xpcpu.h says '$hver', dkms.conf '$ver'; make them agree"; fi

	# DKMS, in a scratch tree; module signing keys there too.
	dkms_tree "$root" "$w/src/xpcpu-$ver"
	dkms_args=(--sourcetree "$w/src" --dkmstree "$w/dkms")
	# DKMS compresses the module as the kernel's modules are (.ko.xz on 6.12).
	ko=$w/dkms/xpcpu/$ver/$kver/$arch/module/xpcpu.ko
	sym=$w/dkms/xpcpu/$ver/$kver/$arch/Module.symvers
	if mok_signing_key=$w/mok.key mok_certificate=$w/mok.pub \
		dkms add -m xpcpu -v "$ver" "${dkms_args[@]}" >"$w/dkms.log" 2>&1 &&
		mok_signing_key=$w/mok.key mok_certificate=$w/mok.pub \
			dkms build -m xpcpu -v "$ver" -k "$kver" "${dkms_args[@]}" >>"$w/dkms.log" 2>&1 &&
		ko=$(ls "$ko"* 2>/dev/null | head -n1) && [ -n "$ko" ] && [ -f "$sym" ]; then
		ok "dkms build xpcpu/$ver for $kver ($(basename "$ko") and Module.symvers kept)"
		modinfo_check "$ko" "$ver"
		mkdir -p "$stage/pkg"
		case $ko in
		*.xz) xz -dc "$ko" >"$stage/pkg/xpcpu-dkms.ko" ;;
		*.zst) zstd -qdc "$ko" >"$stage/pkg/xpcpu-dkms.ko" ;;
		*.gz) gzip -dc "$ko" >"$stage/pkg/xpcpu-dkms.ko" ;;
		*) cp "$ko" "$stage/pkg/xpcpu-dkms.ko" ;;
		esac
	else
		bad "dkms build" "see $w/dkms.log and $w/dkms/xpcpu/$ver/build/make.log"
		tail -n 15 "$w/dkms.log" | sed 's/^/        /'
	fi

	# make install into the staging root, from a copy of the sources.
	sync_sources "$root" "$w/tree"
	if make -C "$w/tree" install KDIR="/lib/modules/$kver/build" \
		INSTALL_MOD_PATH="$stage" >"$w/install.log" 2>&1 &&
		grep -Eq '^updates/xpcpu\.ko(\.[a-z]+)?:' "$stage/lib/modules/$kver/modules.dep"; then
		ok "make install: lib/modules/$kver/$(grep -Eo '^updates/xpcpu\.ko[.a-z]*' "$stage/lib/modules/$kver/modules.dep"), in modules.dep"
	else
		bad "make install" "see $w/install.log"
		tail -n 15 "$w/install.log" | sed 's/^/        /'
	fi

	# A client of the DKMS-installed xpcpu, with the two documented lines,
	# installed beside it: depmod must record the dependency.
	mkdir -p "$w/client"
	cp "$root/samples/xpcpu_sample.c" "$w/client/"
	cat >"$w/client/Kbuild" <<-EOF
		obj-m := xpcpu_sample.o
		KBUILD_EXTRA_SYMBOLS += $w/dkms/xpcpu/$ver/$kver/$arch/Module.symvers
		include $w/src/xpcpu-$ver/include/xpcpu.mk
	EOF
	if make -C "/lib/modules/$kver/build" M="$w/client" modules >"$w/client.log" 2>&1 &&
		make -C "/lib/modules/$kver/build" M="$w/client" INSTALL_MOD_PATH="$stage" KERNELRELEASE="$kver" \
			INSTALL_MOD_DIR=extra CONFIG_MODULE_SIG_ALL= modules_install >>"$w/client.log" 2>&1 &&
		depmod -b "$stage" "$kver" >>"$w/client.log" 2>&1 &&
		grep -Eqx 'extra/xpcpu_sample\.ko[.a-z]*: updates/xpcpu\.ko[.a-z]*' "$stage/lib/modules/$kver/modules.dep"; then
		ok "client against the DKMS tree (KBUILD_EXTRA_SYMBOLS + xpcpu.mk): modules.dep has '$(grep '^extra/xpcpu_sample' "$stage/lib/modules/$kver/modules.dep")'"
	else
		bad "client against the DKMS tree" "see $w/client.log and $stage/lib/modules/$kver/modules.dep"
		tail -n 15 "$w/client.log" | sed 's/^/        /'
	fi

	# A client of a built checkout (the make install copy), with the one
	# include line: xpcpu.mk finds the checkout's Module.symvers itself.
	mkdir -p "$w/client1"
	cp "$root/samples/xpcpu_sample.c" "$w/client1/"
	cat >"$w/client1/Kbuild" <<-EOF
		obj-m := xpcpu_sample.o
		include $w/tree/include/xpcpu.mk
	EOF
	# (modpost stops the build if xpcpu's symbols are unknown.)
	if make -C "/lib/modules/$kver/build" M="$w/client1" modules >"$w/client1.log" 2>&1; then
		ok "client against a built checkout, one line (xpcpu.mk finds its Module.symvers)"
	else
		bad "client against a built checkout" "see $w/client1.log"
		tail -n 15 "$w/client1.log" | sed 's/^/        /'
	fi

	# A single-object client that leaves the xpcpu.mk line out.
	mkdir -p "$w/noline"
	cp "$root/tests/client/xpcpu_client_single.c" "$w/noline/"
	cat >"$w/noline/Kbuild" <<-EOF
		obj-m := xpcpu_client_single.o
		ccflags-y += -I $root/include
	EOF
	if make -C "/lib/modules/$kver/build" M="$w/noline" modules >"$w/noline.log" 2>&1; then
		bad "client without the xpcpu.mk line" "it built; xpcpu.h should stop it (see $w/noline.log)"
	elif grep -q "error: static xpcpu variables need the line 'include <xpcpu>/include/xpcpu.mk'" "$w/noline.log"; then
		ok "client without the xpcpu.mk line: the build stops with \"$(grep -o "static xpcpu variables need the line '[^']*'" "$w/noline.log" | head -n1)\""
	else
		bad "client without the xpcpu.mk line" "the build failed without xpcpu.h's message (see $w/noline.log)"
	fi

	echo "$npass $nfail" >"$dir/counts"
	echo "=== packaging on $kver: $npass passed, $nfail failed ($(($(date +%s) - t0))s)"
	[ "$nfail" -eq 0 ]
}

case ${1:-} in
install) cmd_install "${2:-}" ;;
dkms-tree)
	[ -n "${2:-}" ] || die "usage: $0 dkms-tree DEST"
	dkms_tree "$XPCPU_ROOT" "$2"
	;;
dkms-install)
	[ -n "${2:-}" ] || die "usage: $0 dkms-install KDIR (a kernel headers tree, /lib/modules/<kver>/build)"
	cmd_dkms_install "$2"
	;;
dkms-remove) cmd_dkms_remove ;;
check)
	[ -n "${2:-}" ] || die "usage: $0 check KVER (6.1, 6.12 or a full version)"
	cmd_check "$2"
	;;
*) die "usage: $0 install KDIR | dkms-tree DEST | dkms-install KDIR | dkms-remove | check KVER" ;;
esac
