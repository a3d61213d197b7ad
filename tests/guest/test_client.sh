# SPDX-License-Identifier: GPL-2.0
# Guest test: client modules with static per-CPU variables (DEFINE_XPCPU),
# linked through include/xpcpu.mk: a composite one (xpcpu_client) and one
# built from a single object (xpcpu_client_single) load, find their
# initial values on every CPU and unload, giving their reserved space
# back; the single-object one also sees its accessors poisoned before
# xpcpu_module_init() and after xpcpu_module_exit().  A client too big for
# the reserved area fails to load (-ENOMEM), is not left in /proc/modules
# and takes no reserved space; then xpcpu unloads cleanly.
. /tests/lib.sh

for m in xpcpu_client xpcpu_client_big xpcpu_client_single; do
	[ -f $MODDIR/$m.ko ] || fail "$MODDIR/$m.ko was not built (tests/client/)"
done
load_xpcpu
r0=$(stat_get reserved_used) || exit 1
kmsg "xpcpu-harness: client load"
insmod $MODDIR/xpcpu_client.ko || fail "insmod xpcpu_client.ko failed"
mod_loaded xpcpu_client || fail "xpcpu_client not in /proc/modules"
dmesg_since "xpcpu-harness: client load" |
	grep -q "xpcpu_client: initial values ok on 4 CPUs" ||
	fail "dmesg lacks 'xpcpu_client: initial values ok on 4 CPUs'"
note "xpcpu_client loaded, initial values ok; reserved_used $r0 -> $(stat_get reserved_used)"
rmmod xpcpu_client || fail "rmmod xpcpu_client failed"
r1=$(stat_get reserved_used) || exit 1
expect_eq "reserved_used after rmmod xpcpu_client" "$r1" "$r0"

kmsg "xpcpu-harness: single-object client load"
insmod $MODDIR/xpcpu_client_single.ko || fail "insmod xpcpu_client_single.ko failed"
dmesg_since "xpcpu-harness: single-object client load" |
	grep -q "xpcpu_client_single: single object: initial values ok on 4 CPUs" ||
	fail "dmesg lacks 'xpcpu_client_single: single object: initial values ok on 4 CPUs'"
r2=$(stat_get reserved_used) || exit 1
[ "$r2" -gt "$r1" ] || fail "reserved_used did not grow for xpcpu_client_single ($r1 -> $r2)"
note "xpcpu_client_single loaded, initial values ok; reserved_used $r1 -> $r2"
rmmod xpcpu_client_single || fail "rmmod xpcpu_client_single failed"
dmesg_since "xpcpu-harness: single-object client load" |
	grep -q "xpcpu_client_single: single object: accessors poisoned again" ||
	fail "dmesg lacks 'xpcpu_client_single: single object: accessors poisoned again'"
expect_eq "reserved_used after rmmod xpcpu_client_single" "$(stat_get reserved_used)" "$r1"

if insmod $MODDIR/xpcpu_client_big.ko; then
	fail "insmod xpcpu_client_big.ko succeeded; the reserved area should be too small"
fi
! mod_loaded xpcpu_client_big || fail "xpcpu_client_big is in /proc/modules"
expect_eq "reserved_used after the failed load" "$(stat_get reserved_used)" "$r1"
unload_xpcpu
pass
