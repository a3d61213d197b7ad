#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/guest/guest-bench.sh - the benchmark's guest side (busybox ash);
# in the guest, /tests/guest-bench.sh (the host side is scripts/bench.sh).
#
# With xpcpu.ko loaded (by /init), runs xpcpu_bench.ko through
# /bin/xpcpu_insmod, one finit_module() call: the module runs its tests in
# init, prints a "summary" line per test and returns -EAGAIN (busybox
# insmod would retry it and run everything twice).  Before that, the
# churn page count, which the module cannot read itself: each round loads
# it with churn_hold=1 (xpcpu) and churn_hold=2 (the kernel), the first of
# the two alternating, reads how many more pages that allocator has
# populated than before the first round while the live set is held (xpcpu:
# nr_populated_pages in /sys/kernel/debug/xpcpu/stats; the kernel:
# "Percpu:" in /proc/meminfo; both count every CPU's pages) and unloads it.
#
# Usage: sh /tests/guest-bench.sh short|full|scale|batch [PARAM=VALUE...]
#   short  a few rounds of small runs, for `make run` (well under a minute)
#   full   the defaults of xpcpu_bench.ko (`make bench`)
#   scale  the scale-live rows only, no churn pages (`make bench`'s guest
#          with more possible CPUs)
#   batch  the batch rows only, no churn pages (`make bench`'s further boots)
#   PARAM=VALUE  more xpcpu_bench.ko parameters (see modinfo), after the mode's
# Output (marker channel, through mark in /tests/lib.sh), per result:
#   XPCPU-BENCH test=T size=S [live=L|chunks=C] unit=U cpus=C xpcpu=X
#     nocache=N kernel=K floor=F ratio=R ratio_min=A ratio_max=B
#     ratio_nocache=Q floor_dist=D rounds=R                    (one line)
#   XPCPU-BENCH-ROUNDS test=T size=S ... xpcpu=a,b,.. kernel=..  per round, x1000
#   XPCPU-BENCH-SCALE test=T step=N alloc=A areas=.. pages=.. xpcpu_chunks=..
#   XPCPU-BENCH-SCALING size=S xpcpu=X nocache=N kernel=K floor=F  2-CPU/1-CPU
#   XPCPU-BENCH-MODE pointers=genuine|offset nodes=LIST
#   XPCPU-REPORT bench: ...                                  for people
# xpcpu is xpcpu with its per-CPU caches, nocache xpcpu with them off,
# kernel alloc_percpu(); "-" where one does not apply.  ratio is the ratio
# of the medians, > 1 meaning xpcpu did better (kernel/xpcpu for costs,
# xpcpu/kernel for rates); ratio_min/max the spread of the rounds' own.  Exit status 0 iff every part ran; a failure is a
# "FAIL: ..." line on stderr (die), which /init reports.
. /tests/lib.sh
# shellcheck disable=SC2034 # read by report() in /tests/lib.sh
XPCPU_REPORT_PREFIX="bench: "

KO=$MODDIR/xpcpu_bench.ko
LOADER=/bin/xpcpu_insmod
EAGAIN=11

mode=${1:-short}
[ $# -eq 0 ] || shift
case $mode in
short)
	params="run_test_mask=0x7f nr_rounds=3 batch_n=200 batch_max_kb=256
		steady_k=128 steady_ops=800 conc_ops=2000 access_m=50000
		churn_kb=64 churn_ops=1000 burst_k=512 settle_ms=20"
	churn_rounds=1
	churn_params="churn_kb=256 churn_ops=2000"
	;;
full)
	params=""
	churn_rounds=3
	churn_params="churn_kb=1024 churn_ops=8000"
	;;
scale)
	# The scale-live rows only (the guest with more possible CPUs).
	params="run_test_mask=0x80"
	churn_rounds=0
	;;
batch)
	# The batch rows only (the further boots whose rounds are pooled, and
	# the A/A control, whose run_test_mask and aa_control follow).
	params="run_test_mask=0x41"
	churn_rounds=0
	;;
