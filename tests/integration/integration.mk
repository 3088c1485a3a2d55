INTEGRATION_TESTS += $(wildcard tests/integration/*.sh)

# mklog: builds and tampers with lists through libnsima (tamper.sh, bench).
MKLOG := $(B)/tests/bin/mklog

$(MKLOG): $(B)/obj/tests/integration/mklog.o $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBNSIMA) $(LIBNSIMA_LIBS)

ALL_TARGETS += $(MKLOG)
