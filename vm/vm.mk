# The test VM's initramfs (the kernel comes from vm/fetch-kernel, kmod.mk).
INITRAMFS := $(B)/initramfs/base.cpio.gz

$(INITRAMFS): vm/mkinitramfs vm/init $(NSIMA_KO) $(NSIMA_LOAD) $(wildcard tests/e2e/*)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)vm/mkinitramfs $@ $(NSIMA_KO) $(NSIMA_LOAD)

vm: $(INITRAMFS)
ALL_TARGETS += $(INITRAMFS)
