# SPDX-License-Identifier: GPL-2.0
# Guest test: xpcpu.ko loads and unloads cleanly several times in a row
# (the runner also fails the test on any splat in the kernel log).
. /tests/lib.sh

for i in 1 2 3 4 5; do
	load_xpcpu
	unload_xpcpu
	note "cycle $i: loaded and unloaded"
done
pass
