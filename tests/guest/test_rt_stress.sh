# SPDX-License-Identifier: GPL-2.0
# Guest test: xpcpu_rt_stress (tests/rt/) allocates with GFP_ATOMIC under a
# raw spinlock and with interrupts disabled on every online CPU but the
# last (which runs a watchdog that panics, with every CPU's backtrace, if
# a CPU livelocks with interrupts off), writes a
# pattern into every CPU's copy and frees the areas from a per-CPU hrtimer
# in hard interrupt context (HRTIMER_MODE_REL_PINNED_HARD, also on
# PREEMPT_RT), which allocates as well.  It must report PASS (no changed
# pattern, no area that was not zero or aligned, every allocation freed
# once, the timer in hard IRQ on its CPU) and return EAGAIN from its init;
# xpcpu's live count and rejected frees must be where they were, every
# area accounted for, and the runner fails the test on any splat in the
# kernel log ("BUG: scheduling while atomic", "Invalid wait context",
# "sleeping function called from invalid context", ...).  Runs with the
# per-CPU caches on, then off (every allocation and free takes the pool's
# raw spinlock).  Reports one line per run for the host.  More module
# parameters come from the kernel command line: xpcpu_rt_args=A=1,B=2
# (e.g. XPCPU_APPEND="xpcpu_rt_args=seconds=30" scripts/vm.sh test 6.1-rt).
. /tests/lib.sh

ko=$MODDIR/xpcpu_rt_stress.ko
args="seconds=3 $(tr ' ' '\n' </proc/cmdline | sed -n 's/^xpcpu_rt_args=//p' | tr ',' ' ')"
[ -f $ko ] || fail "$ko was not built (tests/rt/)"
[ -x /bin/xpcpu_insmod ] || fail "/bin/xpcpu_insmod missing (scripts/guest/xpcpu_insmod.c)"
# A livelock panics the guest (the module's watchdog): show every CPU.
echo 64 >/proc/sys/kernel/panic_print 2>/dev/null || note "no kernel.panic_print here"
load_xpcpu
cur0=$(stat_get nr_cur_alloc) || exit 1
bad0=$(stat_get nr_bad_free) || exit 1
for caches in Y N; do
	xpcpu_param caches $caches
	kmsg "xpcpu-harness: rt stress caches=$caches"
	rc=0
	# shellcheck disable=SC2086 # a list of parameters
	/bin/xpcpu_insmod $ko $args || rc=$?
	out=$(dmesg_since "xpcpu-harness: rt stress caches=$caches" | grep 'xpcpu_rt_stress: ')
	echo "$out"
	summary=$(echo "$out" | sed -n 's/.*xpcpu_rt_stress: \(PASS: .*\)/\1/p')
	[ -n "$summary" ] ||
		fail "caches=$caches: no 'xpcpu_rt_stress: PASS:' line: $(echo "$out" | grep -m1 -E 'FAIL|cpu [0-9]+: [a-z]' || echo "init returned $rc")"
	[ $rc -eq 11 ] || fail "caches=$caches: xpcpu_rt_stress init returned $rc, expected EAGAIN (11) after a clean run"
	ncpu=$(echo "$out" | grep -c 'xpcpu_rt_stress: cpu [0-9]*: .* 0 error(s)$')
	want=$(nproc)
	case $summary in
	*"watchdog on cpu -1"*) ;;
	*) want=$((want - 1)) ;;
	esac
	expect_eq "caches=$caches: CPUs that ran the stress without error" "$ncpu" "$want"
	irq=$(echo "$summary" | sed -n 's/.* \([0-9]*\) freed in hard irq.*/\1/p')
	[ "${irq:-0}" -gt 0 ] || fail "caches=$caches: nothing was freed in hard irq: $summary"
	report "rt stress (caches $caches${args#seconds=3}): $summary"
	expect_eq "caches=$caches: nr_cur_alloc after the stress" "$(stat_get nr_cur_alloc)" "$cur0"
	expect_eq "caches=$caches: nr_bad_free after the stress" "$(stat_get nr_bad_free)" "$bad0"
done
xpcpu_param caches Y
check_areas_accounted
unload_xpcpu
pass
