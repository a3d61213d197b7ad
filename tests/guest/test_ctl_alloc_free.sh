# SPDX-License-Identifier: GPL-2.0
# Guest test: /sys/kernel/debug/xpcpu/ctl (0600) allocations grow the
# allocator by a chunk, are counted exactly in nr_cur_alloc (and in ctl's
# own "areas"), every area was aligned and zero when it came and still
# holds its pattern on every CPU when all are live ("check"), "free all"
# returns nr_cur_alloc to its baseline at once, and the balance work then
# frees the extra chunk (nr_chunks back to baseline within 20 s; the
# baseline includes the one spare empty chunk kept by design).  rmmod
# xpcpu_ctl (tests/ctl/, the driver behind ctl) frees the areas it still
# holds and removes ctl; xpcpu's own files stay.
. /tests/lib.sh

load_ctl
need_file $XPCPU_DBG/ctl 600
b_chunks=$(stat_get nr_chunks) || exit 1
b_cur=$(stat_get nr_cur_alloc) || exit 1
b_alloc=$(stat_get nr_alloc) || exit 1
b_dealloc=$(stat_get nr_dealloc) || exit 1
target=$((b_chunks + 1))
[ $target -ge 2 ] || target=2
note "baseline: nr_chunks $b_chunks, nr_cur_alloc $b_cur; growing to $target chunks"

# size:align pairs, every size class and alignment from 4 to 4096.
# Sizes above largest_alloc (32 KiB with the kpcpu backend) must fail.
PAIRS="4:4 64:8 1024:16 4096:4096 16384:32 65536:64 8:128 256:256 2048:512 32768:1024 12:2048 40000:4096"
largest=$(stat_get largest_alloc) || exit 1
fit=
for p in $PAIRS; do
	if [ "${p%:*}" -le "$largest" ]; then
		fit="$fit $p"
	elif ctl_write "alloc ${p%:*} ${p#*:} 1" >/dev/null; then
		fail "alloc ${p%:*} ${p#*:} served; largest_alloc is $largest"
	fi
done
PAIRS=$fit
total=0
chunks=$b_chunks
while [ "$chunks" -lt $target ]; do
	for p in $PAIRS; do
		err=$(ctl_write "alloc ${p%:*} ${p#*:} 4") || fail "alloc ${p%:*} ${p#*:} 4: $err"
		total=$((total + 4))
		chunks=$(stat_get nr_chunks) || exit 1
		[ "$chunks" -lt $target ] || break
	done
	[ $total -lt 4000 ] || fail "still $chunks chunk(s) after $total allocations"
done
note "$total allocations made $chunks chunks"
expect_eq "nr_cur_alloc after allocating" "$(stat_get nr_cur_alloc)" $((b_cur + total))
expect_eq "nr_alloc after allocating" "$(stat_get nr_alloc)" $((b_alloc + total))
expect_eq "ctl areas after allocating" "$(ctl_get areas)" $total
err=$(ctl_write check) || fail "check of the $total live areas: $err"

err=$(ctl_write "free all") || fail "free all: $err"
expect_eq "nr_cur_alloc right after free all" "$(stat_get nr_cur_alloc)" "$b_cur"
expect_eq "nr_dealloc after free all" "$(stat_get nr_dealloc)" $((b_dealloc + total))
i=0
while [ "$(stat_get nr_chunks)" -ne "$b_chunks" ]; do
	[ $i -lt 20 ] || fail "nr_chunks still $(stat_get nr_chunks) 20 s after free all (baseline $b_chunks)"
	sleep 1
	i=$((i + 1))
done
note "nr_chunks back to $b_chunks after ${i} s"

# Unloading the ctl driver frees the areas it holds and takes its file
# away, nothing else.
err=$(ctl_write "alloc 64 8 5") || fail "alloc 64 8 5: $err"
expect_eq "nr_cur_alloc with 5 ctl areas" "$(stat_get nr_cur_alloc)" $((b_cur + 5))
unload_ctl
[ ! -e $XPCPU_DBG/ctl ] || fail "$XPCPU_DBG/ctl still there after rmmod xpcpu_ctl"
need_file $XPCPU_DBG/stats 444
expect_eq "nr_cur_alloc after rmmod xpcpu_ctl" "$(stat_get nr_cur_alloc)" "$b_cur"
unload_xpcpu
pass
