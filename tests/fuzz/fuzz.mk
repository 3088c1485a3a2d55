# libFuzzer targets: each tests/fuzz/fuzz_<name>.c is one target, built with
# clang and ASan/UBSan over the lib/ sources; its seed corpus lives in
# tests/fuzz/corpus/<name>/. `make check` replays the corpus (tests/fuzz/replay),
# `make fuzz` fuzzes each target for FUZZ_SECONDS.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Ilib \
	-fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CLANG   $<")
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBNSIMA_LIBS)

-include $(shell find $(B)/fuzz/obj -name '*.d' 2>/dev/null)

FUZZ_REPLAYS += $(FUZZ_BINS)
ALL_TARGETS += $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)for f in $(FUZZ_BINS); do \
		n=$${f##*/fuzz_}; mkdir -p $(B)/fuzz/work/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(B)/fuzz/work/$$n tests/fuzz/corpus/$$n || exit 1; \
	done
