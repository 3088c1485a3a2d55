# nsima.ko, built out of tree against the Debian 6.1 headers fetched by
# vm/fetch-kernel (with BTF: without it the kfuncs would not exist).
KERNEL_DIR := $(B)/kernel
KERNEL_STAMP := $(KERNEL_DIR)/.done
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild include/nsima/abi.h \
	include/nsima/kfuncs.h
NSIMA_KO := $(B)/kmod/nsima.ko

$(KERNEL_STAMP): vm/fetch-kernel kmod/btf-tools
	$(Q)vm/fetch-kernel $(KERNEL_DIR) && touch $@

$(NSIMA_KO): $(KMOD_SRCS) $(KERNEL_STAMP)
	@mkdir -p $(B)/kmod
	$(Q)cp kmod/*.c kmod/*.h kmod/Kbuild $(B)/kmod/
	$(if $(Q),@echo "  KBUILD  $@")
	$(Q)$(MAKE) -s -C $(KERNEL_DIR)/headers M=$(abspath $(B)/kmod) \
		NSIMA_INCLUDE=$(abspath include) $(if $(Q),,V=1) modules
	$(Q)readelf -S $@ | grep -q '\.BTF' || \
		{ echo "kmod: $@ has no .BTF section: its kfuncs would not exist" >&2; \
		  rm -f $@; exit 1; }

kmod: $(NSIMA_KO)
ALL_TARGETS += $(NSIMA_KO)
.PHONY: kmod
