# nsima-load: libbpf skeleton loader (its BPF objects built in). Linked
# dynamically, as a Debian package wants it: vm/mkinitramfs copies its
# shared libraries into the test VM's initramfs, as nsimad's.
NSIMA_LOAD := $(B)/bin/nsima-load

# agent/progs.c: the load itself, nsimad --policy's too.
$(B)/obj/agent/progs.o: CFLAGS += -I$(BPF_DIR)
$(B)/obj/agent/progs.o: $(BPF_DIR)/nsima.skel.h
LIBBPF_LIBS := -lbpf -lelf -lz \
	$(if $(wildcard /usr/lib/x86_64-linux-gnu/libzstd.a),-lzstd)

$(NSIMA_LOAD): $(B)/obj/agent/nsima-load.o $(B)/obj/agent/progs.o $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(B)/obj/agent/nsima-load.o \
		$(B)/obj/agent/progs.o $(LIBNSIMA) -lbpf -lcrypto

ALL_TARGETS += $(NSIMA_LOAD)

# nsimad: the node agent (docs/nsimad.md).
NSIMAD := $(B)/bin/nsimad
# Its quotes go through attest/tpm.c, the code nsima-attest quote uses.
NSIMAD_OBJS := $(B)/obj/agent/nsimad.o $(B)/obj/agent/http.o \
	$(B)/obj/agent/bundle.o $(B)/obj/agent/progs.o $(B)/obj/attest/tpm.o
$(NSIMAD): $(NSIMAD_OBJS) $(LIBNSIMA)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(NSIMAD_OBJS) $(LIBNSIMA) -lmicrohttpd \
		-lgnutls -lpthread $(ATTEST_LIBS) $(LIBBPF_LIBS) $(LIBNSIMA_LIBS)

ALL_TARGETS += $(NSIMAD)
