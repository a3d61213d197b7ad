#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh - install what xpcpu's build, VM and KUnit runs need.
#
# Installs (apt-get, Debian 12) only what is missing, so a second run is
# fast and needs no network: the toolchain, QEMU, busybox-static, cpio,
# sparse, pahole, gnuplot, linux-source-6.1, dkms (scripts/pkg.sh), clang
# with libFuzzer and the sanitizers (libclang-rt-14-dev) and llvm
# (coverage) for tests/fuzz, and
# for each SPEC:
#   6.1         Debian's linux-image-amd64 + linux-headers-amd64
#   6.1-rt      Debian's PREEMPT_RT kernel: linux-image-rt-amd64 +
#               linux-headers-rt-amd64
#   6.12        the newest linux-image-6.12.*+deb12-amd64-unsigned that has a
#               matching linux-headers-* package in apt-cache
#   6.12-rt     the same for linux-image-6.12.*+deb12-rt-amd64-unsigned
#               (optional: if it does not install cleanly, a warning)
#   kunit-6.1   linux-source-6.1 (the KUnit tree; always installed anyway)
#   kunit-6.12  linux-source-6.12 (optional, as 6.12-rt)
# Prints "kernel SPEC -> VERSION" (or "source SPEC -> PATH") for each SPEC
# at the end, "SPEC -> (not installed)" for an optional one that failed.
#
# Usage: scripts/deps.sh [SPEC...]        (default: 6.1; e.g. 6.1 6.12 6.1-rt)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(6.1)

base_pkgs=(make gcc libc6-dev git rsync xz-utils cpio gzip python3 bc flex bison
	libelf-dev libssl-dev dwarves sparse kmod gnuplot-nox busybox-static
	qemu-system-x86 linux-source-6.1 dkms clang libclang-rt-14-dev llvm)

command -v dpkg-query >/dev/null && command -v apt-get >/dev/null ||
	die "this needs Debian 12 (dpkg and apt-get); install the packages listed in $0 by hand"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo; run scripts/deps.sh as root"
	sudo=(sudo)
fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# optional SPEC: true if a failure to install SPEC is only a warning.
optional() {
	case $1 in
	6.12-rt | kunit-6.12) return 0 ;;
	esac
	return 1
}

# candidate_612 FLAVOUR: the newest 6.12 image of FLAVOUR (amd64, rt-amd64)
# that apt knows, with matching headers.
candidate_612() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E "^linux-image-6\.12\.[0-9]+\+deb12-$1-unsigned\$" |
		sed 's/^linux-image-//; s/-unsigned$//' | sort -rV |
		while read -r v; do
			if apt-cache show "linux-headers-$v" >/dev/null 2>&1; then
				echo "$v"
				break
			fi
		done
}

# spec_pkgs SPEC: the packages SPEC needs, one per line; fails if apt does
# not know them yet (then an apt-get update may help).
spec_pkgs() {
	local v
	case $1 in
	6.1) printf '%s\n' linux-image-amd64 linux-headers-amd64 ;;
	6.1-rt) printf '%s\n' linux-image-rt-amd64 linux-headers-rt-amd64 ;;
	6.12 | 6.12-rt)
		v=$(candidate_612 "$([ "$1" = 6.12 ] && echo amd64 || echo rt-amd64)")
		[ -n "$v" ] || return 1
		printf '%s\n' "linux-image-$v-unsigned" "linux-headers-$v"
		;;
	kunit-6.1 | kunit-6.12)
		apt-cache show "linux-source-${1#kunit-}" >/dev/null 2>&1 || return 1
		echo "linux-source-${1#kunit-}"
		;;
	*)
		[ -n "$(kver_resolve "$1")" ] ||
			die "kernel '$1' is not installed and only 6.1, 6.1-rt, 6.12, 6.12-rt, kunit-6.1 and kunit-6.12 are known; install linux-image-$1 and linux-headers-$1"
		;;
	esac
}

# Fill "missing" (required) and "missing_opt" (optional) with what is not
# installed yet; need_update=1 if apt does not know a spec's packages.
missing=()
missing_opt=()
need_update=0
unknown=()
compute_missing() {
	local p s pkgs
	missing=()
	missing_opt=()
	need_update=0
	unknown=()
	for p in "${base_pkgs[@]}"; do
		installed "$p" || missing+=("$p")
	done
	for s in "${specs[@]}"; do
		if ! pkgs=$(spec_pkgs "$s"); then
			need_update=1
			unknown+=("$s")
			continue
		fi
		for p in $pkgs; do
			installed "$p" && continue
			if optional "$s"; then missing_opt+=("$p"); else missing+=("$p"); fi
		done
	done
	return 0
}

# spec_ok SPEC: SPEC is installed and usable.
spec_ok() {
	case $1 in
	kunit-*) [ -f "/usr/src/linux-source-${1#kunit-}.tar.xz" ] ;;
	*) [ -n "$(kver_resolve "$1")" ] ;;
	esac
}

export DEBIAN_FRONTEND=noninteractive
compute_missing
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_opt[@]} -gt 0 ] || [ "$need_update" -eq 1 ]; then
	log "apt-get update"
	"${sudo[@]}" apt-get update -q ||
		die "apt-get update failed; check the network and /etc/apt/sources.list"
	compute_missing
	for s in "${unknown[@]}"; do
		optional "$s" ||
			die "apt knows no packages for '$s' (see the list in $0); enable bookworm and bookworm-security/updates in /etc/apt/sources.list"
		log "warning: apt knows no packages for the optional '$s'; skipping it"
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "apt-get install ${missing[*]}"
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
			die "apt-get install failed; see the messages above"
	fi
	if [ ${#missing_opt[@]} -gt 0 ]; then
		log "apt-get install ${missing_opt[*]} (optional)"
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing_opt[@]}" ||
			log "warning: the optional packages ${missing_opt[*]} did not install; going on without them"
	fi
fi

for s in "${specs[@]}"; do
	if ! spec_ok "$s"; then
		optional "$s" ||
			die "$s: still missing after install; check /boot, /lib/modules/*/build and /usr/src"
		echo "$s -> (not installed)"
	elif [ "${s#kunit-}" != "$s" ]; then
		echo "source $s -> /usr/src/linux-source-${s#kunit-}.tar.xz"
	else
		echo "kernel $s -> $(kver_resolve "$s")"
	fi
done
