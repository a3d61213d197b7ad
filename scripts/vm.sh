#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm.sh - build xpcpu for a guest kernel and run it in QEMU.
#
# Builds the modules (scripts/build.sh), packs the initramfs
# (scripts/initramfs.sh) and boots Debian's kernel under QEMU (TCG, 4 CPUs
# on 2 NUMA nodes, 2 GiB) with xpcpu_mode=MODE; see scripts/guest/init
# for what each mode does in the guest.  The verdict comes from the marker
# lines the guest writes to its second serial port (out/<mode>-<kver>/
# markers.log), never from QEMU's exit status; QEMU runs under timeout and
# a guest that does not finish is reported as "hung in stage X".  The
# console log (the whole kernel log) is scanned for splats on the host too
# (scripts/splat-patterns), so one that comes after the guest's own last
# scan, or from a guest that died, fails the run as well.
#
# Usage: scripts/vm.sh run|test|bench [KVER]    KVER: 6.1 (default), 6.12,
#                                               6.1-rt, 6.12-rt or a full
#                                               version
# Env:   GUEST_TESTS=GLOB[,GLOB..]  test mode: which tests/guest/test_*.sh
#                                   (default all; dmesg_clean always runs)
#        VM_TIMEOUT=SECONDS         default 600 (run, test), 3600 (bench)
#        XPCPU_BENCH_ARGS=A,B       bench mode: arguments of guest-bench.sh
#        XPCPU_APPEND="..."         more kernel command line
#        XPCPU_VARIANT=NAME         names this run's settings (e.g.
#                                   preempt-full): out/<mode>-<kver>-NAME/
#        VM_NODES=2|1               NUMA nodes of the guest (default 2)
#        VM_MAXCPUS=N               N possible CPUs, 4 of them online (as
#                                   cloud VMs present them; default 4);
#                                   on two nodes each node is a socket of
#                                   N/2, so CPUs 0-3 are all on node 0
#        VM_ICOUNT=1                -icount shift=0,sleep=off: one TCG
#                                   thread, virtual time = instructions;
#                                   one CPU online (of VM_MAXCPUS possible)
#        VM_EXPECT_REPORT=ERE       a guest report line that must match
#                                   (e.g. '^preempt: full,'), else FAIL
#        XPCPU_REV=<commit>         build that commit, not the working tree
# If out/pkg-<kver>/root exists (scripts/pkg.sh check KVER: xpcpu as
# installed by make install and DKMS), it goes into the initramfs too and
# the command line gets xpcpu_pkg=1 (tests/guest/test_install.sh).
# Output: a report on stdout; out/<mode>-<kver>[-NAME]/{console,markers}.log,
#         splats.txt (the host's scan of the console) and counts
#         ("PASSED FAILED").  Exit status 0 iff every guest result
#         passed and the guest reached XPCPU-DONE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-}
spec=${2:-6.1}
case $mode in
run | test) timeout_s=${VM_TIMEOUT:-600} ;;
bench) timeout_s=${VM_TIMEOUT:-3600} ;;
*) die "usage: $0 run|test|bench [KVER]  (e.g. $0 test 6.12)" ;;
esac
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found; run: scripts/deps.sh"
kver=$(kver_require "$spec")
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || die "$vmlinuz is not readable; run as root (Debian installs it 0600)"

name=$mode-$kver${XPCPU_VARIANT:+-$XPCPU_VARIANT}
out=$XPCPU_OUT/$name
lock_or_wait "vm-$name"
mkdir -p "$out"
rm -f "$out"/{console.log,markers.log,counts,splats.txt}
echo "0 1" >"$out/counts" # until proven otherwise

t0=$(date +%s)
kos=$("$XPCPU_ROOT/scripts/build.sh" "$kver")
[ -n "$kos" ] || die "the build made no .ko for $kver; check Kbuild"
pkgroot=$XPCPU_OUT/pkg-$kver/root
[ -d "$pkgroot" ] || pkgroot=""
# shellcheck disable=SC2086
XPCPU_INITRAMFS_EXTRA=$pkgroot "$XPCPU_ROOT/scripts/initramfs.sh" "$out/initramfs.cpio.gz" $kos
t_build=$(($(date +%s) - t0))

append="console=ttyS0 panic=-1 log_buf_len=8M printk.devkmsg=on xpcpu_mode=$mode"
[ -z "${GUEST_TESTS:-}" ] || append+=" xpcpu_tests=${GUEST_TESTS// /,}"
[ -z "${XPCPU_BENCH_ARGS:-}" ] || append+=" xpcpu_bench=${XPCPU_BENCH_ARGS// /,}"
[ -z "$pkgroot" ] || append+=" xpcpu_pkg=1"
[ -z "${XPCPU_APPEND:-}" ] || append+=" $XPCPU_APPEND"

