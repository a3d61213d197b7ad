# SPDX-License-Identifier: GPL-2.0
#
# xpcpu: the out-of-tree build wrapper and the project's entry points.
# Users type `make run` and `make test`; everything else is optional.
#
#   make            build the modules here, against KDIR (below)
#   make run        boot a guest kernel (KVER=6.1|6.12) in QEMU, load xpcpu,
#                   print a report
#   make test       guest tests on 6.1, 6.12, their RT builds and 6.1 with
#                   preempt=full, then KUnit on 6.1 and 6.12 and under KCSAN
#                   on 6.1; ends with "N passed, M failed, K skipped"
#   make kunit      the KUnit suites only (linux-source-6.1 and -6.12, and
#                   6.1 under KCSAN; KUNIT_KCSAN=0 skips that one)
#   make fuzz       fuzz the bitmap allocator in userspace (tests/fuzz;
#                   FUZZ_SECONDS=N, default 60)
#   make mutants    apply each known bug of scripts/mutants.txt in a scratch
#                   copy and check that the tests catch it (scripts/mutants.sh)
#   make bench      the benchmark (scripts/bench.sh; KVER=6.1|6.12; ICOUNT=1:
#                   QEMU -icount, reproducible single-CPU rows)
#   make check      checkpatch --strict and sparse/W=1 (advice)
#   make style      checkpatch only
#   make deps       install the Debian packages all of the above need
#   make install    build xpcpu.ko alone against KDIR and install it into
#                   /lib/modules/<kver>/updates (INSTALL_MOD_PATH=... to stage
#                   it elsewhere), then depmod: `modprobe xpcpu` works
#   make dkms-install  register with DKMS (sources in /usr/src/xpcpu-<version>)
#                   and install for KDIR's kernel; DKMS rebuilds it for new
#                   kernels.  make dkms-remove undoes it
#   make clean      remove build products (not the cached KUnit kernel)
#   make distclean  also remove the cache (KUnit build, kernel source)

KVER ?= 6.1
ICOUNT ?= 0
FUZZ_SECONDS ?= 60
CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/xpcpu

# The running kernel's headers if there are any, else the 6.1 headers the
# VM uses (the host's kernel need not have headers, and cannot load modules).
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; else \
	bash -c '. scripts/lib.sh && v=$$(kver_resolve 6.1) && echo /lib/modules/$$v/build'; fi)

.PHONY: all modules clean distclean run test kunit fuzz mutants bench check style deps help
.PHONY: install dkms-install dkms-remove

all modules:
	@[ -d "$(KDIR)/" ] || { echo "error: no kernel headers at '$(KDIR)'; run: scripts/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

run:
	scripts/deps.sh $(KVER)
	scripts/vm.sh run $(KVER)

test:
	scripts/test.sh

kunit:
	TEST_KVERS= TEST_PREEMPT_FULL= TEST_ONE_NODE= TEST_PKG_KVERS= SKIP_FUZZ=1 scripts/test.sh

fuzz:
	tests/fuzz/fuzz.sh $(FUZZ_SECONDS)

mutants:
	scripts/mutants.sh

bench:
	ICOUNT=$(ICOUNT) scripts/bench.sh full $(KVER)

check:
	scripts/check.sh all $(KVER)

style:
	scripts/check.sh style

deps:
	scripts/deps.sh 6.1 6.12 6.1-rt 6.12-rt kunit-6.1 kunit-6.12

install:
	scripts/pkg.sh install $(KDIR)

dkms-install:
	scripts/pkg.sh dkms-install $(KDIR)

dkms-remove:
	scripts/pkg.sh dkms-remove

clean:
	-[ ! -d "$(KDIR)/" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -s -C tests/fuzz clean
	rm -rf out $(CACHE)/build $(CACHE)/snap

distclean: clean
	rm -rf $(CACHE)

help:
	@sed -n '3,29s/^# \{0,1\}//p' Makefile
