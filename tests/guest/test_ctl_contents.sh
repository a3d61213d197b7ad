# SPDX-License-Identifier: GPL-2.0
# Guest test: what xpcpu hands out, checked by debugfs ctl: every new area
# is aligned and reads zero on every possible CPU (ctl fails the write with
# EIO otherwise) and then holds a pattern per area and CPU that "check"
# finds intact after more allocations and frees (an overlap or a stray
# write fails it).  Freed memory comes back zeroed: on CPU 1, for sizes
# the per-CPU caches serve and sizes they do not, N areas are allocated
# and filled, freed, and N allocated again: all N must be the areas just
# freed (ctl's "reused" counter, so that the zero check did look at used
# memory) and read zero.  Alignments from 4 to 4096 are mixed with odd
# sizes so that an ignored alignment lands somewhere wrong.  With the
# caches off the same runs go through the pool alone.
. /tests/lib.sh

load_ctl
need_file $XPCPU_DBG/ctl 600
# No chunk decays away under the test: the reuse counts stay exact.
xpcpu_param empty_decay_ms 600000
b_cur=$(stat_get nr_cur_alloc) || exit 1

# reuse CPU SIZE ALIGN N: allocate N, free them, allocate N: all reused, zero.
reuse() {
	err=$(ctl_on "$1" "alloc $2 $3 $4") || fail "alloc $2 $3 $4 on cpu $1: $err"
	err=$(ctl_on "$1" check) || fail "check after alloc $2 $3 $4: $err"
	r0=$(ctl_get reused) || exit 1
	err=$(ctl_on "$1" "free all") || fail "free all: $err"
	err=$(ctl_on "$1" "alloc $2 $3 $4") ||
		fail "alloc $2 $3 $4 again on cpu $1 (over the freed areas): $err"
	r1=$(ctl_get reused) || exit 1
	[ $((r1 - r0)) -eq "$4" ] ||
		fail "alloc $2 $3 $4 after freeing $4 such areas reused $((r1 - r0)) of them, expected all $4"
	err=$(ctl_on "$1" check) || fail "check after the second alloc $2 $3 $4: $err"
	err=$(ctl_on "$1" "free all") || fail "free all: $err"
	note "cpu $1: $4 x alloc $2 $3 came back where the freed ones were, zeroed"
}

# mixed CPU: odd sizes between large alignments, sizes that fill a cache
# class exactly (an area one word short overlaps its neighbour), holes,
# more areas.
mixed() {
	for a in "4 4" "8 4096" "12 64" "100 256" "4 2048" "24 8" "36 128" \
		"300 512" "4 1024" "2000 4096" "60 32" "8 16" "256 4096" "20 4" \
		"80 16" "96 32" "112 16" "128 128" "192 64" "252 4" "64 64" \
		"80 4" "96 4" "128 4" "176 4" "256 4" "68 4"; do
		err=$(ctl_on "$1" "alloc $a 3") || fail "alloc $a 3 on cpu $1: $err"
	done
	err=$(ctl_on "$1" check) || fail "check after the mixed allocations: $err"
	err=$(ctl_on "$1" "free every 3") || fail "free every 3: $err"
	for a in "4 4096" "16 16" "1024 1024" "48 4" "8 512"; do
		err=$(ctl_on "$1" "alloc $a 4") || fail "alloc $a 4 into the holes on cpu $1: $err"
	done
	err=$(ctl_on "$1" check) || fail "check after filling holes: $err"
	note "cpu $1: $(ctl_get areas) mixed areas aligned, zeroed, patterns intact"
	err=$(ctl_on "$1" "free all") || fail "free all: $err"
}

for caches in Y N; do
	xpcpu_param caches $caches
	note "caches=$caches"
	reuse 1 8 4 16
	reuse 1 64 8 8
	reuse 1 256 256 4
	reuse 1 1024 4 8
	reuse 1 4096 4096 2
	# Beyond the kernel's 32 KiB where xpcpu serves it, else (the kpcpu
	# backend's 32 KiB chunks) less.  Such an area may take the spare
	# chunk, and the balance work then makes a new spare that the second
	# allocation may find first: no spare for it.
	spare=$(cat /sys/module/xpcpu/parameters/spare_chunks)
	xpcpu_param spare_chunks 0
	if [ "$(stat_get largest_alloc)" -ge 40000 ]; then
		reuse 1 40000 64 1
	else
		reuse 1 20000 64 1
	fi
	xpcpu_param spare_chunks "$spare"
	mixed 2
done
xpcpu_param caches Y
expect_eq "nr_cur_alloc after the runs" "$(stat_get nr_cur_alloc)" "$b_cur"
check_areas_accounted
expect_eq "ctl areas after the runs" "$(ctl_get areas)" 0
unload_xpcpu
pass
