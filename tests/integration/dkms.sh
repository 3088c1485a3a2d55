#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS for real (issue 16): Debian's linux-headers for the test VM's
# kernel and Debian's dkms, installed through apt; `make dkms` builds,
# signs (dkms's own MOK key) and installs nsima.ko for that kernel; the
# module carries the BTF and resolved kfunc ids of the tree build (the
# same bytes), its signature verifies with /var/lib/dkms/mok.pub; the VM
# boots that very module under Secure Boot (vm/run --secure-boot --ko),
# dkms's key enrolled through MokManager (vm/run --mok): it loads under
# lockdown, the skeleton scenario replays to the TPM, the list's aggregate
# holds the boot chain (tests/e2e/secureboot_mok.sh). `make dkms-remove`
# leaves nothing.
# TAP output. Needs root and Debian's archive (apt).
# test-timeout: 1800
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/integration/tap.inc
need_kver
need_built "$B/bin/nsima-attest"
[ -f "$B/kmod/nsima.ko" ] || { echo "not ok 1 - $B/kmod/nsima.ko not built"; echo "1..1"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
V=$(cat VERSION)
KO=/lib/modules/$KVER/updates/dkms/nsima.ko

# ---- Debian's packages ----
. tests/integration/apt.inc
if apt_need dkms "linux-headers-$KVER"; then
	ok "apt: dkms and linux-headers-$KVER installed"
else
	not_ok "apt could not install dkms linux-headers-$KVER" "$(tail -n 5 "$T/apt.log" 2>/dev/null)"
	echo "1..$n"
	exit 1
fi

# ---- make dkms ----
# The host does not run $KVER and has no /boot/vmlinuz-$KVER: the
# kernel's BTF from the VM's image (a node running it, or with it
# installed, needs no setting).
mk dkms-remove >/dev/null 2>&1
NSIMA_BTF_BASE=$(realpath "$B/kernel/vmlinuz")
export NSIMA_BTF_BASE
expect "make dkms KVER=$KVER: dkms add, build, sign, install" 0 mk dkms KVER="$KVER"
unset NSIMA_BTF_BASE
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

# The BTF and the resolved kfunc ids mean what the tree build's do: the
# same named types (pahole -j may order them differently), and the ids
# in .BTF_ids name the same functions, in the same order, in each
# module's own BTF (bpftool, over the kernel's BTF as base).
btf_names() { # btf_names KO VMLINUX: "KIND 'name'" of the module's types, sorted
	bpftool -B "$2" btf dump file "$1" 2>/dev/null |
		sed -n "s/^\[[0-9]*\] \([A-Z_]* '[^']*'\).*/\1/p" | LC_ALL=C sort
}
kfunc_names() { # kfunc_names KO VMLINUX: the FUNCs the words of .BTF_ids name
	objcopy --dump-section .BTF_ids="$T/ids" "$1" "$T/ids.ko" 2>/dev/null || return 1
	bpftool -B "$2" btf dump file "$1" 2>/dev/null |
		sed -n "s/^\[\([0-9]*\)\] FUNC '\([^']*\)'.*/\1 \2/p" >"$T/funcs"
	od -An -tu4 -v "$T/ids" | tr -s ' ' '\n' | grep . |
		awk 'NR == FNR { f[$1] = $2; next } ($1 in f) { print f[$1] }' "$T/funcs" -
}
# same_btf KO TREE_KO VMLINUX: KO's named types and kfunc ids are TREE_KO's
same_btf() {
	btf_names "$2" "$3" >"$T/tree.btf"
	if [ -f "$1" ] && [ -s "$T/tree.btf" ] && btf_names "$1" "$3" | cmp -s - "$T/tree.btf"; then
		ok "its BTF: $2's $(wc -l <"$T/tree.btf") named types"
	else
		not_ok "its BTF differs from $2's (or is missing)"
	fi
	kfunc_names "$2" "$3" >"$T/tree.kf"
	if [ -f "$1" ] && [ -s "$T/tree.kf" ] && kfunc_names "$1" "$3" | cmp -s - "$T/tree.kf"; then
		ok "its .BTF_ids resolve to $2's kfuncs: $(paste -sd ' ' "$T/tree.kf")"
	else
		not_ok "its .BTF_ids do not name $2's kfuncs ($(paste -sd ' ' "$T/tree.kf"))"
	fi
}
same_btf "$KO" "$B/kmod/nsima.ko" "$B/kernel/vmlinux"

# The signature: what the kernel checks, checked with OpenSSL (kmod/sign
# --verify: the PKCS#7 at the module's end over the bytes before it)
expect "its signature verifies with /var/lib/dkms/mok.pub (kmod/sign --verify)" 0 \
	kmod/sign --verify /var/lib/dkms/mok.pub "$KO"
signer=$(modinfo -F signer "$KO" 2>/dev/null)
[ "$signer" = "DKMS module signing key" ] && ok "modinfo: signer '$signer'" ||
	not_ok "modinfo: signer '$signer'"

# ---- the VM boots that very module, under Secure Boot ----
# dkms's key enrolled the way docs/install.md tells an operator to:
# mokutil --import in the guest, MokManager on the next boot (vm/run --mok,
# answered over the serial console); then the locked-down kernel loads
# the module dkms built and signed, its BPF programs attach, the boot's
# event log gives the list's nsima_aggregate and the skeleton scenario
# replays to the TPM (tests/e2e/secureboot_mok.sh and .host)
sum=$(sha256sum "$KO" | cut -c1-64)
B="$B" vm/run --tap --secure-boot --mok /var/lib/dkms/mok.pub --ko "$KO" \
	--out "$B/run/dkms-secureboot" tests/e2e/secureboot_mok.sh >"$T/sb" 2>&1
grep -q "enrolled through MokManager in" "$T/sb" &&
	ok "dkms's key enrolled through MokManager ($(sed -n 's/^vm\/run: mok.pub enrolled through MokManager in //p' "$T/sb"))" ||
	not_ok "dkms's key not enrolled" "$(grep -E '^not ok|vm/run' "$T/sb" | head -5)"
grep -q "^ok [0-9]* - nsima.ko is loaded (SHA-256 $sum)" "$T/sb" &&
	ok "under Secure Boot and lockdown the guest loaded the DKMS module (its SHA-256)" ||
	not_ok "the guest did not load the DKMS module ($sum)" "$(grep -E 'nsima.ko is loaded|^not ok' "$T/sb" | head -5)"
if grep -q '^1\.\.' "$T/sb" && ! grep -q '^not ok' "$T/sb"; then
	ok "... Secure Boot, lockdown, the key in the machine keyring, the programs attached, the boot chain in the aggregate, the skeleton replays to the TPM ($(grep -c '^ok' "$T/sb") checks)"
else
	not_ok "the Secure Boot run with the DKMS module" "$(grep -E '^not ok' "$T/sb" | head -5)" "$(tail -n 5 "$T/sb")"
fi

# ---- the 6.12 line: dkms builds the same source for it ----
# Debian's 6.12 headers hold the kernel's vmlinux and resolve_btfids, so
# Kbuild makes the BTF itself (dkms-make says so); the module's BTF and
# kfunc ids are the tree's 6.12 build's, and the VM boots it on 6.12.
K12=$(cat "$B/kernel-6.12/KVER" 2>/dev/null)
log12=/var/lib/dkms/nsima/$V/$K12/x86_64/log/make.log
if [ -n "$K12" ] && apt_need "linux-headers-$K12"; then
	ok "apt: linux-headers-$K12 installed"
else
	# (the headers' dkms hook builds nsima: its log says why that failed;
	# an archive past $K12 needs make all again)
	not_ok "apt could not install linux-headers-${K12:-(no $B/kernel-6.12/KVER: make all)}" \
		"$(tail -n 5 "$T/apt.log" 2>/dev/null)" \
		"$(tail -n 5 "$log12" 2>/dev/null)"
fi
# Installing the headers ran dkms's own hook (autoinstall: nsima is
# added) unless they were there already; then dkms install does it
installed12() { [[ $(dkms status "nsima/$V" -k "$K12" 2>/dev/null) == "nsima/$V, $K12, x86_64: installed"* ]]; }
if installed12; then
	ok "dkms built and installed nsima/$V for $K12 when its headers came (autoinstall)"
else
	expect "dkms install nsima/$V -k $K12" 0 dkms install "nsima/$V" -k "$K12"
fi
installed12 && ok "dkms status: nsima/$V installed for $K12 too" ||
	not_ok "dkms status: $(dkms status "nsima/$V" -k "$K12" 2>/dev/null)"
# 6.12's modules are xz-compressed: dkms signs, then compresses
KO12=$(ls "/lib/modules/$K12/updates/dkms/nsima.ko"* 2>/dev/null | head -n1)
case $KO12 in
*.xz) xz -dc "$KO12" >"$T/nsima-6.12.ko" ;;
?*) cp "$KO12" "$T/nsima-6.12.ko" ;;
esac
grep -q "nsima dkms-make: Kbuild gave .* its BTF" "$log12" 2>/dev/null &&
	ok "on 6.12 Kbuild made its BTF (the headers hold vmlinux and resolve_btfids)" ||
	not_ok "dkms-make on 6.12: no Kbuild BTF line" "$(tail -n 5 "$log12" 2>/dev/null)"
