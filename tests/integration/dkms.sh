#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS for real (issue 16): Debian's linux-headers for the test VM's
# kernel and Debian's dkms, installed through apt; `make dkms` builds,
# signs (dkms's own MOK key) and installs nsima.ko for that kernel; the
# module carries the BTF and resolved kfunc ids of the tree build (the
# same bytes), its signature verifies with /var/lib/dkms/mok.pub; the VM
# boots that very module (vm/run --ko): the skeleton scenario replays to
# the TPM, and the guest shows the module is the DKMS one, signed by a
# key the kernel does not know (no Secure Boot here: it loads, tainted;
# the Secure Boot run enrolls the key). `make dkms-remove` leaves nothing.
# TAP output. Needs root and Debian's archive (apt).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
KVER=$(cat "$B/kernel/KVER" 2>/dev/null)
[ -n "$KVER" ] || { echo "not ok 1 - $B/kernel/KVER missing (make all)"; echo "1..1"; exit 1; }
need_built "$B/bin/nsima-attest"
[ -f "$B/kmod/nsima.ko" ] || { echo "not ok 1 - $B/kmod/nsima.ko not built"; echo "1..1"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mk() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory B="$B" "$@"; }
V=$(cat VERSION)
KO=/lib/modules/$KVER/updates/dkms/nsima.ko

# ---- Debian's packages ----
pkgs="dkms linux-headers-$KVER"
missing=""
for p in $pkgs; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		$missing >"$T/apt.log" 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing >"$T/apt.log" 2>&1; }
fi
if dpkg-query -W -f '${Status}\n' $pkgs 2>/dev/null | grep -c "install ok installed" | grep -qx 2; then
	ok "apt: dkms and linux-headers-$KVER installed"
else
	not_ok "apt could not install$missing" "$(tail -n 5 "$T/apt.log" 2>/dev/null)"
	echo "1..$n"
	exit 1
fi

# ---- make dkms ----
# The host does not run $KVER and has no /boot/vmlinuz-$KVER: the
# kernel's BTF from the VM's image (a node running it, or with it
# installed, needs no setting).
mk dkms-remove >/dev/null 2>&1
expect "make dkms KVER=$KVER: dkms add, build, sign, install" 0 \
	env NSIMA_BTF_BASE="$(realpath "$B/kernel/vmlinuz")" make -s --no-print-directory B="$B" dkms KVER="$KVER"
cp "$T/out" "$T/dkms.out"
grep_out "... dkms signed it with its MOK key" "Signing module .*nsima.ko"
st=$(dkms status "nsima/$V" -k "$KVER" 2>&1)
[[ $st == "nsima/$V, $KVER, x86_64: installed"* ]] &&
	ok "dkms status: nsima/$V installed for $KVER" ||
	not_ok "dkms status: $st"
[ -f "$KO" ] && ok "the module is at $KO" || not_ok "no $KO" "$(head -c 600 "$T/dkms.out")"
log=/var/lib/dkms/nsima/$V/$KVER/x86_64/log/make.log
grep -q "nsima dkms-make: .* has its BTF" "$log" 2>/dev/null &&
	ok "dkms-make gave it its BTF (Debian's 6.1 headers have no vmlinux, no resolve_btfids)" ||
	not_ok "dkms-make: no BTF line in $log" "$(tail -n 5 "$log" 2>/dev/null)"

# The BTF and the resolved kfunc ids are the tree build's, byte for byte.
same_section() { # same_section NAME
	objcopy --dump-section "$1=$T/a" "$KO" "$T/a.ko" 2>/dev/null &&
		objcopy --dump-section "$1=$T/b" "$B/kmod/nsima.ko" "$T/b.ko" 2>/dev/null &&
		[ -s "$T/a" ] && cmp -s "$T/a" "$T/b"
}
same_section .BTF && ok "its .BTF is the tree build's ($(stat -c %s "$T/a") bytes)" ||
	not_ok "its .BTF differs from $B/kmod/nsima.ko's"
same_section .BTF_ids && [ "$(od -An -tx4 -j8 -N4 "$T/a" | tr -d ' ')" != 00000000 ] &&
	ok "its .BTF_ids (the kfunc ids, resolved) are the tree build's" ||
	not_ok "its .BTF_ids differ from the tree build's, or are unresolved"

