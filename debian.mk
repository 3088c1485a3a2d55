# make deb: the Debian packages nsima (tools, agent, unit, policy, docs)
# and nsima-dkms (the module's source for dkms), built by debhelper
# (debian/) from this tree's build: $(B)/deb/*.deb, then lintian over
# them (its remaining tags are explained in docs/install.md).
.PHONY: deb
deb: $(ALL_TARGETS)
	$(Q)command -v dpkg-buildpackage >/dev/null && command -v dh_dkms >/dev/null || \
		{ echo "make deb: apt install debhelper dh-dkms lintian" >&2; exit 1; }
	$(Q)test "$$(dpkg-parsechangelog -S Version)" = "$(NSIMA_VERSION)" || \
		{ echo "make deb: debian/changelog's version is not VERSION's ($(NSIMA_VERSION))" >&2; exit 1; }
	$(Q)rm -rf $(B)/deb && mkdir -p $(B)/deb
	$(Q)env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS B=$(abspath $(B)) \
		dpkg-buildpackage -b -us -uc \
		--buildinfo-option=-u$(abspath $(B))/deb \
		--buildinfo-option=-O$(abspath $(B))/deb/nsima_$(NSIMA_VERSION)_amd64.buildinfo \
		--changes-option=-u$(abspath $(B))/deb \
		--changes-option=-O$(abspath $(B))/deb/nsima_$(NSIMA_VERSION)_amd64.changes \
		>$(B)/deb/build.log 2>&1 || \
		{ tail -n 30 $(B)/deb/build.log >&2; exit 1; }
	$(Q)ls $(B)/deb/*.deb
	$(Q)lintian --tag-display-limit 0 $(B)/deb/*.deb | tee $(B)/deb/lintian.txt
