# make bench: replay rate (nsima-attest vs evmctl ima_measurement on the
# same 1M-entry list) and quote verification time on swtpm; not part of
# make check. Results in $(B)/bench/results.{json,md}; bench/README.md.
# `make bench-attest` runs only this one (no VM).
.PHONY: bench-attest
bench: bench-attest
bench-attest: $(NSIMA_ATTEST) $(MKLOG)
	$(Q)B=$(B) bench/run.sh

# make bench-agent: nsimad's persistence on the host (bench/agent.sh).
.PHONY: bench-agent
bench: bench-agent
bench-agent: $(NSIMAD) $(MKLOG)
	$(Q)B=$(B) bench/agent.sh

# make bench-evidence: nsimad's evidence requests on the host, 100,000
# entries, AK in a swtpm (bench/evidence.sh).
.PHONY: bench-evidence
bench: bench-evidence
bench-evidence: $(NSIMAD) $(MKLOG)
	$(Q)B=$(B) bench/evidence.sh

# make bench-kmod (vm/bench-kmod; the rule is in vm/vm.mk): the guest-side
# loops (nsima-kbench) and the small static program whose copies it
# executes. Both go into a benchmark-only cpio that vm/bench-kmod appends
# to the test initramfs (vm/run --initrd-add) with the ext4 and brd modules.
KBENCH := $(B)/bin/nsima-kbench
KBENCH_TINY := $(B)/bench/tiny
$(KBENCH): $(B)/obj/bench/kbench.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $<
$(KBENCH_TINY): bench/tiny.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) -Os -static -nostdlib -fno-pie -no-pie -fno-stack-protector \
		-fno-asynchronous-unwind-tables -Wl,--build-id=none -o $@ $<
bench-kmod: $(KBENCH) $(KBENCH_TINY)
bench-rules: $(KBENCH) $(KBENCH_TINY)
ALL_TARGETS += $(KBENCH) $(KBENCH_TINY)
