# SPDX-License-Identifier: GPL-2.0
# Guest test: the VM has 4 CPUs on 2 NUMA nodes (0-1 on node 0, 2-3 on
# node 1), as scripts/vm.sh asks QEMU for; the allocator's node-local
# units are only tested if this holds.
. /tests/lib.sh

expect_eq "online CPUs" "$(cat /sys/devices/system/cpu/online)" "0-3"
expect_eq "CPUs in /proc/cpuinfo" "$(grep -c '^processor' /proc/cpuinfo)" 4
expect_eq "online nodes" "$(cat /sys/devices/system/node/online)" "0-1"
expect_eq "node0 cpulist" "$(cat /sys/devices/system/node/node0/cpulist)" "0-1"
expect_eq "node1 cpulist" "$(cat /sys/devices/system/node/node1/cpulist)" "2-3"
pass
