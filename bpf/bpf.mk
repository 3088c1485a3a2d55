# BPF LSM programs: vmlinux.h from the guest kernel's BTF, then object and
# libbpf skeleton (bpftool gen skeleton), all under $(B)/bpf.
BPF_DIR := $(B)/bpf
VMLINUX_H := $(BPF_DIR)/vmlinux.h
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(BPF_DIR)/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BPF_DIR)/%.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(BPF_DIR) -Iinclude

$(VMLINUX_H): $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)$(BPFTOOL) btf dump file $(KERNEL_DIR)/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BPF_DIR)/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) include/nsima/abi.h include/nsima/policy_maps.h \
		include/nsima/kfuncs.h
	$(if $(Q),@echo "  BPF     $@")
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_DIR)/%.skel.h: $(BPF_DIR)/%.bpf.o
	$(if $(Q),@echo "  GENSKEL $@")
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

ALL_TARGETS += $(BPF_OBJS) $(BPF_SKELS)
