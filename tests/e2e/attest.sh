#!/bin/sh
# e2e (guest): evidence from the guest's own TPM. Containers run, then
# nsima-attest quotes PCR 11 (sha1, sha256) with the host's fresh nonce
# through /dev/tpmrm0; the list is read after the quote, so it may run
# ahead of it. attest.host verifies the quote and replays the list until
# the quoted value, on the host.
. /tests/e2e/lib/tap.sh
SFS=/sys/kernel/security/nsima
[ "$NSIMA_SETUP_RC" = 0 ] || bail "insmod nsima.ko / nsima-load failed"
[ -c /dev/tpmrm0 ] || bail "no /dev/tpmrm0 in the guest"

unshare -m sh -c 'nsima-probe >/dev/null; ls / >/dev/null'
unshare -m sh -c 'nsima-probe >/dev/null'

# Tenant T, kept alive: its view is for it and for the host's root only.
unshare -m sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}
	nsima-probe >/dev/null; ls / >/dev/null; echo "${n%]}" >/tmp/T
	unshare -m sh -c "n=\$(readlink /proc/self/ns/mnt); n=\${n#mnt:[}
		echo \${n%]} >/tmp/U; cat '$SFS'/ns/\${n%]}/info >/tmp/U.info"
	while [ ! -e /tmp/T.done ]; do sleep 0.1; done' &
while [ ! -s /tmp/T ]; do sleep 0.1; done
T=$(cat /tmp/T)
V=$SFS/ns/$T
check "the host's root reads T's view" cat $V/count
err=$(unshare -Urm sh -c "cat $V/count 2>&1 >/dev/null; cat $V/ascii_runtime_measurements >/dev/null 2>&1 && echo readable")
case $err in
*"Permission denied"*) ok "another tenant (no CAP_SYS_ADMIN in the initial user ns) cannot open T's view" ;;
*) not_ok "another tenant cannot open T's view (got '$err')" ;;
esac
own=$(unshare -Urm sh -c 'n=$(readlink /proc/self/ns/mnt); n=${n#mnt:[}; n=${n%]}
	cat '$SFS'/ns/$n/count')
check "a tenant reads its own view ($own entries)" test "$own" -ge 1
is "info: T's parent is the host" "$(sed -n 's/^parent_nsid: //p' $V/info)" 0
check "info: T's cgroup id is recorded" \
	test "$(sed -n 's/^cgroup_id: //p' $V/info)" -gt 0
U=$(cat /tmp/U)
is "info: a namespace unshared inside T is linked to T" \
	"$(sed -n 's/^parent_nsid: //p' /tmp/U.info)" "$T"
is "... and to T's cgroup" "$(sed -n 's/^cgroup_id: //p' /tmp/U.info)" \
	"$(sed -n 's/^cgroup_id: //p' $V/info)"
n=$(cat $V/count)
is "info: T's state counts its entries" "$(sed -n 's/^state_count: //p' $V/info)" "$n"
echo "$T" >$SFS/ns_state
check "ns_state appended for T" \
	grep -q " $T:nsima-event:ns_state " $SFS/ascii_runtime_measurements
is "count: entries in the list now, the ns_state included" "$(cat $V/count)" $((n + 1))

# T's view, entry for entry: ns/T/ holds exactly the global list's entries
# of T (those after the ns_end of an earlier namespace that had T's id, if
# any), in list order, with the same names and digests; and so does
# nsima-attest show --ns T of the global list. attest.host compares the
# binary view's records too. T stays alive (its view with it): the rest
# settles first.
check "quiescent but for T" quiesce 1
W=/out/views
mkdir -p $W
cp $V/ascii_runtime_measurements $W/T.ascii
cp $V/binary_runtime_measurements $W/T.bin
cp $SFS/ascii_runtime_measurements $W/all.ascii
cp $SFS/binary_runtime_measurements $W/all.bin
read -r vcount <$V/count
# first: the line number (= index + 1, nothing trimmed) of T's last ns_end
first=$(grep -n " $T:nsima-event:ns_end " $W/all.ascii | tail -n1 | cut -d: -f1)
first=${first:-0}
tail -n +$((first + 1)) $W/all.ascii | grep " $T:" >/tmp/T.global
nt=$(wc -l </tmp/T.global)
# T: the execs of busybox and nsima-probe, the inner unshare's capability
# (default policy), the ns_state; unshare's own setup raises nothing
check "T's view is not empty ($nt entries of T in the global list)" test "$nt" -ge 4
is "T's count is its number of entries in the global list" "$vcount" "$nt"
is "T's ascii view has as many lines" "$(wc -l <$W/T.ascii)" "$nt"
check "T's ascii view is the global list's lines of T, in order" \
	cmp $W/T.ascii /tmp/T.global
# unindexed FILE: show's lines without their index (whole-list or view)
unindexed() { while read -r _i _rest; do echo "$_rest"; done <"$1"; }
nsima-attest show --log $W/all.bin --ns $T >/tmp/T.show ||
	not_ok "nsima-attest show --ns $T of the global list failed"
while read -r i rest; do
	[ "$i" -ge "$first" ] && echo "$rest"
done </tmp/T.show >/tmp/T.show.global
nsima-attest show --log $W/T.bin >/tmp/T.show.view ||
	not_ok "nsima-attest show of T's binary view failed"
is "show --ns $T of the global list: T's entries" "$(wc -l </tmp/T.show.global)" "$nt"
unindexed /tmp/T.show.view >/tmp/T.show.view.u
check "... the same as show of T's binary view (names, digests, order)" \
	cmp /tmp/T.show.global /tmp/T.show.view.u
echo "$T" >/out/T
mkdir -p /tmp/ak /out/quote
check "nsima-attest quote through the guest's TPM" \
	nsima-attest quote -T device:/dev/tpmrm0 --ak-dir /tmp/ak --ak-alg ecc \
		--nonce "$(cat /nonce)" -o /out/quote
: >/tmp/T.done
wait
# More executions after the quote: the list runs ahead of it.
unshare -m sh -c 'nsima-probe >/dev/null'
cp $SFS/binary_runtime_measurements /out/binary_runtime_measurements
check "evidence written" test -s /out/quote/evidence.json
tap_done
