E2E_TESTS += $(wildcard tests/e2e/*.sh)

# TLS keys and certificates of the e2e tests (tests/e2e/mkpki: a CA,
# nsimad's server certificate, client certificates; test-only, made
# here); agent.sh adds pki.cpio.gz to the guest with --initrd-add.
E2E_PKI := $(B)/tests/pki
$(E2E_PKI)/pki.cpio.gz: tests/e2e/mkpki
	$(if $(Q),@echo "  GEN     $(E2E_PKI)")
	$(Q)tests/e2e/mkpki $(E2E_PKI)

ALL_TARGETS += $(E2E_PKI)/pki.cpio.gz
