# nsima-policy: check and print policy files (lib/policy.c).
NSIMA_POLICY := $(B)/bin/nsima-policy
POLICY_OBJS := $(B)/obj/policy/nsima-policy.o

$(NSIMA_POLICY): $(POLICY_OBJS) $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(POLICY_OBJS) $(LIBNSIMA) $(LIBNSIMA_LIBS)

ALL_TARGETS += $(NSIMA_POLICY)
