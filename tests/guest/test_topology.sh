# SPDX-License-Identifier: GPL-2.0
# Guest test: the VM has 4 CPUs, on 2 NUMA nodes (0-1 on node 0, 2-3 on
# node 1) as scripts/vm.sh asks QEMU for by default, or on one node
# (VM_NODES=1); the allocator's node-local units are only tested if this
# holds.
. /tests/lib.sh

expect_eq "online CPUs" "$(cat /sys/devices/system/cpu/online)" "0-3"
expect_eq "CPUs in /proc/cpuinfo" "$(grep -c '^processor' /proc/cpuinfo)" 4
nodes=$(cat /sys/devices/system/node/online)
if [ "$nodes" = 0 ]; then
	expect_eq "node0 cpulist" "$(cat /sys/devices/system/node/node0/cpulist)" "0-3"
else
	expect_eq "online nodes" "$nodes" "0-1"
	expect_eq "node0 cpulist" "$(cat /sys/devices/system/node/node0/cpulist)" "0-1"
	expect_eq "node1 cpulist" "$(cat /sys/devices/system/node/node1/cpulist)" "2-3"
fi
pass
