# make install / make uninstall: the tools, the agent, its systemd unit,
# the default policy and the documentation, under the usual GNU
# variables (DESTDIR staging, PREFIX, BINDIR, SBINDIR, ...). The kernel
# module is not installed here: it is built for a kernel (DKMS, issue
# 16). The unit's ExecStart follows SBINDIR. tests/integration/install.sh.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
DOCDIR ?= $(DATADIR)/doc/nsima
UNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL ?= install

INSTALL_BIN := $(NSIMA_ATTEST) $(NSIMA_POLICY)
INSTALL_SBIN := $(NSIMAD) $(NSIMA_LOAD)
INSTALL_DOCS := $(wildcard docs/*.md) README.md
INSTALLED := $(addprefix $(BINDIR)/,$(notdir $(INSTALL_BIN))) \
	$(addprefix $(SBINDIR)/,$(notdir $(INSTALL_SBIN))) \
	$(UNITDIR)/nsimad.service $(DATADIR)/nsima/default.policy \
	$(addprefix $(DOCDIR)/,$(notdir $(INSTALL_DOCS)))

.PHONY: install uninstall
install: $(INSTALL_BIN) $(INSTALL_SBIN)
	$(Q)$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/nsima $(DESTDIR)$(DOCDIR)
	$(Q)$(INSTALL) -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/
	$(Q)$(INSTALL) -m 0755 $(INSTALL_SBIN) $(DESTDIR)$(SBINDIR)/
	$(Q)sed 's|^ExecStart=/usr/sbin/nsimad|ExecStart=$(SBINDIR)/nsimad|; s|^Documentation=file:/usr/share/doc/nsima/|Documentation=file:$(DOCDIR)/|' \
		agent/systemd/nsimad.service >$(DESTDIR)$(UNITDIR)/nsimad.service.tmp
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/nsimad.service.tmp
	$(Q)mv $(DESTDIR)$(UNITDIR)/nsimad.service.tmp $(DESTDIR)$(UNITDIR)/nsimad.service
	$(Q)$(INSTALL) -m 0644 policy/default.policy $(DESTDIR)$(DATADIR)/nsima/
	$(Q)$(INSTALL) -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/

# Only what install wrote, and the directories of nsima's own it made.
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(DATADIR)/nsima $(DESTDIR)$(DOCDIR) 2>/dev/null || true
