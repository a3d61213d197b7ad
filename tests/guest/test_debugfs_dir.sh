# SPDX-License-Identifier: GPL-2.0
# Guest test: /sys/kernel/debug/xpcpu/ exists while xpcpu is loaded and is
# gone after rmmod; xpcpu.ko alone has no ctl file (the test driver is
# xpcpu_ctl.ko, tests/ctl/).
. /tests/lib.sh

[ ! -e $XPCPU_DBG ] || fail "$XPCPU_DBG exists before insmod"
load_xpcpu
[ -d $XPCPU_DBG ] || fail "$XPCPU_DBG missing while xpcpu is loaded"
note "present while loaded: $(ls $XPCPU_DBG | tr '\n' ' ')"
[ ! -e $XPCPU_DBG/ctl ] || fail "$XPCPU_DBG/ctl exists without xpcpu_ctl.ko"
unload_xpcpu
[ ! -e $XPCPU_DBG ] || fail "$XPCPU_DBG still there after rmmod"
note "gone after rmmod"
pass
