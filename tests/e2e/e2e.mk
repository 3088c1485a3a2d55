# (secureboot_mok.sh runs in tests/integration/dkms.sh, with dkms's own
# key and module: the same three boots here again would add nothing;
# `vm/run --tap tests/e2e/secureboot_mok.sh` runs it with a test key)
E2E_TESTS += $(filter-out tests/e2e/secureboot_mok.sh,$(wildcard tests/e2e/*.sh))
# On the 6.12 line too (vm/run --kernel 6.12; tests/run takes SCRIPT@LINE):
# the skeleton, the kfunc filter, the fail-closed attacks and the event
# scenarios
E2E_TESTS += $(addsuffix @6.12,$(addprefix tests/e2e/,skeleton.sh kfunc_filter.sh \
	kmod_failclosed.sh kmod_events.sh rules.sh))

# TLS keys and certificates of the e2e tests (tests/e2e/mkpki: a CA,
# nsimad's server certificate, client certificates; test-only, made
# here); agent.sh adds pki.cpio.gz to the guest with --initrd-add.
E2E_PKI := $(B)/tests/pki
$(E2E_PKI)/pki.cpio.gz: tests/e2e/mkpki
	$(if $(Q),@echo "  GEN     $(E2E_PKI)")
	$(Q)tests/e2e/mkpki $(E2E_PKI)

ALL_TARGETS += $(E2E_PKI)/pki.cpio.gz

# secureboot_mok.sh: nsima.ko unsigned and signed by a key no firmware or
# MOK list knows (made here, thrown away), for the guest to show them
# refused under lockdown (kmod/sign over the kernel's own sign-file), and
# nsima-mok.ko, signed by mok.der (made here too), which vm/run --mok
# enrolls through MokManager before the test's boot.
E2E_SB := $(B)/tests/sb
comma := ,
# sign_with KEY CN KO: a throwaway key pair KEY.pem / KEY.der named CN,
# and KO signed with it
define sign_with
	$(Q)openssl req -new -x509 -nodes -days 30 -subj "/CN=$(2)" -newkey rsa:2048 \
		-keyout $(1).pem -outform DER -out $(1).der >/dev/null 2>&1
	$(Q)SIGN_FILE=$(KERNEL_DIR)/root/usr/lib/linux-kbuild-6.1/scripts/sign-file \
		kmod/sign $(1).pem $(1).der $(3) >/dev/null
endef
# pack_cpio DIR OUT: DIR's tree as an initramfs archive (root-owned, in a
# stable order)
define pack_cpio
	$(Q)(cd $(1) && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | \
		gzip -1 >$(2).tmp && mv $(2).tmp $(2)
endef
$(E2E_SB)/sb.cpio.gz: $(NSIMA_KO) kmod/sign $(KERNEL_STAMP) tests/e2e/e2e.mk
	$(if $(Q),@echo "  GEN     $@")
	$(Q)rm -rf $(E2E_SB) && mkdir -p $(E2E_SB)/root/nsima
	$(Q)cp $(NSIMA_KO) $(E2E_SB)/root/nsima/nsima-unsigned.ko
	$(Q)cp $(NSIMA_KO) $(E2E_SB)/root/nsima/nsima-otherkey.ko
	$(call sign_with,$(E2E_SB)/other,nsima test key$(comma) not enrolled,$(E2E_SB)/root/nsima/nsima-otherkey.ko)
	$(Q)cp $(NSIMA_KO) $(E2E_SB)/nsima-mok.ko
	$(call sign_with,$(E2E_SB)/mok,nsima test MOK$(comma) enrolled through MokManager,$(E2E_SB)/nsima-mok.ko)
	$(call pack_cpio,$(E2E_SB)/root,$@)

ALL_TARGETS += $(E2E_SB)/sb.cpio.gz

# kfunc_filter.sh: BPF programs calling nsima's kfuncs where nsima's own
# never do (tests/e2e/rogue.bpf.c) and a loader that tries each alone
# (nsima-rogue, libbpf), in an overlay the test adds with --initrd-add
E2E_ROGUE := $(B)/tests/rogue
$(E2E_ROGUE)/rogue.bpf.o: tests/e2e/rogue.bpf.c $(VMLINUX_H) include/nsima/abi.h include/nsima/kfuncs.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPF     $@")
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(E2E_ROGUE)/nsima-rogue: $(B)/obj/tests/e2e/rogue-load.o
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< -lbpf
$(E2E_ROGUE)/rogue.cpio.gz: $(E2E_ROGUE)/rogue.bpf.o $(E2E_ROGUE)/nsima-rogue
	$(if $(Q),@echo "  GEN     $@")
	$(Q)rm -rf $(E2E_ROGUE)/root && mkdir -p $(E2E_ROGUE)/root/usr/bin $(E2E_ROGUE)/root/nsima
	$(Q)cp $(E2E_ROGUE)/nsima-rogue $(E2E_ROGUE)/root/usr/bin/
	$(Q)cp $(E2E_ROGUE)/rogue.bpf.o $(E2E_ROGUE)/root/nsima/
	$(call pack_cpio,$(E2E_ROGUE)/root,$@)

ALL_TARGETS += $(E2E_ROGUE)/rogue.cpio.gz
