#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install / make uninstall (install.mk) into a staging DESTDIR:
# exactly the files named (the tools in BINDIR, the agent and loader in
# SBINDIR, the systemd unit with ExecStart and Documentation following
# SBINDIR and DOCDIR, the default policy, the docs), with their modes;
# the installed tools run; a second PREFIX moves them all; uninstall
# leaves no file behind. TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
need_built "$B/bin/nsima-attest" "$B/bin/nsimad" "$B/bin/nsima-load" "$B/bin/nsima-policy"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

want() { # want PREFIX: the files install must write, sorted
	local p=$1 d
	printf '%s\n' "$p/bin/nsima-attest" "$p/bin/nsima-policy" \
		"$p/sbin/nsimad" "$p/sbin/nsima-load" \
		"$p/lib/systemd/system/nsimad.service" \
		"$p/share/nsima/default.policy" "$p/share/doc/nsima/README.md" \
		"$p/share/man/man1/nsima-attest.1" "$p/share/man/man1/nsima-policy.1" \
		"$p/share/man/man8/nsimad.8" "$p/share/man/man8/nsima-load.8"
	for d in docs/*.md; do echo "$p/share/doc/nsima/${d#docs/}"; done
}

for prefix in /usr /opt/nsima; do
	root=$T/root${prefix//\//_}
	expect "make install DESTDIR=... PREFIX=$prefix" 0 mk install DESTDIR="$root" PREFIX="$prefix"
	(cd "$root" && find . -type f | sed 's|^\.||' | sort) >"$T/got"
	want "$prefix" | sort >"$T/want"
	if cmp -s "$T/got" "$T/want"; then
		ok "$prefix: exactly the $(wc -l <"$T/want") files named"
	else
		not_ok "$prefix: files differ" "$(diff "$T/want" "$T/got" | head -20)"
	fi
	modes=$(cd "$root" && stat -c '%a %n' ".$prefix/bin/nsima-attest" ".$prefix/sbin/nsimad" \
		".$prefix/lib/systemd/system/nsimad.service" ".$prefix/share/nsima/default.policy" |
		cut -d' ' -f1 | tr '\n' ' ')
	[ "$modes" = "755 755 644 644 " ] && ok "$prefix: modes 0755 for programs, 0644 for the unit and data" ||
		not_ok "$prefix: modes '$modes'"
	u=$root$prefix/lib/systemd/system/nsimad.service
	if grep -qx "ExecStart=$prefix/sbin/nsimad --config /etc/nsima/nsimad.conf" "$u" &&
		grep -qx "Documentation=file:$prefix/share/doc/nsima/nsimad.md" "$u"; then
		ok "$prefix: the unit runs $prefix/sbin/nsimad and points at its installed docs"
	else
		not_ok "$prefix: the unit's ExecStart/Documentation" "$(grep -n 'ExecStart\|Documentation' "$u")"
	fi
	if diff <(grep -v '^ExecStart=\|^Documentation=' agent/systemd/nsimad.service) \
		<(grep -v '^ExecStart=\|^Documentation=' "$u") >/dev/null; then
		ok "$prefix: the rest of the unit is the repository's (hardening unchanged)"
	else
		not_ok "$prefix: the installed unit differs beyond ExecStart/Documentation"
	fi
	expect "$prefix: the installed nsima-attest runs (--help)" 0 "$root$prefix/bin/nsima-attest" --help
	expect "$prefix: the installed nsimad runs (--help)" 0 "$root$prefix/sbin/nsimad" --help
	expect "$prefix: the installed nsima-policy checks the installed default policy" 0 \
		"$root$prefix/bin/nsima-policy" check "$root$prefix/share/nsima/default.policy"
	expect "make uninstall DESTDIR=... PREFIX=$prefix" 0 mk uninstall DESTDIR="$root" PREFIX="$prefix"
	left=$(find "$root" -type f | wc -l)
	[ "$left" = 0 ] && ok "$prefix: uninstall leaves no file" ||
		not_ok "$prefix: $left files left" "$(find "$root" -type f | head)"
	[ ! -e "$root$prefix/share/nsima" ] && [ ! -e "$root$prefix/share/doc/nsima" ] &&
		ok "$prefix: ... nor nsima's own directories" ||
		not_ok "$prefix: nsima's directories left"
done
echo "1..$n"
