#!/bin/sh
# vm-options: --tpm12
# e2e (guest): nsima.ko on a TPM 1.2 (one bank, sha1). The aggregate is
# SHA-256 over PCR 0-9 read at the bank's own size (20 bytes each, never
# 32 bytes from a 20-byte read), status names the bank, and the list
# replays to PCR 11 (kmod_tpm12.host).
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
A=$SFS/ascii_runtime_measurements
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
P=/sys/class/tpm/tpm0/pcrs
[ -r $P ] || P=/sys/class/tpm/tpm0/device/pcrs
[ -r $P ] || bail "no TPM 1.2 pcrs file"
is "status: one sha1 bank" "$(sed -n 's/^banks: //p' $SFS/status)" sha1
is "status: the aggregate reads the sha1 bank" \
	"$(sed -n 's/^aggregate_bank: //p' $SFS/status)" sha1
# PCR-00: 01 02 ... -> raw bytes of PCR 0..9, hashed
bin() {
	sed -n "s/^PCR-0\\([0-9]\\): //p" $P | head -n 10 | tr -d ' \n' |
		sed 's/\(..\)/\\x\1/g'
}
want=$(printf "$(bin)" | sha256sum | cut -d' ' -f1)
is "nsima_aggregate = SHA-256(PCR 0-9, 20 bytes each)" \
	"$(sed -n 's/^11 [0-9a-f]* ima-ng sha256:\([0-9a-f]*\) nsima_aggregate$/\1/p' $A)" "$want"
unshare -m sh -c 'nsima-probe >/dev/null'
check "quiescent" quiesce
cp $SFS/binary_runtime_measurements /out/binary_runtime_measurements
sed -n 's/^PCR-11: //p' $P | tr -d ' ' | tr 'A-F' 'a-f' >/out/pcr-sha1-11
is "no TPM errors" "$(sed -n 's/^tpm_errors: //p' $SFS/status)" 0
tap_done
