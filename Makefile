# SPDX-License-Identifier: GPL-2.0
#
#   make               module/fhook.ko and the userspace tools
#   make check         everything tested: style, W=1, guest suites on both
#                      kernels (installs what it needs)
#   make demo          boot the stock kernel in QEMU and show hooks working
#   make install       module, tools (run as root on the target)
#
# KDIR is the kernel build tree to build fhook.ko against: the running
# kernel's headers, or, where they are not installed (as on a build host
# that only boots the module in a guest), Debian's linux-headers-amd64.

KVER ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	  $(shell readlink -f /usr/src/linux-headers-$$(dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | sed -n 's/.*linux-headers-\([^ ,]*\).*/\1/p') 2>/dev/null))
endif

CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration
PREFIX ?= /usr/local

TEST_TOOLS := tests/tools/fhook-hammer tests/tools/fhook-write

all: module tools

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
		echo "No kernel headers: install linux-headers-amd64 (scripts/install-deps) or pass KDIR=" >&2; \
		exit 1; }
	$(MAKE) -C module KDIR=$(KDIR)

tools: $(TEST_TOOLS)
	$(MAKE) -C utils

tests/tools/%: tests/tools/%.c
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

check: tools
	tests/run

demo: tools
	scripts/demo

bench:
	bench/run

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module INSTALL_MOD_DIR=extra modules_install
	depmod -a $$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
	$(MAKE) -C utils install PREFIX=$(PREFIX)
	PREFIX=$(PREFIX) dist/install

clean:
	$(MAKE) -C module KDIR=$(KDIR) clean || true
	rm -rf build $(TEST_TOOLS)

.PHONY: all module tools check demo bench install clean
