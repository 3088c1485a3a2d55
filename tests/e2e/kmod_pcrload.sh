#!/bin/sh
# vm-options: --no-setup
# e2e (guest): PCR 11 is not zero when nsima.ko loads (as on UKI systems,
# where systemd-stub extended it). The module records the value
# (status pcr_at_load_*), its checkpoint starts there, and the list
# replayed from that checkpoint equals the TPM (kmod_pcrload.host).
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ -c /dev/tpm0 ] || bail "no TPM"
# TPM2_PCR_Extend(PCR 11, sha256 = 0x5a * 32), password session: raw bytes
cmd='\x80\x02\x00\x00\x00\x41\x00\x00\x01\x82\x00\x00\x00\x0b\x00\x00\x00\x09\x40\x00\x00\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x0b'
z=''
for _ in $(seq 32); do z="$z\\x5a"; done
exec 3<>/dev/tpm0
printf "$cmd$z" >&3
rsp=$(dd bs=64 count=1 <&3 2>/dev/null | od -An -tx1 | tr -d ' \n')
exec 3>&-
is "TPM2_PCR_Extend succeeded" "${rsp:12:8}" 00000000
read -r v </sys/class/tpm/tpm0/pcr-sha256/11
v=$(echo "$v" | tr 'A-F' 'a-f')
check "PCR 11 is not zero before nsima loads" test "$v" != "$ZERO64$ZERO64"
insmod /nsima/nsima.ko || bail "insmod nsima.ko failed"
/nsima/nsima-load --policy /nsima/default.policy || bail "nsima-load failed"
is "status: the PCR's value at load" \
	"$(sed -n 's/^pcr_at_load_sha256: //p' $SFS/status)" "$v"
is "checkpoint starts there" "$(sed -n 's/^sha256: //p' $SFS/checkpoint)" "$v"
unshare -m sh -c 'nsima-probe >/dev/null'
check "quiescent" quiesce
cp $SFS/checkpoint /out/checkpoint
save_snapshot
tap_done
