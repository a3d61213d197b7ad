#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh - `make bench`: xpcpu against the kernel's alloc_percpu().
#
# Boots the guest kernel in QEMU (scripts/vm.sh bench: TCG, 4 CPUs on 2
# NUMA nodes, or one with VM_NODES=1), where the guest side,
# scripts/guest/guest-bench.sh, runs xpcpu_bench.ko with xpcpu (per-CPU
# caches on), xpcpu with its caches off, alloc_percpu() and the floor
# (kzalloc() of the same bytes) in the same boot, in rounds of A B C C B A.
# A full run then boots a second guest with 64 possible CPUs (4 online)
# for the scale-live rows.  scripts/bench-report.py turns the markers into
# a table with the medians, the ratio of the medians oriented so that > 1.0
# means xpcpu is better (kernel/xpcpu for times and pages, xpcpu/kernel for
# rates), its 95% bootstrap confidence interval over the rounds and
# xpcpu's distance to the floor.  A full run writes bench/results/:
#   bench-<kver>[-VARIANT].csv        the rows (see bench-report.py)
#   bench-<kver>[-VARIANT]-scale.csv  live areas, possible CPUs, chunks
#   bench-<kver>[-VARIANT].md         both as Markdown, with the provenance
#   bench-<kver>[-VARIANT].png        the ratios as bars with intervals
#   bench-<kver>[-VARIANT]-curves.png cost against scale (log axes)
# VARIANT: 1node, icount.  A short run writes them under out/bench-<kver>/
# instead.  TCG timings are emulated: read the ratios, not the nanoseconds.
#
# Usage: scripts/bench.sh [full|short] [KVER] [PARAM=VALUE...]
#        (default: full 6.1; PARAMs go to xpcpu_bench.ko, see modinfo)
# Env:   VM_NODES=2|1 (one node: genuine per-CPU pointers),
#        ICOUNT=1 (QEMU -icount shift=0,sleep=off: virtual time counts
#        instructions, one TCG thread, one CPU online of 4 possible; the
#        concurrent rows are left out),
#        BENCH_MAXCPUS (default 64; 0: no second guest),
#        BENCH_BATCH_BOOTS (default 2: the batch rows run in 2 boots, their
#        rounds pooled; 1: in the first boot only; not under ICOUNT=1),
#        BENCH_AA=1 (one more boot, the A/A control: the warm batch and
#        steady rows with alloc_percpu() on both sides, aa_control=1; its
#        ratio and interval go beside each row; about 3.5 more minutes;
#        not under ICOUNT=1),
#        VM_TIMEOUT (default 3600 s), XPCPU_REV (see scripts/vm.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-full}
spec=${2:-6.1}
case $mode in
full | short) ;;
*) die "usage: $0 [full|short] [KVER] [PARAM=VALUE...]  (e.g. $0 short 6.12)" ;;
esac
shift $(($# < 2 ? $# : 2))
params=("$@")

"$XPCPU_ROOT/scripts/deps.sh" "$spec" >/dev/null
kver=$(kver_require "$spec")
command -v gnuplot >/dev/null || die "gnuplot not found; run: scripts/deps.sh (installs gnuplot-nox)"

nodes=${VM_NODES:-2}
icount=${ICOUNT:-0}
maxcpus=${BENCH_MAXCPUS:-64}
batch_boots=${BENCH_BATCH_BOOTS:-2}
aa=${BENCH_AA:-0}
variant=$([ "$nodes" = 1 ] && echo 1node || true)
if [ "$icount" = 1 ]; then
	variant=${variant:+$variant-}icount
	# The concurrent rows measure contention: nothing to see on one thread.
	params=(run_test_mask=0x1fb "${params[@]}")
fi
suffix=${variant:+-$variant}
out=$XPCPU_OUT/bench-$kver$suffix
if [ "$mode" = full ]; then
	dest=$XPCPU_ROOT/bench/results
else
	dest=$out
fi
mkdir -p "$out" "$dest"

# A progress line per row group, from the guest's console while it runs;
# the most threads the guest's QEMU had go to THREADS-FILE.
progress() { # CONSOLE THREADS-FILE
	local seen="" t0 line group pid n max=0
	set +e -o pipefail
	t0=$(date +%s)
	while sleep 5; do
		pid=$(pgrep -f "^qemu-system-x86_64.*$1" | head -n1 || true)
		n=$(ls "/proc/${pid:-0}/task" 2>/dev/null | wc -l || true)
		[ "$n" -le "$max" ] || { max=$n; echo "$max" >"$2"; }
		while read -r line; do
			# One group per workload and size: batch-alloc and batch-free
			# of one size are one group, as are scale-pair and -alloc.
			group=$(sed -n 's/.*summary test=\([^ ]*\) size=\([^ ]*\)\( [a-z]*=[0-9]*\)\{0,1\} .*/\1:\2\3/p' <<<"$line" |
				sed -E 's/-(alloc|free|pages|pair|zero|inc|get-put|sum|time|burst)//; s/ /,/')
			case " $seen " in *" $group "*) continue ;; esac
			seen+=" $group"
			printf '  [%4ss] %s\n' $(($(date +%s) - t0)) "${group/:/ size=}" >&2
		done < <(grep -a 'xpcpu_bench: summary test=' "$1" 2>/dev/null || true)
	done
}

# run_guest VARIANT MODE [PARAM...]: one benchmark guest; its markers file.
run_guest() {
	local var=$1 gmode=$2 vout rc=0 ppid args
	shift 2
	args=$gmode
	for p in "$@"; do args+=",$p"; done
	vout=$XPCPU_OUT/bench-$kver${var:+-$var}
	mkdir -p "$vout"
	progress "$vout/console.log" "$vout/qemu-threads" &
	ppid=$!
	XPCPU_VARIANT=$var XPCPU_BENCH_ARGS=$args VM_TIMEOUT=${VM_TIMEOUT:-3600} \
		VM_ICOUNT=$icount "$XPCPU_ROOT/scripts/vm.sh" bench "$spec" \
		>"$vout/report.txt" 2>&1 || rc=$?
	kill "$ppid" 2>/dev/null || true
	wait "$ppid" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		cat "$vout/report.txt" >&2
		die "the benchmark run failed (exit $rc); see $vout/console.log"
	fi
	grep -q '^XPCPU-BENCH ' "$vout/markers.log" ||
		die "no XPCPU-BENCH lines in $vout/markers.log; see $vout/console.log"
}

# How still the host itself is (scripts/host-noise.c, no QEMU): its
# window-to-window spread before and after the guests, and a memory window
# every 2 s while they run (under 0.1% of a core), for the provenance line.
noise=$out/host-noise
gcc -O2 -o "$noise" "$XPCPU_ROOT/scripts/host-noise.c" 2>/dev/null || noise=""
host_noise() { # windows|sample ARG
	[ -n "$noise" ] && "$noise" "$@" || true
}
noise0=$(host_noise windows 400)
npid=""
if [ -n "$noise" ]; then
	"$noise" sample 2 >"$out/host-noise.log" &
	npid=$!
	trap 'kill "$npid" 2>/dev/null || true' EXIT
fi

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
log "running the $mode benchmark on $kver, $nodes NUMA node(s)$([ "$icount" != 1 ] || echo ", -icount") (QEMU TCG; a full run takes about 12 minutes)"
run_guest "$variant" "$mode" "${params[@]}"
# The batch rows again in more boots, their rounds pooled with the first's:
# a batch figure moves from boot to boot by more than between the rounds
# of one boot (README, "Figures that hold still").  Not under -icount,
# where a boot repeats the last one.
pool=()
mask=0x1ff
for p in "${params[@]}"; do
	case $p in run_test_mask=*) mask=${p#*=} ;; esac
done
bmask=$((mask & 0x41))
if [ "$mode" = full ] && [ "$icount" != 1 ] && [ "$bmask" -ne 0 ]; then
	for ((b = 2; b <= batch_boots; b++)); do
		log "the batch rows again, boot $b of $batch_boots"
		run_guest "${variant:+$variant-}batch$b" batch "${params[@]}" \
			run_test_mask=$bmask
		pool+=(--pool "$XPCPU_OUT/bench-$kver${variant:+-$variant}-batch$b/markers.log")
	done
fi
# The A/A control: what the harness shows when both sides are the same.
aa_args=()
if [ "$mode" = full ] && [ "$icount" != 1 ] && [ "$aa" = 1 ]; then
	log "the A/A control: the batch and steady rows with alloc_percpu() on both sides"
	run_guest "${variant:+$variant-}aa" batch "${params[@]}" \
		run_test_mask=0x3 aa_control=1
	aa_args=(--aa "$XPCPU_OUT/bench-$kver${variant:+-$variant}-aa/markers.log")
fi
markers64=()
if [ "$mode" = full ] && [ "$maxcpus" -gt 4 ]; then
	log "the scale-live rows again with $maxcpus possible CPUs (4 online)"
	VM_MAXCPUS=$maxcpus run_guest "${variant:+$variant-}maxcpus$maxcpus" scale \
		"${params[@]}" scale_max_live=100000 run_test_mask=0x80
	markers64=(--markers64 "$XPCPU_OUT/bench-$kver${variant:+-$variant}-maxcpus$maxcpus/markers.log")
fi
load1=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$npid" ]; then
	kill "$npid" 2>/dev/null || true
	wait "$npid" 2>/dev/null || true
fi
noise1=$(host_noise windows 400)
# "X% before, Y% after": the robust CV of one kind of window.
noise_text() { # BEFORE AFTER compute|memory
	local b a
	b=$(sed -n "s/.*$3_cv=\([0-9.]*\).*/\1/p" <<<"$1")
	a=$(sed -n "s/.*$3_cv=\([0-9.]*\).*/\1/p" <<<"$2")
	echo "${b:-?}% before, ${a:-?}% after"
}
host_quiet="not measured (no gcc)"
if [ -n "$noise" ]; then
	# The samples' median and 10th-90th percentiles, in us.
	samples=$(awk '{ print $3 }' "$out/host-noise.log" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf("%d samples, median %.0f us, p10-p90 %.0f-%.0f us",
			NR, v[int((NR + 1) / 2)], v[int(NR * 0.1) + 1], v[int(NR * 0.9 + 0.5)]) }')
	host_quiet="windows of 50000 operations (scripts/host-noise.c, on the host) vary by $(noise_text "$noise0" "$noise1" memory) (robust CV) for random loads over 8 MiB, by $(noise_text "$noise0" "$noise1" compute) for a compute loop; a memory window every 2 s during the run: ${samples:-none}"
fi

vmout=$XPCPU_OUT/bench-$kver$suffix
markers=$(tr -d '\r' <"$vmout/markers.log")
pointers=$(sed -n 's/^XPCPU-BENCH-MODE pointers=\([a-z]*\).*/\1/p' <<<"$markers" | head -n1)
base=$dest/bench-$kver$suffix
qemu_ver=$(qemu-system-x86_64 --version | head -n1)
guest_kernel=$(sed -n 's/^XPCPU-REPORT kernel: //p' <<<"$markers" | head -n1)
if [ -n "${XPCPU_REV:-}" ]; then
	rev=$(git -C "$XPCPU_ROOT" rev-parse --short "$XPCPU_REV")
else
	rev=$(git -C "$XPCPU_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	git -C "$XPCPU_ROOT" diff --quiet HEAD -- '*.c' '*.h' Kbuild 2>/dev/null ||
		rev+="+uncommitted changes"
fi
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
bench_params=$(sed -n 's/^XPCPU-REPORT bench: mode .*, params: //p' <<<"$markers" | head -n1)
[ "$bench_params" != "(defaults)" ] || bench_params="module defaults"
threads=$(cat "$vmout/qemu-threads" 2>/dev/null || echo "?")
tcg=$([ "$icount" = 1 ] && echo "TCG -icount shift=0,sleep=off (virtual time = instructions)" || echo "TCG (emulated, multi-threaded)")
cpus=$([ "$icount" = 1 ] && echo "-smp 1,maxcpus=4 (1 CPU online, 4 possible)" || echo "-smp 4")
meta="guest kernel $guest_kernel; $qemu_ver, $tcg, $cpus on $nodes NUMA node(s), ${pointers:-unknown} pointers, $threads QEMU threads; host ${host_cpu:-unknown}, $(nproc) cores, load $load0 at the start, $load1 at the end; host noise: $host_quiet; xpcpu $rev; $mode run ($bench_params), $(($(date +%s) - t0)) s, $(date -u +%Y-%m-%d)"
title="xpcpu vs alloc_percpu() on $kver (QEMU $([ "$icount" = 1 ] && echo "TCG icount, 1 of 4 CPUs online" || echo "TCG, 4 CPUs"), $nodes node(s), ${pointers:-?} pointers)"

echo
echo "xpcpu_bench on $kver ($mode): ratio > 1.0 means xpcpu is better"
echo "(kernel/xpcpu for ns and pages, xpcpu/kernel for kops/s and %ok;"
echo " 95% CI: bootstrap over rounds, x1 = crosses 1.0; x/floor: xpcpu over kzalloc)"
echo "TCG timings are emulated: read the ratios, not the absolute figures."
echo
python3 "$XPCPU_ROOT/scripts/bench-report.py" --markers "$vmout/markers.log" \
	"${markers64[@]}" "${pool[@]}" "${aa_args[@]}" --base "$base" --work "$out" --meta "$meta" --title "$title" --gnuplot ||
	die "scripts/bench-report.py failed on $vmout/markers.log"
echo
echo "$meta"
echo "results: $base.{csv,md,png}$([ "$mode" != full ] || echo ", $base-scale.csv, $base-curves.png")"
