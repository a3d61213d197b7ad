# SPDX-License-Identifier: GPL-2.0
# Guest test: a client that leaks allocations (xpcpu_client leak=3) and is
# gone; unloading xpcpu then reports what is left (a chunk with 3 live
# areas of 8 bytes) and releases it: rmmod succeeds, no splat.
. /tests/lib.sh

[ -f $MODDIR/xpcpu_client.ko ] || fail "$MODDIR/xpcpu_client.ko was not built (tests/client/)"
load_xpcpu
cur0=$(stat_get nr_cur_alloc) || exit 1
insmod $MODDIR/xpcpu_client.ko leak=3 || fail "insmod xpcpu_client.ko leak=3 failed"
expect_eq "nr_cur_alloc with the leaked objects" "$(stat_get nr_cur_alloc)" $((cur0 + 3))
rmmod xpcpu_client || fail "rmmod xpcpu_client failed"
expect_eq "nr_cur_alloc after the client is gone" "$(stat_get nr_cur_alloc)" $((cur0 + 3))
kmsg "xpcpu-harness: unload with leaks"
unload_xpcpu
out=$(dmesg_since "xpcpu-harness: unload with leaks")
echo "$out" | grep "xpcpu: unload:"
echo "$out" | grep -q "xpcpu: unload: chunk [0-9]* still has 3 live area(s), 24 bytes in use" ||
	fail "no unload report of the 3 leaked areas"
[ "$(echo "$out" | grep -c "xpcpu: unload:   area at offset [0-9]*, 8 bytes per CPU")" -eq 3 ] ||
	fail "the report does not list the 3 leaked areas of 8 bytes"
pass
