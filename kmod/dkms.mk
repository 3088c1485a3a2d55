# DKMS (docs/install.md): nsima.ko built, signed and installed for a
# kernel by Debian's dkms, from a source tree in /usr/src/nsima-VERSION.
#
#   make dkms-src     the source tree: $(DESTDIR)$(DKMS_SRC_DIR) (dkms.conf,
#                     dkms-make, kmod/, include/nsima/); the nsima-dkms
#                     package is this
#   make dkms         dkms-src, then dkms add + install for KVER (default:
#                     the running kernel); dkms signs the module with its
#                     MOK key (/var/lib/dkms/mok.key, made on first use)
#   make dkms-remove  dkms remove for every kernel, and the source tree
#
# The kernel's BTF for KVER (kmod/dkms-make): running, or
# /boot/vmlinuz-KVER, or NSIMA_BTF_BASE=FILE (passed through to dkms).
NSIMA_VERSION := $(shell cat VERSION)
DKMS_SRC_DIR ?= /usr/src/nsima-$(NSIMA_VERSION)
KVER ?= $(shell uname -r)
DKMS ?= dkms
DKMS_FILES := kmod/dkms-make kmod/btf-tools $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild \
	include/nsima/abi.h include/nsima/kfuncs.h

.PHONY: dkms-src dkms dkms-remove
dkms-src: kmod/dkms.conf.in $(DKMS_FILES) VERSION
	$(Q)$(INSTALL) -d -m 0755 $(DESTDIR)$(DKMS_SRC_DIR)/kmod \
		$(DESTDIR)$(DKMS_SRC_DIR)/include/nsima
	$(Q)sed 's/@VERSION@/$(NSIMA_VERSION)/' kmod/dkms.conf.in \
		>$(DESTDIR)$(DKMS_SRC_DIR)/dkms.conf
	$(Q)chmod 0644 $(DESTDIR)$(DKMS_SRC_DIR)/dkms.conf
	$(Q)$(INSTALL) -m 0755 kmod/dkms-make kmod/btf-tools $(DESTDIR)$(DKMS_SRC_DIR)/
	$(Q)$(INSTALL) -m 0644 $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild \
		$(DESTDIR)$(DKMS_SRC_DIR)/kmod/
	$(Q)$(INSTALL) -m 0644 include/nsima/abi.h include/nsima/kfuncs.h \
		$(DESTDIR)$(DKMS_SRC_DIR)/include/nsima/

# the nsima-dkms package's tree is dpkg's, not make's
DKMS_OWNED = dpkg -S $(DKMS_SRC_DIR) >/dev/null 2>&1 && \
	{ echo "make $@: $(DKMS_SRC_DIR) belongs to a package (nsima-dkms): apt remove it first" >&2; exit 1; } || true

dkms:
	$(Q)command -v $(DKMS) >/dev/null || \
		{ echo "make dkms: no dkms (apt install dkms linux-headers-$(KVER))" >&2; exit 1; }
	$(Q)$(DKMS_OWNED)
	$(Q)$(DKMS) remove nsima/$(NSIMA_VERSION) --all >/dev/null 2>&1 || true
	$(Q)rm -rf $(DKMS_SRC_DIR)
	$(Q)$(MAKE) --no-print-directory dkms-src DESTDIR=
	$(Q)$(DKMS) add nsima/$(NSIMA_VERSION)
	$(Q)$(DKMS) install nsima/$(NSIMA_VERSION) -k $(KVER)

dkms-remove:
	$(Q)$(DKMS_OWNED)
	$(Q)if command -v $(DKMS) >/dev/null; then \
		$(DKMS) remove nsima/$(NSIMA_VERSION) --all >/dev/null 2>&1 || true; fi
	$(Q)rm -rf $(DKMS_SRC_DIR)
