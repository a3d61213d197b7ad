# SPDX-License-Identifier: GPL-2.0
# Guest test: a client module with static per-CPU variables (DEFINE_XPCPU)
# loads, finds its initial values on every CPU and unloads; a client too
# big for the reserved area fails to load (-ENOMEM), is not left in
# /proc/modules and takes no reserved space; then xpcpu unloads cleanly.
. /tests/lib.sh

for m in xpcpu_client xpcpu_client_big; do
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

if insmod $MODDIR/xpcpu_client_big.ko; then
	fail "insmod xpcpu_client_big.ko succeeded; the reserved area should be too small"
fi
! mod_loaded xpcpu_client_big || fail "xpcpu_client_big is in /proc/modules"
expect_eq "reserved_used after the failed load" "$(stat_get reserved_used)" "$r1"
unload_xpcpu
pass
