# SPDX-License-Identifier: GPL-2.0
#
# include/xpcpu.mk - the Kbuild line of a module that uses xpcpu.
#
# In the module's Kbuild (or Makefile), after its obj-m line:
#
#	obj-m := foo.o
#	include /usr/src/xpcpu-<version>/include/xpcpu.mk
#
# (the path of an installed xpcpu, see README.md; in this source tree,
# $(src)/<path to>/include/xpcpu.mk).  It works for a module of one
# object (obj-m := foo.o) and of several (foo-y := a.o b.o) alike, and
# does three things for every module of the directory:
#  - puts xpcpu's include/ on the include path (#include <xpcpu.h>);
#  - defines XPCPU_KBUILD, without which xpcpu.h stops a build that uses
#    DEFINE_XPCPU() or xpcpu_module_init() with a message naming this file;
#  - links the module with include/xpcpu.lds, which brackets its
#    DEFINE_XPCPU() templates with __xpcpu_start/__xpcpu_end and defines
#    its __xpcpu_delta.  A composite module gets it through ldflags-y (its
#    `ld -r`); a single-object module has no link step of its own, so this
#    file supplies the hook Kbuild runs after compiling such an object
#    (cmd_ld_single_m, defined by Kbuild itself only with Clang LTO, to the
#    same command): `ld -r` with ldflags-y, as for a composite module.
#    Checked on Linux 6.1 and 6.12.
# Building against an installed xpcpu also needs its Module.symvers:
#	KBUILD_EXTRA_SYMBOLS += <path>/Module.symvers

xpcpu_mk_dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ccflags-y += -I $(xpcpu_mk_dir) -DXPCPU_KBUILD
ldflags-y += -T $(xpcpu_mk_dir)/xpcpu.lds

# Single-object modules: link the object once with ldflags-y, as Kbuild
# does with Clang LTO (scripts/Makefile.build, which keeps its own
# definition then: the same command).
cmd_ld_single_m = $(if $(is-single-obj-m), ; $(LD) $(ld_flags) -r -o $(tmp-target) $@; mv $(tmp-target) $@)
