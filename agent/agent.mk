# nsima-load: libbpf skeleton loader. Linked statically: it runs in the
# VM's busybox initramfs as well as on hosts.
NSIMA_LOAD := $(B)/bin/nsima-load

$(B)/obj/agent/nsima-load.o: CFLAGS += -I$(BPF_DIR)
$(B)/obj/agent/nsima-load.o: $(BPF_DIR)/nsima.skel.h

$(NSIMA_LOAD): $(B)/obj/agent/nsima-load.o $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $< $(LIBNSIMA) -lbpf -lelf -lz \
		$(if $(wildcard /usr/lib/x86_64-linux-gnu/libzstd.a),-lzstd) \
		-lcrypto -lpthread -ldl

ALL_TARGETS += $(NSIMA_LOAD)

# nsimad: the node agent (docs/nsimad.md).
NSIMAD := $(B)/bin/nsimad
# Its quotes go through attest/tpm.c, the code nsima-attest quote uses.
NSIMAD_OBJS := $(B)/obj/agent/nsimad.o $(B)/obj/agent/http.o \
	$(B)/obj/agent/bundle.o $(B)/obj/attest/tpm.o
$(NSIMAD): $(NSIMAD_OBJS) $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(NSIMAD_OBJS) $(LIBNSIMA) -lmicrohttpd \
		-lgnutls -lpthread $(ATTEST_LIBS) $(LIBNSIMA_LIBS)

ALL_TARGETS += $(NSIMAD)
