#!/bin/sh
# vm-options: --secure-boot --mok "$B/tests/sb/mok.der" --ko "$B/tests/sb/nsima-mok.ko" --initrd-add "$B/tests/sb/sb.cpio.gz" --timeout 240
# test-timeout: 600
# e2e (guest): nsima on a node under UEFI Secure Boot, its module signed
# with a Machine Owner Key enrolled the way an operator does it (here a
# test key; tests/integration/dkms.sh runs this with dkms's own key and
# the module dkms built). vm/run --mok first boots once for the guest to
# queue the key with `mokutil --import`, then into shim's MokManager,
# answered over the serial console (vm/mok-drive: Enroll MOK, Continue,
# Yes, the password, Reboot), then this boot: OVMF (Microsoft's keys) ->
# Debian's shim -> GRUB -> Debian's kernel (vm/fetch-sb), locked down,
# the key in its machine keyring.
# - Module signatures are mandatory: the tree's nsima.ko (unsigned) and a
#   copy signed by a key nobody enrolled (tests/e2e/e2e.mk, kmod/sign) are
#   refused with the kernel's error and reason.
# - vm/init loaded nsima.ko signed with the enrolled key and the BPF
#   programs; the boot's own measurements (the UEFI event log: shim, GRUB,
#   the kernel and its command line) are saved for secureboot_mok.host,
#   and the skeleton scenario runs and replays to the TPM there.
. /tests/e2e/lib/tap.sh
. /tests/e2e/lib/bootlog.sh
dmesg >/tmp/dmesg
check "the kernel says Secure Boot is on" grep -q "secureboot: Secure boot enabled" /tmp/dmesg
lock=$(cat /sys/kernel/security/lockdown)
check "/sys/kernel/security/lockdown: $lock (integrity)" \
	sh -c "echo '$lock' | grep -q '\[integrity\]'"
check "mokutil: the test key is enrolled ($(mokutil --test-key /mok/mok.der 2>&1))" \
	sh -c "mokutil --test-key /mok/mok.der 2>&1 | grep -q 'is already enrolled'"
cn=$(cat /mok/cn)
check "the kernel loaded it from shim's MOK list ('$cn')" \
	grep -q "integrity: Loaded X.509 cert '${cn:-(no CN given)}" /tmp/dmesg
check "the firmware's db reached the kernel (Microsoft's UEFI CA, which signed shim)" \
	grep -q "integrity: Loaded X.509 cert 'Microsoft Corporation UEFI CA 2011" /tmp/dmesg
check "a module Debian signed loads (sha512_generic, by vm/init)" \
	grep -q "^sha512_generic " /proc/modules
# (the signature is checked before anything else: that nsima is loaded
# already does not change the answer)
insmod /nsima/nsima-unsigned.ko 2>/tmp/e1
is "the tree's nsima.ko (unsigned): insmod fails with errno 129, EKEYREJECTED (busybox exits with it)" $? 129
check "... with the kernel's EKEYREJECTED: $(cat /tmp/e1)" \
	grep -q "Key was rejected by service" /tmp/e1
insmod /nsima/nsima-otherkey.ko 2>/tmp/e2
is "nsima.ko signed by a key nobody enrolled: insmod fails with EKEYREJECTED (129)" $? 129
check "... with the kernel's EKEYREJECTED: $(cat /tmp/e2)" \
	grep -q "Key was rejected by service" /tmp/e2
dmesg >/tmp/dmesg2
check "the kernel's reason for the unsigned one: unsigned module rejected" \
	grep -q "Lockdown: insmod: unsigned module loading is restricted\|Loading of unsigned module is rejected" /tmp/dmesg2
check "... and for the other: a key it does not have" \
	grep -q "Loading of module with unavailable key is rejected" /tmp/dmesg2
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko (signed with the MOK) / nsima-load failed under lockdown"
check "nsima.ko is loaded (SHA-256 $(sha256sum /nsima/nsima.ko | cut -c1-64))" test -d /sys/module/nsima
# taint O (out of tree) only: E would say its signature was not checked
is "nsima's taint: out of tree, signature verified (no E)" "$(cat /sys/module/nsima/taint)" O
check "no module loaded unsigned since boot (kernel taint flag E, 8192, clear)" \
	test $(( $(cat /proc/sys/kernel/tainted) & 8192 )) = 0
check "the BPF programs are attached and pinned" test -e /sys/fs/bpf/nsima/nsima_bprm_check
bootlog_save
. /tests/e2e/skeleton.sh