# Two NUMA nodes (per-CPU offsets 1 GiB apart: xpcpu's kpcpu backend), or
# one (VM_NODES=1: compact per-CPU offsets, the percpu backend).
# shellcheck disable=SC2054 # the commas are QEMU's
maxcpus=${VM_MAXCPUS:-4}
case $maxcpus in
*[!0-9]* | "" | [0-3]) die "VM_MAXCPUS=$maxcpus: a number of at least 4" ;;
*) [ $((maxcpus % 2)) -eq 0 ] || die "VM_MAXCPUS=$maxcpus: an even number" ;;
esac
half=$((maxcpus / 2))
smp=4,maxcpus=$maxcpus
# Under -icount, x86 guests hang bringing up secondary CPUs (QEMU 7.2: the
# BSP spins waiting for the AP on the one TCG thread), so only CPU 0 is
# online; the others stay possible, so per-CPU memory is laid out alike.
[ "${VM_ICOUNT:-0}" != 1 ] || smp=1,maxcpus=$maxcpus
case ${VM_NODES:-2} in
2) topology=(-smp "$smp,sockets=2,cores=$half"
	-object memory-backend-ram,id=m0,size=1024M
	-object memory-backend-ram,id=m1,size=1024M
	-numa "node,nodeid=0,cpus=0-$((half - 1)),memdev=m0"
	-numa "node,nodeid=1,cpus=$half-$((maxcpus - 1)),memdev=m1") ;;
1) topology=(-smp "$smp") ;;
*) die "VM_NODES=$VM_NODES: 1 or 2" ;;
esac
[ "${VM_ICOUNT:-0}" != 1 ] || topology+=(-icount shift=0,sleep=off)
qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 2048
	"${topology[@]}"
	-nodefaults -nographic -no-reboot -monitor none
	-serial "file:$out/console.log" -serial "file:$out/markers.log"
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" -append "$append")
printf '%q ' timeout "$timeout_s" "${qemu[@]}" >"$out/qemu.cmd"
echo >>"$out/qemu.cmd"

log "booting $kver in QEMU, mode $mode (timeout ${timeout_s}s; log: $out/console.log)"
t1=$(date +%s)
qrc=0
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$out/qemu.out" 2>&1 || qrc=$?
t_vm=$(($(date +%s) - t1))

markers=$(tr -d '\r' <"$out/markers.log" 2>/dev/null || true)
npass=$(grep -c '^XPCPU-RESULT PASS ' <<<"$markers" || true)
nfail=$(grep -c '^XPCPU-RESULT FAIL ' <<<"$markers" || true)
problem=""
if ! grep -qx 'XPCPU-DONE' <<<"$markers"; then
	stage=$(grep '^XPCPU-STAGE ' <<<"$markers" | tail -n1 | cut -d' ' -f2-)
	stage=${stage:-(none: before /init wrote a marker)}
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		problem="hung in stage $stage (no XPCPU-DONE after ${timeout_s}s)"
	elif grep -q 'Kernel panic' "$out/console.log" 2>/dev/null; then
		problem="kernel panic in stage $stage"
	else
		problem="guest stopped in stage $stage without XPCPU-DONE (qemu exit $qrc)"
	fi
	nfail=$((nfail + 1))
elif [ "$npass" -eq 0 ] && [ "$nfail" -eq 0 ]; then
	problem="the guest reported no result"
	nfail=1
fi
if [ -n "${VM_EXPECT_REPORT:-}" ] &&
	! sed -n 's/^XPCPU-REPORT //p' <<<"$markers" | grep -qE "$VM_EXPECT_REPORT"; then
	problem+="${problem:+; }no guest report line matches '$VM_EXPECT_REPORT' (see the report above)"
	nfail=$((nfail + 1))
fi
scan_splats "$out/console.log" >"$out/splats.txt"
if [ -s "$out/splats.txt" ]; then
	problem+="${problem:+; }$(wc -l <"$out/splats.txt") splat line(s) in the console log ($out/splats.txt)"
	nfail=$((nfail + 1))
fi
echo "$npass $nfail" >"$out/counts"

qemu_ver=$(qemu-system-x86_64 --version | head -n1)
echo
echo "=== xpcpu $mode on $kver${XPCPU_VARIANT:+ ($XPCPU_VARIANT${XPCPU_APPEND:+: $XPCPU_APPEND})}"
echo "    $qemu_ver, TCG$([ "${VM_ICOUNT:-0}" != 1 ] || echo " -icount shift=0,sleep=off"), -smp $smp on ${VM_NODES:-2} NUMA node(s); build ${t_build}s, VM ${t_vm}s"
grep -E '^XPCPU-(REPORT|RESULT) ' <<<"$markers" | sed \
	-e 's/^XPCPU-REPORT /    /' \
	-e 's/^XPCPU-RESULT PASS /  PASS  /' \
	-e 's/^XPCPU-RESULT FAIL /  FAIL  /' || true
[ -z "$problem" ] || echo "  FAIL  $problem"
if [ -s "$out/splats.txt" ]; then
	echo "--- splats in the console log:"
	head -n 20 "$out/splats.txt" | sed 's/^/    /'
fi
if [ "$nfail" -gt 0 ]; then
	echo "--- last lines of the console ($out/console.log):"
	tail -n 40 "$out/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/    /'
fi
echo "=== $mode on $kver${XPCPU_VARIANT:+ ($XPCPU_VARIANT)}: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
