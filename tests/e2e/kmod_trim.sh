#!/bin/sh
# e2e (guest): trimming the kernel list. Only CAP_SYS_ADMIN in the initial
# user namespace may trim; after a trim the list continues where it was,
# the checkpoint holds the count and PCR values of the freed entries, a
# reader opened before the trim gets ESTALE, and (kmod_trim.host) the rest
# of the list replayed from the checkpoint equals the TPM's PCR 11.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"

unshare -m sh -c 'nsima-probe >/dev/null; ls / >/dev/null'
# Its ns_end comes within a scan period: wait for it, then count.
quiesce >/dev/null || bail "the namespace did not end"
cp $SFS/binary_runtime_measurements /out/full.bin
before=$(cat $SFS/count)
check "some entries to trim ($before)" test "$before" -gt 6

if unshare -U -r sh -c "echo 2 >$SFS/trim" 2>/dev/null; then
	not_ok "root of a user namespace could trim"
else
	ok "root of a user namespace cannot trim"
fi
is "nothing trimmed by the refused caller" "$(cat $SFS/count)" "$before"
if echo 999999 >$SFS/trim 2>/dev/null; then
	not_ok "trimming more entries than the list has was accepted"
else
	ok "trimming more entries than the list has is refused"
fi

exec 3<$SFS/binary_runtime_measurements
dd bs=64 count=1 <&3 >/dev/null 2>&1
check "trim 5 entries" sh -c "echo 5 >$SFS/trim"
# (what seq_file had buffered still comes; reading on to the end fails)
if cat <&3 >/dev/null 2>&1; then
	not_ok "a reader opened before the trim read on"
else
	ok "a reader opened before the trim gets an error (ESTALE)"
fi
exec 3<&-
is "status: trimmed" "$(sed -n 's/^trimmed: //p' $SFS/status)" 5
is "checkpoint: entries" "$(sed -n 's/^entries: //p' $SFS/checkpoint)" 5
# The same commands again: the cache has them; new ones after the trim.
nsima-probe >/dev/null
check "quiescent (namespaces ended, nothing pending)" quiesce
cp $SFS/checkpoint /out/checkpoint
save_snapshot
echo "$before" >/out/before
tap_done
