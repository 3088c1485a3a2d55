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
MANDIR ?= $(DATADIR)/man
INSTALL ?= install

# Manual pages from each tool's --help (help2man): what --help says is
# the whole reference, docs/ the rest.
MAN1 := $(B)/man/nsima-attest.1 $(B)/man/nsima-policy.1
MAN8 := $(B)/man/nsimad.8 $(B)/man/nsima-load.8
MAN_NAME_nsima-attest := quotes, replay and verification of nsima lists
MAN_NAME_nsima-policy := check and show nsima policy files
MAN_NAME_nsimad := the nsima node agent: persists the list, serves evidence
MAN_NAME_nsima-load := load nsima's BPF LSM programs with a policy
$(B)/man/%.1 $(B)/man/%.8: $(B)/bin/% VERSION
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  MAN     $@")
	$(Q)help2man --no-info --no-discard-stderr --version-string="$(shell cat VERSION)" \
		--section=$(subst .,,$(suffix $@)) --name="$(MAN_NAME_$*)" \
		--output=$@ $< || { rm -f $@; exit 1; }

INSTALL_BIN := $(NSIMA_ATTEST) $(NSIMA_POLICY)
INSTALL_SBIN := $(NSIMAD) $(NSIMA_LOAD)
INSTALL_DOCS := $(wildcard docs/*.md) README.md
INSTALLED := $(addprefix $(BINDIR)/,$(notdir $(INSTALL_BIN))) \
	$(addprefix $(SBINDIR)/,$(notdir $(INSTALL_SBIN))) \
	$(UNITDIR)/nsimad.service $(DATADIR)/nsima/default.policy \
	$(addprefix $(DOCDIR)/,$(notdir $(INSTALL_DOCS))) \
	$(addprefix $(MANDIR)/man1/,$(notdir $(MAN1))) \
	$(addprefix $(MANDIR)/man8/,$(notdir $(MAN8)))

.PHONY: install uninstall
install: $(INSTALL_BIN) $(INSTALL_SBIN) $(MAN1) $(MAN8)
	$(Q)$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/nsima $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	$(Q)$(INSTALL) -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/
	$(Q)$(INSTALL) -m 0755 $(INSTALL_SBIN) $(DESTDIR)$(SBINDIR)/
	$(Q)sed 's|^ExecStart=/usr/sbin/nsimad|ExecStart=$(SBINDIR)/nsimad|; s|^Documentation=file:/usr/share/doc/nsima/|Documentation=file:$(DOCDIR)/|' \
		agent/systemd/nsimad.service >$(DESTDIR)$(UNITDIR)/nsimad.service.tmp
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/nsimad.service.tmp
	$(Q)mv $(DESTDIR)$(UNITDIR)/nsimad.service.tmp $(DESTDIR)$(UNITDIR)/nsimad.service
	$(Q)$(INSTALL) -m 0644 policy/default.policy $(DESTDIR)$(DATADIR)/nsima/
	$(Q)$(INSTALL) -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/
	$(Q)$(INSTALL) -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(Q)$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/

# Only what install wrote, and the directories of nsima's own it made.
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(DATADIR)/nsima $(DESTDIR)$(DOCDIR) 2>/dev/null || true
