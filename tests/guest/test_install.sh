# SPDX-License-Identifier: GPL-2.0
# Guest test: xpcpu as installed (the host's scripts/pkg.sh check stages
# it under out/pkg-<kver>/root, which vm.sh adds to the initramfs and
# flags with xpcpu_pkg=1): `modprobe xpcpu_sample` (the sample client
# built against the DKMS tree and installed in extra/) loads xpcpu from
# updates/ first, the dependency depmod recorded, and the sample counts;
# `modprobe xpcpu` alone works; the DKMS-built module, packed as
# /pkg/xpcpu-dkms.ko, loads as xpcpu with the same version as the
# tested xpcpu.ko.  Without a staged install it has nothing to check.
. /tests/lib.sh

lm=/lib/modules/$(uname -r)
if ! grep -qw 'xpcpu_pkg=1' /proc/cmdline; then
	note "nothing staged for $(uname -r) (scripts/pkg.sh check $(uname -r) on the host stages it); skipped"
	pass
fi
# make install compresses modules as the kernel's are (.ko.xz on 6.12).
for f in $lm/modules.dep $lm/updates/xpcpu.ko* $lm/extra/xpcpu_sample.ko* /pkg/xpcpu-dkms.ko; do
	[ -f "$f" ] || fail "$f is missing from the staged install (scripts/pkg.sh check)"
done
want=$(modinfo -F version $MODDIR/xpcpu.ko)
[ -n "$want" ] || fail "$MODDIR/xpcpu.ko has no version (MODULE_VERSION)"
note "modules.dep: $(tr '\n' ';' <$lm/modules.dep)"

# (busybox modprobe offers a compressed module to finit_module() first:
# "Invalid ELF header magic" in the kernel log, then it decompresses it.)
! mod_loaded xpcpu || fail "xpcpu is loaded before the test"
modprobe xpcpu_sample || fail "modprobe xpcpu_sample failed"
mod_loaded xpcpu || fail "modprobe xpcpu_sample did not load its dependency xpcpu"
mod_loaded xpcpu_sample || fail "xpcpu_sample not in /proc/modules after modprobe"
expect_eq "version of the installed xpcpu" "$(cat /sys/module/xpcpu/version)" "$want"
echo "1500 2" >/sys/kernel/debug/xpcpu_sample/packet || fail "writing to the sample's packet file failed"
grep -q '^total packets 2 bytes 3000 writes 1$' /sys/kernel/debug/xpcpu_sample/stats ||
	fail "the sample's stats lack 'total packets 2 bytes 3000 writes 1': $(grep total /sys/kernel/debug/xpcpu_sample/stats)"
rmmod xpcpu_sample || fail "rmmod xpcpu_sample failed"
unload_xpcpu

modprobe xpcpu || fail "modprobe xpcpu failed"
mod_loaded xpcpu || fail "xpcpu not in /proc/modules after modprobe xpcpu"
unload_xpcpu

insmod /pkg/xpcpu-dkms.ko || fail "insmod of the DKMS-built /pkg/xpcpu-dkms.ko failed"
mod_loaded xpcpu || fail "the DKMS-built module did not load as xpcpu"
expect_eq "version of the DKMS-built xpcpu" "$(cat /sys/module/xpcpu/version)" "$want"
[ -r $XPCPU_DBG/stats ] || fail "the DKMS-built xpcpu has no $XPCPU_DBG/stats"
unload_xpcpu
pass
