# SPDX-License-Identifier: GPL-2.0
# Guest test: the pointer mode xpcpu picks at load matches the topology
# (one NUMA node: genuine per-CPU pointers, the percpu backend, a span of
# the kernel's unit distances plus one unit; two nodes 1 GiB apart:
# genuine pointers too, the kpcpu backend, chunks from the kernel's own
# per-CPU allocator with a 32 KiB largest allocation), pointers=offset
# forces offset pointers (vmap backend), pointers=kpcpu forces the kpcpu
# backend on either, and pointers=span fails to load where the span does
# not fit.  Reports "pointers: MODE" (the harness checks it).
. /tests/lib.sh

nodes=$(cat /sys/devices/system/node/online)
load_xpcpu
mode=$(stat_get pointers) || exit 1
backend=$(stat_get backend) || exit 1
span=$(stat_get span_bytes) || exit 1
report "pointers: $mode ($backend backend, $span bytes per chunk, nodes $nodes)"
largest=$(stat_get largest_alloc) || exit 1
holes=$(stat_get hole_per_chunk) || exit 1
note "largest allocation $largest, hole bytes per chunk $holes"
expect_eq "pointers on $nodes" "$mode" genuine
if [ "$nodes" = 0 ]; then
	expect_eq "backend on one node" "$backend" percpu
else
	expect_eq "backend on two nodes" "$backend" kpcpu
	expect_eq "largest allocation with kpcpu" "$largest" 32768
	expect_eq "hole bytes with kpcpu" "$holes" 0
fi
unload_xpcpu

load_xpcpu pointers=offset
expect_eq "pointers=offset" "$(stat_get pointers)" offset
expect_eq "pointers=offset backend" "$(stat_get backend)" vmap
expect_eq "pointers=offset largest allocation" "$(stat_get largest_alloc)" 65536
unload_xpcpu

load_xpcpu pointers=kpcpu
expect_eq "pointers=kpcpu" "$(stat_get pointers)" genuine
expect_eq "pointers=kpcpu backend" "$(stat_get backend)" kpcpu
unload_xpcpu

load_xpcpu pointers=genuine
expect_eq "pointers=genuine" "$(stat_get pointers)" genuine
unload_xpcpu
if [ "$nodes" = 0 ]; then
	kmsg "xpcpu-test: pointers=span genuine_max_mb=1 must refuse to load"
	if insmod $MODDIR/xpcpu.ko pointers=span genuine_max_mb=1 2>/dev/null; then
		fail "pointers=span genuine_max_mb=1 loaded; the span is wider than 1 MiB"
	fi
else
	if insmod $MODDIR/xpcpu.ko pointers=span 2>/dev/null; then
		fail "pointers=span loaded on two nodes 1 GiB apart"
	fi
fi
! mod_loaded xpcpu || fail "xpcpu loaded after a refused pointers=span"
pass
