# SPDX-License-Identifier: GPL-2.0
# Guest test: the sample client (samples/xpcpu_sample.c, one object, a
# dynamic struct of counters and a static DEFINE_XPCPU variable) loads on
# xpcpu; CPU c writes "LEN COUNT" c+1 times from taskset, and its stats
# file must show each CPU's packets, bytes and writes and their totals
# exactly; malformed input fails with EINVAL and counts nothing; the
# sample unloads, freeing its dynamic and its reserved memory.
. /tests/lib.sh

f=/sys/kernel/debug/xpcpu_sample
[ -f $MODDIR/xpcpu_sample.ko ] || fail "$MODDIR/xpcpu_sample.ko was not built (samples/)"
load_xpcpu
r0=$(stat_get reserved_used) || exit 1
insmod $MODDIR/xpcpu_sample.ko || fail "insmod xpcpu_sample.ko failed"
need_file $f/packet 200
need_file $f/stats 444

tp=0 tb=0 tw=0
ncpu=$(nproc)
for c in $(seq 0 $((ncpu - 1))); do
	len=$((100 * (c + 1)))
	taskset -c "$c" sh -c "for i in \$(seq $((c + 1))); do echo '$len $((c + 1))' >$f/packet || exit 1; done" ||
		fail "writing '$len $((c + 1))' to $f/packet on cpu$c failed"
	tp=$((tp + (c + 1) * (c + 1)))
	tb=$((tb + (c + 1) * (c + 1) * len))
	tw=$((tw + c + 1))
done
if (echo "many" >$f/packet) 2>/dev/null; then
	fail "writing 'many' to $f/packet succeeded; expected EINVAL"
fi
if (echo "64 0" >$f/packet) 2>/dev/null; then
	fail "writing '64 0' to $f/packet succeeded; expected EINVAL"
fi

cat $f/stats
while read -r k _ p _ b _ w; do
	case $k in
	cpu*)
		c=${k#cpu}
		if [ "$c" -lt "$ncpu" ]; then
			n=$((c + 1))
			ep=$((n * n)) eb=$((n * n * 100 * n)) ew=$n
		else
			ep=0 eb=0 ew=0
		fi
		expect_eq "$k packets" "$p" "$ep"
		expect_eq "$k bytes" "$b" "$eb"
		expect_eq "$k writes" "$w" "$ew"
		;;
	total)
		expect_eq "total packets" "$p" "$tp"
		expect_eq "total bytes" "$b" "$tb"
		expect_eq "total writes" "$w" "$tw"
		totals=1
		;;
	esac
done <$f/stats
[ -n "${totals:-}" ] || fail "$f/stats has no 'total' line"
grep -q '^xpcpu nr_cur_alloc [1-9]' $f/stats ||
	fail "$f/stats lacks xpcpu's counters (xpcpu_get_stats()) with a live allocation"
r1=$(stat_get reserved_used) || exit 1
[ "$r1" -gt "$r0" ] || fail "reserved_used did not grow for the sample's static variable ($r0 -> $r1)"

rmmod xpcpu_sample || fail "rmmod xpcpu_sample failed"
[ ! -e $f ] || fail "$f is still there after rmmod"
expect_eq "reserved_used after rmmod xpcpu_sample" "$(stat_get reserved_used)" "$r0"
unload_xpcpu
pass
