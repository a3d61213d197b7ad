# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tests/guest/lib.sh - helpers for the guest test scripts (busybox ash).
#
# Usage, in a guest test (/tests/test_<name>.sh):
#	. /tests/lib.sh
#	load_xpcpu
#	[ "$(stat_get nr_chunks)" -ge 1 ] || fail "no chunk"
#	unload_xpcpu
#	pass
#
# A test prints what it does on stdout (it ends up in the console log) and
# exits 0 for PASS, anything else for FAIL; "fail MSG" exits 1 with MSG.
# The runner (/init) unloads leftover modules after each test and fails
# a test that left a splat in the kernel log.

XPCPU_DBG=/sys/kernel/debug/xpcpu
MODDIR=/modules

# Kernel log lines that mean something went wrong (extended regex).
SPLAT_RE='WARNING:|BUG:|KASAN|Oops|general protection|lockdep|possible recursive locking|circular locking|sleeping function called from invalid context|UBSAN'

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "PASS"
	exit 0
}

note() {
	echo "  $*"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	note "$1 = $2"
}

mod_loaded() {
	grep -q "^$1 " /proc/modules
}

# load_xpcpu [PARAMS...]: insmod xpcpu.ko unless it is loaded.
load_xpcpu() {
	mod_loaded xpcpu && return 0
	[ -f $MODDIR/xpcpu.ko ] || fail "$MODDIR/xpcpu.ko missing from the initramfs"
	insmod $MODDIR/xpcpu.ko "$@" || fail "insmod xpcpu.ko${*:+ $*} failed"
	mod_loaded xpcpu || fail "xpcpu not in /proc/modules after insmod"
}

unload_xpcpu() {
	rmmod xpcpu || fail "rmmod xpcpu failed"
	! mod_loaded xpcpu || fail "xpcpu still in /proc/modules after rmmod"
}

# need_file PATH MODE: PATH exists with octal permissions MODE (e.g. 444).
need_file() {
	[ -e "$1" ] || fail "$1 does not exist"
	m=$(stat -c %a "$1")
	[ "$m" = "$2" ] || fail "$1 has mode $m, expected $2"
}

# stat_get KEY: a value from the stats file ("  key : value" lines).
stat_get() {
	v=$(awk -v k="$1" '$1 == k && $2 == ":" { print $3; exit }' $XPCPU_DBG/stats)
	[ -n "$v" ] || fail "stats has no '$1'"
	echo "$v"
}

# possible_cpus: the possible CPUs, one per line ("0-3,6" expanded).
possible_cpus() {
	tr ',' '\n' </sys/devices/system/cpu/possible | while IFS=- read -r a b; do
		[ -n "$b" ] || b=$a
		seq "$a" "$b"
	done
}

# kmsg TEXT: write TEXT into the kernel log (for context in dmesg).
kmsg() {
	echo "$*" >/dev/kmsg
}

# scan_splats: read a kernel log on stdin, print its splat lines except
# those between "xpcpu-test: expect-splat-begin" and "...-end".
scan_splats() {
	awk -v re="$SPLAT_RE" '
		/xpcpu-test: expect-splat-begin/ { exempt = 1; next }
		/xpcpu-test: expect-splat-end/ { exempt = 0; next }
		exempt { next }
		/RCU lockdep checking is enabled/ { next }
		$0 ~ re { print }
	'
}

# dmesg_since TEXT: the kernel log from the last line containing TEXT on.
dmesg_since() {
	dmesg | awk -v t="$1" '
		index($0, t) { n = 0 }
		{ buf[n++] = $0 }
		END { for (i = 0; i < n; i++) print buf[i] }
	'
}

# ctl_write TEXT: write TEXT to the ctl file; prints the error, if any,
# and returns the write's status.
ctl_write() {
	(echo "$*" >$XPCPU_DBG/ctl) 2>&1
}
