#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh - install what xpcpu's build, VM and KUnit runs need.
#
# Installs (apt-get, Debian 12) only what is missing, so a second run is
# fast and needs no network: the toolchain, QEMU, busybox-static, cpio,
# sparse, pahole, gnuplot, linux-source-6.1, and for each guest kernel
# its image and matching headers:
#   6.1   Debian's linux-image-amd64 + linux-headers-amd64
#   6.12  the newest linux-image-6.12.*+deb12-amd64-unsigned that has a
#         matching linux-headers-* package in apt-cache
# Prints "kernel SPEC -> VERSION" for each kernel at the end.
#
# Usage: scripts/deps.sh [KVER...]        (default: 6.1; e.g. 6.1 6.12)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || kvers=(6.1)

base_pkgs=(make gcc libc6-dev git rsync xz-utils cpio gzip python3 bc flex bison
	libelf-dev libssl-dev dwarves sparse kmod gnuplot-nox busybox-static
	qemu-system-x86 linux-source-6.1)

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

# The newest 6.12 image that apt knows, with matching headers.
candidate_612() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed 's/^linux-image-//; s/-unsigned$//' | sort -rV |
		while read -r v; do
			if apt-cache show "linux-headers-$v" >/dev/null 2>&1; then
				echo "$v"
				break
			fi
		done
}

# Fill the array "missing" with what is not installed yet.
missing=()
need_update=0
compute_missing() {
	local p k v
	missing=()
	need_update=0
	for p in "${base_pkgs[@]}"; do
		installed "$p" || missing+=("$p")
	done
	for k in "${kvers[@]}"; do
		case $k in
		6.1)
			installed linux-image-amd64 || missing+=(linux-image-amd64)
			installed linux-headers-amd64 || missing+=(linux-headers-amd64)
			;;
		6.12)
			v=$(candidate_612)
			if [ -z "$v" ]; then
				need_update=1
				continue
			fi
			installed "linux-image-$v-unsigned" || missing+=("linux-image-$v-unsigned")
			installed "linux-headers-$v" || missing+=("linux-headers-$v")
			;;
		*)
			[ -n "$(kver_resolve "$k")" ] ||
				die "kernel '$k' is not installed and only 6.1 and 6.12 are known; install linux-image-$k and linux-headers-$k"
			;;
		esac
	done
	return 0
}

compute_missing
if [ ${#missing[@]} -gt 0 ] || [ "$need_update" -eq 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	log "apt-get update"
	"${sudo[@]}" apt-get update -q ||
		die "apt-get update failed; check the network and /etc/apt/sources.list"
	compute_missing
	[ "$need_update" -eq 0 ] ||
		die "apt has no linux-image-6.12.*+deb12-amd64-unsigned with matching headers; enable bookworm and bookworm-security/updates in /etc/apt/sources.list"
	if [ ${#missing[@]} -gt 0 ]; then
		log "apt-get install ${missing[*]}"
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
			die "apt-get install failed; see the messages above"
	fi
fi

for k in "${kvers[@]}"; do
	v=$(kver_resolve "$k")
	[ -n "$v" ] || die "kernel $k: image or headers still missing after install; check /boot and /lib/modules/*/build"
	echo "kernel $k -> $v"
done
