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

# what both lines' initramfs hold besides their nsima.ko and modules
INITRAMFS_DEPS := vm/mkinitramfs vm/init $(NSIMA_LOAD) $(NSIMA_PROBE) $(NSIMA_ATTEST) \
	$(NSIMA_FUSESRV) $(NSIMAD) $(wildcard tests/e2e/* tests/e2e/lib/*) policy/default.policy
# initramfs_build KO KERNEL_DIR: $@ with that nsima.ko and that kernel's modules
define initramfs_build
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)vm/mkinitramfs $@ $(1) $(NSIMA_LOAD) $(NSIMA_PROBE) $(2) $(NSIMA_ATTEST) $(NSIMA_FUSESRV) $(NSIMAD)
endef
$(INITRAMFS): $(INITRAMFS_DEPS) $(NSIMA_KO)
	$(call initramfs_build,$(NSIMA_KO),$(KERNEL_DIR))

# The same for the 6.12 line (vm/run --kernel 6.12): its nsima.ko and modules
INITRAMFS612 := $(B)/initramfs-6.12/base.cpio.gz
$(INITRAMFS612): $(INITRAMFS_DEPS) $(NSIMA612_KO)
	$(call initramfs_build,$(NSIMA612_KO),$(KERNEL612_DIR))

vm: $(INITRAMFS) $(INITRAMFS612)
ALL_TARGETS += $(INITRAMFS) $(INITRAMFS612)

# Module benchmark (not a test): make bench-kmod; part of make bench.
bench-kmod: $(INITRAMFS)
	$(Q)vm/bench-kmod
bench: bench-kmod
.PHONY: bench-kmod

# Event-rule benchmark (not a test): make bench-rules; part of make bench.
bench-rules: $(INITRAMFS)
	$(Q)vm/bench-rules
bench: bench-rules
.PHONY: bench-rules

# The OCI image of the container tests (vm/mkoci: busybox-static and the
# static e2e tools, made locally, reproducible) and the crun overlay that
# carries it with crun and vm/oci-run (vm/mkcrunfs); tests/e2e/crun.sh
# appends the overlay with --initrd-add, so other tests do not load it.
OCI_IMAGE := $(B)/oci/nsima-test
CRUN_OVERLAY := $(B)/initramfs/crun.cpio.gz

$(OCI_IMAGE).digest: vm/mkoci $(NSIMA_PROBE) $(NSIMA_FUSESRV)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $(OCI_IMAGE)")
	$(Q)vm/mkoci $(OCI_IMAGE) /bin/busybox $(NSIMA_PROBE) $(NSIMA_FUSESRV) >/dev/null

$(CRUN_OVERLAY): vm/mkcrunfs vm/oci-run $(OCI_IMAGE).digest
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)vm/mkcrunfs $@ $(OCI_IMAGE)

ALL_TARGETS += $(CRUN_OVERLAY)
CLEAN_FILES += $(B)/oci

# nsimad in the VM under load (not a test): make bench-agent-vm; part of
# make bench.
bench-agent-vm: $(INITRAMFS) $(KBENCH) $(KBENCH_TINY)
	$(Q)vm/bench-agent
bench: bench-agent-vm
.PHONY: bench-agent-vm

# The Secure Boot chain (vm/fetch-sb: OVMF with Microsoft's keys, Debian's
# shim, MokManager and GRUB, unpacked from Debian's packages) for
# vm/run --secure-boot (tests/e2e/secureboot_mok.sh).
SB_DIR := $(B)/sb
SB_STAMP := $(SB_DIR)/.done
$(SB_STAMP): vm/fetch-sb
	$(Q)vm/fetch-sb $(SB_DIR)
ALL_TARGETS += $(SB_STAMP)
