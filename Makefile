# SPDX-License-Identifier: GPL-2.0
#
#   make               module/fhook.ko and the userspace tools
#   make check         everything tested: style, W=1, guest suites on six
#                      Debian kernels (installs what it needs; FHOOK_KERNELS)
#   make demo          boot the stock kernel in QEMU and show hooks working
#                      (installs what it needs)
#   make check-fresh   make demo and make check as a new user would run
#                      them: in a bare Debian 12 chroot (as root;
#                      tests/fresh/run)
#   make check-dkms    DKMS builds fhook.ko for 6.1, 6.12 and newest, both
#                      flavours, in Debian roots (as root; tests/dkms/run)
#   make check-debug   the guest suites on a KASAN/lockdep/kmemleak kernel
#                      built from linux-source-6.1 (cached; the first
#                      build takes tens of minutes; tests/debug/check)
#   make fuzz          fhook-apply's parsers under libFuzzer, ASan and
#                      UBSan, FUZZ_SECONDS (default 300) each
#                      (tests/fuzz/run; installs clang itself), then
#                      make fuzz-guest
#   make fuzz-guest    random attribute writes and commits in the guest,
#                      FHOOK_FUZZ_ITERS (default 100000; tests/stress/run)
#   make stress        load, races, 10,000 hook cycles, long fuzzing and
#                      the kernel's ftrace selftests with and without
#                      hooks, in the guest (hours; tests/stress/run)
#   make check-selftests  only the ftrace selftests part of make stress
#                      (tests/selftests/run)
#   make deps          install the Debian packages all of the above need
#   make install       module, tools (run as root on the target)
#   make uninstall     remove what make install installed, except
#                      /etc/fhook/profile.cfg
#
# KDIR is the kernel build tree to build fhook.ko against: the running
# kernel's headers, or, where they are not installed (as on a build host
# that only boots the module in a guest), Debian's linux-headers-amd64.
# KERNEL=SERIES-FLAVOUR (6.1, 6.12 or newest; amd64 or rt-amd64) builds
# it against one of the test kernels instead, fetched as the tests do
# (tests/guest/fetch-kernel, which gives the tree and the make to use).

KVER ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	  $(shell readlink -f /usr/src/linux-headers-$$(dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | sed -n 's/.*linux-headers-\([^ ,]*\).*/\1/p') 2>/dev/null))
endif

CC ?= gcc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
WARN := -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration
PREFIX ?= /usr/local

TEST_TOOLS := tests/tools/fhook-hammer tests/tools/fhook-write tests/tools/fhook-fuzz

all: module tools

ifneq ($(KERNEL),)
module:
	out=$$(tests/guest/fetch-kernel --kernel '$(KERNEL)') && eval "$$out" && \
	$$MAKE -C module KDIR="$$KDIR"
else
module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
		echo "No kernel headers: install linux-headers-amd64 (scripts/install-deps) or pass KDIR=" >&2; \
		exit 1; }
	$(MAKE) -C module KDIR=$(KDIR)
endif

tools: $(TEST_TOOLS) | tool-deps
	$(MAKE) -C utils

tests/tools/%: tests/tools/%.c | tool-deps
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

# A clear word instead of a compiler error on a machine without the
# build dependencies (a fresh clone before scripts/install-deps).
tool-deps:
	@command -v $(CC) >/dev/null && command -v $(PKG_CONFIG) >/dev/null && \
	$(PKG_CONFIG) --exists libconfig libbpf || { \
		echo "No compiler, pkg-config, libconfig or libbpf: run scripts/install-deps (as root, or with sudo)" >&2; \
		exit 1; }

deps:
	scripts/install-deps

# check and demo install the dependencies before anything compiles, so
# they must not depend on tools: tests/run and scripts/demo build it
# themselves right after scripts/install-deps.
check:
	tests/run

demo:
	scripts/demo

check-fresh:
	tests/fresh/run

check-dkms:
	tests/dkms/run

# Not part of check: the debug kernel's build and its slow guest run do
# not fit the CI budget.
check-debug:
	tests/debug/check

# Not part of check: over an hour under TCG (bench/run: the kernels
# FHOOK_BENCH_KERNELS side by side, FHOOK_BENCH_BOOTS boots each).
# Writes bench/RESULTS.md and bench/overhead.svg.
bench:
	bench/run

# Not part of check: libFuzzer on fhook-apply's parsers under ASan and
# UBSan, FUZZ_SECONDS (default 300) per harness (tests/fuzz/run).
# Both parts even when the first fails; fails if either did.
fuzz:
	tests/fuzz/run; host=$$?; tests/stress/run fuzz && exit $$host

fuzz-guest:
	tests/stress/run fuzz

# Not part of check: hours of guest time (see tests/stress/run).
stress:
	tests/stress/run stress

check-selftests:
	tests/selftests/run

# Into a staging DESTDIR, depmod is left to whoever installs the image.
install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module INSTALL_MOD_DIR=extra \
		INSTALL_MOD_PATH=$(DESTDIR) modules_install
	test -n "$(DESTDIR)" || depmod -a $$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
	$(MAKE) -C utils install PREFIX=$(PREFIX)
	PREFIX=$(PREFIX) dist/install

# dist/uninstall mirrors all of install: the module, the tools and what
# dist/install added. DESTDIR and PREFIX as for install.
uninstall:
	PREFIX=$(PREFIX) dist/uninstall

clean:
	$(MAKE) -C module KDIR=$(KDIR) clean || true
	rm -rf build $(TEST_TOOLS)

.PHONY: all module tools tool-deps deps check demo check-fresh bench install \
	uninstall clean check-debug fuzz fuzz-guest stress check-selftests \
	check-dkms
