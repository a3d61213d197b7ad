# SPDX-License-Identifier: GPL-2.0
# Guest test: bad frees are rejected and change nothing.  debugfs ctl's
# "badfree KIND SIZE" allocates an area, tries one bad xpcpu_free() and
# fails the write with EIO unless nr_bad_free went up by exactly one while
# the allocation counters and every chunk stayed the same, and unless two
# new areas of that size are distinct and zeroed.  KIND: double (an area
# freed already), foreign (kmalloc()ed memory), interior (4 bytes into a
# live area), static (xpcpu's own static variable), copy (the last CPU's
# copy of a live area).  Sizes the per-CPU caches serve (8, 64) and one
# they do not (1024), with the caches on and off.
. /tests/lib.sh

load_ctl
need_file $XPCPU_DBG/ctl 600
b_cur=$(stat_get nr_cur_alloc) || exit 1
bad0=$(stat_get nr_bad_free) || exit 1
n=0
for caches in Y N; do
	xpcpu_param caches $caches
	for size in 8 64 1024; do
		for kind in double foreign interior static copy; do
			err=$(ctl_on 1 "badfree $kind $size") ||
				fail "badfree $kind $size (caches=$caches): $err; see the kernel log"
			n=$((n + 1))
		done
	done
	err=$(ctl_on 1 check) || fail "check after the bad frees: $err"
	note "caches=$caches: every bad free rejected, nothing else changed"
done
xpcpu_param caches Y
expect_eq "nr_bad_free after $n bad frees" "$(stat_get nr_bad_free)" $((bad0 + n))
expect_eq "ctl areas (two per bad free)" "$(ctl_get areas)" $((2 * n))
err=$(ctl_write "free all") || fail "free all: $err"
expect_eq "nr_cur_alloc after free all" "$(stat_get nr_cur_alloc)" "$b_cur"
check_areas_accounted
unload_xpcpu
pass