*)
	echo "usage: guest-bench.sh short|full|scale|batch [PARAM=VALUE...]" >&2
	exit 2
	;;
esac
params=$(echo $params "$@")

# emit KEY=VALUE...: one result of the module's summary line, both forms.
emit() {
	mark "XPCPU-BENCH $*"
	for kv in "$@"; do
		eval "e_${kv%%=*}=\${kv#*=}"
	done
	# shellcheck disable=SC2154 # set by the eval above
	e_live=${e_live:-${e_chunks:-}}
	report "$(printf '%-18s %5s%8s %-9s cpus %s  xpcpu %9s  nocache %9s  kernel %9s  floor %9s  ratio %s (%s-%s)' \
		"$e_test" "$e_size" "${e_live:+/$e_live}" "$e_unit" "$e_cpus" "$e_xpcpu" \
		"$e_nocache" "$e_kernel" "${e_floor:--}" "$e_ratio" "$e_ratio_min" "$e_ratio_max")"
	unset e_live e_chunks e_floor
}

[ -x $LOADER ] || die "$LOADER missing (scripts/guest/xpcpu_insmod.c, built by scripts/initramfs.sh)"
[ -f $KO ] || die "$KO missing"
mod_loaded xpcpu || die "xpcpu.ko is not loaded"

t0=$(date +%s)
report "mode $mode, params: ${params:-(defaults)}"
report "ratio > 1.0: xpcpu better (kernel/xpcpu for ns and pages, xpcpu/kernel for kops/s and %ok)"

# --- churn: pages populated per MiB held ------------------------------
# Runs first, before the timed tests leave either allocator with cached
# chunks.  A round's figure is the pages the allocator has populated while
# the live set is held, minus what it had before the first round: what it
# keeps around between rounds (xpcpu's spare chunk, the kernel's cached
# empty chunk) counts as it would on a real system.
pages_xpcpu() {
	awk '$1 == "nr_populated_pages" && $2 == ":" { print $3 }' $XPCPU_DBG/stats
}

# The kernel's own: with the kpcpu backend xpcpu's chunks are in "Percpu:" too.
pages_kernel() {
	own=0
	! grep -q '^ *backend *: *kpcpu' $XPCPU_DBG/stats || own=$(pages_xpcpu)
	awk -v own="$own" '$1 == "Percpu:" { printf "%d\n", $2 / 4 - own }' /proc/meminfo
}

# churn_one 1|2 BASE: load with churn_hold, print "PAGES LIVE_BYTES CPUS".
churn_one() {
	if [ "$1" -eq 1 ]; then get=pages_xpcpu; else get=pages_kernel; fi
	ctag="xpcpu-bench: churn $1 $(date +%s) $$"
	kmsg "$ctag"
	# shellcheck disable=SC2086
	$LOADER $KO $params $churn_params churn_hold="$1" >&2 ||
		{ echo "fail"; return; }
	sleep 1	# let either allocator's background work settle
	after=$($get)
	held=$(dmesg_since "$ctag" | grep 'xpcpu_bench: churn-hold ' | tail -n 1)
	rmmod xpcpu_bench || { echo "fail"; return; }
	live=$(echo "$held" | sed -n 's/.* live_bytes=\([0-9]*\).*/\1/p')
	cpus=$(echo "$held" | sed -n 's/.* cpus=\([0-9]*\).*/\1/p')
	echo "$((after - $2)) ${live:-0} ${cpus:-0}"
}

