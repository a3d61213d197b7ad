# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tests/guest/lib.sh - the one library of the guest scripts (busybox ash):
# /init (scripts/guest/init), the guest tests (tests/guest/test_*.sh) and
# the benchmark's guest side (scripts/guest/guest-bench.sh) all source it
# as /tests/lib.sh.
#
# Usage, in a guest test (/tests/test_<name>.sh):
#	. /tests/lib.sh
#	load_xpcpu		# or load_ctl: xpcpu and the ctl driver
#	[ "$(stat_get nr_chunks)" -ge 1 ] || fail "no chunk"
#	unload_xpcpu
#	pass
#
# A test prints what it does on stdout (it ends up in the console log) and
# exits 0 for PASS, anything else for FAIL; "fail MSG" (or "die MSG")
# exits 1 with "FAIL: MSG" on stderr, which the runner reports.  The
# runner (/init) unloads leftover modules after each test and fails a
# test that left a splat in the kernel log (scan_splats below).
#
# Marker channel: /init opens the second serial port on fd 3 and sets
# XPCPU_MARKERS=1; then mark/report/result lines reach the host from any
# script it runs.  Elsewhere they only go to stdout.
XPCPU_DBG=/sys/kernel/debug/xpcpu
MODDIR=/modules

# The splat list and its scanner, from scripts/ (see scripts/splat-patterns).
SPLAT_PATTERNS=/tests/splat-patterns
SPLAT_SCAN=/tests/splat-scan.awk

# mark LINE: LINE to the host (marker channel) and the console.
mark() {
	[ -z "${XPCPU_MARKERS:-}" ] || echo "$*" >&3
	echo "[xpcpu] $*"
}

# report TEXT: a line of the host's report, after $XPCPU_REPORT_PREFIX.
report() {
	mark "XPCPU-REPORT ${XPCPU_REPORT_PREFIX:-}$*"
}

# result PASS|FAIL NAME: the verdict of one test or step.
result() {
	mark "XPCPU-RESULT $1 $2"
}

# die MSG: stop this script with "FAIL: MSG" on stderr (MSG says what to
# fix); the runner reports it.  fail is the same, for the tests.
die() {
	echo "FAIL: $*" >&2
	exit 1
}

fail() {
	die "$@"
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

# load_ctl [PARAMS...]: load_xpcpu, then the ctl test driver xpcpu_ctl.ko
# (tests/ctl/), which adds $XPCPU_DBG/ctl; unload_xpcpu unloads it first.
load_ctl() {
	load_xpcpu
	mod_loaded xpcpu_ctl && return 0
	[ -f $MODDIR/xpcpu_ctl.ko ] || fail "$MODDIR/xpcpu_ctl.ko was not built (tests/ctl/)"
	insmod $MODDIR/xpcpu_ctl.ko "$@" || fail "insmod xpcpu_ctl.ko${*:+ $*} failed"
	mod_loaded xpcpu_ctl || fail "xpcpu_ctl not in /proc/modules after insmod"
}

# unload_ctl: rmmod xpcpu_ctl.ko if it is loaded (it frees what it holds).
unload_ctl() {
	mod_loaded xpcpu_ctl || return 0
	rmmod xpcpu_ctl || fail "rmmod xpcpu_ctl failed"
	! mod_loaded xpcpu_ctl || fail "xpcpu_ctl still in /proc/modules after rmmod"
}

# unload_xpcpu: rmmod xpcpu.ko, after the ctl driver if that is loaded.
unload_xpcpu() {
	unload_ctl
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

# scan_splats: read a kernel log on stdin, print its splat lines and
# broken expected-splat regions (nothing if it is clean).  A test that
# provokes a splat on purpose brackets it with
#	kmsg "xpcpu-test: expect-splat-begin N"   (at least N matching lines)
#	kmsg "xpcpu-test: expect-splat-end"
scan_splats() {
	awk -v patterns="$SPLAT_PATTERNS" -f "$SPLAT_SCAN"
}

# dmesg_since TEXT: the kernel log from the last line containing TEXT on.
dmesg_since() {
	dmesg | awk -v t="$1" '
		index($0, t) { n = 0 }
		{ buf[n++] = $0 }
		END { for (i = 0; i < n; i++) print buf[i] }
	'
}

# The ctl file of xpcpu_ctl.ko (tests/ctl/xpcpu_ctl.c); load_ctl first.
# ctl_write TEXT: write TEXT to the ctl file; prints the error, if any,
# and returns the write's status.
ctl_write() {
	(echo "$*" >$XPCPU_DBG/ctl) 2>&1
}

# ctl_get KEY: a value from reading the ctl file ("key value" lines).
ctl_get() {
	v=$(awk -v k="$1" '$1 == k { print $2; exit }' $XPCPU_DBG/ctl)
	[ -n "$v" ] || fail "ctl has no '$1'"
	echo "$v"
}

# ctl_on CPU TEXT: write TEXT to the ctl file from a shell bound to CPU,
# so that per-CPU caches see one CPU; prints the error, if any.
ctl_on() {
	c=$1
	shift
	taskset -c "$c" sh -c "echo '$*' >$XPCPU_DBG/ctl" 2>&1
}

# xpcpu_param NAME [VALUE]: read (or set) a writable xpcpu.ko parameter.
xpcpu_param() {
	if [ $# -eq 2 ]; then
		echo "$2" >/sys/module/xpcpu/parameters/"$1" ||
			fail "cannot set xpcpu parameter $1=$2"
	else
		cat /sys/module/xpcpu/parameters/"$1"
	fi
}

# check_areas_accounted: with the per-CPU caches drained (turned off and
# on again), every live allocation is an area of some chunk and no chunk
# holds more: the chunk lines' nr_alloc add up to nr_cur_alloc.  A leaked
# or doubly freed area breaks it.
check_areas_accounted() {
	was=$(xpcpu_param caches)
	xpcpu_param caches N
	cur=$(stat_get nr_cur_alloc) || exit 1
	sum=$(awk '$1 == "chunk" { for (i = 2; i < NF; i++) if ($i == "nr_alloc") s += $(i + 1) } END { print s + 0 }' $XPCPU_DBG/stats)
	xpcpu_param caches "$was"
	[ "$sum" = "$cur" ] ||
		fail "the chunks hold $sum areas, but nr_cur_alloc is $cur (caches drained): an area leaked or was freed twice"
	note "the chunks hold $sum areas = nr_cur_alloc"
}
