#!/bin/sh
# e2e (guest): the list is bound to the boot's measurements. The
# firmware (SeaBIOS, with the swtpm TPM) measured the boot into PCRs 0-7
# and left its event log (with -kernel, QEMU loads the kernel itself:
# SeaBIOS measures the firmware's configuration, not the kernel; under
# shim and GRUB, PCRs 4, 8 and 9 take the boot chain) (/sys/kernel/security/tpm0/binary_bios_measurements); nsima.ko's
# first entry, nsima_aggregate, is SHA-256 over PCRs 0-9 of the sha256
# bank at load. The host side (bootlog.host) parses that event log with
# tpm2_eventlog and recomputes the aggregate from it alone.
. /tests/e2e/lib/tap.sh
. /tests/e2e/lib/bootlog.sh
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
bootlog_save
tap_done
