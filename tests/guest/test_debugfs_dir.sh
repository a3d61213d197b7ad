# SPDX-License-Identifier: GPL-2.0
# Guest test: /sys/kernel/debug/xpcpu/ exists while xpcpu is loaded and is
# gone after rmmod.
. /tests/lib.sh

[ ! -e $XPCPU_DBG ] || fail "$XPCPU_DBG exists before insmod"
load_xpcpu
[ -d $XPCPU_DBG ] || fail "$XPCPU_DBG missing while xpcpu is loaded"
note "present while loaded: $(ls $XPCPU_DBG | tr '\n' ' ')"
unload_xpcpu
[ ! -e $XPCPU_DBG ] || fail "$XPCPU_DBG still there after rmmod"
note "gone after rmmod"
pass