# median: of the numbers on stdin
median() {
	sort -n | awk '{ a[NR] = $1 } END {
		if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

: >/tmp/churn.1
: >/tmp/churn.2
sleep 1
base1=$(pages_xpcpu)
base2=$(pages_kernel)
[ "$churn_rounds" -eq 0 ] || report "churn baseline: xpcpu $base1 pages, kernel $base2 pages (all CPUs)"
r=0
while [ $r -lt $churn_rounds ]; do
	if [ $((r % 2)) -eq 0 ]; then order="1 2"; else order="2 1"; fi
	for a in $order; do
		eval "res=\$(churn_one $a \$base$a)"
		[ "$res" != fail ] || die "churn_hold=$a: loading or unloading xpcpu_bench.ko failed"
		# shellcheck disable=SC2086
		set -- $res
		[ "$2" -gt 0 ] || die "churn_hold=$a: no churn-hold line in the kernel log"
		echo "churn round $r $([ $a -eq 1 ] && echo xpcpu || echo kernel): $1 pages for $2 live bytes per CPU on $3 CPUs"
		awk -v p="$1" -v l="$2" -v c="$3" 'BEGIN { printf "%.1f\n", p * 1048576 / (l * c) }' >>/tmp/churn.$a
	done
	r=$((r + 1))
done
churn_line=""
if [ "$churn_rounds" -gt 0 ]; then
	cx=$(median </tmp/churn.1)
	ck=$(median </tmp/churn.2)
	cr=$(awk -v x="$cx" -v k="$ck" 'BEGIN { if (x > 0 && k > 0) printf "%.2f", k / x; else print "-" }')
	churn_line="test=churn-pages size=mix unit=pages/MiB cpus=1 xpcpu=$(printf %.1f "$cx") nocache=- kernel=$(printf %.1f "$ck") floor=- ratio=$cr ratio_min=- ratio_max=- ratio_nocache=- floor_dist=- rounds=$churn_rounds"
fi

# --- the tests that run in init --------------------------------------
tag="xpcpu-bench: run $$ $t0"
kmsg "$tag"
# shellcheck disable=SC2086
if $LOADER $KO $params; then rc=0; else rc=$?; fi
log=$(dmesg_since "$tag")
echo "$log" | grep 'xpcpu_bench: ' | grep -v 'xpcpu_bench: rounds ' | sed 's/^\[[^]]*\] //'
[ "$rc" -eq $EAGAIN ] || die "xpcpu_bench.ko init: exit $rc, expected EAGAIN ($EAGAIN) after the tests"
echo "$log" | grep -q 'xpcpu_bench: done in' || die "xpcpu_bench.ko did not finish its tests"
errs=$(echo "$log" | grep -E 'xpcpu_bench: .*(error|failed)' | sed 's/^\[[^]]*\] //')
[ -z "$errs" ] || die "$(echo "$errs" | head -n 1)"
pointers=$(echo "$log" | sed -n 's/.*xpcpu_bench: start .* pointers=\([a-z]*\).*/\1/p' | tail -n 1)
mark "XPCPU-BENCH-MODE pointers=${pointers:-unknown} nodes=$(cat /sys/devices/system/node/online)"
report "pointers: ${pointers:-unknown}, NUMA nodes $(cat /sys/devices/system/node/online)"
echo "$log" | grep 'xpcpu_bench: summary ' | sed 's/^.*xpcpu_bench: summary //' |
	while read -r line; do
		# shellcheck disable=SC2086
		emit $line
	done
echo "$log" | grep 'xpcpu_bench: rounds ' | sed 's/^.*xpcpu_bench: rounds //' |
	while read -r line; do
		mark "XPCPU-BENCH-ROUNDS $line"
	done
echo "$log" | grep 'xpcpu_bench: scale-info ' | sed 's/^.*xpcpu_bench: scale-info //' |
	while read -r line; do
		mark "XPCPU-BENCH-SCALE $line"
		report "scale $line"
	done
echo "$log" | grep 'xpcpu_bench: scaling ' | sed 's/^.*xpcpu_bench: scaling //' |
	while read -r line; do
		mark "XPCPU-BENCH-SCALING $line"
		report "scaling $line"
	done

# shellcheck disable=SC2086
[ -z "$churn_line" ] || emit $churn_line

report "done in $(($(date +%s) - t0)) s"
