# SPDX-License-Identifier: GPL-2.0
# nsima top-level Makefile.
#
#   make deps    install the Debian packages needed (scripts/deps)
#   make all     build userspace, BPF programs, the module and the VM image
#   make check   deps + all + every test; ends with "N passed, N failed"
#   make demo    deps + all + boot the VM and show the whole chain
#   make lint    checkpatch --strict over kmod/
#   make install the tools, agent, unit, policy, docs (install.mk:
#                DESTDIR, PREFIX...); make uninstall removes them
#   make dkms    nsima.ko through dkms for KVER (kmod/dkms.mk,
#                docs/install.md); make dkms-remove
#   make deb     the nsima and nsima-dkms packages (debian.mk), lintian
#   make clean   remove build/ output (the kernel download cache is kept;
#                `make distclean` removes it too)
#   V=1          show full command lines
#
# All output goes under $(B) (git-ignored). Sub-directories add their
# targets through the *.mk fragments included below.

B ?= build
export B

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool

# Userspace: warnings are errors; hardening on.
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	  -Wstrict-prototypes -Wmissing-prototypes \
	  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -D_GNU_SOURCE \
	  -Iinclude -Ilib
LDFLAGS ?=
# full RELRO: the GOT read-only after relocation (lintian's
# hardening-no-bindnow otherwise)
LDFLAGS += -Wl,-z,relro -Wl,-z,now

# Collected by the fragments.
ALL_TARGETS :=
UNIT_TESTS :=
FUZZ_REPLAYS :=
INTEGRATION_TESTS :=
E2E_TESTS :=
CLEAN_FILES :=

# Generic userspace compile rule: foo/bar.c -> $(B)/obj/foo/bar.o
$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

.PHONY: all deps check demo clean distclean unit fuzz bench vm format lint
.DEFAULT_GOAL := all

include lib/lib.mk
include attest/attest.mk
include kmod/kmod.mk
include kmod/dkms.mk
include bpf/bpf.mk
include agent/agent.mk
include policy/policy.mk
include vm/vm.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/integration/integration.mk
include tests/e2e/e2e.mk
include bench/bench.mk
include install.mk
include debian.mk

all: $(ALL_TARGETS)

deps:
	$(Q)scripts/deps

# `make check` installs first, then builds in a second make so that the
# build sees the packages just installed; one job per CPU (JOBS=1 for a
# serial build).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
check: deps
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all
	$(Q)tests/run --unit "$(UNIT_TESTS)" --fuzz "$(FUZZ_REPLAYS)" \
		--integration "$(INTEGRATION_TESTS)" --e2e "$(E2E_TESTS)"

unit: $(UNIT_TESTS)
	$(Q)tests/run --unit "$(UNIT_TESTS)"

demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all
	$(Q)vm/demo

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^kmod/')

# Kernel style for the module (checkpatch --strict).
lint:
	$(Q)scripts/checkpatch

clean:
	$(Q)rm -rf $(B)/obj $(B)/bin $(B)/lib $(B)/tests $(B)/fuzz $(B)/kmod \
		$(B)/kmod-6.12 $(B)/bpf $(B)/initramfs $(B)/initramfs-6.12 $(B)/run $(CLEAN_FILES)

distclean:
	$(Q)rm -rf $(B)
