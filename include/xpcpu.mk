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
# Modpost also needs xpcpu's Module.symvers in KBUILD_EXTRA_SYMBOLS (it
# reads this file through the Kbuild too).  Unless XPCPU_SYMVERS is set
# before the include line, this file looks for it, for the kernel being
# built (UTS_RELEASE of the headers), and adds it:
#  - beside a built xpcpu checkout: <checkout>/Module.symvers;
#  - from DKMS (make dkms-install, dkms.conf's POST_BUILD):
#    /var/lib/dkms/xpcpu/<version>/<kernel release>/<arch>/Module.symvers.
# Name another one with XPCPU_SYMVERS := <path>/Module.symvers, or add it
# to KBUILD_EXTRA_SYMBOLS yourself and set XPCPU_SYMVERS := (empty).

xpcpu_mk_dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifeq ($(origin XPCPU_SYMVERS),undefined)
xpcpu_mk_version := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(xpcpu_mk_dir)/../dkms.conf 2>/dev/null)
xpcpu_mk_release := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(objtree)/include/generated/utsrelease.h 2>/dev/null)
XPCPU_SYMVERS := $(firstword $(wildcard $(xpcpu_mk_dir)/../Module.symvers \
	/var/lib/dkms/xpcpu/$(xpcpu_mk_version)/$(xpcpu_mk_release)/$(shell uname -m)/Module.symvers))
endif
xpcpu_mk_symvers := $(filter-out $(KBUILD_EXTRA_SYMBOLS),$(abspath $(XPCPU_SYMVERS)))
KBUILD_EXTRA_SYMBOLS += $(xpcpu_mk_symvers)

ccflags-y += -I $(xpcpu_mk_dir) -DXPCPU_KBUILD
ldflags-y += -T $(xpcpu_mk_dir)/xpcpu.lds

# Single-object modules: link the object once with ldflags-y, as Kbuild
# does with Clang LTO (scripts/Makefile.build, which keeps its own
# definition then: the same command).
cmd_ld_single_m = $(if $(is-single-obj-m), ; $(LD) $(ld_flags) -r -o $(tmp-target) $@; mv $(tmp-target) $@)
