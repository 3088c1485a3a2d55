# cmocka unit tests: each tests/unit/test_*.c is one program linked with libnsima.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBNSIMA) -lcmocka $(LIBNSIMA_LIBS)

UNIT_TESTS += $(UNIT_BINS)
ALL_TARGETS += $(UNIT_BINS)
