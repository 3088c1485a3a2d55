# bootlog_save (guest, after tap.sh): the firmware's event log, the list's
# first entry (nsima_aggregate) and PCRs 0-9 of the sha256 bank into /out
# for bootlog.host, with checks of what the guest can see itself.
bootlog_save() {
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
	# firmware extends them in this VM; 14: shim's MOK lists, under UEFI)
	for i in 0 1 2 3 4 5 6 7 8 9 14; do
		read -r v </sys/class/tpm/tpm0/pcr-sha256/$i
		echo "$i $v"
	done >/out/pcrs.txt
}