# The signature: what the kernel checks, checked here with OpenSSL:
# [module][PKCS#7 (sig_len)][struct module_signature: 12 bytes, sig_len
# big-endian last][~Module signature appended~\n]
size=0 magic="" siglen=0
if [ -f "$KO" ]; then
	size=$(stat -c %s "$KO")
	magic=$(tail -c 28 "$KO")
	hex=$(tail -c 32 "$KO" | head -c 4 | od -An -tx1 | tr -d ' \n')
	siglen=$((16#${hex:-0}))
fi
if [ "$magic" = "~Module signature appended~" ] && [ "$siglen" -gt 0 ] && [ "$siglen" -lt "$size" ]; then
	body=$((size - 28 - 12 - siglen))
	head -c "$body" "$KO" >"$T/body"
	tail -c $((siglen + 40)) "$KO" | head -c "$siglen" >"$T/sig.p7"
	openssl x509 -inform DER -in /var/lib/dkms/mok.pub -out "$T/mok.pem" 2>/dev/null
	if openssl smime -verify -binary -inform DER -in "$T/sig.p7" -content "$T/body" \
		-certfile "$T/mok.pem" -nointern -noverify -out /dev/null >"$T/v" 2>&1; then
		ok "its signature ($siglen bytes) verifies with /var/lib/dkms/mok.pub"
	else
		not_ok "its signature does not verify with /var/lib/dkms/mok.pub" "$(head -c 300 "$T/v")"
	fi
	head -c "$body" "$KO" | cmp -s - "$B/kmod/nsima.ko" &&
		not_ok "the signed body is byte for byte the tree build (dkms-make did not build it?)" ||
		ok "the module is dkms's own build (not a copy of $B/kmod/nsima.ko)"
else
	not_ok "no module signature at the end of $KO (magic '$magic', length $siglen)"
fi
signer=$(modinfo -F signer "$KO" 2>/dev/null)
[ "$signer" = "DKMS module signing key" ] && ok "modinfo: signer '$signer'" ||
	not_ok "modinfo: signer '$signer'"

# ---- the VM boots that very module ----
B="$B" vm/run --tap --ko "$KO" --out "$B/run/dkms-skeleton" tests/e2e/skeleton.sh >"$T/skel" 2>&1
if grep -q '^1\.\.' "$T/skel" && ! grep -q '^not ok' "$T/skel"; then
	ok "the VM with the DKMS module: the skeleton scenario passes ($(grep -c '^ok' "$T/skel") checks, replay to the TPM)"
else
	not_ok "the VM with the DKMS module: skeleton" "$(grep -E '^not ok|^1\.\.' "$T/skel" | head -5)" "$(tail -n 5 "$T/skel")"
fi
sum=$(sha256sum "$KO" | cut -c1-64)
cat >"$T/dkms.guest" <<EOF
#!/bin/sh
# vm-options: --timeout 120
. /tests/e2e/lib/tap.sh
[ "\$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
is "the guest loaded the DKMS module (its SHA-256)" "\$(sha256sum /nsima/nsima.ko | cut -c1-64)" "$sum"
dmesg >/tmp/dmesg
check "signed by a key the kernel does not trust (no Secure Boot): loaded, tainted" \
	grep -q "nsima: module verification failed: signature and/or required key missing" /tmp/dmesg
check "its BPF programs (calling its kfuncs) verified, attached and pinned" \
	test -n "\$(ls /sys/fs/bpf/nsima)"
tap_done
EOF
B="$B" vm/run --tap --ko "$KO" --out "$B/run/dkms-guest" "$T/dkms.guest" >"$T/guest" 2>&1
if grep -q '^1\.\.3$' "$T/guest" && ! grep -q '^not ok' "$T/guest"; then
	ok "the guest: $(grep '^ok' "$T/guest" | sed 's/^ok [0-9]* - //' | paste -sd ';' -)"
else
	not_ok "the guest with the DKMS module" "$(grep -E '^(not )?ok|^1\.\.' "$T/guest" | head -5)" "$(tail -n 5 "$T/guest")"
fi

# ---- make dkms-remove ----
expect "make dkms-remove" 0 mk dkms-remove
[ ! -e "$KO" ] && [ ! -e "/var/lib/dkms/nsima" ] && [ ! -e "/usr/src/nsima-$V" ] &&
	ok "nothing left: no module, no /var/lib/dkms/nsima, no /usr/src/nsima-$V" ||
	not_ok "left behind: $(ls -d "$KO" /var/lib/dkms/nsima "/usr/src/nsima-$V" 2>/dev/null | tr '\n' ' ')"
echo "1..$n"
exit $failed
