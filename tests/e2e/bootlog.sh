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
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
SFS=/sys/kernel/security/nsima
EL=/sys/kernel/security/tpm0/binary_bios_measurements
cp $EL /out/bios.bin
check "the firmware's event log is there ($EL, $(wc -c </out/bios.bin) bytes)" test -s /out/bios.bin
first=$(head -n 1 $SFS/ascii_runtime_measurements)
echo "$first" >/out/aggregate.txt
check "the list's first entry is nsima_aggregate" \
	test "$(echo "$first" | cut -d' ' -f5)" = nsima_aggregate
is "status: the aggregate is over the sha256 bank" \
	"$(sed -n 's/^aggregate_bank: //p' $SFS/status)" sha256
# the PCRs now (0-9 unchanged since the module loaded: nothing after the
# firmware extends them in this VM)
for i in 0 1 2 3 4 5 6 7 8 9; do
	read -r v </sys/class/tpm/tpm0/pcr-sha256/$i
	echo "$i $v"
done >/out/pcrs.txt
tap_done
