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
# Three more files of the host: entries enough for two trims.
for i in 1 2 3; do
	printf '#!/bin/sh\n# %s\n' $i >/tmp/x$i
	chmod +x /tmp/x$i
	/tmp/x$i
done
# Its ns_end comes within a scan period: wait for it, then count.
quiesce >/dev/null || bail "the namespace did not end"
cp $SFS/binary_runtime_measurements /out/full.bin
before=$(cat $SFS/count)
check "some entries to trim ($before)" test "$before" -gt 8

# Each refusal for its own reason (the errno's text in the shell's "write
# error"): not privileged EPERM, more than the list has ERANGE, not a
# count EINVAL; none of them trims anything.
fails_with "root of a user namespace cannot trim" "Operation not permitted" \
	unshare -U -r sh -c "echo 2 >$SFS/trim"
fails_with "trimming more entries than the list has is refused" \
	"Numerical result out of range" write_to $SFS/trim 999999
fails_with "a trim count that is not a number is refused" \
	"Invalid argument" write_to $SFS/trim 5x
fails_with "a negative trim count is refused" \
	"Invalid argument" write_to $SFS/trim -1
is "nothing trimmed by the refused writes" "$(cat $SFS/count)" "$before"
is "status: nothing trimmed yet" "$(sed -n 's/^trimmed: //p' $SFS/status)" 0

exec 3<$SFS/binary_runtime_measurements
dd bs=64 count=1 <&3 >/dev/null 2>&1
exec 4<$SFS/ascii_runtime_measurements
check "trim 5 entries" write_to $SFS/trim 5
# (what seq_file had buffered still comes; reading on to the end fails)
fails_with "a binary reader opened before the trim gets ESTALE" \
	"Stale file handle" cat <&3
fails_with "an ascii reader opened before the trim, not read yet, gets ESTALE" \
	"Stale file handle" cat <&4
exec 3<&- 4<&-
reads() { cat "$1" >/dev/null; }
check "a reader opened after the trim reads the list" \
	reads $SFS/binary_runtime_measurements
is "status: trimmed" "$(sed -n 's/^trimmed: //p' $SFS/status)" 5
is "checkpoint: entries" "$(sed -n 's/^entries: //p' $SFS/checkpoint)" 5
# "to I": every entry below whole-list index I (the agent's form).
check "trim to 5 again: already trimmed, no error" write_to $SFS/trim "to 5"
check "trim to 3: below what is trimmed, no error" write_to $SFS/trim "to 3"
is "... nothing more trimmed" "$(sed -n 's/^trimmed: //p' $SFS/status)" 5
fails_with "trim to an index beyond the list is refused" \
	"Numerical result out of range" write_to $SFS/trim "to 999999"
fails_with "trim to a non-number is refused" \
	"Invalid argument" write_to $SFS/trim "to 7x"
check "trim to 7" write_to $SFS/trim "to 7"
is "status: trimmed 7" "$(sed -n 's/^trimmed: //p' $SFS/status)" 7
is "checkpoint: entries 7" "$(sed -n 's/^entries: //p' $SFS/checkpoint)" 7
# The same commands again: the cache has them; new ones after the trim.
nsima-probe >/dev/null
check "quiescent (namespaces ended, nothing pending)" quiesce
cp $SFS/checkpoint /out/checkpoint
save_snapshot
echo "$before" >/out/before
tap_done
