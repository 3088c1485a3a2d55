# libnsima: every lib/*.c goes into $(B)/lib/libnsima.a
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIBNSIMA := $(B)/lib/libnsima.a
# What a program linking libnsima needs besides it.
LIBNSIMA_LIBS := -lcrypto -ltss2-mu -ljansson

$(LIBNSIMA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(LIBNSIMA)
