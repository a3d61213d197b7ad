# SPDX-License-Identifier: GPL-2.0
# Guest test: /sys/kernel/debug/xpcpu/stats (0444) has every key as
# "  key : value" with a decimal value, per-chunk lines starting with
# "chunk", and values consistent with the VM (4 possible CPUs, 2 nodes).
. /tests/lib.sh
# shellcheck disable=SC2154 # s_<key> are set by eval below

KEYS="unit_size static_size reserved_size reserved_used dynamic_size
nr_groups nr_units nr_alloc nr_dealloc nr_cur_alloc nr_max_alloc nr_chunks
nr_max_chunks nr_empty_chunks min_alloc_size max_alloc_size nr_atomic_alloc
nr_atomic_fail nr_populated_pages hole_per_chunk largest_alloc
hole_bytes hole_pct"

load_xpcpu
need_file $XPCPU_DBG/stats 444
cat $XPCPU_DBG/stats
for k in $KEYS; do
	v=$(stat_get $k) || exit 1
	case $v in
	'' | *[!0-9]*) fail "stats $k is '$v', not a decimal number" ;;
	esac
	eval "s_$k=$v"
done
ncpus=$(possible_cpus | wc -l)
nnodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
expect_eq "nr_units (possible CPUs)" "$s_nr_units" "$ncpus"
expect_eq "nr_groups (NUMA nodes)" "$s_nr_groups" "$nnodes"
expect_eq "nr_cur_alloc = nr_alloc - nr_dealloc" "$s_nr_cur_alloc" \
	"$((s_nr_alloc - s_nr_dealloc))"
[ "$s_nr_chunks" -ge 1 ] || fail "nr_chunks is $s_nr_chunks"
[ "$s_nr_max_chunks" -ge "$s_nr_chunks" ] || fail "nr_max_chunks < nr_chunks"
[ "$s_nr_max_alloc" -ge "$s_nr_cur_alloc" ] || fail "nr_max_alloc < nr_cur_alloc"
[ "$s_reserved_used" -le "$s_reserved_size" ] || fail "reserved_used > reserved_size"
[ $((s_static_size + s_reserved_size + s_dynamic_size)) -le "$s_unit_size" ] ||
	fail "static + reserved + dynamic > unit_size"
[ "$s_largest_alloc" -le "$s_unit_size" ] || fail "largest_alloc > unit_size"
[ "$s_hole_bytes" -eq $((s_nr_chunks * s_hole_per_chunk)) ] ||
	fail "hole_bytes is not nr_chunks * hole_per_chunk"
nlines=$(awk '$1 ~ /^chunk/' $XPCPU_DBG/stats | wc -l)
[ "$nlines" -ge "$s_nr_chunks" ] ||
	fail "$nlines per-chunk lines for nr_chunks $s_nr_chunks"
note "all $(echo $KEYS | wc -w) keys present, $nlines chunk line(s)"
unload_xpcpu
pass
