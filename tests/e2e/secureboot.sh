#!/bin/sh
# vm-options: --secure-boot --no-setup --initrd-add "$B/tests/sb/sb.cpio.gz" --timeout 240
# e2e (guest): a node under UEFI Secure Boot. OVMF (Secure Boot on,
# Microsoft's keys enrolled) starts Debian's shim, which starts Debian's
# signed GRUB, which starts Debian's signed kernel (vm/run --secure-boot,
# vm/fetch-sb); the kernel locks itself down. Module signatures are then
# mandatory: the tree's nsima.ko (unsigned) and a copy signed by a key
# neither the firmware nor a MOK list knows (tests/e2e/e2e.mk, kmod/sign)
# are refused with the kernel's error, and nothing of nsima is loaded.
# (A module signed with an enrolled MOK loading, its programs attaching
# and the list replaying under Secure Boot: secureboot_mok.sh.)
. /tests/e2e/lib/tap.sh
dmesg >/tmp/dmesg
check "the kernel says Secure Boot is on" grep -q "secureboot: Secure boot enabled" /tmp/dmesg
check "... and locked itself down for it" \
	grep -q "Kernel is locked down from EFI Secure Boot" /tmp/dmesg
lock=$(cat /sys/kernel/security/lockdown)
check "/sys/kernel/security/lockdown: $lock (integrity)" \
	sh -c "echo '$lock' | grep -q '\[integrity\]'"
check "the firmware's db reached the kernel (Microsoft's UEFI CA, which signed shim)" \
	grep -q "integrity: Loaded X.509 cert 'Microsoft Corporation UEFI CA 2011" /tmp/dmesg
check "a module Debian signed loads meanwhile (sha512_generic, by vm/init)" \
	grep -q "^sha512_generic " /proc/modules
insmod /nsima/nsima.ko 2>/tmp/e1
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
check "nsima is not loaded" test ! -d /sys/module/nsima
check "no nsima securityfs" test ! -d /sys/kernel/security/nsima
tap_done
