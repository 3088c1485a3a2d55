# The test VM's initramfs (the kernel comes from vm/fetch-kernel, kmod.mk).
INITRAMFS := $(B)/initramfs/base.cpio.gz
NSIMA_PROBE := $(B)/bin/nsima-probe
NSIMA_FUSESRV := $(B)/bin/nsima-fusesrv

$(NSIMA_PROBE): $(B)/obj/tests/e2e/probe.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $<

# FUSE file server for the e2e tests (raw /dev/fuse protocol, static).
$(NSIMA_FUSESRV): $(B)/obj/tests/e2e/fusesrv.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $<

$(INITRAMFS): vm/mkinitramfs vm/init $(NSIMA_KO) $(NSIMA_LOAD) $(NSIMA_PROBE) $(NSIMA_ATTEST) $(NSIMA_FUSESRV) $(wildcard tests/e2e/* tests/e2e/lib/*)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)vm/mkinitramfs $@ $(NSIMA_KO) $(NSIMA_LOAD) $(NSIMA_PROBE) $(KERNEL_DIR) $(NSIMA_ATTEST) $(NSIMA_FUSESRV)

vm: $(INITRAMFS)
ALL_TARGETS += $(INITRAMFS)

# Module benchmark (not a test): make bench-kmod; part of make bench.
bench-kmod: $(INITRAMFS)
	$(Q)vm/bench-kmod
bench: bench-kmod
.PHONY: bench-kmod