same_btf "$T/nsima-6.12.ko" "$B/kmod-6.12/nsima.ko" "$B/kernel-6.12/vmlinux"
expect "its signature verifies with /var/lib/dkms/mok.pub" 0 \
	kmod/sign --verify /var/lib/dkms/mok.pub "$T/nsima-6.12.ko"
# the guest names the module it loaded, then the skeleton scenario
sum12=$(sha256sum "$T/nsima-6.12.ko" | cut -c1-64)
printf '#!/bin/sh\n. /tests/e2e/lib/tap.sh\nis "the guest loaded the DKMS module" "$(sha256sum /nsima/nsima.ko | cut -c1-64)" %s\n. /tests/e2e/skeleton.sh\n' \
	"$sum12" >"$T/dkms12.sh"
printf '#!/bin/sh\nexec %s/tests/e2e/skeleton.host "$@"\n' "$PWD" >"$T/dkms12.host"
chmod +x "$T/dkms12.sh" "$T/dkms12.host"
B="$B" vm/run --tap --kernel 6.12 --ko "$T/nsima-6.12.ko" --out "$B/run/dkms-6.12" \
	"$T/dkms12.sh" >"$T/skel12" 2>&1
if grep -q '^1\.\.' "$T/skel12" && ! grep -q '^not ok' "$T/skel12" &&
	grep -q "^ok 1 - the guest loaded the DKMS module" "$T/skel12"; then
	ok "the 6.12 VM loads that very module (its SHA-256), the skeleton scenario passes ($(grep -c '^ok' "$T/skel12") checks, replay to the TPM)"
else
	not_ok "the 6.12 VM with the DKMS module" "$(grep -E '^not ok' "$T/skel12" | head -5)" "$(tail -n 5 "$T/skel12")"
fi

# ---- make dkms-remove ----
expect "make dkms-remove" 0 mk dkms-remove
[ ! -e "$KO" ] && ! ls "/lib/modules/$K12/updates/dkms/nsima.ko"* >/dev/null 2>&1 && [ ! -e "/var/lib/dkms/nsima" ] && [ ! -e "/usr/src/nsima-$V" ] &&
	ok "nothing left: no module, no /var/lib/dkms/nsima, no /usr/src/nsima-$V" ||
	not_ok "left behind: $(ls -d "$KO" /var/lib/dkms/nsima "/usr/src/nsima-$V" 2>/dev/null | tr '\n' ' ')"
echo "1..$n"
exit $failed
