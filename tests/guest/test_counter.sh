# SPDX-License-Identifier: GPL-2.0
# Guest test: /sys/kernel/debug/xpcpu/counter (0600) is one per-CPU
# counter: a write of N adds N to the writing CPU's copy, a read gives
# "cpu<N> <value>" per possible CPU and "sum <value>".  Each CPU c adds
# c+1 ten times c+1 times, then -c (if c > 0), so CPU c must read 10(c+1)^2 - c.
. /tests/lib.sh

load_xpcpu
f=$XPCPU_DBG/counter
need_file $f 600
for c in $(possible_cpus); do
	expect_eq "cpu$c before any write" "$(awk -v k=cpu$c '$1 == k { print $2 }' $f)" 0
done
online=$(cat /sys/devices/system/cpu/online)
expect_eq "online CPUs" "$online" "0-3"
sum=0
for c in 0 1 2 3; do
	n=$((10 * (c + 1)))
	taskset -c $c sh -c "i=0; while [ \$i -lt $n ]; do echo $((c + 1)) >$f || exit 1; i=\$((i + 1)); done; [ $c -eq 0 ] || echo -$c >$f" ||
		fail "writes to $f on CPU $c failed"
	sum=$((sum + n * (c + 1) - c))
done
cat $f
for c in $(possible_cpus); do
	want=0
	[ "$c" -gt 3 ] || want=$((10 * (c + 1) * (c + 1) - c))
	expect_eq "cpu$c" "$(awk -v k=cpu$c '$1 == k { print $2 }' $f)" "$want"
done
expect_eq "sum" "$(awk '$1 == "sum" { print $2 }' $f)" "$sum"
unload_xpcpu
pass
