# SPDX-License-Identifier: GPL-2.0
# Guest test: the pointer mode xpcpu picks at load matches the topology
# (one NUMA node: genuine per-CPU pointers, the percpu backend, a span of
# the kernel's unit distances plus one unit; two nodes 1 GiB apart: offset
# pointers, the vmap backend), pointers=offset forces offset pointers, and
# pointers=genuine fails to load where the span does not fit.  Reports
# "pointers: MODE" (the harness checks it on the one-node run).
. /tests/lib.sh

nodes=$(cat /sys/devices/system/node/online)
load_xpcpu
mode=$(stat_get pointers) || exit 1
backend=$(stat_get backend) || exit 1
span=$(stat_get span_bytes) || exit 1
report "pointers: $mode ($backend backend, $span bytes per chunk, nodes $nodes)"
if [ "$nodes" = 0 ]; then
	expect_eq "pointers on one node" "$mode" genuine
	expect_eq "backend on one node" "$backend" percpu
else
	expect_eq "pointers on two nodes" "$mode" offset
	expect_eq "backend on two nodes" "$backend" vmap
fi
unload_xpcpu

load_xpcpu pointers=offset
expect_eq "pointers=offset" "$(stat_get pointers)" offset
unload_xpcpu

if [ "$nodes" = 0 ]; then
	load_xpcpu pointers=genuine
	expect_eq "pointers=genuine" "$(stat_get pointers)" genuine
	unload_xpcpu
	kmsg "xpcpu-test: genuine_max_mb=1 must refuse genuine pointers"
	if insmod $MODDIR/xpcpu.ko pointers=genuine genuine_max_mb=1 2>/dev/null; then
		fail "pointers=genuine genuine_max_mb=1 loaded; the span is wider than 1 MiB"
	fi
else
	if insmod $MODDIR/xpcpu.ko pointers=genuine 2>/dev/null; then
		fail "pointers=genuine loaded on two nodes 1 GiB apart"
	fi
fi
! mod_loaded xpcpu || fail "xpcpu loaded after a refused pointers=genuine"
pass
