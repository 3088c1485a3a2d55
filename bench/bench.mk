# make bench: replay rate (nsima-attest vs evmctl ima_measurement on the
# same 1M-entry list) and quote verification time on swtpm; not part of
# make check. Results in $(B)/bench/results.{json,md}; bench/README.md.
# `make bench-attest` runs only this one (no VM).
.PHONY: bench-attest
bench: bench-attest
bench-attest: $(NSIMA_ATTEST) $(MKLOG)
	$(Q)B=$(B) bench/run.sh
