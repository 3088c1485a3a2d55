#!/bin/sh
# vm-options: --no-tpm
# e2e (guest): no TPM device. The module keeps the same list in software
# (sha1 and sha256), says so in status, logs a zero aggregate, and
# attribution works as with a TPM. kmod_notpm.host replays the list and
# compares it with the checkpoint-free software values the guest cannot
# read from a TPM: it checks the list parses and verifies (digests match).
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
check "no TPM device in the guest" test ! -e /dev/tpm0
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed without a TPM"
is "status: tpm none" "$(sed -n 's/^tpm: //p' $SFS/status)" none
is "status: software banks" "$(sed -n 's/^banks: //p' $SFS/status)" "sha1 sha256"
A=$SFS/ascii_runtime_measurements
check "aggregate is all zero without a TPM" \
	grep -q "^11 [0-9a-f]\{40\} ima-ng sha256:0\{64\} nsima_aggregate\$" $A
unshare -m sh -c 'nsima-probe >/tmp/ns'
read -r ns </tmp/ns
ns=${ns#mnt:[}; ns=${ns%]}
check "namespace entries are still tagged" \
	grep -q " $ns:/usr/bin/nsima-probe\$" $A
is "no TPM errors" "$(sed -n 's/^tpm_errors: //p' $SFS/status)" 0
cp $SFS/binary_runtime_measurements /out/binary_runtime_measurements
tap_done
