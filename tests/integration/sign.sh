#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kmod/sign (issue 16): nsima.ko signed with an operator's key through
# the kernel's sign-file (Debian's linux-kbuild-6.1): modinfo names the
# signer, the signature verifies with that certificate and not with
# another, signing twice needs --force (and then the new key signs),
# a key with another key's certificate, an unsigned or a non-module
# file are refused with one line. TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
[ -f "$B/kmod/nsima.ko" ] || { echo "not ok 1 - $B/kmod/nsima.ko not built"; echo "1..1"; exit 1; }
need_tools openssl modinfo
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/integration/apt.inc
need_kver
apt_need "linux-kbuild-${KVER%%.0-*}" ||
	{ echo "not ok 1 - apt could not install linux-kbuild-${KVER%%.0-*}"; echo "1..1"; exit 1; }
for k in a b; do
	openssl req -new -x509 -nodes -days 2 -subj "/CN=nsima test signer $k" \
		-newkey rsa:2048 -keyout "$T/$k.key" -outform DER -out "$T/$k.der" >/dev/null 2>&1 ||
		not_ok "openssl: key $k"
done
cp "$B/kmod/nsima.ko" "$T/nsima.ko"
expect "an unsigned module: --verify fails (1)" 1 kmod/sign --verify "$T/a.der" "$T/nsima.ko"
grep_out "... says so" "carries no signature"
expect "kmod/sign KEY CERT nsima.ko" 0 kmod/sign "$T/a.key" "$T/a.der" "$T/nsima.ko"
grep_out "... for kernel $KVER, signer 'nsima test signer a'" "signed \(sha256\) for kernel $KVER, signer 'nsima test signer a'"
[ "$(modinfo -F signer "$T/nsima.ko")" = "nsima test signer a" ] &&
	ok "modinfo: signer 'nsima test signer a'" || not_ok "modinfo: signer '$(modinfo -F signer "$T/nsima.ko")'"
head -c "$(stat -c %s "$B/kmod/nsima.ko")" "$T/nsima.ko" | cmp -s - "$B/kmod/nsima.ko" &&
	ok "the module's own bytes are untouched (the signature is appended)" ||
	not_ok "the module's bytes changed"
expect "--verify with its certificate" 0 kmod/sign --verify "$T/a.der" "$T/nsima.ko"
expect "--verify with another certificate: 1" 1 kmod/sign --verify "$T/b.der" "$T/nsima.ko"
grep_out "... says it does not verify" "does not verify with"
expect "signing it again without --force: 1" 1 kmod/sign "$T/b.key" "$T/b.der" "$T/nsima.ko"
grep_out "... says it is signed already" "signed already"
expect "--force: signed with key b instead" 0 kmod/sign --force "$T/b.key" "$T/b.der" "$T/nsima.ko"
[ "$(modinfo -F signer "$T/nsima.ko")" = "nsima test signer b" ] &&
	[ "$(stat -c %s "$T/nsima.ko")" -lt $(($(stat -c %s "$B/kmod/nsima.ko") + 2000)) ] &&
	ok "... one signature, b's (the old one replaced, not stacked)" ||
	not_ok "after --force: signer '$(modinfo -F signer "$T/nsima.ko")', $(stat -c %s "$T/nsima.ko") bytes"
expect "... and it verifies with b's certificate" 0 kmod/sign --verify "$T/b.der" "$T/nsima.ko"
cp "$B/kmod/nsima.ko" "$T/x.ko"
expect "key a with b's certificate: refused (1)" 1 kmod/sign "$T/a.key" "$T/b.der" "$T/x.ko"
cmp -s "$T/x.ko" "$B/kmod/nsima.ko" && ok "... and the module is left as it was" ||
	not_ok "a refused signing changed the module"
printf 'not a module' >"$T/y.ko"
expect "a file that is no module: refused (1)" 1 kmod/sign "$T/a.key" "$T/a.der" "$T/y.ko"
grep_out "... one line saying why" "not an ELF module"
expect "no arguments: usage (2)" 2 kmod/sign
echo "1..$n"
exit $failed
