# SPDX-License-Identifier: GPL-2.0
# Guest test: malformed or out-of-range writes to /sys/kernel/debug/xpcpu/ctl
# fail with EINVAL and change nothing (nr_cur_alloc, nr_bad_free and
# ctl's own counters unchanged, the live area's pattern intact); a valid
# write still works afterwards.
. /tests/lib.sh

load_ctl
need_file $XPCPU_DBG/ctl 600
# One live area, so that "free every" and "check" have something to break.
err=$(ctl_write "alloc 8 4") || fail "valid 'alloc 8 4' failed: $err"
b_cur=$(stat_get nr_cur_alloc) || exit 1
b_bad=$(stat_get nr_bad_free) || exit 1
b_ctl=$(cat $XPCPU_DBG/ctl)
for bad in "alloc" "alloc 0 4" "alloc 100 3" "alloc 16 8192" \
	"alloc 1000000 4" "alloc 16 4 999999" "alloc x 4" "alloc 16 4 0" \
	"alloc 16 4 1 1" "bogus" "free some" "free" "free all now" \
	"free every" "free every 0" "free every x" "check now" "CHECK" \
	"badfree" "badfree bogus" "badfree double 0" "badfree double 4" \
	"badfree double 100000" "badfree double 8 8" "badfree foreign x"; do
	if err=$(ctl_write "$bad"); then
		fail "'$bad' was accepted"
	fi
	case $err in
	*"Invalid argument"*) note "'$bad' -> EINVAL" ;;
	*) fail "'$bad' failed, but not with EINVAL: $err" ;;
	esac
	expect_eq "nr_cur_alloc after '$bad'" "$(stat_get nr_cur_alloc)" "$b_cur"
	expect_eq "nr_bad_free after '$bad'" "$(stat_get nr_bad_free)" "$b_bad"
	[ "$(cat $XPCPU_DBG/ctl)" = "$b_ctl" ] ||
		fail "ctl's counters changed after '$bad': $(cat $XPCPU_DBG/ctl | tr '\n' ' ')"
done
err=$(ctl_write check) || fail "check of the live area after the bad input: $err"
err=$(ctl_write "alloc 16 4 2") || fail "valid 'alloc 16 4 2' failed: $err"
expect_eq "nr_cur_alloc after a valid alloc" "$(stat_get nr_cur_alloc)" $((b_cur + 2))
expect_eq "ctl areas after a valid alloc" "$(ctl_get areas)" 3
err=$(ctl_write "free all") || fail "free all: $err"
expect_eq "nr_cur_alloc after free all" "$(stat_get nr_cur_alloc)" $((b_cur - 1))
unload_xpcpu
pass
