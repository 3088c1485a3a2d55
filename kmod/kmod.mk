# nsima.ko, built out of tree against the Debian 6.1 headers fetched by
# vm/fetch-kernel (with BTF: without it the kfuncs would not exist), and
# against 6.12's.
KERNEL_DIR := $(B)/kernel
KERNEL_STAMP := $(KERNEL_DIR)/.done
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild include/nsima/abi.h \
	include/nsima/kfuncs.h
NSIMA_KO := $(B)/kmod/nsima.ko

$(KERNEL_STAMP): vm/fetch-kernel kmod/btf-tools
	$(Q)vm/fetch-kernel $(KERNEL_DIR) && touch $@

# kmod_build KERNEL_DIR OUT_DIR: nsima.ko for that kernel, in OUT_DIR.
# MODULE_PAHOLE_FLAGS= : plain split BTF, no distilled base (pahole 1.28+
# on 6.11+ would make one; the 6.12 kfunc filter matches build-time ids)
define kmod_build
	@mkdir -p $(2)
	$(Q)cp kmod/*.c kmod/*.h kmod/Kbuild $(2)/
	$(if $(Q),@echo "  KBUILD  $(2)/nsima.ko")
	$(Q)$(MAKE) -s -C $(1)/headers M=$(abspath $(2)) \
		NSIMA_INCLUDE=$(abspath include) MODULE_PAHOLE_FLAGS= $(if $(Q),,V=1) modules
	$(Q)readelf -S $(2)/nsima.ko | grep -q ' \.BTF ' || \
		{ echo "kmod: $(2)/nsima.ko has no .BTF section: its kfuncs would not exist" >&2; \
		  rm -f $(2)/nsima.ko; exit 1; }
	$(Q)! readelf -S $(2)/nsima.ko | grep -q ' \.BTF\.base ' || \
		{ echo "kmod: $(2)/nsima.ko has distilled base BTF: the 6.12 kfunc filter needs plain split BTF" >&2; \
		  rm -f $(2)/nsima.ko; exit 1; }
endef

$(NSIMA_KO): $(KMOD_SRCS) $(KERNEL_STAMP)
	$(call kmod_build,$(KERNEL_DIR),$(B)/kmod)

# The other kernel line Debian 12 ships, 6.12 (Debian 13's): its own
# kernel, headers (with vmlinux and resolve_btfids) and nsima.ko; the VM
# boots it with vm/run --kernel 6.12 (docs/kmod.md, docs/vm.md)
KERNEL612_DIR := $(B)/kernel-6.12
KERNEL612_STAMP := $(KERNEL612_DIR)/.done
NSIMA612_KO := $(B)/kmod-6.12/nsima.ko

$(KERNEL612_STAMP): vm/fetch-kernel
	$(Q)vm/fetch-kernel --line 6.12 $(KERNEL612_DIR) && touch $@

$(NSIMA612_KO): $(KMOD_SRCS) $(KERNEL612_STAMP)
	$(call kmod_build,$(KERNEL612_DIR),$(B)/kmod-6.12)

kmod: $(NSIMA_KO) $(NSIMA612_KO)
ALL_TARGETS += $(NSIMA_KO) $(NSIMA612_KO)
.PHONY: kmod
