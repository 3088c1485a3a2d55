# nsima-attest: one file per subcommand (attest/*.c) over libnsima.
ATTEST_SRCS := $(wildcard attest/*.c)
ATTEST_OBJS := $(ATTEST_SRCS:%.c=$(B)/obj/%.o)
NSIMA_ATTEST := $(B)/bin/nsima-attest
ATTEST_LIBS := -ltss2-esys -ltss2-tctildr -ltss2-mu
NSIMA_ATTEST_LIBS := $(ATTEST_LIBS) -lcurl

$(NSIMA_ATTEST): $(ATTEST_OBJS) $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(ATTEST_OBJS) $(LIBNSIMA) $(NSIMA_ATTEST_LIBS) $(LIBNSIMA_LIBS)

ALL_TARGETS += $(NSIMA_ATTEST)
