# SPDX-License-Identifier: GPL-2.0
# Guest test: malformed or out-of-range writes to /sys/kernel/debug/xpcpu/ctl
# fail with EINVAL and change nothing (nr_cur_alloc unchanged); a valid
# write still works afterwards.
. /tests/lib.sh

load_xpcpu
need_file $XPCPU_DBG/ctl 200
b_cur=$(stat_get nr_cur_alloc) || exit 1
for bad in "alloc" "alloc 0 4" "alloc 100 3" "alloc 16 8192" \
	"alloc 1000000 4" "alloc 16 4 999999" "alloc x 4" \
	"bogus" "free some" "free"; do
	if err=$(ctl_write "$bad"); then
		fail "'$bad' was accepted"
	fi
	case $err in
	*"Invalid argument"*) note "'$bad' -> EINVAL" ;;
	*) fail "'$bad' failed, but not with EINVAL: $err" ;;
	esac
	expect_eq "nr_cur_alloc after '$bad'" "$(stat_get nr_cur_alloc)" "$b_cur"
done
err=$(ctl_write "alloc 16 4 2") || fail "valid 'alloc 16 4 2' failed: $err"
expect_eq "nr_cur_alloc after a valid alloc" "$(stat_get nr_cur_alloc)" $((b_cur + 2))
err=$(ctl_write "free all") || fail "free all: $err"
expect_eq "nr_cur_alloc after free all" "$(stat_get nr_cur_alloc)" "$b_cur"
unload_xpcpu
pass
